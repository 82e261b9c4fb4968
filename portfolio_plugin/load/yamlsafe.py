"""A strict YAML reader that keeps the position of every value.

YAML is not trusted. This reads libyaml's event stream in one pass and builds plain values
itself, so that it can refuse what the contract refuses (anchors and aliases, duplicate keys,
tabs as indentation, explicit tags, deep nesting) as soon as it is seen, never expanding an
alias bomb, and so that scalars resolve as YAML 1.2 does: `yes`, `no`, `on` and `off` are text,
dates are text (the validator checks them), only `true` and `false` are booleans.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

# libyaml is much faster; the pure-Python parser gives the same events. Only the parser
# is used: nothing is constructed by PyYAML, so no tag can run code.
_Parser: Any = yaml.BaseLoader
if yaml.__with_libyaml__:  # (its parser alone, not a loader: nothing else is made for a file)
    from yaml._yaml import CParser as _Parser

PathKey = tuple[str | int, ...]

MAX_DEPTH = 32
# Keys and values of one document: a page of 6,000 stories holds about 50,000.
MAX_NODES = 100_000
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_ALLOWED_TAGS = {None, "!", "tag:yaml.org,2002:str"}
# No bound of the contract comes near a number of this many digits; turning thousands of
# digits into an int is slow (CPython refuses past 4,300 digits for that reason).
MAX_DIGITS = 100


class BigNumber(str):
    """An unquoted number the reader does not turn into one: an integer of more than
    `MAX_DIGITS` digits, or a float beyond the largest a float holds (`1e400`). It stays the
    text it was written as: where text is expected it is that text, and where a number is
    expected the validator refuses it as out of range, at its line and field."""


class YamlError(Exception):
    """A YAML document that cannot be read; carries a 1-based line and column, and the path
    of the value it is in where that is known."""

    def __init__(self, message: str, line: int, column: int, found: str | None = None,
                 path: PathKey | None = None, expected: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.found = found
        self.path = path
        self.expected = expected


@dataclass
class Located:
    """Plain values read from YAML, with where each one was written."""

    value: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    raw: dict[PathKey, str] = field(default_factory=dict)
    # Refusals that did not stop the reading (a duplicate key: the first value is kept), so
    # that the rest of the document is still checked.
    errors: list[YamlError] = field(default_factory=list)

    def where(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest written parent."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def source_text(self, path: PathKey) -> str | None:
        """The text an unquoted scalar was written as (to read `no` or `1.0` as text)."""
        return self.raw.get(path)


def path_text(path: PathKey) -> str:
    """`('partners', 2, 'id')` as `partners[2].id`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _tab_indentation(text: str, line_offset: int) -> None:
    if "\t" not in text:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" \t-")
        indent = line[: len(line) - len(stripped)]
        if "\t" in indent and stripped and not stripped.startswith("#"):
            raise YamlError(
                "a tab is used for indentation; YAML allows only spaces there",
                number + line_offset,
                indent.index("\t") + 1,
                found="tab",
            )


def _scalar(event: Any) -> Any:
    if event.tag not in _ALLOWED_TAGS:
        raise _error_at(event, f"the tag {event.tag!r} is not allowed; write the plain value")
    if event.style or event.tag is not None:
        return event.value  # quoted, a block scalar, or explicitly text
    return _plain(event.value)


# Pages write the same dates and amounts again and again (at 20,000 initiatives, 294,000
# scalars that may be numbers, 8,843 of them different): each is resolved once (0.16 s to
# 0.06 s). What it resolves to cannot be changed (a number, None, a boolean or a text).
@lru_cache(maxsize=4096)
def _plain(text: str) -> Any:
    """An unquoted scalar without a tag, resolved as YAML 1.2 does."""
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if not _FLOAT.match(text):  # (an integer is written as a float may be): most dates
        return text
    if _INT.match(text):
        digits = len(text) - (text[0] in "+-")
        return int(text) if digits <= MAX_DIGITS else BigNumber(text)
    number = float(text)
    return number if math.isfinite(number) else BigNumber(text)


def _error_at(event: Any, message: str, found: str | None = None) -> YamlError:
    mark = event.start_mark
    return YamlError(message, mark.line + 1, mark.column + 1, found)


