r"""Command names grouped by how they are rendered, and the environments laid out as text.

The dispatch table of :mod:`quizapp.mathtext.commands` is built from these groups, so a synonym
(``\dfrac`` for ``\frac``) is added here and nowhere else.
"""

from __future__ import annotations

from types import MappingProxyType

# Spacing commands: one space each, except the quads, which are wider (see commands._space).
SPACE_COMMANDS = frozenset(
    {
        ",",
        ";",
        ":",
        ">",
        " ",
        "quad",
        "qquad",
        "enspace",
        "thinspace",
        "medspace",
        "thickspace",
        "space",
        "enskip",
        "nobreakspace",
    }
)
# Commands that only change how TeX typesets: nothing to show.
NO_OP_COMMANDS = frozenset(
    {
        "!",
        "negthinspace",
        "negmedspace",
        "negthickspace",
        "displaystyle",
        "textstyle",
        "scriptstyle",
        "scriptscriptstyle",
        "limits",
        "nolimits",
        "displaylimits",
        "nonumber",
        "notag",
        "boxed",
        "cancel",
        "bcancel",
        "xcancel",
        "smash",
        "underbrace",
        "overbrace",
        "mathop",
        "mathbin",
        "mathrel",
        "mathord",
        "mathopen",
        "mathclose",
        "mathpunct",
        "strut",
        "mathstrut",
        "relax",
    }
)
# Delimiter sizes: the delimiter that follows is kept at text size.
DELIMITER_SIZERS = frozenset(
    {
        "left",
        "right",
        "middle",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "Biggl",
        "Biggr",
        "bigm",
        "Bigm",
        "biggm",
        "Biggm",
    }
)
# Commands whose argument is not shown (a label, a colour, invisible spacing).
DROP_ARGUMENT_COMMANDS = frozenset(
    {
        "label",
        "color",
        "phantom",
        "hphantom",
        "vphantom",
        "vspace",
        "textcolor",
        "colorbox",
    }
)

# Text mode inside math: the argument is shown as typed.
TEXT_COMMANDS = frozenset(
    {
        "text",
        "textrm",
        "textit",
        "textbf",
        "textsf",
        "texttt",
        "textnormal",
        "textup",
        "textmd",
        "mbox",
        "hbox",
        "emph",
    }
)
# Upright or italic letters: a terminal shows them as they are.
PLAIN_FONT_COMMANDS = frozenset(
    {
        "mathrm",
        "mathit",
        "mathsf",
        "mathtt",
        "mathnormal",
        "operatorname",
        "rm",
        "it",
    }
)

FRACTION_COMMANDS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
BINOMIAL_COMMANDS = frozenset({"binom", "dbinom", "tbinom"})

# Matrix environments and the brackets around their inline form.
MATRIX_DELIMITERS = MappingProxyType(
    {
        "matrix": ("", ""),
        "smallmatrix": ("", ""),
        "array": ("", ""),
        "pmatrix": ("(", ")"),
        "bmatrix": ("[", "]"),
        "Bmatrix": ("{", "}"),
        "vmatrix": ("|", "|"),
        "Vmatrix": ("‖", "‖"),
    }
)
# Environments shown one case a line.
CASES_ENVIRONMENTS = frozenset({"cases", "dcases", "rcases", "cases*"})
# Environments that open with a column spec to skip, such as {array}{cc}.
ENVIRONMENTS_WITH_SPEC = frozenset({"array", "tabular", "alignat", "alignat*"})
