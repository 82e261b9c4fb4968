"""From positioned data to the typed model, with every problem named by file, line and field.

An initiative or data entry with an error is left out (and listed); one with only warnings is
kept. All problems of a run are collected, never raised.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from typing import Any, TypeVar

from ..load import Checked, Page, Sources
from ..load.yamlsafe import BigNumber, Located, PathKey
from ..load.yamlsafe import path_text as render_path
from ..model import (
    LICENCES,
    Asset,
    AssetKind,
    BaseInvestment,
    Facet,
    Funding,
    FundingKind,
    Indicator,
    IndicatorValue,
    Initiative,
    KeyResult,
    Languages,
    Layer,
    Link,
    Mandate,
    MandateLevel,
    Money,
    Objective,
    PartialDate,
    Partner,
    PartnerRole,
    Portfolio,
    PortfolioInfo,
    Position,
    Sector,
    Status,
    Story,
    StoryKind,
    Text,
    Theme,
    Untranslated,
    Zone,
    ZoneChange,
)
from ..problems import Problem, Problems, Severity, suggest
from .references import Known, broken_ids, name_users, without_broken
from .template import check_page

E = TypeVar("E", bound=enum.Enum)

SUMMARY_MAX = 300
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?\Z")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
# An SPDX licence id: letters, digits, '.', '-' and '+' (`CC-BY-4.0`, `GPL-2.0+`).
SPDX_PATTERN = r"[A-Za-z0-9][A-Za-z0-9.+-]*"
_SPDX = re.compile(SPDX_PATTERN + r"\Z")
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

INITIATIVE_FIELDS = (
    "title", "summary", "facet", "zone", "status", "start", "end", "steward", "partners",
    "layer", "funding", "themes", "mandates", "objectives", "assets", "zone_history",
    "stories", "indicators", "position", "links",
)
INDICATOR_FIELDS = ("id", "name", "unit", "baseline", "baseline_date", "target", "target_date",
                    "values")
# Front-matter keys that MkDocs or its themes read; they are allowed beside ours.
ENGINE_FIELDS = ("template", "hide", "search", "tags", "description", "icon", "subtitle",
                 "comments", "social")


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

    def report(self, where: PathKey, message: str, expected: str | None = None,
               found: str | None = None, suggestion: str | None = None,
               severity: Severity = Severity.ERROR) -> None:
        """Record a problem at a field; errors mark the document as failed."""
        if self.problems.full(self.path):  # counted only: nothing more of it is shown
            self.problems.count(self.path, self.doc.where(where)[0], severity)
            self.failed = self.failed or severity is Severity.ERROR
            return
        line, column = self.doc.where(where)
        self.problems.add(Problem(self.path, line, column, render_path(where), message,
                                  severity, expected, found, suggestion))
        if severity is Severity.ERROR:
            self.failed = True

    # -- shapes -------------------------------------------------------------------------
    def mapping(self, where: PathKey, value: Any, fields: Iterable[str] = (),
                allowed: Iterable[str] = (), what: str = "a mapping") -> dict[str, Any] | None:
        """A mapping; unknown keys are warned about with a suggestion."""
        if not isinstance(value, dict):
            self.report(where, f"must be {what}", expected=what, found=describe(value))
            return None
        if fields:
            known = tuple(fields)
            for key in [k for k in value if k not in known and k not in allowed]:
                self.report(where + (key,), "unknown field; it is ignored",
                            expected="one of " + ", ".join(known), found=repr(key),
                            suggestion=suggest(key, known), severity=Severity.WARNING)
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
                if not _LANGUAGE.match(language):
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


def _translation(value: Any) -> bool:
    """Whether a value is a text given per language (`{en: ..., sv: ...}`) rather than a
    mapping of fields."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(key, str) and _LANGUAGE.match(key) for key in value)


def _choices(enum_type: type[enum.Enum]) -> str:
    return "one of " + ", ".join(str(m.value) for m in enum_type)


# ---------------------------------------------------------------------------------------------
# site_data/


@dataclass
class _Context:
    currency: str
    rates: dict[str, float]
    partners: dict[str, Partner]
    assets: dict[str, Asset]
    themes: dict[str, Theme] | None
    mandates: dict[str, Mandate]
    objectives: dict[str, Objective]
    # Ids of entries of site_data/ with an error, by kind ('partner', 'asset', ...): pages
    # naming them get no error of their own (see `references`).
    broken: dict[str, frozenset[str]]
    languages: Languages | None = None