_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_SEQ_START = yaml.SequenceStartEvent
_MAP_END = yaml.MappingEndEvent
_SEQ_END = yaml.SequenceEndEvent
# Unquoted texts that may not stay text: nulls and booleans (at most 5 characters), and
# what starts like a number.
_NOT_PLAIN_TEXT = frozenset(_NULL) | frozenset(_BOOL)
_NUMBER_START = frozenset("0123456789+-.")
# The key a repeated key's value is read under: never stored, never shown.
_SKIPPED: Any = object()
# What libyaml says when its scanner meets 1,000 levels of flow nesting, before the events
# reach our own, lower limit.
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _too_deep() -> str:
    return f"values are nested deeper than {MAX_DEPTH} levels"


def read_yaml(text: str, line_offset: int = 0, max_nodes: int = MAX_NODES) -> Located:
    """Read one YAML document into plain values with positions; raise `YamlError` if refused.

    `line_offset` is added to every line, so that front-matter reports lines of its file.
    An empty document reads as `None`. More than `max_nodes` keys and values are refused,
    so that reading and checking a file of bounded size takes bounded time.
    """
    _tab_indentation(text, line_offset)
    located = Located(None)
    try:
        parser = _Parser(text)
        try:
            _read_events(parser, located, line_offset, max_nodes)
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        reason = (exc.problem or exc.context or "the YAML cannot be read").split("\n")[0]
        if reason == _LIBYAML_TOO_DEEP:  # libyaml's own limit (PyYAML 6.0.4), far past ours
            raise YamlError(_too_deep(), line, column) from None
        raise syntax_error(text, exc, line_offset) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", 0) or 0
        line = text.count("\n", 0, position) + 1 + line_offset
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        reason = getattr(exc, "reason", None) or str(exc).split("\n")[0]
        raise YamlError(f"invalid YAML: {reason}", line, column) from None
    except YamlError as exc:
        exc.line += line_offset
        raise
    return located


def _read_events(parser: Any, located: Located, line_offset: int, max_nodes: int) -> None:
    """The event loop; kept flat because it runs once per key and value of every file (two
    and a half million of them at 20,000 initiatives).

    `stack` holds a frame (container, path, is_mapping) for each open list or mapping; the
    innermost one is also held in locals (`container`, `here`, `in_mapping`), with, in a
    mapping, the key whose value comes next (`key`, at `key_path`; None while a key comes
    next). Locals rather than `stack[-1][...]`, and no path made twice: at 20,000
    initiatives, this loop takes 1.2 s rather than 1.6 s over libyaml's own 2 s.
    """
    stack: list[tuple[Any, PathKey, bool]] = []
    container: Any = None  # None: at the top, outside any list or mapping
    here: PathKey = ()
    in_mapping = False
    key: Any = None
    key_path: PathKey = ()
    positions = located.positions
    raw = located.raw
    first_line = 1 + line_offset  # a mark's line counts from 0
    documents = 0
    nodes = 0
    get_event = parser.get_event
    while True:
        event: Any = get_event()
        if event is None:
            return
        kind = type(event)
        if kind is _SCALAR or kind is _MAP_START or kind is _SEQ_START:
            nodes += 1
            if nodes > max_nodes:
                error = _error_at(event, f"too long to check: more than {max_nodes:,} keys "
                                  "and values; split the file, or write less in it",
                                  found=f"over {max_nodes:,}")
                error.path = here if stack else None
                error.expected = f"at most {max_nodes:,}"
                raise error
            if event.anchor is not None:
                raise _error_at(event, "anchors (&name) are not allowed; write the value out",
                                found=f"&{event.anchor}")
            if in_mapping:
                if key is None:  # this node is a key
                    if kind is not _SCALAR:
                        raise _error_at(event, "a mapping key must be plain text")
                    key = event.value
                    if key in container:
                        # Reported, and read on into a value that is dropped: the first value
                        # stands, and the rest of the document is still checked.
                        if _SKIPPED not in here:  # (nothing in a dropped value is reported)
                            first = positions[here + (key,)][0]
                            error = _error_at(
                                event, f"the key {key!r} is given twice (first on line {first})",
                                found=key)
                            error.line += line_offset
                            error.path = here + (key,)
                            located.errors.append(error)
                        key = _SKIPPED
                    key_path = here + (key,)
                    mark = event.start_mark
                    positions[key_path] = (mark.line + first_line, mark.column + 1)
                    continue
                path = key_path  # a value: its key's position stands for it
            else:
                path = () if container is None else here + (len(container),)
                mark = event.start_mark
                positions[path] = (mark.line + first_line, mark.column + 1)
            if kind is _SCALAR:
                value = event.value
                if not event.style:
                    if event.tag is not None:
                        value = _scalar(event)
                    elif value[:1] in _NUMBER_START or (
                            len(value) <= 5 and value in _NOT_PLAIN_TEXT):  # (no text hashed)
                        value = _plain(value)
                        if type(value) is not str:
                            raw[path] = event.value
                elif event.tag not in _ALLOWED_TAGS:
                    value = _scalar(event)
            else:
                if event.tag not in (None, "!"):
                    raise _error_at(event, f"the tag {event.tag!r} is not allowed")
                if len(stack) >= MAX_DEPTH:
                    raise _error_at(event, _too_deep())
                value = {} if kind is _MAP_START else []
            if in_mapping:
                if key is not _SKIPPED:
                    container[key] = value
                key = None
            elif container is not None:
                container.append(value)
            elif kind is _SCALAR:
                located.value = value
            if kind is not _SCALAR:
                in_mapping = kind is _MAP_START
                container, here = value, path
                stack.append((container, here, in_mapping))
        elif kind is _MAP_END or kind is _SEQ_END:
            nodes += 1  # an empty list or mapping costs as much as a value: it counts twice
            stack.pop()
            if stack:
                container, here, in_mapping = stack[-1]
            else:
                located.value = container
                container, here, in_mapping = None, (), False
        elif kind is yaml.AliasEvent:
            raise _error_at(event, "aliases (*name) are not allowed; write the value out",
                            found=f"*{event.anchor}")
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _error_at(event, "only one YAML document is allowed here")


