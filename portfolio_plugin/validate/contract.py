"""The contract of the files a portfolio is written in, defined once.

Each document (an initiative's front-matter, `site_data/partners.yml`, `assets.yml` and
`portfolio.yml`) is a tree of fields. A field knows two things: how the validator reads a
value of it with a `Reader` (which reports a problem at the value's file, line and field),
and how the JSON Schema describes it (`schema`). Validation and the published schemas
(`SCHEMAS`: `schemas/`, `portfolio schema`, the proposal form) are both made from these
trees, so they cannot say different things. What one field cannot say alone (an end before
its start, money in another currency) is checked where the model is made: in the `make` of
a record here, or in `validate` for what needs the whole site.

The export document (`portfolio.json`) has its contract in `export/models.py`.
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from .. import model as m
from ..export import export_schema
from ..load.yamlsafe import PathKey
from ..problems import Severity, suggest
from .reader import (
    AMOUNT,
    CURRENCY_RE,
    ID_RE,
    INDICATOR,
    LANGUAGE_RE,
    MAP,
    MAX_AMOUNT,
    MISSING,
    NOT_TEXT_CHARACTERS,
    RATE,
    SPDX_PATTERN,
    SPDX_RE,
    YEARS,
    Bounds,
    Reader,
    describe,
    is_translation,
)

SUMMARY_MAX = 300
# Front-matter keys that MkDocs or its themes read; they are allowed beside ours.
ENGINE_FIELDS = ("template", "hide", "search", "tags", "description", "icon", "subtitle",
                 "comments", "social")

# -- the JSON Schema's words for the reader's rules ------------------------------------------

SCHEMA_ID = "https://portfolio-showcase.example/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Years 1900-2100 (`YEARS`), then an optional month and day.
_YEAR = r"(19\d{2}|20\d{2}|2100)"
DATE_PATTERN = rf"^{_YEAR}(-\d{{2}}(-\d{{2}})?)?$"
# A character of a URL: not a space, a backslash, a control character or a bidi override
# (`reader._url_refused`, after the rule of text).
_URL_CHAR = r"[^\s\\" + NOT_TEXT_CHARACTERS + "]"
# Relative (not `//host`), or http(s) or mailto in any letter case.
URL_PATTERN = (r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?!//)" + _URL_CHAR + "*$"
               r"|^([Hh][Tt][Tt][Pp][Ss]?|[Mm][Aa][Ii][Ll][Tt][Oo]):" + _URL_CHAR + "*$")
# Not a scheme, not absolute, no `..` segment (written out or as %2e%2e).
LOCAL_URL_PATTERN = (r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?!/)(?!(.*/)?(\.|%2[eE]){2}([/?#]|$))"
                     + _URL_CHAR + "*$")
# Control characters but tab and newline, and bidi overrides, embeddings and isolates.
TEXT_PATTERN = rf"^[^{NOT_TEXT_CHARACTERS}]*$"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$"
# Text, where an unquoted number or `true` is read as the text it was written as; and text
# that is required: not empty, not only spaces.
TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"], "pattern": TEXT_PATTERN}
LINE: dict[str, Any] = {
    **TEXT, "minLength": 1,
    "pattern": rf"^[^{NOT_TEXT_CHARACTERS}]*[^\s{NOT_TEXT_CHARACTERS}][^{NOT_TEXT_CHARACTERS}]*$"}


def _described(schema: dict[str, Any], description: str,
               first: bool = False) -> dict[str, Any]:
    """The schema with its description (`first`: before its rules, as texts and dates put
    it in the published files)."""
    if not description:
        return schema
    return {"description": description, **schema} if first \
        else {**schema, "description": description}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional field may be left empty (`status:`): the reader takes that as absent."""
    schema = dict(schema)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    elif "anyOf" in schema:
        schema["anyOf"] = [*schema["anyOf"], {"type": "null"}]
    elif "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = [*types, "null"]
    return schema


def _by_language(schema: dict[str, Any]) -> dict[str, Any]:
    """The same text per language: `{en: ..., sv: ...}` (DESIGN.md, "Languages")."""
    return {"type": "object", "minProperties": 1,
            "propertyNames": {"pattern": LANGUAGE_PATTERN}, "additionalProperties": schema}