def _money(r: Reader, where: PathKey, amount: float, currency: Any,
           ctx_currency: str, rates: Mapping[str, float]) -> Money | None:
    code = ctx_currency
    if currency is not MISSING and currency is not None:
        text = r.text(where + ("currency",), currency)
        if text is None:
            return None
        if not _CURRENCY.match(text):
            r.report(where + ("currency",), "is not a currency code",
                     expected="an ISO 4217 code such as SEK or EUR", found=describe(text))
            return None
        code = text
    if code == ctx_currency:
        return Money(amount, code, amount)
    if code not in rates:
        r.report(where + ("currency",), f"no exchange rate for {code} in portfolio.yml",
                 expected=f"exchange_rates: {{{code}: <{ctx_currency} per {code}>}}",
                 found=repr(code))
        return None
    converted = amount * rates[code]  # both bounded: the product is finite
    if converted >= MAX_AMOUNT:
        r.report(where + ("amount",), f"is out of range once converted to {ctx_currency}",
                 expected=f"an amount below 10^15 {ctx_currency} once converted "
                          f"(at {rates[code]:g} {ctx_currency} per {code})",
                 found=f"{converted:.6g} {ctx_currency}")
        return None
    return Money(converted, code, amount)


def _portfolio_info(doc: Located | None, path: str, problems: Problems,
                    site_name: str, languages: Languages | None
                    ) -> tuple[PortfolioInfo, Reader, bool]:
    r = Reader(path, doc or Located({}), problems, languages=languages)
    data = r.mapping((), r.doc.value, (
        "name", "organisation", "currency", "exchange_rates", "base_investment", "themes",
        "mandates", "objectives", "federation", "description", "licence", "language")) or {}
    language = r.text(("language",), data.get("language", MISSING))
    if language is not None and not _LANGUAGE.match(language):
        r.report(("language",), "is not a language code",
                 expected="a code such as 'en' or 'sv'", found=repr(language))
        language = None
    name = r.shown(("name",), data.get("name", MISSING)) or site_name
    currency = r.text(("currency",), data.get("currency", MISSING)) or "EUR"
    if not _CURRENCY.match(currency):
        r.report(("currency",), "is not a currency code",
                 expected="an ISO 4217 code such as SEK or EUR", found=describe(currency))
        currency = "EUR"
    rates: dict[str, float] = {}
    raw_rates = data.get("exchange_rates", MISSING)
    if raw_rates is not MISSING and raw_rates is not None:
        for code, rate in (r.mapping(("exchange_rates",), raw_rates) or {}).items():
            where = ("exchange_rates", code)
            if not _CURRENCY.match(code):
                r.report(where, "is not a currency code", expected="a code such as EUR",
                         found=repr(code))
                continue
            value = r.number(where, rate, RATE, True)
            if value is not None:
                rates[code] = value
    themes: dict[str, Theme] = {}
    for theme_id, item in _entries(r, ("themes",), data.get("themes", MISSING)):
        where = ("themes", theme_id)
        if isinstance(item, str) or _translation(item):  # `id: title`
            title = r.shown(where, item, True)
            if title:
                themes[theme_id] = Theme(theme_id, title)
            continue
        fields = r.mapping(where, item, ("title",)) or {}
        title = r.shown(where + ("title",), fields.get("title", MISSING), True)
        if title:
            themes[theme_id] = Theme(theme_id, title)
    mandates: dict[str, Mandate] = {}
    for mandate_id, item in _entries(r, ("mandates",), data.get("mandates", MISSING)):
        where = ("mandates", mandate_id)
        fields = r.mapping(where, item, ("title", "level", "url")) or {}
        title = r.shown(where + ("title",), fields.get("title", MISSING), True)
        level = r.choice(where + ("level",), fields.get("level", MISSING), MandateLevel, True)
        url = r.url(where + ("url",), fields.get("url", MISSING))
        if title and level:
            mandates[mandate_id] = Mandate(mandate_id, title, level, url)
    objectives: dict[str, Objective] = {}
    for objective_id, item in _entries(r, ("objectives",), data.get("objectives", MISSING)):
        where = ("objectives", objective_id)
        fields = r.mapping(where, item, ("title", "description", "key_results")) or {}
        title = r.shown(where + ("title",), fields.get("title", MISSING), True)
        description = r.shown(where + ("description",), fields.get("description", MISSING))
        results = []
        for index, kr in enumerate(r.items(where + ("key_results",),
                                           fields.get("key_results", MISSING))):
            kr_where = where + ("key_results", index)
            kr_fields = r.mapping(kr_where, kr, ("title", "indicator", "target")) or {}
            kr_title = r.shown(kr_where + ("title",), kr_fields.get("title", MISSING), True)
            # An indicator's id, or (in words, and so per language) what is measured.
            indicator_value = kr_fields.get("indicator", MISSING)
            indicator = r.shown(kr_where + ("indicator",), indicator_value) \
                if isinstance(indicator_value, dict) or (isinstance(indicator_value, str)
                                                         and " " in indicator_value.strip()) \
                else r.text(kr_where + ("indicator",), indicator_value)
            target = r.shown(kr_where + ("target",), kr_fields.get("target", MISSING))
            if kr_title:
                results.append(KeyResult(kr_title, indicator, target))
        if title:
            objectives[objective_id] = Objective(objective_id, title, description or "",
                                                 tuple(results))
    federation = []
    for index, item in enumerate(r.items(("federation",), data.get("federation", MISSING))):
        source = r.url(("federation", index), item, True)
        if source:
            federation.append(source)
    info = PortfolioInfo(
        name=name, currency=currency,
        organisation=r.text(("organisation",), data.get("organisation", MISSING)),
        exchange_rates=tuple(sorted(rates.items())),
        themes=tuple(themes.values()), mandates=tuple(mandates.values()),
        objectives=tuple(objectives.values()), federation=tuple(federation),
        description=r.shown(("description",), data.get("description", MISSING)) or "",
        licence=_licence(r, data.get("licence", MISSING), bool(data)),
        language=languages.default if languages is not None else language,
    )
    return info, r, data.get("themes") is not None


