"""Tests for quizapp.mathtext: LaTeX math → readable Unicode for the terminal."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from quizapp.mathtext import latex_to_unicode, render_math

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------
# latex_to_unicode: exact renderings of real deck formulas.
# ---------------------------------------------------------------------------

FORMULAS = [
    # Brief example.
    (
        r"q(x_t|x_0) = \mathcal{N}(\sqrt{\bar\alpha_t} x_0, (1-\bar\alpha_t)I)",
        "q(xₜ|x₀) = 𝒩(√ᾱₜ x₀, (1−ᾱₜ)I)",
    ),
    # Forward-process closed form.
    (
        r"q(x_t|x_0) = \mathcal{N}(x_t; \sqrt{\bar\alpha_t}x_0,"
        r" (1-\bar\alpha_t)\mathbf{I})",
        "q(xₜ|x₀) = 𝒩(xₜ; √ᾱₜ x₀, (1−ᾱₜ)𝐈)",
    ),
    # DDPM posterior mean.
    (
        r"\tilde\mu_t = \frac{\sqrt{\bar\alpha_{t-1}}\beta_t}{1-\bar\alpha_t}x_0"
        r" + \frac{\sqrt{\alpha_t}(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}x_t",
        "μ̃ₜ = ((√ᾱₜ₋₁ βₜ)/(1−ᾱₜ))x₀ + ((√αₜ (1−ᾱₜ₋₁))/(1−ᾱₜ))xₜ",
    ),
    # Classifier-free guidance.
    (
        r"\hat\epsilon = \epsilon_\theta(x_t,\varnothing)"
        r" + w(\epsilon_\theta(x_t,c)-\epsilon_\theta(x_t,\varnothing))",
        "ε̂ = ε_θ(x_t,∅) + w(ε_θ(x_t,c)−ε_θ(x_t,∅))",
    ),
    # Attention.
    (r"\mathrm{softmax}(QK^\top/\sqrt{d_k})V", "softmax(QKᵀ/√dₖ)V"),
    # InfoNCE.
    (
        r"\mathcal{L} = -\log \frac{\exp(q \cdot k_+ / \tau)}"
        r"{\sum_{i=0}^{K} \exp(q \cdot k_i / \tau)}",
        "ℒ = −log(exp(q·k_+/τ)/(∑_(i=0)^K exp(q·k_i/τ)))",
    ),
    # KV-cache size.
    (
        r"2 \cdot L \cdot h_{kv} \cdot d_h \cdot n \cdot b",
        "2 · L · hₖᵥ · dₕ · n · b",
    ),
    (r"\|x\|_2^2", "‖x‖₂²"),
    (r"\sigma(x) = \frac{1}{1+e^{-x}}", "σ(x) = 1/(1+e^(−x))"),
    (r"\frac{e^{z_i}}{\sum_j e^{z_j}}", "e^(z_i)/(∑_j e^(z_j))"),
    (r"\nabla_\theta \log p_\theta(x)", "∇_θ log p_θ(x)"),
    (r"p_\theta(x_{t-1}|x_t)", "p_θ(x_(t−1)|x_t)"),
    (r"D_{\mathrm{KL}}(q\|p)", "D_(KL)(q‖p)"),
    (
        r"\mathbb{E}_{q}\left[\log\frac{p(x)}{q(x)}\right]",
        "𝔼_q[log((p(x))/(q(x)))]",
    ),
    (r"\epsilon \sim \mathcal{N}(0, I)", "ε ∼ 𝒩(0, I)"),
    (r"x \in \mathbb{R}^{n \times d}", "x ∈ ℝ^(n×d)"),
    (r"\frac{\partial}{\partial x} f(x)", "(∂/∂x) f(x)"),
]


@pytest.mark.parametrize(("src", "expected"), FORMULAS)
def test_formulas(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


# ---------------------------------------------------------------------------
# Reading rules: what a reader could take for another formula.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        # a/b only when both parts are one token and no factor touches it
        (r"\frac{a}{b}", "a/b"),
        (r"x = \frac{a}{b} + c", "x = a/b + c"),
        (r"\frac{a+b}{c+d}", "(a+b)/(c+d)"),
        (r"\frac{1}{2\sigma}", "1/(2σ)"),
        (r"\frac{HW}{512^2}", "(HW)/512²"),
        (r"\frac{p(x)}{q(x)}", "(p(x))/(q(x))"),  # p(x) may be a product
        (r"\frac{\exp(x)}{Z}", "exp(x)/Z"),  # a named function's call is one token
        (r"\frac{\partial L}{\partial W}", "∂L/∂W"),
        (r"\frac{dx_t}{dt}", "dxₜ/dt"),
        (r"\frac{1}{\sqrt{1-\bar\alpha_t}}", "1/√(1−ᾱₜ)"),
        (r"\frac{\|x\|^2}{t^2}", "‖x‖²/t²"),
        (r"\log\frac{a}{b}", "log(a/b)"),
        (r"\log \frac{a}{b}", "log(a/b)"),
        (r"\frac{1}{N}\sum_i x_i", "(1/N)∑ᵢ xᵢ"),
        (r"\frac{1}{2}g(t)^2", "(1/2)g(t)²"),
        (r"\frac{\alpha}{r}BA", "(α/r)BA"),
        (r"2\frac{a}{b}", "2(a/b)"),
        (r"\sum_i \frac{a_i}{b}", "∑ᵢ (aᵢ/b)"),
        (r"\frac{1}{\sqrt{\alpha_t}}\left(x_t - y\right)", "(1/√αₜ)(xₜ − y)"),
        (r"\frac{a}{b}\frac{c}{d}", "(a/b)(c/d)"),
        (r"{\frac{a}{b}}c", "(a/b)c"),
        (r"\frac{a}{b}/c", "(a/b)/c"),
        (r"-\frac{1}{2}", "−1/2"),
        (r"\frac{a+b}{c}x", "((a+b)/c)x"),
        # a root shows its scope
        (r"\sqrt{\bar\alpha_t}", "√ᾱₜ"),
        (r"\sqrt{\alpha_t x_0}", "√(αₜ x₀)"),
        (r"\sqrt{1-\bar\alpha_t}", "√(1−ᾱₜ)"),
        (r"\sqrt{2\pi}", "√(2π)"),
        (r"\sqrt{0.012}", "√0.012"),
        (r"\sqrt{\bar\alpha_T}", "√ᾱ_T"),
        (r"\sqrt{\alpha_t}(1-\alpha_t)", "√αₜ (1−αₜ)"),
        # spacing
        (r"a = b,\quad c = d", "a = b,\u2003\u2003c = d"),
        (r"a,\qquad b", "a,\u2003\u2003\u2003\u2003b"),
        (r"a\,b", "a b"),
        (r"a\;b", "a b"),
        (r"a\:b", "a b"),
        (r"a\ b", "a b"),
        (r"a~b", "a b"),
        (r"a\!b", "ab"),
        (r"\frac{d\,\mathrm{SNR}}{dt}", "(d SNR)/dt"),
        (r"\nabla_x\log p(x)", "∇ₓ log p(x)"),
        (r"\nabla_x p", "∇ₓ p"),
        (r"\mathbb{E}_x f(x)", "𝔼ₓ f(x)"),
        (r"x\log x", "x log x"),
        (r"|\cos x|", "|cos x|"),
        (r"I\times I", "I × I"),
        (r"T\cdot D", "T · D"),
        (r"a-b", "a − b"),
        (r"a=b", "a = b"),
        (r"a\le b", "a ≤ b"),
        (r"a\approx b", "a ≈ b"),
        (r"x<0", "x < 0"),
        (r"-a", "−a"),
        (r"a=-b", "a = −b"),
        (r"f(-a)", "f(−a)"),
        (r"f(a-b)", "f(a−b)"),  # inside brackets, as written
        (r"f(a - b)", "f(a − b)"),
        (r"O(N\cdot M)", "O(N·M)"),
        (r"x_{t - 1}^{a + b}", "x_(t−1)^(a+b)"),
        (r"\lim_{x \to 0}", "lim_(x→0)"),
        (r"x\,.", "x."),
        # one script style per expression
        (r"\mu_r - \mu_g", "μ_r − μ_g"),
        (r"x_T + x_t", "x_T + x_t"),
        (r"x_t + x_{t-1}", "xₜ + xₜ₋₁"),
        (r"x_{t-1} + x_T", "x_(t−1) + x_T"),
        (r"\sigma_te^h", "σ_t e^h"),
        (r"x^* + y_T", "x* + y_T"),
        (r"f'(x) + x_t", "f′(x) + xₜ"),
        # glyphs terminal fonts lack are not used
        (r"\delta^\theta", "δ^θ"),
        (r"\beta_\gamma", "β_γ"),
        (r"q_\phi", "q_φ"),
        (r"x^{\beta}", "x^β"),
        (r"e^{-x}", "e^(−x)"),
        (r"\mathbb{R}^D", "ℝ^D"),
        (r"W^\top x_i", "Wᵀ xᵢ"),
        (r"x^{(i)}_j", "x⁽ⁱ⁾ⱼ"),
        (r"\sigma_{max}^2", "σₘₐₓ²"),
    ],
)
def test_reading_rules(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


def test_script_tables_use_only_glyphs_common_fonts_draw() -> None:
    from quizapp.mathtext.letterforms import SUBSCRIPTS, SUPERSCRIPTS

    allowed = set("¹²³ᵢᵣᵤᵥⱼᵀ") | {chr(c) for c in range(0x2070, 0x20A0)}
    assert set(SUPERSCRIPTS.values()) | set(SUBSCRIPTS.values()) <= allowed


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (r"\alpha\beta\gamma\delta\zeta\eta\theta\iota\kappa\lambda", "αβγδζηθικλ"),
        (r"\mu\nu\xi\pi\rho\sigma\tau\upsilon\phi\chi\psi\omega", "μνξπρστυφχψω"),
        (r"\Gamma\Delta\Theta\Lambda\Xi\Pi\Sigma\Phi\Psi\Omega", "ΓΔΘΛΞΠΣΦΨΩ"),
        (r"\epsilon\varepsilon", "εε"),
        (r"\vartheta\varphi\ell", "ϑφℓ"),
    ],
)
def test_greek(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (r"\bar{x}", "x̄"),
        (r"\bar x", "x̄"),
        (r"\overline{x}", "x̄"),
        (r"\bar\alpha", "ᾱ"),
        (r"\overline{ab}", "āb̄"),
        (r"\hat{x}", "x̂"),
        (r"\tilde\mu", "μ̃"),
        (r"\dot x", "ẋ"),
        (r"\ddot{y}", "ÿ"),
        (r"\vec{v}", "v⃗"),
        (r"\hat{\bar{x}}", "x̄̂"),
        (r"\vec\nabla", "∇⃗"),
    ],
)
def test_accents(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (r"x_t", "xₜ"),
        (r"x_{t-1}", "xₜ₋₁"),
        (r"x^2", "x²"),
        (r"e^{-x}", "e^(−x)"),
        (r"\bar\alpha_t", "ᾱₜ"),
        (r"\sigma^2", "σ²"),
        (r"10^{-3}", "10⁻³"),
        (r"x^{(i)}", "x⁽ⁱ⁾"),
        (r"a_{ij}", "aᵢⱼ"),
        (r"x_{t - 1}", "xₜ₋₁"),
        (r"x_t^2", "xₜ²"),
        (r"\beta_1, \gamma^2, \delta^\theta", "β_1, γ^2, δ^θ"),
        (r"W_{QK}", "W_(QK)"),
        (r"W_Q", "W_Q"),
        (r"\epsilon_\theta", "ε_θ"),
        (r"x_{\hat\theta}", "x_θ̂"),
        (r"a^{b}_{c}", "a^b_c"),
        (r"e^{-\frac{1}{2}x^2}", "e^(−(1/2)x^2)"),
        (r"W^\top", "Wᵀ"),
        (r"x^T", "xᵀ"),
        (r"x^{\prime}", "x′"),
        (r"f'(x)", "f′(x)"),
        (r"90^\circ", "90°"),
        (r"x^*", "x*"),
        (r"^2", "²"),
        (r"\frac{a}{b}^2", "(a/b)²"),
        (r"\mathcal{L}_{\text{VLB}}", "ℒ_(VLB)"),
    ],
)
def test_scripts(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (r"\sqrt{x}", "√x"),
        (r"\sqrt x", "√x"),
        (r"\sqrt{2}", "√2"),
        (r"\sqrt{10}", "√10"),
        (r"\sqrt{a+b}", "√(a+b)"),
        (r"\sqrt{\bar\alpha_t}", "√ᾱₜ"),
        (r"\sqrt[n]{x}", "ⁿ√x"),
        (r"\sqrt[3]{y}", "∛y"),
        (r"\sqrt[4]{y}", "∜y"),
        (r"\frac{a}{b}", "a/b"),
        (r"\frac12", "1/2"),
        (r"\frac{1}{\sqrt{\alpha_t}}", "1/√αₜ"),
        (r"\frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}", "(1−ᾱₜ₋₁)/(1−ᾱₜ)"),
        (r"\frac{-1}{2}", "−1/2"),
        (r"\frac{a}{b/c}", "a/(b/c)"),
        (r"\dfrac{a}{b} + \tfrac{1}{2}", "a/b + 1/2"),
        (r"\binom{n}{k}", "C(n,k)"),
        (r"\left( \frac{a}{b} \right)^2", "(a/b)²"),
    ],
)
def test_roots_and_fractions(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (r"\mathcal{N}", "𝒩"),
        (r"\mathcal{A}", "𝒜"),
        (r"\mathcal{BEFHILMR}", "ℬℰℱℋℐℒℳℛ"),
        (r"\mathbb{E}", "𝔼"),
        (r"\mathbb{R}", "ℝ"),
        (r"\mathbb{N}\mathbb{Z}", "ℕℤ"),
        (r"\mathbb{1}", "𝟙"),
        (r"\mathbf{x}", "𝐱"),
        (r"\boldsymbol{x}", "𝐱"),
        (r"\boldsymbol{\mu}", "𝛍"),
        (r"\mathrm{KL}", "KL"),
        (r"\text{if } x", "if x"),
        (r"x \text{ for all } y", "x for all y"),
        (r"\textrm{a-b}", "a-b"),
        (r"\mathit{ab}", "ab"),
        (r"\operatorname{diag}x", "diag x"),
        (r"\operatorname*{argmax}_\theta \log p", "argmax_θ log p"),
        (r"\mathrm{d}x", "dx"),
        (r"\text{R\&D}", "R&D"),
    ],
)
def test_fonts_and_text(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (
            r"a \cdot b \times c \div d \pm e \mp f",
            "a · b × c ÷ d ± e ∓ f",
        ),
        (
            r"a \le b \leq c \ge d \geq e \ne f \neq g",
            "a ≤ b ≤ c ≥ d ≥ e ≠ f ≠ g",
        ),
        (
            r"a\approx b\sim c\simeq d\propto e\equiv f",
            "a ≈ b ∼ c ≃ d ∝ e ≡ f",
        ),
        (
            r"a \in A \notin B \subset C \subseteq D \cup E \cap F",
            "a ∈ A ∉ B ⊂ C ⊆ D ∪ E ∩ F",
        ),
        (
            r"a \to b \rightarrow c \leftarrow d \Rightarrow e"
            r" \Leftrightarrow f \mapsto g",
            "a → b → c ← d ⇒ e ⇔ f ↦ g",
        ),
        (
            r"\infty, \partial, \nabla, \sum, \prod, \int, \oint",
            "∞, ∂, ∇, ∑, ∏, ∫, ∮",
        ),
        (
            r"\odot, \otimes, \oplus, \circ, \ast, \star",
            "⊙, ⊗, ⊕, ∘, ∗, ⋆",
        ),
        (r"\forall \exists \neg \land \lor", "∀ ∃ ¬ ∧ ∨"),
        (
            r"\langle x \rangle \lfloor y \rfloor \lceil z \rceil",
            "⟨x⟩ ⌊y⌋ ⌈z⌉",
        ),
        (r"\|v\| a \mid b", "‖v‖ a | b"),
        (r"p(x \mid y)", "p(x | y)"),
        (r"\dots \ldots \cdots", "… … …"),
        (r"\top \dagger \prime \emptyset \Delta", "⊤ † ′ ∅ Δ"),
        (r"a \not\in B", "a ∉ B"),
        (r"f\colon X\to Y", "f: X → Y"),
        (r"a - b", "a − b"),
        (r"f(\cdot)", "f(·)"),
        (r"\{x \mid x > 0\}", "{x | x > 0}"),
    ],
)
def test_operators_and_symbols(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (
            r"\log \exp \ln \sin \cos \tanh \max \min \arg \det \lim \sup \inf",
            "log exp ln sin cos tanh max min arg det lim sup inf",
        ),
        (r"\argmax_x f(x)", "argmaxₓ f(x)"),
        (r"\sin x \cos(y) \det A", "sin x cos(y) det A"),
        (r"\log p(x)", "log p(x)"),
        (r"\exp(x)", "exp(x)"),
        (r"\max_i x_i", "maxᵢ xᵢ"),
        (r"\sum_{i=1}^N x_i", "∑_(i=1)^N x_i"),
        (r"\sum_{i=1}^n x_i", "∑ᵢ₌₁ⁿ xᵢ"),
        (r"\lim_{x\to 0} f(x)", "lim_(x→0) f(x)"),
        (r"\mathrm{KL}(p\|q)", "KL(p‖q)"),
        (r"\operatorname{softmax}(z)", "softmax(z)"),
    ],
)
def test_named_functions(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (r"\left( x \right)", "(x)"),
        (r"\big( y \Big|", "(y |"),
        (r"\left. \frac{df}{dx} \right|_{x=0}", "(df/dx)|ₓ₌₀"),
        (r"\left\{ a \right\}", "{a}"),
        (r"\left\langle u, v \right\rangle", "⟨u, v⟩"),
        (r"a\,b\;c\:d\!e\quad f\qquad g\ h", "a b c de\u2003\u2003f\u2003\u2003\u2003\u2003g h"),
        (r"  a    +   b  ", "a + b"),
        (r"a \\ b", "a\nb"),
        (r"a &= b \\ &= c", "a = b\n= c"),
        (r"\begin{aligned} a &= b + c \\ &= d \end{aligned}", "a = b + c\n= d"),
        (
            r"f(x) = \begin{cases} 1 & \text{if } x > 0 \\"
            r" 0 & \text{otherwise} \end{cases}",
            "f(x) =\n1, if x > 0\n0, otherwise",
        ),
        (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "(a b; c d)"),
        (r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}", "[1 0; 0 1]"),
        (r"\begin{vmatrix} a & b \\ c & d \\ \end{vmatrix}", "|a b; c d|"),
        (r"\begin{array}{cc} a & b \end{array}", "a b"),
    ],
)
def test_delimiters_spacing_and_environments(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        (r"\foo{bar} \unknown", "foo bar unknown"),
        (r"\softmax(x)", "softmax(x)"),
        (r"{a{b", "ab"),
        (r"}}a{", "a"),
        ("x\\", "x"),
        ("x\\\\", "x"),
        (r"\frac", "/"),
        (r"\frac{a", "a/"),
        (r"\sqrt{}", "√"),
        (r"\sqrt[", "√"),
        (r"\begin{cases}", ""),
        (r"\end{x} y", "y"),
        (r"\left", ""),
        (r"\text{", ""),
        (r"\not", ""),
        (r"_", ""),
        (r"x^", "x"),
        (r"\bar{}", ""),
        ("", ""),
    ],
)
def test_malformed_input_is_readable(src: str, expected: str) -> None:
    assert latex_to_unicode(src) == expected


def test_deep_nesting_does_not_raise() -> None:
    src = "{" * 5000 + "x" + "}" * 5000
    assert "x" in latex_to_unicode(src)
    assert "x" in render_math("$" + src + "$")


FUZZ_PIECES = [
    "\\",
    "{",
    "}",
    "_",
    "^",
    "&",
    "$",
    "$$",
    "`",
    "\\\\",
    " ",
    "\n",
    "x",
    "2",
    "-",
    "[",
    "]",
    "(",
    ")",
    "|",
    "\\frac",
    "\\sqrt",
    "\\left",
    "\\right",
    "\\begin{cases}",
    "\\end{cases}",
    "\\begin{pmatrix}",
    "\\end{aligned}",
    "\\text{",
    "\\mathcal",
    "\\bar",
    "\\alpha",
    "\\foo",
    "\\not",
    "\\,",
    "\\operatorname*",
    "\\overset",
    "\\substack",
    "\\pmod",
    "\\$",
    "'",
    "~",
    "#",
    "*",
    "> ",
    "- ",
    "```",
    "噪",
]


def test_fuzzed_input_never_raises() -> None:
    rng = random.Random(20240601)
    for _ in range(3000):
        src = "".join(rng.choice(FUZZ_PIECES) for _ in range(rng.randint(0, 25)))
        assert isinstance(latex_to_unicode(src), str)
        assert isinstance(render_math(src), str)


# ---------------------------------------------------------------------------
# render_math: Markdown with math spans.
# ---------------------------------------------------------------------------


def test_render_inline_math() -> None:
    assert render_math(r"Noise $\epsilon_\theta$ here.") == r"Noise ε\_θ here."


def test_render_cjk_sentence() -> None:
    src = r"噪声 $\epsilon \sim \mathcal{N}(0, I)$ 的方差"
    assert render_math(src) == "噪声 ε ∼ 𝒩(0, I) 的方差"
    assert render_math(r"噪声$\epsilon$的") == "噪声ε的"


def test_render_mixed_markdown() -> None:
    src = (
        "It costs $5 and $10, or \\$20. Use `$x$` in code.\n"
        "Math $x_t$ and $W_{QK}$ and $a*b$:\n"
        "$$\n"
        "q(x_t|x_0) = \\mathcal{N}(x_t; \\sqrt{\\bar\\alpha_t}x_0,"
        " (1-\\bar\\alpha_t)\\mathbf{I})\n"
        "$$\n"
        "After the formula."
    )
    expected = (
        "It costs $5 and $10, or $20. Use `$x$` in code.\n"
        "Math xₜ and W\\_(QK) and a \\* b:\n"
        "\n"
        "q(xₜ\\|x₀) = 𝒩(xₜ; √ᾱₜ x₀, (1−ᾱₜ)𝐈)\n"
        "\n"
        "After the formula."
    )
    assert render_math(src) == expected


@pytest.mark.parametrize(
    "src",
    [
        "It costs $5 and $10.",
        "Between $5 and $10 today",
        "$ x$ and $x $ and $x$5",
        "unclosed $x and more",
        "unclosed $$x and more",
        "plain text without math",
        "`$a$` and ``$b$ ` c``",
    ],
)
def test_render_leaves_non_math_dollars(src: str) -> None:
    assert render_math(src) == src


def test_render_escaped_dollar() -> None:
    assert render_math(r"Price: \$3, math $x^2$.") == "Price: $3, math x².", "an escaped dollar is a literal dollar"


def test_render_fenced_code_untouched() -> None:
    src = "```python\nprice = '$x$'\n$$y$$\n```\nand $y$"
    assert render_math(src) == "```python\nprice = '$x$'\n$$y$$\n```\nand y"


def test_render_inline_triple_backticks_are_not_a_fence() -> None:
    assert render_math("```a$b$``` and $x$\n$y$") == "```a$b$``` and x\ny"


def test_render_crlf_line_endings() -> None:
    assert render_math("a\r\n$$x$$\r\nb") == "a\r\n\nx\n\nb"


def test_render_unclosed_fence_is_all_code() -> None:
    src = "~~~\n$x$\n"
    assert render_math(src) == src


def test_render_display_becomes_own_paragraph() -> None:
    assert render_math(r"Text $$a = b$$ more text") == "Text\n\na = b\n\nmore text"
    assert render_math("para\n\n$$x$$\n\nnext") == "para\n\nx\n\nnext"
    assert render_math("$$x^2$$") == "x²"


def test_render_display_multiline_uses_hard_breaks() -> None:
    src = r"$$\begin{aligned} a &= b \\ &= c \end{aligned}$$"
    assert render_math(src) == "a = b\\\n\\= c"


def test_render_display_inside_quote_and_list() -> None:
    assert render_math("> Quote:\n> $$x^2$$\n> more") == ("> Quote:\n>\n> x²\n>\n> more")
    src = r"- item $$\begin{aligned} a &= b \\ &= c\end{aligned}$$"
    assert render_math(src) == "- item\n\n  a = b\\\n  \\= c"


def test_render_escapes_markdown_specials() -> None:
    assert render_math(r"$a*b_c$") == r"a \* b\_c"
    assert render_math(r"$[a] < b > \#$") == r"\[a\] \< b \> \#"
    assert render_math(r"$|x|$") == r"\|x\|"
    assert render_math(r"$\backslash$") == "\\\\"


def test_render_inline_cases_stays_on_one_line() -> None:
    src = r"so $f(x)=\begin{cases} 1 & x>0 \\ 0 & \text{else}\end{cases}$ ok"
    assert render_math(src) == r"so f(x) = 1, x \> 0; 0, else ok"


# ---------------------------------------------------------------------------
# Start-up cost: standard library only.
# ---------------------------------------------------------------------------


def test_import_pulls_in_no_third_party_module() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import quizapp.mathtext\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "bad = sorted(m for m in new if m != 'quizapp'"
        " and m not in sys.stdlib_module_names)\n"
        "heavy = sorted(m for m in ('textual', 'sqlalchemy', 'yaml',"
        " 'pydantic', 'rich', 'markdown_it') if m in sys.modules)\n"
        "print(bad, heavy)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[] []"


def test_render_plain_math_uses_the_same_span_rules_without_markdown_escapes() -> None:
    from quizapp.mathtext import render_plain_math

    assert render_plain_math(r"mean scaled by $\sqrt{\bar\alpha_t}$") == "mean scaled by √ᾱₜ"
    assert render_plain_math(r"$x_t^*$ and $a_b$") == "xₜ* and a_b"  # no backslash escapes
    assert render_plain_math("costs $5 and $10") == "costs $5 and $10"  # money is not math
    assert render_plain_math(r"a \$ sign, $$\alpha$$") == "a $ sign, α"