def _number(bounds: Bounds, description: str = "") -> dict[str, Any]:
    return {"type": "number",
            "exclusiveMinimum" if bounds.low_open else "minimum": bounds.low,
            "exclusiveMaximum" if bounds.high_open else "maximum": bounds.high,
            "description": description or bounds.what[0].upper() + bounds.what[1:]}


# -- fields ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Context:
    """What reading a document needs of the others: the site's currency and exchange rates,
    and the entries an id may name, by kind ('partner', 'asset', ...); `None` where any id
    is taken (themes nobody declared)."""

    currency: str = "EUR"
    rates: Mapping[str, float] = field(default_factory=dict)
    known: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict)
    # Ids of entries of site_data/ with an error, by kind: pages naming them get no error
    # of their own (see `references`).
    broken: Mapping[str, frozenset[str]] = field(default_factory=dict)
    languages: m.Languages | None = None


# `Field.absent` of a field that must be read even where it is not given: a required one
# (to say it is), and those that say something of their absence (a licence not given).
READ: Any = object()


class Field:
    """One field of a document: how it is read (`read`) and described (`schema`).

    `absent`: what the field is where the document does not give it. A record takes it as
    it is, without reading (most optional fields are not given, and a record reads those
    given: thousands of pages are read per run), unless it is `READ`.
    """

    required: bool = False

    @property
    def absent(self) -> Any:
        return READ if self.required else None

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Field):
    """Text without control characters or bidi overrides (`Reader.text`). With
    `languages`, it may be given per language, and reads as the page's language's text
    (`kept`: as the `model.Text` of every language)."""

    required: bool = False
    max_length: int | None = None
    languages: bool = True
    kept: bool = False
    description: str = ""

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        if not self.languages:
            return r.text(where, value, self.required, self.max_length)
        if self.kept:
            return r.translated(where, value, self.required, self.max_length)
        return r.shown(where, value, self.required, self.max_length)

    def schema(self) -> dict[str, Any]:
        plain, line = dict(LINE if self.required else TEXT), dict(LINE)
        if self.max_length:
            plain["maxLength"] = line["maxLength"] = self.max_length
        if not self.languages:
            return _described(plain, self.description)
        # Given per language, the text of each language is required (`Reader.translated`).
        return _described({"anyOf": [plain, _by_language(line)]}, self.description, first=True)


@dataclass(frozen=True)
class Measure(Field):
    """What a key result measures: an indicator's id, or what is measured in words (and so
    per language)."""

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        if isinstance(value, dict) or (isinstance(value, str) and " " in value.strip()):
            return r.shown(where, value)
        return r.text(where, value)

    def schema(self) -> dict[str, Any]:
        return Text().schema()


@dataclass(frozen=True)
class Choice(Field):
    """One of an enumeration's values (`default` where none is given)."""

    values: type[enum.Enum]
    required: bool = False
    default: Any = None
    description: str = ""

    @property
    def absent(self) -> Any:
        return READ if self.required else self.default

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        return r.choice(where, value, self.values, self.required, self.default)

    def schema(self) -> dict[str, Any]:
        return _described({"enum": [member.value for member in self.values]},
                          self.description)


