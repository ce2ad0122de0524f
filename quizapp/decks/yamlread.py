"""Plain, bounded YAML reading that remembers where every value came from.

PyYAML's composer is recursive (libyaml's C composer segfaults on deep nesting)
and expands aliases without limit, so documents are built here from the event
stream, iteratively, with bounds on size, depth and alias expansion. A line
folded between two East Asian characters joins them without a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quizapp.east_asian import is_wide
from quizapp.errors import DeckError, DeckProblem

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 10_000

Loc = tuple[str | int, ...]

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is 5-6x faster
_RESOLVER = yaml.resolver.Resolver()
# First characters of plain scalars that may resolve to something other than text (bool, int, null...):
# any other plain scalar is text without asking the resolver, which is most of a deck.
_MAYBE_TYPED = frozenset(_RESOLVER.yaml_implicit_resolvers) | {""}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
    "!",
}
# A space between two characters that may be East Asian wide: where a folded line break may have to vanish.
_WIDE_GAP = re.compile("[^\x00-\u10ff] [^\x00-\u10ff]")
# Private-use characters, one of which (absent from the scalar) marks where each line of a scalar starts.
_LINE_MARKS = "\ue000\ue001\ue002\ue003"
_BREAKS = "\r\n\x85\u2028\u2029"
_TEXT_FOLLOWS = f"(?=[^ \t{_BREAKS}])"  # the line is not blank (YAML's white space is space and tab)
# A line's indentation, which folding drops anyway, when text follows it.
_INDENTATION = re.compile(f"(?<=[{_BREAKS}])[ \t]*{_TEXT_FOLLOWS}")
# In a double-quoted scalar an odd run of backslashes escapes the line break: no fold there.
_ESCAPED_BREAK = re.compile(rf"(?<!\\)(?:\\\\)*\\(?:\r\n|[{_BREAKS}])")
_QUOTED_INDENTATION = re.compile(rf"(?<!\\)(?:\\\\)*(\\?)(?:\r\n|[{_BREAKS}])[ \t]*{_TEXT_FOLLOWS}")
_BLOCK_INDENT = re.compile(f"[{_BREAKS}]( *){_TEXT_FOLLOWS}")
_BLOCK_HEADER = re.compile(r"(?:[!&]\S*[ \t]+)*>[+-]?([1-9])")  # tag and anchor, then an explicit indentation
# Blocks that are East Asian Wide or Fullwidth throughout (UAX #11), where most of the text is: pairs of
# these join in one substitution, any other pair of possibly wide characters is asked of _is_wide.
_COMMON_WIDE = (
    "\u3000-\u302d\u3030-\u303e\u3041-\u3096\u3099-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff01-\uff60\uffe0-\uffe6\U00020000-\U0003fffd"
)


@dataclass(frozen=True)
class Position:
    """1-based line and column, as editors count."""

    line: int
    column: int


@dataclass
class YamlDocument:
    """A loaded document and where its values and mapping keys start (PyYAML marks), by location."""

    data: Any
    value_at: dict[Loc, Any] = field(default_factory=dict)
    key_at: dict[Loc, Any] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> Position:
        """Position of `loc`, or of its nearest ancestor when `loc` itself has none."""
        table = self.key_at if key else self.value_at
        while loc:
            if loc in table:
                return _pos(table[loc])
            if key:
                table = self.value_at
            loc = loc[:-1]
        return _pos(self.value_at[()]) if () in self.value_at else Position(1, 1)


class _Frame:
    """A container being filled, with the key waiting for its value."""

    __slots__ = ("container", "loc", "pending_key", "anchor")

    def __init__(self, container: list[Any] | dict[str, Any], loc: Loc, anchor: str | None) -> None:
        self.container = container
        self.loc = loc
        self.pending_key: str | None = None
        self.anchor = anchor


def _pos(mark: Any) -> Position:
    return Position(mark.line + 1, mark.column + 1)


def _fail(path: Path, position: Position, message: str) -> DeckError:
    return DeckError([DeckProblem(path, position.line, position.column, message)])


def _join_wide_folds(value: Any, event: Any, text: str, parent_indent: int) -> Any:
    """`value` of a folded scalar without the spaces that folding put between two East Asian characters.

    libyaml folds a single line break into a space (plain, quoted and `>` scalars) and does not
    say where it did, so the scalar's source is parsed again with a mark where the text of each of
    its lines starts: a space right before a mark came from a fold, a space anywhere else was written.
    Linear in the scalar's length; the value is kept as is whenever the marked parse disagrees.
    """
    if type(value) is not str or _WIDE_GAP.search(value) is None:
        return value
    raw = text[event.start_mark.index : event.end_mark.index]
    mark = next((m for m in _LINE_MARKS if m not in raw and m not in value), None)
    if mark is None:
        return value
    if event.style == ">":
        # Only lines at the content indentation fold; the marks must leave every line's indentation as it was.
        header = _BLOCK_HEADER.match(raw)
        if header is not None:
            indent = int(header[1])
            if parent_indent > 0:
                # An explicit indentation indicator counts from the parent's indentation, which a parse
                # of the scalar alone lacks: move the content left by as much.
                raw = re.sub(f"(?m)^ {{1,{parent_indent}}}", "", raw)
        else:
            first = _BLOCK_INDENT.search(raw)
            indent = len(first[1]) if first is not None else 0
        marked = re.sub(f"(?<=[{_BREAKS}]) {{{indent}}}{_TEXT_FOLLOWS}", " " * indent + mark, raw)
    elif event.style == '"' and _ESCAPED_BREAK.search(raw):
        marked = _QUOTED_INDENTATION.sub(lambda m: m[0] if m[1] else m[0] + mark, raw)
    else:
        marked = _INDENTATION.sub(mark, raw)
    try:
        scalars = [e for e in yaml.parse(marked, Loader=_LOADER) if type(e) is yaml.ScalarEvent]
    except yaml.YAMLError:
        return value
    if len(scalars) != 1 or scalars[0].value.replace(mark, "") != value:
        return value
    joined = re.sub(f" {mark}(?<=[{_COMMON_WIDE}] {mark})(?=[{_COMMON_WIDE}])", "", scalars[0].value)
    maybe_wide = f" {mark}(?<=([^\\x00-\\u10ff]) {mark})(?=([^\\x00-\\u10ff]))"
    joined = re.sub(maybe_wide, lambda m: "" if is_wide(m[1]) and is_wide(m[2]) else m[0], joined)
    return joined.replace(mark, "")


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 text of a deck file, or an error at the first bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(path, Position(1, 1), f"file is {len(raw):,} bytes; decks are limited to {MAX_FILE_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise _fail(
            path, Position(line, column), f"not UTF-8 text (byte 0x{raw[e.start]:02x}); save the file as UTF-8"
        ) from e
    return text.removeprefix("\ufeff")


def _scalar(event: Any, path: Path) -> Any:
    tag = event.tag
    if tag is None and (not event.implicit[0] or event.value[:1] not in _MAYBE_TYPED):
        return event.value  # quoted, block, or plain text that cannot be a number or a bool
    if tag is None or tag == "!":
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit) if tag is None else _STR
    if tag == _STR:
        return event.value
    if tag not in _PLAIN_TAGS:
        if tag == "tag:yaml.org,2002:timestamp":
            return event.value  # dates stay text: no deck field is a date
        raise _fail(path, _pos(event.start_mark), f"tag {tag!r} is not allowed: decks are plain YAML")
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
    try:
        return _CONSTRUCTOR.construct_object(node)
    except (yaml.YAMLError, ValueError) as e:
        raise _fail(path, _pos(event.start_mark), f"bad {tag.rsplit(':', 1)[-1]} value {event.value!r}") from e


def _size(value: Any) -> int:
    """Number of nodes under a value, counted iteratively (aliases may share subtrees)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        count += 1
        if count > MAX_ALIAS_NODES:
            break
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def read_yaml(text: str, path: Path) -> YamlDocument:
    """Load one plain YAML document with positions.

    Raises:
        DeckError: on a syntax error, a non-plain tag, a duplicate key, too deep
            nesting, too much alias expansion, or more than one document.
    """
    doc = YamlDocument(data=None)
    value_at, key_at = doc.value_at, doc.key_at
    stack: list[_Frame] = []
    anchors: dict[str, Any] = {}
    expanded = 0
    documents = 0
    root_set = False

    def attach(value: Any, mark: Any) -> None:
        """Put a finished value into its parent (or make it the key its parent waits a value for)."""
        nonlocal root_set
        if not stack:
            doc.data, root_set = value, True
            value_at[()] = mark
            return
        frame = stack[-1]
        container: Any = frame.container
        if type(container) is list:
            value_at[(*frame.loc, len(container))] = mark
            container.append(value)
        elif frame.pending_key is None:
            if isinstance(value, (dict, list)):
                raise _fail(path, _pos(mark), "mapping keys must be plain scalars")
            key = "" if value is None else str(value)
            if key in container:
                raise _fail(path, _pos(mark), f"duplicate key {key!r}")
            frame.pending_key = key
            key_at[(*frame.loc, key)] = mark
        else:
            value_at[(*frame.loc, frame.pending_key)] = mark
            container[frame.pending_key] = value
            frame.pending_key = None

    try:
        for event in yaml.parse(text, Loader=_LOADER):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                top = stack[-1] if stack else None
                if top is not None and type(top.container) is dict:
                    # Inlined attach() for the most frequent event: a key, or a scalar value in a mapping.
                    mapping: dict[str, Any] = top.container
                    if top.pending_key is None:
                        if event.tag not in (None, "!", _STR):
                            _scalar(event, path)  # refuses a non-plain tag on a key
                        key = event.value  # keys are names as written: `on:` is not True
                        if key in mapping:
                            raise _fail(path, _pos(event.start_mark), f"duplicate key {key!r}")
                        top.pending_key = key
                        key_at[(*top.loc, key)] = event.start_mark
                        value = key
                    else:
                        value = _scalar(event, path)
                        if event.end_mark.line != event.start_mark.line and event.style != "|":
                            value = _join_wide_folds(value, event, text, value_at[top.loc].column)
                        value_at[(*top.loc, top.pending_key)] = event.start_mark
                        mapping[top.pending_key] = value
                        top.pending_key = None
                else:
                    value = _scalar(event, path)
                    if event.end_mark.line != event.start_mark.line and event.style != "|":
                        parent_indent = value_at[top.loc].column if top is not None else -1
                        value = _join_wide_folds(value, event, text, parent_indent)
                    attach(value, event.start_mark)
                if event.anchor:
                    anchors[event.anchor] = value
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in (None, "!") and event.tag not in _PLAIN_TAGS:
                    raise _fail(path, _pos(event.start_mark), f"tag {event.tag!r} is not allowed: decks are plain YAML")
                if len(stack) >= MAX_DEPTH:
                    raise _fail(path, _pos(event.start_mark), f"nesting deeper than {MAX_DEPTH} levels")
                loc: Loc = ()
                if stack:
                    top = stack[-1]
                    if type(top.container) is list:
                        loc = (*top.loc, len(top.container))
                    elif top.pending_key is None:
                        raise _fail(path, _pos(event.start_mark), "mapping keys must be plain scalars")
                    else:
                        loc = (*top.loc, top.pending_key)
                value_at[loc] = event.start_mark
                stack.append(_Frame({} if kind is yaml.MappingStartEvent else [], loc, event.anchor))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor:
                    anchors[frame.anchor] = frame.container
                attach(frame.container, value_at[frame.loc])
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise _fail(path, _pos(event.start_mark), f"alias *{event.anchor} has no anchor before it")
                value = anchors[event.anchor]
                expanded += _size(value)
                if expanded > MAX_ALIAS_NODES:
                    raise _fail(path, _pos(event.start_mark), f"aliases expand to more than {MAX_ALIAS_NODES:,} values")
                attach(value, event.start_mark)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _fail(path, _pos(event.start_mark), "only one YAML document per deck file (found '---')")
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = _pos(mark) if mark is not None else Position(1, 1)
        what = " ".join(part for part in (e.context, e.problem) if part)
        if e.context_mark is not None and e.problem_mark is not None and e.context_mark.line != e.problem_mark.line:
            start = _pos(e.context_mark)
            what += f" (the construct starts at line {start.line}, column {start.column})"
        raise _fail(path, where, f"YAML syntax error: {what}") from e
    except yaml.reader.ReaderError as e:
        before = text[: e.position]
        where = Position(before.count("\n") + 1, e.position - (before.rfind("\n") + 1) + 1)
        char = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "?")
        raise _fail(path, where, f"character U+{char:04X} is not allowed in YAML (control character?)") from e
    except yaml.YAMLError as e:
        raise _fail(path, Position(1, 1), f"YAML error: {e}") from e
    if not root_set or doc.data is None:
        raise _fail(path, Position(1, 1), "the file is empty: expected a mapping with format, deck and questions")
    return doc