# -- syntax errors ----------------------------------------------------------------------------
# The parser says where it stopped, which is often lines after the mistake (an unclosed
# quote runs to the end of the document). The author needs the value the mistake is in: where
# it starts and the field it belongs to. libyaml names the start of an unclosed quote, flow
# list or mapping (its context mark); for other mistakes, the values written so far are
# walked with PyYAML's token scanner, which knows where each value starts.

# Contexts whose mark is the start of the broken value itself.
_VALUE_CONTEXTS = {
    "while scanning a quoted scalar": (
        "the text in quotes is never closed", "the closing quote on the value's lines"),
    "while parsing a flow sequence": (
        "the list in '[ ]' is never closed", "',' between items and a closing ']'"),
    "while parsing a flow mapping": (
        "the mapping in '{ }' is never closed", "',' between fields and a closing '}'"),
    "while scanning a block scalar": ("the block of text is not written as YAML reads it",
                                      "its lines indented under the field"),
}
_COLON = "mapping values are not allowed"


def syntax_error(text: str, exc: yaml.MarkedYAMLError, line_offset: int = 0) -> YamlError:
    """A parser's error as the author needs it: at the start of the broken value, with that
    value's path, and where the parser stopped in the message."""
    problem, context = exc.problem_mark, exc.context_mark
    stop = problem or context
    reason = (exc.problem or exc.context or "the YAML cannot be read").split("\n")[0]
    known = _VALUE_CONTEXTS.get(exc.context or "") if context is not None else None
    starts = _value_starts(text, (stop.line, stop.column) if stop else (1 << 62, 0),
                           (context.line, context.column) if known and context else None)
    expected = None
    where: tuple[int, int] | None = None
    path: PathKey | None = None
    if known is not None and context is not None:
        where = (context.line, context.column)
        path = next((p for at, p in reversed(starts) if at <= where), None)
        message, expected = known
    else:
        # A block mapping or list that cannot go on: the top-level field it is in; any other
        # mistake (a ': ' inside an unquoted value, most often): the last value begun.
        top = exc.context is not None and "block" in exc.context
        for at, candidate in reversed(starts):
            if not top or len(candidate) == 1:
                where, path = at, candidate
                break
        message = reason
        if reason.startswith(_COLON) and stop is not None:
            message = "a ': ' inside a value that is not between quotes"
            expected = "the value between double quotes (or, if the ': ' ends a field's name, " \
                       "that field not indented)"
            reason = f"': ' at line {stop.line + 1 + line_offset}, column {stop.column + 1}"
        elif top:
            message = "the value does not end where YAML expects it to"
            expected = "matching quotes, and each line of a list or mapping indented as the " \
                       "one before"
    if where is None or not path:
        where, path = ((stop.line, stop.column) if stop else (0, 0)), None
    stopped = ""
    if stop is not None and (stop.line, stop.column) != where \
            and not reason.startswith("': '"):
        stopped = f"; the YAML reader stopped at line {stop.line + 1 + line_offset}, " \
                  f"column {stop.column + 1}"
    found = reason[len("found "):] if reason.startswith("found ") else reason
    if found == "unexpected end of stream":
        found = "the end of the YAML"
    return YamlError(f"invalid YAML: {message}{stopped}", where[0] + 1 + line_offset,
                     where[1] + 1, found=found if found != message else None, path=path,
                     expected=expected)