@dataclass(frozen=True)
class Date(Field):
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a date of the calendar within `YEARS`."""

    required: bool = False
    description: str = ""

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        return r.date(where, value, self.required)

    def schema(self) -> dict[str, Any]:
        return _described({"anyOf": [
            {"type": "string", "pattern": DATE_PATTERN},
            {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}]},
            self.description, first=True)


@dataclass(frozen=True)
class Year(Field):
    required: bool = False

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        return r.year(where, value, self.required)

    def schema(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
                          {"type": "string", "pattern": rf"^\s*{_YEAR}\s*$"}],
                "description": f"A year from {YEARS[0]} to {YEARS[1]}"}


@dataclass(frozen=True)
class Number(Field):
    """A finite number within `bounds`."""

    bounds: Bounds
    required: bool = False
    description: str = ""

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        return r.number(where, value, self.bounds, self.required)

    def schema(self) -> dict[str, Any]:
        return _number(self.bounds, self.description)


@dataclass(frozen=True)
class Url(Field):
    """An http(s), mailto or relative URL; with `local_only`, a file of the site."""

    required: bool = False
    local_only: bool = False

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        return r.url(where, value, self.required, self.local_only)

    def schema(self) -> dict[str, Any]:
        if self.local_only:
            return {"type": "string", "pattern": LOCAL_URL_PATTERN,
                    "description": "A file of the site, relative to the docs folder and "
                                   "inside it"}
        schema = {"type": "string", "pattern": URL_PATTERN,
                  "description": "An http(s), mailto or relative URL (not //host)"}
        return {**schema, "minLength": 1} if self.required else schema


@dataclass(frozen=True)
class Ref(Field):
    """The id of an entry of a kind ('partner', ...) the context knows."""

    kind: str
    required: bool = False

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        return r.ident(where, value, ctx.known.get(self.kind), self.kind, self.required)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": ID_PATTERN, "description": f"A {self.kind} id"}


@dataclass(frozen=True)
class Refs(Field):
    """A list of ids of entries of a kind, each taken once."""

    kind: str

    absent = ()

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        return r.idents(where, value, ctx.known.get(self.kind), self.kind)

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}}


@dataclass(frozen=True)
class Code(Field):
    """Text of a pattern: an id, a language code."""

    pattern: re.Pattern[str]
    schema_pattern: str
    message: str
    expected: str
    description: str = ""

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        code = r.text(where, value)
        return code if code is not None and self.holds(r, where, code) else None

    def holds(self, r: Reader, where: PathKey, code: str) -> bool:
        """Whether `code` is of the pattern; if not, that is said at `where`."""
        if self.pattern.match(code):
            return True
        r.report(where, self.message, expected=self.expected, found=repr(code))
        return False

    def schema(self) -> dict[str, Any]:
        return _described({"type": "string", "pattern": self.schema_pattern},
                          self.description)


# What a currency given wrong reads as (absent, it is the portfolio's).
REFUSED: Any = object()


@dataclass(frozen=True)
class Currency(Field):
    """An ISO 4217 code; `REFUSED` where one is given that is not."""

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        if value is MISSING or value is None:
            return None
        text = r.text(where, value)
        if text is not None and not CURRENCY_RE.match(text):
            r.report(where, "is not a currency code",
                     expected="an ISO 4217 code such as SEK or EUR", found=describe(text))
            return REFUSED
        return REFUSED if text is None else text

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"}


@dataclass(frozen=True)
class Licence(Field):
    """The SPDX id of the open data's licence: a common one, or any id of the right shape
    (warned about, with the closest common one); none is a warning where portfolio.yml says
    anything at all (a site without one, or with an empty one, is not told), since data
    without a licence cannot be reused with confidence."""

    absent = READ

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        expected = "an SPDX licence id such as CC-BY-4.0"
        if value is MISSING or value is None or (isinstance(value, str) and not value.strip()):
            if isinstance(r.doc.value, dict) and r.doc.value:
                r.report(where, "no licence for the published data: others cannot know "
                         "whether they may reuse it", expected=expected, found="nothing",
                         severity=Severity.WARNING)
            return None
        text = r.text(where, value)
        if not text:
            return None
        if not SPDX_RE.match(text):
            r.report(where, "is not an SPDX licence id",
                     expected=expected + " (letters, digits, '.', '-' and '+')",
                     found=describe(text), suggestion=suggest(text, m.LICENCES))
            return None
        known = {spdx_id.lower(): spdx_id for spdx_id in m.LICENCES}
        if text.lower() in known:  # SPDX ids are matched without regard to case
            return known[text.lower()]
        r.report(where, "is not a licence this plugin knows; it is published as given",
                 expected="one of " + ", ".join(m.LICENCES), found=repr(text),
                 suggestion=suggest(text, m.LICENCES), severity=Severity.WARNING)
        return text

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{SPDX_PATTERN}$", "examples": list(m.LICENCES),
                "description": "SPDX id of the open data's licence, e.g. CC-BY-4.0"}


@dataclass(frozen=True)
class Layer(Field):
    """The layer an initiative is in: 2, the platform's projects (the default), or 3."""

    absent = m.Layer.PLATFORM

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        if value is MISSING or value is None:
            return m.Layer.PLATFORM
        number = int(value) if isinstance(value, str) and value.strip() in ("2", "3") \
            else value
        if number in (2, 3) and not isinstance(number, bool):
            return m.Layer(number)
        r.report(where, "is not a layer an initiative can be in",
                 expected="2 (platform projects) or 3 (projects of other partners)",
                 found=describe(value))
        return m.Layer.PLATFORM

    def schema(self) -> dict[str, Any]:
        return {"enum": [2, 3, "2", "3"],
                "description": "2: platform projects (default); 3: others'"}


