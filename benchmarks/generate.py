"""Synthetic but realistic decks for benchmarks: question lengths like the bundled decks,
all three types, topic paths several levels deep, split into files of 1,000 questions.

Usage: python benchmarks/generate.py OUT_DIR --questions 10000
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = (  # noqa: SIM905
    "attention diffusion latent token gradient variance schedule noise embedding projector query key value "
    "cache kernel memory bandwidth patch resolution encoder decoder guidance sampler transformer layer norm "
    "scale shift gate modality alignment contrastive temperature batch loss objective frozen adapter"
).split()
TOPICS = ["diffusion/math", "diffusion/dit", "multimodal/fusion", "transformers/optimization", "video/generation"]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, words: int) -> str:
    parts, total = [], 0
    while total < words:
        n = rng.randint(8, 20)
        parts.append(sentence(rng, n))
        total += n
    return " ".join(parts) + " With $x_t = \\sqrt{\\bar\\alpha_t}x_0 + \\sqrt{1-\\bar\\alpha_t}\\epsilon$."


def question(rng: random.Random, index: int) -> str:
    topic = f"{rng.choice(TOPICS)}/t{rng.randint(0, 9)}/s{rng.randint(0, 4)}"
    kind = rng.choices(["open", "choice", "cloze"], weights=[70, 18, 12])[0]
    lines = [f"  - id: q{index}", f"    topic: {topic}", f"    level: {rng.randint(1, 5)}"]
    block = lambda key, text: [f"    {key}: |", *(f"      {line}" for line in text.splitlines())]  # noqa: E731
    if kind == "open":
        lines += block("prompt", paragraph(rng, rng.randint(20, 45)))
        lines += block("answer", paragraph(rng, rng.randint(150, 280)))
        lines += ["    key_points:", *(f"      - {sentence(rng, 6)}" for _ in range(rng.randint(3, 6)))]
    elif kind == "choice":
        lines += ["    type: choice", *block("prompt", paragraph(rng, rng.randint(15, 35)))]
        lines += ["    choices:", *(f"      - {sentence(rng, rng.randint(4, 12))}" for _ in range(4))]
        lines += [f"    correct: {rng.randint(0, 3)}", *block("explanation", paragraph(rng, 60))]
    else:
        lines += ["    type: cloze", "    text: |"]
        hidden_word, hidden_number = rng.choice(WORDS), rng.randint(2, 99)
        lines += [
            f"      {sentence(rng, 10)} {{{{c1::{hidden_word}}}}} {sentence(rng, 8)} {{{{c2::{hidden_number}}}}}."
        ]
    lines += ["    follow_ups:", f"      - {sentence(rng, 10)}"]
    lines += ["    references:", "      - Ho et al., Denoising Diffusion Probabilistic Models, arXiv:2006.11239"]
    return "\n".join(lines)


def write_decks(out: Path, questions: int, seed: int = 7, per_file: int = 1000) -> list[Path]:
    """Write `questions` questions into deck files under `out`; returns the files."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for start in range(0, questions, per_file):
        number = start // per_file
        body = "\n".join(question(rng, i) for i in range(start, min(questions, start + per_file)))
        path = out / f"synthetic-{number:03d}.yaml"
        path.write_text(f"format: 1\ndeck: synthetic-{number:03d}\ntitle: Synthetic {number}\nquestions:\n{body}\n")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--questions", type=int, default=10_000)
    options = parser.parse_args()
    files = write_decks(options.out, options.questions)
    print(f"{len(files)} files, {options.questions} questions in {options.out}")


if __name__ == "__main__":
    main()
