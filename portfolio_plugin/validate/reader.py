"""Reading one document's values at their positions: every scalar rule of the contract (text,
dates, numbers, URLs, choices, ids) and how a problem with one is said.

The fields of each document, and what they make of the model, are in `contract.py`.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from ..load.yamlsafe import BigNumber, Located, PathKey
from ..load.yamlsafe import path_text as render_path
from ..model import Languages, PartialDate, Text, Untranslated
from ..problems import Problem, Problems, Severity, suggest

E = TypeVar("E", bound=enum.Enum)

SUMMARY_MAX = 300
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
CURRENCY_RE = re.compile(r"[A-Z]{3}\Z")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?\Z")
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
# An SPDX licence id: letters, digits, '.', '-' and '+' (`CC-BY-4.0`, `GPL-2.0+`).
SPDX_PATTERN = r"[A-Za-z0-9][A-Za-z0-9.+-]*"
SPDX_RE = re.compile(SPDX_PATTERN + r"\Z")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_WEB_SCHEMES = {"http", "https", "mailto"}
_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f]")
# A `..` segment of a path, written out or percent-encoded (browsers read `%2e%2e` as `..`).
_DOT_DOT = re.compile(r"(?:\A|/)(?:\.|%2[eE]){2}(?:[/?#]|\Z)")
# What text may not carry, as ranges of a regular expression (the JSON Schemas use them too):
# control characters but tab and newline (C0, DEL and C1), and the bidirectional overrides,
# embeddings and isolates, which make text read other than it is stored (a file name, a
# link, an amount shown backwards).
BIDI_CHARACTERS = r"\u202a-\u202e\u2066-\u2069"
NOT_TEXT_CHARACTERS = r"\u0000-\u0008\u000b-\u001f\u007f-\u009f" + BIDI_CHARACTERS
_NOT_TEXT = re.compile(f"[{NOT_TEXT_CHARACTERS}]")
_BIDI = re.compile(f"[{BIDI_CHARACTERS}]")


@dataclass(frozen=True)
class Bounds:
    """The range a number of the contract must lie in, and how a message says it."""

    low: float
    high: float
    what: str
    low_open: bool = False
    high_open: bool = False

    def holds(self, value: float) -> bool:
        """Whether `value` (an int of any size or a finite float) lies in the range; an int
        is compared as it is, never turned into a float first."""
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below


# The numbers of the contract are bounded (DESIGN.md, CONTRIBUTING.md, the JSON Schemas), and
# checked before any arithmetic: a sum of thousands of amounts, a conversion or a formatted
# figure stays finite.
MAX_AMOUNT = 10**15
MAX_RATE = 10**6
YEARS = (1900, 2100)
AMOUNT = Bounds(0, MAX_AMOUNT, "a number >= 0 and below 10^15", high_open=True)
INDICATOR = Bounds(-MAX_AMOUNT, MAX_AMOUNT, "a number above -10^15 and below 10^15",
                   low_open=True, high_open=True)
RATE = Bounds(0, MAX_RATE, "a rate above 0 and at most 10^6", low_open=True)
MAP = Bounds(-1, 1, "a number from -1 to 1")

# Each text read as a date (YYYY, YYYY-MM or YYYY-MM-DD), once it was found valid: at most
# one per year, month and day of YEARS.
_DATES: dict[str, PartialDate] = {}


class _Missing:
    pass


MISSING: Any = _Missing()


def _describe_number(text: str) -> str:
    if len(text) <= 24:
        return text
    digits = sum(c.isdigit() for c in text)
    return f"{text[:12]}... (a number written with {digits} digits)"


def describe_character(text: str, index: int) -> str:
    """`U+0000 at character 3`: a character that cannot be shown as itself."""
    return f"U+{ord(text[index]):04X} at character {index + 1}"


def describe(value: Any) -> str:
    """A short description of a found value, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, BigNumber):
        return _describe_number(str(value))
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, (int, float)):
        return _describe_number(repr(value))
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