def _tokens(text: str, stop: tuple[int, int]) -> Iterator[Any]:
    """libyaml's tokens of a document, up to `stop` or the mistake; one at a time (a list of
    them all would keep the garbage collector busy)."""
    scanner: Any = _Parser(text)
    try:
        while scanner.check_token():
            token = scanner.get_token()
            if (token.start_mark.line, token.start_mark.column) >= stop:
                return
            yield token
    except yaml.YAMLError:
        return
    finally:
        scanner.dispose()


def _value_starts(text: str, stop: tuple[int, int], broken: tuple[int, int] | None = None
                  ) -> list[tuple[tuple[int, int], PathKey]]:
    """(line, column) where each value written before `stop` starts (0-based), and its path;
    a value begun but never read (the scanner stopped in it) starts at `broken`.

    Read from the token scanner, which gets as far as the mistake; kept simple, for a
    document known to be broken (only errors take this way).
    """
    # A frame: [is_mapping, key or index, indentless list].
    frames: list[list[Any]] = []
    starts: list[tuple[tuple[int, int], PathKey]] = []
    pending = expect_key = False

    def begin(at: tuple[int, int]) -> None:
        nonlocal pending
        if pending:
            path = tuple(f[1] for f in frames if f[1] is not None and f[1] != -1)
            starts.append((at, path))
            pending = False

    for token in _tokens(text, stop):
        kind = type(token)
        at = (token.start_mark.line, token.start_mark.column)
        if kind in (yaml.BlockMappingStartToken, yaml.FlowMappingStartToken):
            begin(at)
            frames.append([True, None, False])
        elif kind in (yaml.BlockSequenceStartToken, yaml.FlowSequenceStartToken):
            begin(at)
            flow = kind is yaml.FlowSequenceStartToken
            frames.append([False, 0 if flow else -1, False])
            pending = flow
        elif kind is yaml.BlockEntryToken:
            if not frames or frames[-1][0]:  # a list at its key's indentation
                begin(at)
                frames.append([False, -1, True])
            frames[-1][1] += 1
            pending = True
        elif kind is yaml.FlowEntryToken:
            if frames and not frames[-1][0]:
                frames[-1][1] += 1
                pending = True
        elif kind is yaml.KeyToken:
            if frames and frames[-1][2]:
                frames.pop()
            expect_key, pending = True, False
        elif kind is yaml.ValueToken:
            pending = True
        elif kind is yaml.ScalarToken:
            if expect_key:
                if frames and frames[-1][0]:  # (not a pair written in a flow list)
                    frames[-1][1] = token.value
                expect_key = False
            else:
                begin(at)
        elif kind in (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken):
            if frames and frames[-1][2] and kind is yaml.BlockEndToken:
                frames.pop()
            if frames:
                frames.pop()
            pending = False
    if broken is not None:
        begin(broken)
    return starts
