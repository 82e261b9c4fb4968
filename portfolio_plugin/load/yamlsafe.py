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
from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml is much faster; the pure-Python parser gives the same events. Only the parser
# is used: nothing is constructed by PyYAML, so no tag can run code.
_Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

PathKey = tuple[str | int, ...]

MAX_DEPTH = 32
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
    """A YAML document that cannot be read; carries a 1-based line and column."""

    def __init__(self, message: str, line: int, column: int, found: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.found = found


@dataclass
class Located:
    """Plain values read from YAML, with where each one was written."""

    value: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    raw: dict[PathKey, str] = field(default_factory=dict)

    def where(self, path: PathKey) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest written parent."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def source_text(self, path: PathKey) -> str | None:
        """The text an unquoted scalar was written as (to read `no` or `1.0` as text)."""
        return self.raw.get(path)


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
    text = event.value
    if text in _NULL:
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        digits = len(text) - (text[0] in "+-")
        return int(text) if digits <= MAX_DIGITS else BigNumber(text)
    if _FLOAT.match(text):
        number = float(text)
        return number if math.isfinite(number) else BigNumber(text)
    return text


def _error_at(event: Any, message: str, found: str | None = None) -> YamlError:
    mark = event.start_mark
    return YamlError(message, mark.line + 1, mark.column + 1, found)


_SCALAR = yaml.ScalarEvent
_MAP_START = yaml.MappingStartEvent
_SEQ_START = yaml.SequenceStartEvent
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_NUMBER_START = frozenset("0123456789+-.")
# What libyaml says when its scanner meets 1,000 levels of flow nesting, before the events
# reach our own, lower limit.
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _too_deep() -> str:
    return f"values are nested deeper than {MAX_DEPTH} levels"


def read_yaml(text: str, line_offset: int = 0) -> Located:
    """Read one YAML document into plain values with positions; raise `YamlError` if refused.

    `line_offset` is added to every line, so that front-matter reports lines of its file.
    An empty document reads as `None`.
    """
    _tab_indentation(text, line_offset)
    located = Located(None)
    try:
        parser = _Parser(text)
        try:
            _read_events(parser, located, line_offset)
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        column = (mark.column + 1) if mark else 1
        reason = (exc.problem or exc.context or "the YAML cannot be read").split("\n")[0]
        if reason == _LIBYAML_TOO_DEEP:  # libyaml's own limit (PyYAML 6.0.4), far past ours
            raise YamlError(_too_deep(), line, column) from None
        raise YamlError(f"invalid YAML: {reason}", line, column) from None
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


def _read_events(parser: Any, located: Located, line_offset: int) -> None:
    """The event loop; kept flat because it runs once per value of every file.

    A frame of the stack is a list: [container, path, is_mapping, pending key].
    """
    stack: list[list[Any]] = []
    positions = located.positions
    raw = located.raw
    documents = 0
    get_event = parser.get_event
    while True:
        event: Any = get_event()
        if event is None:
            return
        kind = type(event)
        if kind is _SCALAR or kind is _MAP_START or kind is _SEQ_START:
            if event.anchor is not None:
                raise _error_at(event, "anchors (&name) are not allowed; write the value out",
                                found=f"&{event.anchor}")
            parent = stack[-1] if stack else None
            if parent is not None and parent[2]:
                if parent[3] is None:  # this node is a key
                    if kind is not _SCALAR:
                        raise _error_at(event, "a mapping key must be plain text")
                    key = event.value
                    path = parent[1] + (key,)
                    if key in parent[0]:
                        first = positions[path][0]
                        raise _error_at(
                            event, f"the key {key!r} is given twice (first on line {first})",
                            found=key)
                    parent[3] = key
                    mark = event.start_mark
                    positions[path] = (mark.line + 1 + line_offset, mark.column + 1)
                    continue
                path = parent[1] + (parent[3],)  # a value: its key's position stands for it
            else:
                path = () if parent is None else parent[1] + (len(parent[0]),)
                mark = event.start_mark
                positions[path] = (mark.line + 1 + line_offset, mark.column + 1)
            if kind is _SCALAR:
                value = event.value
                if not event.style:
                    if event.tag is not None:
                        value = _scalar(event)
                    elif value in _NULL or value in _BOOL or value[:1] in _NUMBER_START:
                        value = _scalar(event)
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
            if parent is not None:
                if parent[2]:
                    parent[0][parent[3]] = value
                    parent[3] = None
                else:
                    parent[0].append(value)
            elif kind is _SCALAR:
                located.value = value
            if kind is not _SCALAR:
                stack.append([value, path, kind is _MAP_START, None])
        elif kind in _ENDS:
            finished = stack.pop()
            if not stack:
                located.value = finished[0]
        elif kind is yaml.AliasEvent:
            raise _error_at(event, "aliases (*name) are not allowed; write the value out",
                            found=f"*{event.anchor}")
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _error_at(event, "only one YAML document is allowed here")