@dataclass
class Reader:
    """Reads one document's fields and reports problems at their positions."""

    path: str
    doc: Located
    problems: Problems
    failed: bool = False
    # The run's languages: texts given per language are shown in the page's (`shown`), and
    # those not given in every language of the site are noted (`untranslated`).
    languages: Languages | None = None
    untranslated: list[Untranslated] = field(default_factory=list)
    # Texts given as a mapping of languages, by field path.
    translations: list[tuple[str, Text]] = field(default_factory=list)
    # The initiative whose page this is (its stories name it).
    slug: str = ""
    # Errors found in this document, counted ones too (a file past `MAX_PER_FILE` problems):
    # what a record made only without error compares (`contract.Record`).
    errors: int = 0

    def report(self, where: PathKey, message: str, expected: str | None = None,
               found: str | None = None, suggestion: str | None = None,
               severity: Severity = Severity.ERROR) -> None:
        """Record a problem at a field; errors mark the document as failed."""
        if severity is Severity.ERROR:
            self.failed = True
            self.errors += 1
        if self.problems.full(self.path):  # counted only: nothing more of it is shown
            self.problems.count(self.path, self.doc.where(where)[0], severity)
            return
        line, column = self.doc.where(where)
        self.problems.add(Problem(self.path, line, column, render_path(where), message,
                                  severity, expected, found, suggestion))

    # -- shapes -------------------------------------------------------------------------
    def mapping(self, where: PathKey, value: Any,
                what: str = "a mapping") -> dict[str, Any] | None:
        """A mapping (its keys are the contract's to know: `contract.Record`)."""
        if not isinstance(value, dict):
            self.report(where, f"must be {what}", expected=what, found=describe(value))
            return None
        return value

    def items(self, where: PathKey, value: Any) -> list[Any]:
        """A list; a single value where a list is expected is an error."""
        if value is MISSING or value is None:
            return []
        if not isinstance(value, list):
            self.report(where, "must be a list", expected="a list (lines starting with '- ')",
                        found=describe(value))
            return []
        return value

    # -- scalars ------------------------------------------------------------------------
    def text(self, where: PathKey, value: Any, required: bool = False,
             max_length: int | None = None) -> str | None:
        """Plain text, without control characters (but tab and newline) or bidi overrides,
        embeddings and isolates; an unquoted `no` or `2024` where text is expected is that
        text."""
        if type(value) is str and (max_length is None or len(value) <= max_length) \
                and (value.isprintable() or not _NOT_TEXT.search(value)):
            stripped = value.strip()
            if stripped or not required:
                return stripped  # the common case, checked first: it runs for every field
        if value is MISSING or value is None:
            if required:
                self.report(where, "is required", expected="text", found="nothing")
            return None
        if isinstance(value, (bool, int, float)):
            raw = self.doc.source_text(where)
            value = raw if raw is not None else str(value)
        if not isinstance(value, str):
            self.report(where, "must be text", expected="text", found=describe(value))
            return None
        bad = _NOT_TEXT.search(value)
        if bad is not None:
            if _BIDI.match(bad.group()):
                self.report(where, "contains a bidirectional formatting character",
                            expected="text without bidi overrides, embeddings or isolates "
                                     "(U+202A-U+202E, U+2066-U+2069)",
                            found=describe_character(value, bad.start()))
            else:
                self.report(where, "contains a control character",
                            expected="text without control characters (tab and newline "
                                     "are allowed)",
                            found=describe_character(value, bad.start()))
            return None
        value = value.strip()
        if required and not value:
            self.report(where, "must not be empty", expected="text", found="empty text")
            return None
        if max_length is not None and len(value) > max_length:
            self.report(where, f"is too long ({len(value)} characters)",
                        expected=f"at most {max_length} characters",
                        found=f"{len(value)} characters")
            return None
        return str(value)

    def shown(self, where: PathKey, value: Any, required: bool = False,
              max_length: int | None = None) -> str | None:
        """A text a person reads (see `translated`), in the page's language: a `Foreign`
        text where it is not given in it."""
        text = self.translated(where, value, required, max_length)
        if text is None or self.languages is None:
            return None if text is None else text.get()
        default = self.languages.default
        return text.get(self.languages.page, default or "en", default)

    def translated(self, where: PathKey, value: Any, required: bool = False,
                   max_length: int | None = None) -> Text | None:
        """Text, or a mapping of language codes to text; noted where it is not given in
        every language of the site."""
        text = self._translated(where, value, required, max_length)
        if text is not None and isinstance(value, dict):
            self.translations.append((render_path(where), text))
        if text is not None and self.languages is not None:
            if isinstance(value, dict):
                given = [code or self.languages.default for code in text.languages]
                missing = tuple(code for code in self.languages.site if code not in given)
            else:
                missing = self._not_in_plain
            if missing:
                line, column = self.doc.where(where)
                self.untranslated.append(Untranslated(self.path, line, column,
                                                      render_path(where), missing))
        return text

    @cached_property
    def _not_in_plain(self) -> tuple[str, ...]:
        """The languages of the site a plain text is not given in: all but the default
        (found once for a document, not for each of its texts)."""
        assert self.languages is not None
        return tuple(code for code in self.languages.site if code != self.languages.default)

    def _translated(self, where: PathKey, value: Any, required: bool,
                    max_length: int | None) -> Text | None:
        if isinstance(value, dict):
            if not value:
                self.report(where, "must give the text in at least one language",
                            expected="text or {en: ..., sv: ...}", found="an empty mapping")
                return None
            pairs = []
            for language, item in value.items():
                if not LANGUAGE_RE.match(language):
                    self.report(where + (language,), "is not a language code",
                                expected="a code such as 'en' or 'sv'", found=repr(language))
                    continue
                text = self.text(where + (language,), item, True, max_length)
                if text is not None:
                    pairs.append((language, text))
            return Text(tuple(pairs)) if len(pairs) == len(value) else None
        text = self.text(where, value, required, max_length)
        return Text.plain(text) if text is not None else None

    def choice(self, where: PathKey, value: Any, enum_type: type[E], required: bool = False,
               default: E | None = None) -> E | None:
        """One of an enumeration's values, with a suggestion for a near miss."""
        if value is MISSING or value is None:
            if required:
                self.report(where, "is required", expected=_choices(enum_type), found="nothing")
            return default
        key = value
        if not isinstance(value, str):  # (an unquoted number: the text it was written as)
            raw = self.doc.source_text(where)
            key = raw if raw is not None else value
        found = {str(m.value): m for m in enum_type}.get(str(key)) \
            if not isinstance(key, str) else enum_type._value2member_map_.get(key)
        if found is None and isinstance(key, str):
            found = {str(m.value): m for m in enum_type}.get(key)
        if found is not None:
            return found  # type: ignore[return-value]
        options = [str(m.value) for m in enum_type]
        self.report(where, "is not a known value", expected=_choices(enum_type),
                    found=describe(value), suggestion=suggest(str(key), options))
        return None

    def date(self, where: PathKey, value: Any, required: bool = False) -> PartialDate | None:
        """A `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date that exists in the calendar."""
        if type(value) is str:
            known = _DATES.get(value)  # (thousands of stories share their dates)
            if known is not None:
                return known
        if value is MISSING or value is None:
            if required:
                self.report(where, "is required", expected="a date like 2024-05-17",
                            found="nothing")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        match = _DATE.match(value) if isinstance(value, str) else None
        if match is None:
            self.report(where, "is not a date", expected="YYYY, YYYY-MM or YYYY-MM-DD",
                        found=describe(value))
            return None
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if not YEARS[0] <= year <= YEARS[1]:
            self.report(where, "is out of range",
                        expected=f"a date from {YEARS[0]} to {YEARS[1]}", found=describe(value))
            return None
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError:
            self.report(where, "is not a date in the calendar",
                        expected="a real date", found=describe(value))
            return None
        date = _DATES[value] = PartialDate(year, month, day)
        return date

    def number(self, where: PathKey, value: Any, bounds: Bounds,
               required: bool = False) -> float | None:
        """A finite number within bounds, checked before it is turned into a float."""
        if value is MISSING or value is None:
            if required:
                self.report(where, "is required", expected=bounds.what, found="nothing")
            return None
        if isinstance(value, BigNumber):  # too large for the reader to make a number of
            self.report(where, "is out of range", expected=bounds.what, found=describe(value))
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or (isinstance(value, float) and not math.isfinite(value)):
            self.report(where, "must be a number", expected=bounds.what, found=describe(value))
            return None
        if not bounds.holds(value):
            self.report(where, "is out of range", expected=bounds.what, found=describe(value))
            return None
        return float(value)

    def year(self, where: PathKey, value: Any, required: bool = False) -> int | None:
        """A calendar year."""
        if value is MISSING or value is None:
            if required:
                self.report(where, "is required", expected="a year like 2024", found="nothing")
            return None
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
            value = int(value)  # a quoted year is still the year its author meant
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(where, "is not a year", expected="a year like 2024",
                        found=describe(value))
            return None
        if not YEARS[0] <= value <= YEARS[1]:
            self.report(where, "is out of range", expected=f"a year from {YEARS[0]} to "
                        f"{YEARS[1]}", found=describe(value))
            return None
        return value

    def url(self, where: PathKey, value: Any, required: bool = False,
            local_only: bool = False) -> str | None:
        """An http(s), mailto or relative URL; anything a browser could run, or read as
        another host than it seems to name, is refused. With `local_only`, a file of the site:
        a path relative to the docs folder that stays inside it."""
        text = self.text(where, value, required)
        if text is None:
            return None
        refused = _url_refused(text, local_only)
        if refused is not None:
            self.report(where, refused[0], expected=refused[1], found=describe(text))
            return None
        return text

    def ident(self, where: PathKey, value: Any, known: Mapping[str, Any] | None, what: str,
              required: bool = True) -> str | None:
        """An id of a known thing, with a suggestion for a near miss."""
        text = self.text(where, value, required)
        if text is None:
            return None
        if known is not None and text not in known:
            self.report(where, f"unknown {what} {text!r}", expected=f"a {what} id",
                        found=repr(text), suggestion=suggest(text, known))
            return None
        # One string for each id, however many pages name it (thousands name the same
        # partners): the portfolio takes less memory.
        return sys.intern(text)

    def idents(self, where: PathKey, value: Any, known: Mapping[str, Any] | None,
               what: str) -> tuple[str, ...]:
        """A list of ids of known things, each given once."""
        result: list[str] = []
        for index, item in enumerate(self.items(where, value)):
            ident = self.ident(where + (index,), item, known, what)
            if ident is not None and ident not in result:
                result.append(ident)
        return tuple(result)