def _licence(r: Reader, value: Any, written: bool) -> str | None:
    """The SPDX id of the open data's licence: a common one, or any id of the right shape
    (warned about, with the closest common one); none is a warning where portfolio.yml says
    anything at all (a site without one, or with an empty one, is not told), since data
    without a licence cannot be reused with confidence."""
    expected = "an SPDX licence id such as CC-BY-4.0"
    if value is MISSING or value is None:
        if written:
            r.report(("licence",), "no licence for the published data: others cannot know "
                     "whether they may reuse it", expected=expected, found="nothing",
                     severity=Severity.WARNING)
        return None
    text = r.text(("licence",), value)
    if not text:
        return None
    if not _SPDX.match(text):
        r.report(("licence",), "is not an SPDX licence id",
                 expected=expected + " (letters, digits, '.', '-' and '+')",
                 found=describe(text), suggestion=suggest(text, LICENCES))
        return None
    known = {spdx_id.lower(): spdx_id for spdx_id in LICENCES}
    if text.lower() in known:  # SPDX ids are matched without regard to case
        return known[text.lower()]
    r.report(("licence",), "is not a licence this plugin knows; it is published as given",
             expected="one of " + ", ".join(LICENCES), found=repr(text),
             suggestion=suggest(text, LICENCES), severity=Severity.WARNING)
    return text


def _entries(r: Reader, where: PathKey, value: Any) -> list[tuple[str, Any]]:
    if value is MISSING or value is None:
        return []
    mapping = r.mapping(where, value, what="a mapping of ids to entries")
    if mapping is None:
        return []
    result = []
    for key, item in mapping.items():
        if not _ID.match(key):
            r.report(where + (key,), "is not a valid id",
                     expected="letters, digits, '.', '_' or '-'", found=repr(key))
            continue
        result.append((key, item))
    return result


def _base_investment(r: Reader, data: Mapping[str, Any], info: PortfolioInfo,
                     partners: Mapping[str, Partner]) -> tuple[BaseInvestment, ...]:
    rates = dict(info.exchange_rates)
    result = []
    for index, item in enumerate(r.items(("base_investment",),
                                         data.get("base_investment", MISSING))):
        where: PathKey = ("base_investment", index)
        fields = r.mapping(where, item, ("year", "amount", "funder", "currency", "note")) or {}
        year = r.year(where + ("year",), fields.get("year", MISSING), True)
        amount = r.number(where + ("amount",), fields.get("amount", MISSING), AMOUNT, True)
        funder = r.ident(where + ("funder",), fields.get("funder", MISSING), partners,
                         "partner", required=False)
        r.text(where + ("note",), fields.get("note", MISSING))  # not kept, but text all the same
        if year is None or amount is None:
            continue
        money = _money(r, where, amount, fields.get("currency", MISSING), info.currency, rates)
        if money is not None:
            result.append(BaseInvestment(year, money, funder))
    return tuple(result)