# What a record makes of its values: (reader, where it is, its values, context) to a part
# of the model, or None.
Make = Callable[[Reader, PathKey, dict[str, Any], Context], Any]


@dataclass(frozen=True)
class Record(Field):
    """A mapping of named fields (an unknown one is warned about, with a suggestion), made
    into a part of the model by `make` (without one, its values by name). Not `required`,
    it may be left out (a record in a list never is). `whole`: made only if reading it
    found no error."""

    fields: dict[str, Field]
    make: Make | None = None
    required: bool = True
    whole: bool = False
    description: str = ""

    @cached_property
    def _own(self) -> tuple[str, ...]:
        """The record's own fields (not the engine's it allows beside them)."""
        return tuple(name for name, spec in self.fields.items()
                     if not isinstance(spec, Engine))

    @cached_property
    def _plan(self) -> tuple[dict[str, Any], tuple[tuple[str, Field], ...], dict[str, Field]]:
        """What each field reads as where it is not given; the fields read all the same;
        those read only where they are given (most fields, and most are not given)."""
        absent = {name: spec.absent for name, spec in self.fields.items()}
        always = tuple((name, spec) for name, spec in self.fields.items()
                       if absent[name] is READ)
        return absent, always, {name: spec for name, spec in self.fields.items()
                                if absent[name] is not READ}

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        if not self.required and (value is MISSING or value is None):
            return None
        errors = r.errors
        data = r.mapping(where, value) or {}
        absent, always, given_only = self._plan
        values = absent.copy()
        for name, spec in always:
            values[name] = spec.read(r, where + (name,), data.get(name, MISSING), ctx)
        for name, given in data.items():
            field_ = given_only.get(name)
            if field_ is not None:
                values[name] = field_.read(r, where + (name,), given, ctx)
            elif name not in absent:
                r.report(where + (name,), "unknown field; it is ignored",
                         expected="one of " + ", ".join(self._own), found=repr(name),
                         suggestion=suggest(name, self._own), severity=Severity.WARNING)
        if self.whole and r.errors != errors:
            return None
        return values if self.make is None else self.make(r, where, values, ctx)

    def schema(self) -> dict[str, Any]:
        required = [name for name, spec in self.fields.items() if spec.required]
        schema: dict[str, Any] = {"type": "object", "additionalProperties": False,
                                  "properties": {
                                      name: spec.schema() if spec.required
                                      else _nullable(spec.schema())
                                      for name, spec in self.fields.items()}}
        if required:
            schema["required"] = required
        return _described(schema, self.description)


# What a list makes of its items that were read: (reader, where it is, (index, item) of
# each, context) to a part of the model.
Finish = Callable[[Reader, PathKey, list[tuple[int, Any]], Context], Any]


def _items(r: Reader, where: PathKey, items: list[tuple[int, Any]], ctx: Context) -> Any:
    return tuple(item for _, item in items)


def _placed(r: Reader, where: PathKey, items: list[tuple[int, Any]], ctx: Context) -> Any:
    """The items with their places in the list, for a rule that names one later."""
    return tuple(items)


@dataclass(frozen=True)
class Items(Field):
    """A list (a single value where a list is expected is an error)."""

    item: Field
    finish: Finish = _items
    absent = ()

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        made = []
        for index, item in enumerate(r.items(where, value)):
            read = self.item.read(r, where + (index,), item, ctx)
            if read is not None:
                made.append((index, read))
        return self.finish(r, where, made, ctx)

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema()}


@dataclass(frozen=True)
class Either(Field):
    """One field or another, as `second_if` says of the value."""

    first: Field
    second: Field
    second_if: Callable[[Any], bool]

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        chosen = self.second if self.second_if(value) else self.first
        return chosen.read(r, where, value, ctx)

    def schema(self) -> dict[str, Any]:
        first = self.first.schema()
        firsts = first["anyOf"] if list(first) == ["anyOf"] else [first]
        return {"anyOf": [*firsts, self.second.schema()]}


# An id by which something is named, in front-matter or as the key of an entry.
ID = Code(ID_RE, ID_PATTERN, "is not a valid id", "letters, digits, '.', '_' or '-'")