def url_allowed(url: str) -> bool:
    """Whether the URL rule of front-matter links (`Reader.url`) accepts `url`: the one
    rule, applied to the links and images of an initiative's body as well."""
    return Reader("", Located(url), Problems()).url((), url) is not None


def _url_refused(text: str, local_only: bool) -> tuple[str, str] | None:
    """Why a URL is refused (message, expected), or None: the one rule of every URL field."""
    expected = ("a path relative to the docs folder, inside it" if local_only
                else "an http(s), mailto or relative URL")
    if _UNSAFE_URL_CHARS.search(text):
        return "must not contain spaces or control characters", expected
    if "\\" in text:
        return "must not contain a backslash: browsers read it as '/'", expected
    scheme = _SCHEME.match(text)
    if scheme and scheme.group(1).lower() not in _WEB_SCHEMES:
        return f"the URL scheme '{scheme.group(1)}:' is not allowed", expected
    if text.startswith("//"):
        return ("a URL starting with '//' is the address of another host, not a relative "
                "URL; write https:// for another host"), expected
    if local_only:
        if scheme:
            return "must be a file of the site: nothing is fetched from other hosts", expected
        if text.startswith("/"):
            return "must be relative to the docs folder, not an absolute path", expected
        if _DOT_DOT.search(text):
            return "must not contain '..': it must stay inside the docs folder", expected
    return None


def is_translation(value: Any) -> bool:
    """Whether a value is a text given per language (`{en: ..., sv: ...}`) rather than a
    mapping of fields."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(key, str) and LANGUAGE_RE.match(key) for key in value)


def _choices(enum_type: type[enum.Enum]) -> str:
    return "one of " + ", ".join(str(m.value) for m in enum_type)


