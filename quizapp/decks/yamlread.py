"""Plain, bounded YAML reading that remembers where every value came from.

PyYAML's composer is recursive (libyaml's C composer segfaults on deep nesting)
and expands aliases without limit, so documents are built here from the event
stream, iteratively, with bounds on size, depth and alias expansion. A line
folded between two East Asian characters joins them without a space
(`quizapp.decks.east_asian_folds`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AnyStr

import yaml

from quizapp.decks.east_asian_folds import join_wide_folds
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
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Line breaks as YAML counts them in its marks (a CR LF pair is one).
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# The key of a line, if any, and the first character of its value (or of the line).
_LINE_START = re.compile(r"[ \t]*(?:-[ \t]+)*(?:([^\s#'\"{\[][^:#]*?):[ \t]+)?(\S)?")
_QUOTED_ONLY = "{[*&!%@`"  # plain text cannot start with these: they begin YAML's other constructs
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


@dataclass(frozen=True)
class Position:
    """1-based line and column, as editors count."""

    line: int
    column: int


@dataclass
class YamlDocument:
    """A loaded document, its source text, and where its values and mapping keys start (PyYAML marks), by location."""

    data: Any
    value_at: dict[Loc, Any] = field(default_factory=dict)
    key_at: dict[Loc, Any] = field(default_factory=dict)
    text: str = ""
    _scalar_ends: dict[int, int] | None = field(default=None, init=False, repr=False, compare=False)

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

    def line_at(self, loc: Loc) -> str:
        """The line of the file on which the value at `loc` starts ("" if unknown)."""
        mark = self.value_at.get(loc)
        if mark is None or not self.text:
            return ""
        start = mark.index - mark.column
        end = self.text.find("\n", start)
        return self.text[start : len(self.text) if end == -1 else end]

    def places_in_text(self, loc: Loc, value: str, offsets: Sequence[int]) -> list[Position | None]:
        """Where characters of the text `value` at `loc` are in the file, by their offsets in `value`.

        The n-th '{' (say) of the value is the n-th '{' of the scalar as written when both hold as many:
        every scalar style keeps such a character as written (folding changes only line breaks and
        spaces), unless an escape such as "\\x7b" makes one; then that character is not placed (None).
        Linear in the length of the scalar, however many offsets.
        """
        places: list[Position | None] = [None] * len(offsets)
        if not offsets:
            return places  # nothing to place: the text is not parsed again for its scalars' ends
        mark = self.value_at.get(loc)
        end = None if mark is None else self._scalar_end(mark.index)
        if mark is None or end is None:
            return places  # an alias, or a document without its text
        by_character: dict[str, list[int]] = {}
        for k in sorted(range(len(offsets)), key=offsets.__getitem__):
            by_character.setdefault(value[offsets[k]], []).append(k)
        found: list[tuple[int, int]] = []  # (index in the file's text, k)
        for character, ks in by_character.items():
            if value.count(character) != self.text.count(character, mark.index, end):
                continue
            rank, counted_to, seen, source = 0, 0, 0, mark.index - 1
            for k in ks:  # by ascending offset: the value and the text are each read once
                rank += value.count(character, counted_to, offsets[k])  # this is the rank-th such character
                counted_to = offsets[k]
                while seen <= rank:
                    source = self.text.find(character, source + 1, end)
                    seen += 1
                found.append((source, k))
        found.sort()
        line, line_start = mark.line, mark.index - mark.column
        breaks = _LINE_BREAK.finditer(self.text, mark.index, found[-1][0] if found else mark.index)
        next_break = next(breaks, None)
        for index, k in found:
            while next_break is not None and next_break.end() <= index:
                line, line_start = line + 1, next_break.end()
                next_break = next(breaks, None)
            places[k] = Position(line + 1, index - line_start + 1)
        return places

    def _scalar_end(self, start: int) -> int | None:
        """Where the scalar that starts at `start` ends in the text; parsed again, once, only when asked."""
        if self._scalar_ends is None:
            events = yaml.parse(self.text, Loader=_LOADER) if self.text else ()
            self._scalar_ends = {e.start_mark.index: e.end_mark.index for e in events if type(e) is yaml.ScalarEvent}
        return self._scalar_ends.get(start)


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


def _position_at(data: AnyStr, offset: int, newline: AnyStr) -> Position:
    """Line and column of `offset` in `data`, counted in the units of `data` (bytes or characters)."""
    before = data[:offset]
    return Position(before.count(newline) + 1, offset - before.rfind(newline))


def _fail(path: Path, position: Position, message: str) -> DeckError:
    return DeckError([DeckProblem(path, position.line, position.column, message)])


def _tag_refused(tag: str, mark: Any, path: Path) -> DeckError:
    hint = "; text that starts with ! must be in quotes" if tag.startswith("!") else ""
    return _fail(path, _pos(mark), f"tag {tag!r} is not allowed: decks are plain YAML{hint}")


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 text of a deck file, or an error at the first bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(path, Position(1, 1), f"file is {len(raw):,} bytes; decks are limited to {MAX_FILE_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        where = _position_at(raw, e.start, b"\n")
        raise _fail(path, where, f"not UTF-8 text (byte 0x{raw[e.start]:02x}); save the file as UTF-8") from e
    return text.removeprefix("\ufeff")


def _scalar_value(event: Any, path: Path) -> Any:
    """What a scalar stands for in plain YAML: text, unless its tag (written or resolved) says otherwise."""
    tag = event.tag
    if tag is None and (not event.implicit[0] or event.value[:1] not in _MAYBE_TYPED):
        return event.value  # quoted, block, or plain text that cannot be a number or a bool
    if tag is None or tag == "!":
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit) if tag is None else _STR
    if tag in (_STR, _TIMESTAMP):
        return event.value  # dates stay text: no deck field is a date
    if tag not in _PLAIN_TAGS:
        raise _tag_refused(tag, event.start_mark, path)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
    try:
        return _CONSTRUCTOR.construct_object(node)
    except (yaml.YAMLError, ValueError, KeyError) as e:  # KeyError: `!!bool maybe`
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


class _DocumentBuilder:
    """A document being built from parser events: the collections still open, the anchors, the bounds spent.

    Every value is put in place when it starts, a collection before its contents, so that its location is
    known once and its contents go under it.
    """

    __slots__ = ("text", "path", "doc", "value_at", "key_at", "stack", "anchors", "expanded", "documents")

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path
        self.doc = YamlDocument(data=None, text=text)
        self.value_at = self.doc.value_at
        self.key_at = self.doc.key_at
        self.stack: list[_Frame] = []
        self.anchors: dict[str, Any] = {}
        self.expanded = 0  # values that aliases have expanded to so far
        self.documents = 0

    def build(self) -> YamlDocument:
        """The document, once every event of the text has been handled."""
        for event in yaml.parse(self.text, Loader=_LOADER):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self.add_scalar(event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self.open_collection(event)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.close_collection()
            elif kind is yaml.AliasEvent:
                self.add_alias(event)
            elif kind is yaml.DocumentStartEvent:
                self.start_document(event)
        if self.doc.data is None:
            raise _fail(
                self.path, Position(1, 1), "the file is empty: expected a mapping with format, deck and questions"
            )
        return self.doc

    def add_scalar(self, event: Any) -> None:
        """A key as written, or a value as plain YAML reads it with folds between East Asian characters joined."""
        stack = self.stack
        top = stack[-1] if stack else None
        if top is not None and top.pending_key is None and type(top.container) is dict:
            if event.tag not in (None, "!", _STR):
                _scalar_value(event, self.path)  # refuses a non-plain tag on a key
            value = event.value  # keys are names as written: `on:` is not True
            self.add_key(top, value, event.start_mark)
        else:
            value = _scalar_value(event, self.path)
            if event.end_mark.line != event.start_mark.line and event.style != "|":  # line breaks may be folds
                parent_indent = self.value_at[top.loc].column if top is not None else -1
                value = join_wide_folds(value, event, self.text, parent_indent, _LOADER)
            self.attach(value, event.start_mark)
        if event.anchor:
            self.anchors[event.anchor] = value

    def open_collection(self, event: Any) -> None:
        """A mapping or a sequence, put in place empty and filled by the events up to its end."""
        if event.tag is not None and event.tag not in _PLAIN_TAGS:
            raise _tag_refused(event.tag, event.start_mark, self.path)
        if len(self.stack) >= MAX_DEPTH:
            raise _fail(self.path, _pos(event.start_mark), f"nesting deeper than {MAX_DEPTH} levels")
        container: list[Any] | dict[str, Any] = {} if type(event) is yaml.MappingStartEvent else []
        self.stack.append(_Frame(container, self.attach(container, event.start_mark), event.anchor))

    def close_collection(self) -> None:
        """A collection is complete: only now may an alias name it, so no value contains itself."""
        frame = self.stack.pop()
        if frame.anchor:
            self.anchors[frame.anchor] = frame.container

    def add_alias(self, event: Any) -> None:
        """The anchored value once more, as long as aliases expand to at most MAX_ALIAS_NODES values in all."""
        if event.anchor not in self.anchors:
            message = f"alias *{event.anchor} has no anchor before it; text that starts with * must be in quotes"
            raise _fail(self.path, _pos(event.start_mark), message)
        value = self.anchors[event.anchor]
        self.expanded += _size(value)
        if self.expanded > MAX_ALIAS_NODES:
            raise _fail(self.path, _pos(event.start_mark), f"aliases expand to more than {MAX_ALIAS_NODES:,} values")
        self.attach(value, event.start_mark)

    def start_document(self, event: Any) -> None:
        """A deck file holds one document: a second one is refused where it starts."""
        self.documents += 1
        if self.documents > 1:
            raise _fail(self.path, _pos(event.start_mark), "only one YAML document per deck file (found '---')")

    def attach(self, value: Any, mark: Any) -> Loc:
        """Put `value`, which starts at `mark`, where the parser is: the root, the next item, a key, or its value.

        Returns:
            The location of the value (of the key, for a key).
        """
        stack = self.stack
        if not stack:
            self.doc.data = value
            loc: Loc = ()
        else:
            frame = stack[-1]
            container: Any = frame.container
            if type(container) is list:
                loc = (*frame.loc, len(container))
                container.append(value)
            elif frame.pending_key is None:  # a collection or an alias where a key is due
                if isinstance(value, (dict, list)):
                    raise _fail(self.path, _pos(mark), "mapping keys must be plain scalars")
                return self.add_key(frame, "" if value is None else str(value), mark)
            else:
                loc = (*frame.loc, frame.pending_key)
                container[frame.pending_key] = value
                frame.pending_key = None
        self.value_at[loc] = mark
        return loc

    def add_key(self, frame: _Frame, key: str, mark: Any) -> Loc:
        """Make `key` the key `frame` waits a value for, unless the mapping has it already."""
        if key in frame.container:
            raise _fail(self.path, _pos(mark), f"duplicate key {key!r}")
        frame.pending_key = key
        loc = (*frame.loc, key)
        self.key_at[loc] = mark
        return loc


def _syntax_error(e: yaml.MarkedYAMLError, text: str, path: Path) -> DeckError:
    """The parser's words at the problem, where the construct it is in starts when that is another line, and the
    likely cause."""
    mark = e.problem_mark or e.context_mark
    where = _pos(mark) if mark is not None else Position(1, 1)
    what = " ".join(part for part in (e.context, e.problem) if part)
    if e.context_mark is not None and e.problem_mark is not None and e.context_mark.line != e.problem_mark.line:
        start = _pos(e.context_mark)
        what += f" (the construct starts at line {start.line}, column {start.column})"
    hint = _syntax_hint(e, text)
    return _fail(path, where, f"YAML syntax error: {what}" + (f"; {hint}" if hint else ""))


def _syntax_hint(e: yaml.MarkedYAMLError, text: str) -> str:
    """What most often causes a syntax error, read from the line the parser stopped on ("" if none fits).

    The two parsers word their errors differently, so the line is what is read, not the words.
    """
    mark = e.problem_mark
    if mark is None:
        return ""
    start = text.rfind("\n", 0, mark.index) + 1
    end = text.find("\n", mark.index)
    line = text[start : len(text) if end == -1 else end]
    if "\t" in line[: len(line) - len(line.lstrip(" \t"))] or text[mark.index : mark.index + 1] == "\t":
        return "YAML indents with spaces, not tabs"
    head = _LINE_START.match(line)  # always matches: every part of it is optional
    key, first, column = (head.group(1), head.group(2), mark.index - start) if head else (None, None, 0)
    quoted = f'{key}: "..."' if key else '"..."'
    if first is not None and first in _QUOTED_ONLY:
        return f"text that starts with {first} must be in quotes: {quoted}"
    if first is not None and first in "'\"" and "end of stream" not in (e.problem or ""):
        return f"text in quotes ends at the closing quote: put the whole text in quotes, {quoted}"
    if head and key and line[column : column + 1] == ":" and head.end(1) < column:  # a second colon on a key's line
        return f"quote the text: {quoted} (unquoted, ': ' starts a mapping and ' #' a comment)"
    if "block" in (e.context or "") or "mapping values" in (e.problem or ""):
        return "check the indentation: the keys of one mapping, and the '- ' of one list, start in the same column"
    return ""


def _character_error(e: yaml.reader.ReaderError, text: str, path: Path) -> DeckError:
    """A character YAML does not allow, at the line and column of the offset the reader gives."""
    char = e.character if isinstance(e.character, int) else ord(str(e.character)[:1] or "?")
    offset = e.position
    if _LOADER is not yaml.SafeLoader:  # libyaml counts the offset in bytes of UTF-8
        offset = len(text.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
    where = _position_at(text, offset, "\n")
    return _fail(path, where, f"character U+{char:04X} is not allowed in YAML (control character?)")


def read_yaml(text: str, path: Path) -> YamlDocument:
    """Load one plain YAML document with positions.

    Raises:
        DeckError: on a syntax error, a non-plain tag, a duplicate key, too deep
            nesting, too much alias expansion, or more than one document.
    """
    try:
        return _DocumentBuilder(text, path).build()
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text, path) from e
    except yaml.reader.ReaderError as e:
        raise _character_error(e, text, path) from e
    except yaml.YAMLError as e:
        raise _fail(path, Position(1, 1), f"YAML error: {e}") from e