@dataclass(frozen=True)
class Entries(Field):
    """A mapping of keys (ids, unless `key` says otherwise) to entries, made into a mapping
    of keys to what each makes."""

    item: Field
    key: Code = ID
    what: str = "a mapping of ids to entries"
    absent = READ

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        made: dict[str, Any] = {}
        if value is MISSING or value is None:
            return made
        for key, item in (r.mapping(where, value, what=self.what) or {}).items():
            if not self.key.holds(r, where + (key,), key):
                continue
            entry = self.item.read(r, where + (key,), item, ctx)
            if entry is not None:
                made[key] = entry
        return made

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "propertyNames": {"pattern": self.key.schema_pattern},
                "additionalProperties": self.item.schema()}


@dataclass(frozen=True)
class Engine(Field):
    """A key MkDocs or its theme reads: every text in it is checked as text (they print
    it), whatever its shape."""

    def read(self, r: Reader, where: PathKey, value: Any, ctx: Context) -> Any:
        if isinstance(value, str):
            r.text(where, value)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.read(r, where + (index,), item, ctx)
        elif isinstance(value, dict):
            for key, item in value.items():
                self.read(r, where + (key,), item, ctx)
        return None

    def schema(self) -> dict[str, Any]:
        return {"description": "Read by MkDocs or its theme"}


# -- money ---------------------------------------------------------------------------------

def money(r: Reader, where: PathKey, amount: float, currency: str | None,
          ctx: Context) -> m.Money | None:
    """An amount in its currency (`None`: the portfolio's), converted to the portfolio's."""
    if currency is REFUSED:
        return None
    code = currency or ctx.currency
    if code == ctx.currency:
        return m.Money(amount, code, amount)
    if code not in ctx.rates:
        r.report(where + ("currency",), f"no exchange rate for {code} in portfolio.yml",
                 expected=f"exchange_rates: {{{code}: <{ctx.currency} per {code}>}}",
                 found=repr(code))
        return None
    converted = amount * ctx.rates[code]  # both bounded: the product is finite
    if converted >= MAX_AMOUNT:
        r.report(where + ("amount",), f"is out of range once converted to {ctx.currency}",
                 expected=f"an amount below 10^15 {ctx.currency} once converted "
                          f"(at {ctx.rates[code]:g} {ctx.currency} per {code})",
                 found=f"{converted:.6g} {ctx.currency}")
        return None
    return m.Money(converted, code, amount)


# -- an initiative's front-matter ------------------------------------------------------------

def _partner_roles(r: Reader, where: PathKey, items: list[tuple[int, Any]],
                   ctx: Context) -> tuple[m.PartnerRole, ...]:
    roles: list[m.PartnerRole] = []
    for index, item in items:
        role = item if isinstance(item, m.PartnerRole) else m.PartnerRole(item, None)
        if any(p.id == role.id for p in roles):
            r.report(where + (index,), f"the partner {role.id!r} is listed twice",
                     expected="each partner once", found=repr(role.id),
                     severity=Severity.WARNING)
            continue
        roles.append(role)
    return tuple(roles)


def _funding(r: Reader, where: PathKey, v: dict[str, Any], ctx: Context) -> m.Funding | None:
    if v["amount"] is None:
        return None
    paid = money(r, where, v["amount"], v["currency"], ctx)
    if v["funder"] and v["year"] is not None and v["kind"] and paid:
        return m.Funding(v["funder"], paid, v["year"], v["kind"], v["note"] or "")
    return None


def _by_date(r: Reader, where: PathKey, items: list[tuple[int, Any]],
             ctx: Context) -> list[tuple[int, Any]]:
    """The steps of a zone history by date, each with its place in the list (the check of
    the latest against the initiative's zone names it)."""
    return sorted(items, key=lambda item: item[1].date.key)


def _newest_first(r: Reader, where: PathKey, items: list[tuple[int, Any]],
                  ctx: Context) -> tuple[Any, ...]:
    return tuple(sorted((item for _, item in items), key=lambda s: s.date.key, reverse=True))


def _oldest_first(r: Reader, where: PathKey, items: list[tuple[int, Any]],
                  ctx: Context) -> tuple[Any, ...]:
    return tuple(sorted((item for _, item in items), key=lambda s: s.date.key))


def _indicator(r: Reader, where: PathKey, v: dict[str, Any],
               ctx: Context) -> m.Indicator | None:
    baseline_date, target_date = v["baseline_date"], v["target_date"]
    if baseline_date and target_date and target_date.key <= baseline_date.key:
        r.report(where + ("target_date",), "is not after baseline_date",
                 expected=f"a date after {baseline_date}", found=str(target_date))
        target_date = None
    if not v["name"]:
        return None
    return m.Indicator(v["name"], v["unit"] or "", v["baseline"], v["target"], v["values"],
                       sys.intern(v["id"]) if v["id"] else None, baseline_date, target_date)