def _partners(doc: Located | None, path: str, problems: Problems,
              languages: Languages | None = None,
              untranslated: list[Untranslated] | None = None) -> dict[str, Partner]:
    result: dict[str, Partner] = {}
    if doc is None:
        return result
    r = Reader(path, doc, problems, languages=languages,
               untranslated=untranslated if untranslated is not None else [])
    for partner_id, item in _entries(r, (), doc.value):
        where: PathKey = (partner_id,)
        before = len(problems.errors)
        fields = r.mapping(where, item, ("name", "sector", "url", "description", "logo")) or {}
        name = r.shown(where + ("name",), fields.get("name", MISSING), True)
        sector = r.choice(where + ("sector",), fields.get("sector", MISSING), Sector, True)
        url = r.url(where + ("url",), fields.get("url", MISSING))
        description = r.shown(where + ("description",), fields.get("description", MISSING))
        logo = r.url(where + ("logo",), fields.get("logo", MISSING), local_only=True)
        if len(problems.errors) == before and name and sector:
            result[partner_id] = Partner(partner_id, name, sector, url, description or "", logo)
    return result


def partners_of(doc: Located, path: str) -> tuple[dict[str, Partner], Problems]:
    """The partners of a `partners.yml`-shaped document (`{id: {name, sector, ...}}`) and
    their problems, with the rules of `site_data/partners.yml`."""
    problems = Problems()
    return _partners(doc, path, problems), problems


def _assets(doc: Located | None, path: str, problems: Problems,
            partners: Mapping[str, Partner], languages: Languages | None = None,
            untranslated: list[Untranslated] | None = None) -> dict[str, Asset]:
    result: dict[str, Asset] = {}
    if doc is None:
        return result
    r = Reader(path, doc, problems, languages=languages,
               untranslated=untranslated if untranslated is not None else [])
    for asset_id, item in _entries(r, (), doc.value):
        where: PathKey = (asset_id,)
        before = len(problems.errors)
        fields = r.mapping(where, item, ("name", "kind", "owner", "description", "url")) or {}
        name = r.shown(where + ("name",), fields.get("name", MISSING), True)
        kind = r.choice(where + ("kind",), fields.get("kind", MISSING), AssetKind, True)
        owner = r.ident(where + ("owner",), fields.get("owner", MISSING), partners, "partner",
                        required=False)
        description = r.shown(where + ("description",), fields.get("description", MISSING))
        url = r.url(where + ("url",), fields.get("url", MISSING))
        if len(problems.errors) == before and name and kind:
            result[asset_id] = Asset(asset_id, name, kind, owner, description or "", url)
    return result


# ---------------------------------------------------------------------------------------------
# initiatives


def _initiative(page: Page, ctx: _Context, problems: Problems) -> Initiative | None:
    r = Reader(page.path, page.data, problems, languages=ctx.languages)
    if page.problems:  # refused while reading (a key given twice); the rest is checked
        problems.extend(page.problems)
        r.failed = any(p.severity is Severity.ERROR for p in page.problems)
    data = r.mapping((), page.data.value, INITIATIVE_FIELDS, ENGINE_FIELDS) or {}

    def get(key: str) -> Any:
        return data.get(key, MISSING)

    title = r.translated(("title",), get("title"), True)
    summary = r.translated(("summary",), get("summary"), True, SUMMARY_MAX)
    for name in ENGINE_FIELDS:  # MkDocs and its theme print these: text is text there too
        if name in data:
            _engine_text(r, (name,), data[name])
    facet = r.choice(("facet",), get("facet"), Facet, True)
    zone = r.choice(("zone",), get("zone"), Zone, True)
    status = r.choice(("status",), get("status"), Status, default=Status.ACTIVE)
    start = r.date(("start",), get("start"))
    end = r.date(("end",), get("end"))
    if start and end and end.key < start.key:
        r.report(("end",), "is before start", expected=f"a date on or after {start}",
                 found=str(end))
    steward = r.ident(("steward",), get("steward"), ctx.partners, "partner", required=False)
    partners: list[PartnerRole] = []
    for index, item in enumerate(r.items(("partners",), get("partners"))):
        where: PathKey = ("partners", index)
        if isinstance(item, dict):
            fields = r.mapping(where, item, ("id", "role")) or {}
            ident = r.ident(where + ("id",), fields.get("id", MISSING), ctx.partners, "partner")
            role = r.shown(where + ("role",), fields.get("role", MISSING))
        else:
            ident = r.ident(where, item, ctx.partners, "partner")
            role = None
        if ident is not None:
            if any(p.id == ident for p in partners):
                r.report(where, f"the partner {ident!r} is listed twice",
                         expected="each partner once", found=repr(ident),
                         severity=Severity.WARNING)
                continue
            partners.append(PartnerRole(ident, role))
    layer = Layer.PLATFORM
    if get("layer") is not MISSING and get("layer") is not None:
        layer_value = get("layer")
        if isinstance(layer_value, str) and layer_value.strip() in ("2", "3"):
            layer_value = int(layer_value)
        if layer_value in (2, 3) and not isinstance(layer_value, bool):
            layer = Layer(layer_value)
        else:
            r.report(("layer",), "is not a layer an initiative can be in",
                     expected="2 (platform projects) or 3 (projects of other partners)",
                     found=describe(get("layer")))
    funding = _funding(r, get("funding"), ctx)
    themes = r.idents(("themes",), get("themes"), ctx.themes, "theme")
    mandates = r.idents(("mandates",), get("mandates"), ctx.mandates, "mandate")
    objectives = r.idents(("objectives",), get("objectives"), ctx.objectives, "objective")
    assets = r.idents(("assets",), get("assets"), ctx.assets, "asset")
    history = _zone_history(r, get("zone_history"), zone)
    stories = _stories(r, get("stories"), page.slug, ctx)
    indicators = _indicators(r, get("indicators"))
    position = None
    if get("position") is not MISSING and get("position") is not None:
        fields = r.mapping(("position",), get("position"), ("certainty", "direction")) or {}
        certainty = r.number(("position", "certainty"), fields.get("certainty", MISSING), MAP,
                             True)
        direction = r.number(("position", "direction"), fields.get("direction", MISSING), MAP,
                             True)
        if certainty is not None and direction is not None:
            position = Position(certainty, direction)
    links = []
    for index, item in enumerate(r.items(("links",), get("links"))):
        where = ("links", index)
        fields = r.mapping(where, item, ("title", "url")) or {}
        link_title = r.shown(where + ("title",), fields.get("title", MISSING), True)
        url = r.url(where + ("url",), fields.get("url", MISSING), True)
        if link_title and url:
            links.append(Link(link_title, url))
    if r.failed or title is None or summary is None or facet is None or zone is None \
            or status is None:
        return None
    return Initiative(
        slug=page.slug, path=page.path, title=title, summary=summary, facet=facet, zone=zone,
        status=status, start=start, end=end, steward=steward, partners=tuple(partners),
        layer=layer, funding=funding, themes=themes, mandates=mandates, objectives=objectives,
        assets=assets, zone_history=history, stories=stories, indicators=indicators,
        position=position, links=tuple(links), body=page.body, body_line=page.body_line,
        body_path=page.body_path, body_language=_body_language(page, ctx.languages),
        untranslated=tuple(r.untranslated), translations=tuple(r.translations),
    )


def _body_language(page: Page, languages: Languages | None) -> str | None:
    """The language of a page's body where it is not the page's: a page without a
    translation into the page's language is in the default language."""
    if languages is None or page.body_path is not None or not page.body.strip():
        return None
    default = languages.default
    return default if default and default != languages.page else None