INITIATIVE = Record({
    "title": Text(required=True, kept=True,
                  description="The initiative's name, plain text or {en: ..., sv: ...}"),
    "summary": Text(required=True, kept=True, max_length=SUMMARY_MAX,
                    description=f"One or two sentences, at most {SUMMARY_MAX} characters"),
    "facet": Choice(m.Facet, required=True, description="OPSI's purpose of innovation"),
    "zone": Choice(m.Zone, required=True, description="Current zone: yellow exploring, green "
                                                      "partnership, blue integrated"),
    "status": Choice(m.Status, default=m.Status.ACTIVE, description="Default: active"),
    "start": Date(description="Start date: YYYY, YYYY-MM or YYYY-MM-DD"),
    "end": Date(description="End date, not before start"),
    "steward": Ref("partner"),
    "partners": Items(Either(
        Ref("partner", required=True),
        Record({"id": Ref("partner", required=True), "role": Text()},
               make=lambda r, where, v, ctx:
               m.PartnerRole(v["id"], v["role"]) if v["id"] else None),
        second_if=lambda value: isinstance(value, dict)), finish=_partner_roles),
    "layer": Layer(),
    "funding": Items(Record({
        "funder": Ref("partner", required=True),
        "amount": Number(AMOUNT, required=True, description="At least 0 and below 10^15, "
                         "converted to the portfolio currency too"),
        "year": Year(required=True), "currency": Currency(),
        "kind": Choice(m.FundingKind, default=m.FundingKind.CASH), "note": Text(),
    }, make=_funding)),
    "themes": Refs("theme"),
    "mandates": Refs("mandate"),
    "objectives": Refs("objective"),
    "assets": Refs("asset"),
    "zone_history": Items(Record({
        "date": Date(required=True, description="When the initiative entered the zone"),
        "zone": Choice(m.Zone, required=True), "note": Text(),
    }, make=lambda r, where, v, ctx: m.ZoneChange(v["date"], v["zone"], v["note"] or "")
        if v["date"] and v["zone"] else None), finish=_by_date),
    "stories": Items(Record({
        "date": Date(required=True, description="When it happened"),
        "title": Text(required=True),
        "kind": Choice(m.StoryKind, default=m.StoryKind.CRITICAL_EVENT,
                       description="Default: critical-event"),
        "text": Text(description="Markdown without raw HTML"),
        "link": Url(),
        "partners": Refs("partner"),
    }, make=lambda r, where, v, ctx: m.Story(
        r.slug, v["date"], v["title"], v["kind"], v["text"] or "", v["link"], v["partners"])
        if v["date"] and v["title"] and v["kind"] else None), finish=_newest_first),
    "indicators": Items(Record({
        "id": replace(ID, description="What a key result's `indicator` names"),
        "name": Text(required=True), "unit": Text(),
        "baseline": Number(INDICATOR),
        "baseline_date": Date(description="When the baseline was measured (else the first "
                                          "value's date)"),
        "target": Number(INDICATOR),
        "target_date": Date(description="When the target is to be reached, after "
                                        "baseline_date"),
        "values": Items(Record({
            "date": Date(required=True, description="Date of the measurement"),
            "value": Number(INDICATOR, required=True),
        }, make=lambda r, where, v, ctx: m.IndicatorValue(v["date"], v["value"])
            if v["date"] and v["value"] is not None else None), finish=_oldest_first),
    }, make=_indicator)),
    "position": Record({"certainty": Number(MAP, required=True),
                        "direction": Number(MAP, required=True)}, required=False,
                       make=lambda r, where, v, ctx: None if None in v.values()
                       else m.Position(v["certainty"], v["direction"])),
    "links": Items(Record({"title": Text(required=True), "url": Url(required=True)},
                          make=lambda r, where, v, ctx: m.Link(v["title"], v["url"])
                          if v["title"] and v["url"] else None)),
    **{name: Engine() for name in ENGINE_FIELDS},
})
# The initiative's own fields (the others are the engine's).
INITIATIVE_FIELDS = tuple(name for name, spec in INITIATIVE.fields.items()
                          if not isinstance(spec, Engine))