def _engine_text(r: Reader, where: PathKey, value: Any) -> None:
    """Every text in a field that MkDocs or its theme reads, checked as text."""
    if isinstance(value, str):
        r.text(where, value)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _engine_text(r, where + (index,), item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _engine_text(r, where + (key,), item)


def _funding(r: Reader, value: Any, ctx: _Context) -> tuple[Funding, ...]:
    result = []
    for index, item in enumerate(r.items(("funding",), value)):
        where: PathKey = ("funding", index)
        fields = r.mapping(where, item, ("funder", "amount", "year", "currency", "kind",
                                         "note")) or {}
        funder = r.ident(where + ("funder",), fields.get("funder", MISSING), ctx.partners,
                         "partner")
        amount = r.number(where + ("amount",), fields.get("amount", MISSING), AMOUNT, True)
        year = r.year(where + ("year",), fields.get("year", MISSING), True)
        kind = r.choice(where + ("kind",), fields.get("kind", MISSING), FundingKind,
                        default=FundingKind.CASH)
        note = r.shown(where + ("note",), fields.get("note", MISSING)) or ""
        if amount is None:
            continue
        money = _money(r, where, amount, fields.get("currency", MISSING), ctx.currency,
                       ctx.rates)
        if funder and year is not None and kind and money:
            result.append(Funding(funder, money, year, kind, note))
    return tuple(result)


def _zone_history(r: Reader, value: Any, zone: Zone | None) -> tuple[ZoneChange, ...]:
    steps = []
    for index, item in enumerate(r.items(("zone_history",), value)):
        where: PathKey = ("zone_history", index)
        fields = r.mapping(where, item, ("date", "zone", "note")) or {}
        date = r.date(where + ("date",), fields.get("date", MISSING), True)
        step_zone = r.choice(where + ("zone",), fields.get("zone", MISSING), Zone, True)
        note = r.shown(where + ("note",), fields.get("note", MISSING)) or ""
        if date and step_zone:
            steps.append((index, ZoneChange(date, step_zone, note)))
    ordered = sorted(steps, key=lambda s: s[1].date.key)
    if ordered and zone is not None and ordered[-1][1].zone is not zone:
        index, latest = ordered[-1]
        r.report(("zone_history", index, "zone"),
                 f"the latest step ({latest.date}) is in the {latest.zone.value} zone, "
                 f"but the initiative's zone is {zone.value}",
                 expected=zone.value, found=latest.zone.value)
    return tuple(step for _, step in ordered)


def _stories(r: Reader, value: Any, slug: str, ctx: _Context) -> tuple[Story, ...]:
    result = []
    for index, item in enumerate(r.items(("stories",), value)):
        where: PathKey = ("stories", index)
        fields = r.mapping(where, item, ("date", "title", "kind", "text", "link",
                                         "partners")) or {}
        date = r.date(where + ("date",), fields.get("date", MISSING), True)
        title = r.shown(where + ("title",), fields.get("title", MISSING), True)
        kind = r.choice(where + ("kind",), fields.get("kind", MISSING), StoryKind,
                        default=StoryKind.CRITICAL_EVENT)
        text = r.shown(where + ("text",), fields.get("text", MISSING)) or ""
        link = r.url(where + ("link",), fields.get("link", MISSING))
        partners = r.idents(where + ("partners",), fields.get("partners", MISSING),
                            ctx.partners, "partner")
        if date and title and kind:
            result.append(Story(slug, date, title, kind, text, link, partners))
    result.sort(key=lambda s: s.date.key, reverse=True)
    return tuple(result)


def _indicators(r: Reader, value: Any) -> tuple[Indicator, ...]:
    result = []
    for index, item in enumerate(r.items(("indicators",), value)):
        where: PathKey = ("indicators", index)
        fields = r.mapping(where, item, INDICATOR_FIELDS) or {}
        name = r.shown(where + ("name",), fields.get("name", MISSING), True)
        unit = r.shown(where + ("unit",), fields.get("unit", MISSING)) or ""
        ident = r.text(where + ("id",), fields.get("id", MISSING))
        if ident is not None and not _ID.match(ident):
            r.report(where + ("id",), "is not a valid id",
                     expected="letters, digits, '.', '_' or '-'", found=repr(ident))
            ident = None
        baseline = r.number(where + ("baseline",), fields.get("baseline", MISSING), INDICATOR)
        baseline_date = r.date(where + ("baseline_date",), fields.get("baseline_date", MISSING))
        target = r.number(where + ("target",), fields.get("target", MISSING), INDICATOR)
        target_date = r.date(where + ("target_date",), fields.get("target_date", MISSING))
        if baseline_date and target_date and target_date.key <= baseline_date.key:
            r.report(where + ("target_date",), "is not after baseline_date",
                     expected=f"a date after {baseline_date}", found=str(target_date))
            target_date = None
        values = []
        for v_index, v_item in enumerate(r.items(where + ("values",),
                                                 fields.get("values", MISSING))):
            v_where = where + ("values", v_index)
            v_fields = r.mapping(v_where, v_item, ("date", "value")) or {}
            date = r.date(v_where + ("date",), v_fields.get("date", MISSING), True)
            number = r.number(v_where + ("value",), v_fields.get("value", MISSING), INDICATOR,
                              True)
            if date and number is not None:
                values.append(IndicatorValue(date, number))
        values.sort(key=lambda v: v.date.key)
        if name:
            result.append(Indicator(name, unit, baseline, target, tuple(values),
                                    sys.intern(ident) if ident else None, baseline_date,
                                    target_date))
    return tuple(result)


# ---------------------------------------------------------------------------------------------


# What a long-running caller keeps of each page's check between runs (see `validate`).
CheckMemo = dict[str, Any]
_SITE = "\x00site"  # the memo's key for what every check depends on (no page's path)


@dataclass(frozen=True)
class SiteCheck:
    """What `site_data/` says, made into the model and checked once for a run: its partners,
    assets and portfolio information, what checking each page needs of it, and its
    problems."""

    partners: dict[str, Partner]
    assets: dict[str, Asset]
    info: PortfolioInfo
    themes_declared: bool
    ctx: _Context
    problems: tuple[Problem, ...]

    def checker(self) -> Callable[[Page], tuple[Initiative | None, list[Problem]]]:
        """What `validate` makes of one page (its initiative and problems), for a process
        that checks pages apart from the run (the site's own problems are the run's)."""
        return partial(_checked, ctx=self.ctx)


def check_site(sources: Sources, site_name: str = "Portfolio",
               languages: Languages | None = None) -> SiteCheck:
    """`site_data/` as `validate` checks it, for a run that reads its pages elsewhere."""
    problems = Problems()
    made = _site(sources, site_name, problems, languages)
    return SiteCheck(*made, problems=tuple(problems.items))


def validate(sources: Sources, site_name: str = "Portfolio",
             on_initiative: Callable[[Initiative], None] | None = None,
             languages: Languages | None = None,
             memo: CheckMemo | None = None,
             site: SiteCheck | None = None) -> tuple[Portfolio, Problems]:
    """Turn what was read into the portfolio model and the problems of the whole run.

    With the run's `languages`, every text is in the page's language (see `Reader.shown`)
    and the model notes what is not given in every language of the site. With a `memo`
    kept between runs (`mkdocs serve`), a page read again as the same object (a loader's
    cache gives back an unchanged file's page) is not checked again while `site_data/` and
    the languages are as they were. `site`: `site_data/` as `check_site` made it of the same
    sources, where the pages were checked (it is not checked again).
    """
    problems = Problems()
    site = site or check_site(sources, site_name, languages)
    problems.extend(site.problems)
    partners, assets, info, themes_declared, ctx = (
        site.partners, site.assets, site.info, site.themes_declared, site.ctx)
    if memo is not None:
        # Written out (`repr`), not compared as values: `1 == 1.0 == True`, and each of
        # them checks differently.
        written = (repr((_value(sources.portfolio), _value(sources.partners),
                         _value(sources.assets))), site_name, languages)
        if memo.get(_SITE) != written:
            memo.clear()
            memo[_SITE] = written
    initiatives = []
    left_out = []
    published: set[str] = set()
    users: dict[tuple[str, str], list[str]] = {}
    # Each page is checked where it is read: pages read by a worker come back checked.
    sources.check = partial(_checked, ctx=ctx)
    for page in sources.all_pages():
        if isinstance(page, Checked):
            initiative, found = page.value
            problems.extend(found)
        elif memo is not None:
            known = memo.get(page.path)
            if known is None or known[0] is not page:
                known = memo[page.path] = (page, _checked(page, ctx))
            initiative, found = known[1]
            problems.extend(found)
        else:
            initiative = check_page(page, problems, partial(_initiative, page, ctx))
        if page.path in sources.misnamed:  # its name is refused: checked, never published
            if page.slug not in published and page.slug not in left_out:  # (or another's)
                left_out.append(page.slug)
            continue
        if initiative is None:
            left_out.append(page.slug)
            continue
        published.add(page.slug)
        if ctx.broken:
            initiative = without_broken(initiative, ctx.broken, users)
        initiatives.append(initiative)
        if on_initiative is not None:
            on_initiative(initiative)
    if users:  # each entry of site_data/ with an error names the pages that use it
        name_users(problems, users, {
            "partner": (sources.partners_path, ""), "asset": (sources.assets_path, ""),
            "theme": (sources.portfolio_path, "themes"),
            "mandate": (sources.portfolio_path, "mandates"),
            "objective": (sources.portfolio_path, "objectives")})
    # What could not be read at all (known once every page was asked for), first; at most
    # so many problems of each file.
    found, problems = problems, Problems()
    problems.take(sources.problems)
    problems.take(found)
    problems.close()
    left_out.extend(sources.unreadable)
    if not themes_declared:
        # Without declared themes, the ids used are the themes.
        used = sorted({t for i in initiatives for t in i.themes})
        info = _replace_info(info, themes=tuple(Theme(t, t.replace("-", " ").capitalize())
                                                for t in used))
    initiatives.sort(key=lambda i: i.slug)
    portfolio = Portfolio(info, tuple(partners.values()), tuple(assets.values()),
                          tuple(initiatives), tuple(sorted(left_out)))
    return portfolio, problems


def _site(sources: Sources, site_name: str, problems: Problems,
          languages: Languages | None = None
          ) -> tuple[dict[str, Partner], dict[str, Asset], PortfolioInfo, bool, _Context]:
    """The site's data (partners, assets, the portfolio's information), and what checking
    each page needs of it."""
    languages = _with_default(languages, _value(sources.portfolio))
    untranslated: list[Untranslated] = []
    valid_partners = _partners(sources.partners, sources.partners_path, problems, languages,
                               untranslated)
    # An entry with an error is still known by its id: one mistake, one error.
    partners = Known(valid_partners, broken_ids(_value(sources.partners), valid_partners))
    assets = _assets(sources.assets, sources.assets_path, problems, partners, languages,
                     untranslated)
    info, reader, themes_declared = _portfolio_info(
        sources.portfolio, sources.portfolio_path, problems, site_name, languages)
    info = _replace_info(info, untranslated=(*reader.untranslated, *untranslated))
    data = reader.doc.value if isinstance(reader.doc.value, dict) else {}
    if info.organisation in partners.broken:
        info = _replace_info(info, organisation=None)
    if info.organisation and info.organisation not in partners:
        reader.report(("organisation",), f"unknown partner {info.organisation!r}",
                      expected="a partner id", found=repr(info.organisation),
                      suggestion=suggest(info.organisation, partners))
        info = _replace_info(info, organisation=None)
    info = _replace_info(info, base_investment=tuple(
        replace(b, funder=None) if b.funder in partners.broken else b
        for b in _base_investment(reader, data, info, partners)))
    assets = {i: replace(a, owner=None) if a.owner in partners.broken else a
              for i, a in assets.items()}
    known_assets = Known(assets, broken_ids(_value(sources.assets), assets))
    themes = {t.id: t for t in info.themes}
    mandates = {m.id: m for m in info.mandates}
    objectives = {o.id: o for o in info.objectives}
    known_themes = Known(themes, broken_ids(data.get("themes"), themes))
    known_mandates = Known(mandates, broken_ids(data.get("mandates"), mandates))
    known_objectives = Known(objectives, broken_ids(data.get("objectives"), objectives))
    known: dict[str, Known[Any]] = {"partner": partners, "asset": known_assets,
                                    "mandate": known_mandates, "objective": known_objectives}
    if themes_declared:
        known["theme"] = known_themes
    broken = {kind: entries.broken for kind, entries in known.items() if entries.broken}
    ctx = _Context(
        currency=info.currency, rates=dict(info.exchange_rates), partners=partners,
        assets=known_assets, themes=known_themes if themes_declared else None,
        mandates=known_mandates, objectives=known_objectives, broken=broken,
        languages=languages,
    )
    return valid_partners, assets, info, themes_declared, ctx


def _value(doc: Located | None) -> Any:
    return doc.value if doc is not None else None


def _with_default(languages: Languages | None, portfolio: Any) -> Languages | None:
    """The run's languages with the default one known: what `portfolio.yml` says
    (`language`), else what the configuration says (the language of the configuration the
    others inherit), else the page's."""
    if languages is None:
        return None
    said = portfolio.get("language") if isinstance(portfolio, dict) else None
    if isinstance(said, str) and _LANGUAGE.match(said):
        return replace(languages, default=said)
    return replace(languages, default=languages.default or languages.page)


def page_checker(sources: Sources, site_name: str = "Portfolio",
                 languages: Languages | None = None
                 ) -> Callable[[Page], tuple[Initiative | None, list[Problem]]]:
    """What `validate` makes of one page (see `SiteCheck.checker`)."""
    return check_site(sources, site_name, languages).checker()


def _checked(page: Page, ctx: _Context) -> tuple[Initiative | None, list[Problem]]:
    """One page's initiative and the problems found in it."""
    problems = Problems()
    initiative = check_page(page, problems, partial(_initiative, page, ctx))
    problems.close()  # (the line counting what is not kept goes with them)
    return initiative, problems.items


def _replace_info(info: PortfolioInfo, **changes: Any) -> PortfolioInfo:
    return replace(info, **changes)