def _key(where: PathKey) -> str:
    """The id of the entry at `where` (the last key of its path)."""
    return str(where[-1])


# -- site_data/ ---------------------------------------------------------------------------------

PARTNERS = Entries(Record({
    "name": Text(required=True), "sector": Choice(m.Sector, required=True), "url": Url(),
    "description": Text(), "logo": Url(local_only=True),
}, whole=True, make=lambda r, where, v, ctx: m.Partner(
    _key(where), v["name"], v["sector"], v["url"], v["description"] or "", v["logo"])
    if v["name"] and v["sector"] else None))

ASSETS = Entries(Record({
    "name": Text(required=True), "kind": Choice(m.AssetKind, required=True),
    "owner": Ref("partner"), "description": Text(), "url": Url(),
}, whole=True, make=lambda r, where, v, ctx: m.Asset(
    _key(where), v["name"], v["kind"], v["owner"], v["description"] or "", v["url"])
    if v["name"] and v["kind"] else None))


@dataclass(frozen=True, slots=True)
class Given:
    """Money given to the platform (its base investment) as written, in its currency: it
    is converted once the whole of portfolio.yml is read, exchange rates and all."""

    year: int
    amount: float
    funder: str | None
    currency: str | None


PORTFOLIO = Record({
    "name": Text(), "organisation": Ref("partner"), "currency": Currency(),
    # Units of the portfolio currency per unit of each other currency.
    "exchange_rates": Entries(
        Number(RATE, required=True,
               description="Units of the portfolio currency per unit: above 0, at most 10^6"),
        key=Code(CURRENCY_RE, "^[A-Z]{3}$", "is not a currency code", "a code such as EUR"),
        what="a mapping"),
    "base_investment": Items(Record({
        "year": Year(required=True),
        "amount": Number(AMOUNT, required=True, description="At least 0 and below 10^15, "
                         "converted to the portfolio currency too"),
        "funder": Ref("partner"), "currency": Currency(), "note": Text(languages=False),
    }, make=lambda r, where, v, ctx: Given(v["year"], v["amount"], v["funder"], v["currency"])
        if v["year"] is not None and v["amount"] is not None else None), finish=_placed),
    "themes": Entries(Either(
        Text(required=True),
        Record({"title": Text(required=True)}, make=lambda r, where, v, ctx: v["title"] or None),
        # (an unquoted number is a title too, as the schema's text says)
        second_if=lambda value: isinstance(value, dict) and not is_translation(value))),
    "mandates": Entries(Record({
        "title": Text(required=True), "level": Choice(m.MandateLevel, required=True),
        "url": Url(),
    }, make=lambda r, where, v, ctx: m.Mandate(_key(where), v["title"], v["level"], v["url"])
        if v["title"] and v["level"] else None)),
    "objectives": Entries(Record({
        "title": Text(required=True), "description": Text(),
        "key_results": Items(Record({
            "title": Text(required=True), "indicator": Measure(), "target": Text(),
        }, make=lambda r, where, v, ctx: m.KeyResult(v["title"], v["indicator"], v["target"])
            if v["title"] else None)),
    }, make=lambda r, where, v, ctx: m.Objective(
        _key(where), v["title"], v["description"] or "", v["key_results"])
        if v["title"] else None)),
    "federation": Items(Url(required=True)),
    "description": Text(), "licence": Licence(),
    "language": Code(LANGUAGE_RE, LANGUAGE_PATTERN, "is not a language code",
                     "a code such as 'en' or 'sv'", "The language plain texts are written in"),
})


# -- the published schemas ---------------------------------------------------------------------

def _document(name: str, title: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": DRAFT, "$id": SCHEMA_ID + name, "title": title, **schema}


def frontmatter_schema() -> dict[str, Any]:
    """The JSON Schema of an initiative page's front-matter."""
    schema = INITIATIVE.schema()
    return _document("initiative.schema.json", "Initiative front-matter", {
        "type": "object", "required": schema["required"], "properties": schema["properties"],
        "additionalProperties": False})


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "initiative": frontmatter_schema,
    "partners": lambda: _document("partners.schema.json", "Partners", PARTNERS.schema()),
    "assets": lambda: _document("assets.schema.json", "Shared assets", ASSETS.schema()),
    "portfolio": lambda: _document("portfolio-config.schema.json", "Portfolio",
                                   PORTFOLIO.schema()),
    "export": export_schema,
}
