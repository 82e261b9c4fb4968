"""JSON Schemas of the initiative front-matter and of the `site_data/` files.

Built from the model's enums and the validator's field lists, so they cannot drift apart;
a test checks that they accept and refuse the same documents as the validator.
"""

from __future__ import annotations

import enum
from typing import Any

from ..export import export_schema
from ..model import (
    LICENCES,
    AssetKind,
    Facet,
    FundingKind,
    MandateLevel,
    Sector,
    Status,
    StoryKind,
    Zone,
)
from . import (
    AMOUNT,
    ENGINE_FIELDS,
    INDICATOR,
    INITIATIVE_FIELDS,
    MAP,
    NOT_TEXT_CHARACTERS,
    RATE,
    SPDX_PATTERN,
    SUMMARY_MAX,
    YEARS,
    Bounds,
)

# Years 1900-2100 (`YEARS`), then an optional month and day.
_YEAR = r"(19\d{2}|20\d{2}|2100)"
DATE_PATTERN = rf"^{_YEAR}(-\d{{2}}(-\d{{2}})?)?$"
# Relative (not `//host`), or http(s) or mailto in any letter case, without spaces or
# backslashes: the validator's rule.
URL_PATTERN = (r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?!//)[^\s\\]*$"
               r"|^([Hh][Tt][Tt][Pp][Ss]?|[Mm][Aa][Ii][Ll][Tt][Oo]):[^\s\\]*$")
# Control characters but tab and newline, and bidi overrides, embeddings and isolates: the
# characters the validator refuses in text.
_NOT_TEXT = NOT_TEXT_CHARACTERS
TEXT_PATTERN = rf"^[^{_NOT_TEXT}]*$"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SCHEMA_ID = "https://portfolio-showcase.example/schemas/"
LANGUAGE_PATTERN = r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$"


# Text where an unquoted number or `true` is read as the text it was written as.
TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"], "pattern": TEXT_PATTERN}
# Required text: not empty, not only spaces.
LINE: dict[str, Any] = {**TEXT, "minLength": 1,
                        "pattern": rf"^[^{_NOT_TEXT}]*[^\s{_NOT_TEXT}][^{_NOT_TEXT}]*$"}
# Text of `site_data/`, and required text there.
STRING: dict[str, Any] = {"type": "string", "pattern": TEXT_PATTERN}
NAME: dict[str, Any] = {**STRING, "minLength": 1}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional field may be left empty (`status:`): the validator reads that as absent."""
    schema = dict(schema)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    elif "anyOf" in schema:
        schema["anyOf"] = [*schema["anyOf"], {"type": "null"}]
    elif "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = [*types, "null"]
    return schema


def _enum(values: type[enum.Enum], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"enum": [m.value for m in values]}
    if description:
        schema["description"] = description
    return schema


def _text(description: str, max_length: int | None = None) -> dict[str, Any]:
    plain: dict[str, Any] = dict(LINE)
    if max_length:
        plain["maxLength"] = max_length
    return {
        "description": description,
        "anyOf": [plain, {"type": "object", "minProperties": 1,
                          "propertyNames": {"pattern": LANGUAGE_PATTERN},
                          "additionalProperties": plain}],
    }


def _per_language(schema: dict[str, Any]) -> dict[str, Any]:
    """Text, or the same text per language: `{en: ..., sv: ...}` (DESIGN.md, "Languages")."""
    return {"anyOf": [schema, {"type": "object", "minProperties": 1,
                               "propertyNames": {"pattern": LANGUAGE_PATTERN},
                               "additionalProperties": schema}]}


def _date(description: str) -> dict[str, Any]:
    return {"description": description,
            "anyOf": [{"type": "string", "pattern": DATE_PATTERN},
                      {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}]}


def _object(properties: dict[str, Any], required: tuple[str, ...] = (),
            description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {
        name: prop if name in required else _nullable(prop) for name, prop in properties.items()}}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


# Not a scheme, not absolute, no `..` segment (written out or as %2e%2e), no backslash.
LOCAL_URL = {"type": "string",
             "pattern": r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?!/)(?!(.*/)?(\.|%2[eE]){2}([/?#]|$))"
                        r"[^\s\\]*$",
             "description": "A file of the site, relative to the docs folder and inside it"}
URL = {"type": "string", "pattern": URL_PATTERN,
       "description": "An http(s), mailto or relative URL (not //host)"}
PARTNER_ID = {"type": "string", "pattern": ID_PATTERN, "description": "A partner id"}
def _number(bounds: Bounds, description: str = "") -> dict[str, Any]:
    """A number in the validator's bounds."""
    return {"type": "number",
            "exclusiveMinimum" if bounds.low_open else "minimum": bounds.low,
            "exclusiveMaximum" if bounds.high_open else "maximum": bounds.high,
            "description": description or bounds.what[0].upper() + bounds.what[1:]}


MONEY = _number(AMOUNT, "At least 0 and below 10^15, converted to the portfolio currency too")
YEAR = {"anyOf": [{"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]},
                  {"type": "string", "pattern": rf"^\s*{_YEAR}\s*$"}],
        "description": f"A year from {YEARS[0]} to {YEARS[1]}"}
INDICATOR_VALUE = _number(INDICATOR)
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"}
LICENCE = {"type": "string", "pattern": f"^{SPDX_PATTERN}$",
           "examples": list(LICENCES),
           "description": "SPDX id of the open data's licence, e.g. CC-BY-4.0"}
IDS = {"type": "array", "items": {"type": "string", "pattern": ID_PATTERN}}


def frontmatter_schema() -> dict[str, Any]:
    """The JSON Schema of an initiative page's front-matter."""
    properties: dict[str, Any] = {
        "title": _text("The initiative's name, plain text or {en: ..., sv: ...}"),
        "summary": _text(f"One or two sentences, at most {SUMMARY_MAX} characters",
                         SUMMARY_MAX),
        "facet": _enum(Facet, "OPSI's purpose of innovation"),
        "zone": _enum(Zone, "Current zone: yellow exploring, green partnership, blue integrated"),
        "status": _enum(Status, "Default: active"),
        "start": _date("Start date: YYYY, YYYY-MM or YYYY-MM-DD"),
        "end": _date("End date, not before start"),
        "steward": PARTNER_ID,
        "partners": {"type": "array", "items": {"anyOf": [
            PARTNER_ID, _object({"id": PARTNER_ID, "role": _per_language(TEXT)}, ("id",))]}},
        "layer": {"enum": [2, 3, "2", "3"],
                  "description": "2: platform projects (default); 3: others'"},
        "funding": {"type": "array", "items": _object({
            "funder": PARTNER_ID, "amount": MONEY, "year": YEAR, "currency": CURRENCY,
            "kind": _enum(FundingKind), "note": _per_language(TEXT),
        }, ("funder", "amount", "year"))},
        "themes": IDS, "mandates": IDS, "objectives": IDS, "assets": IDS,
        "zone_history": {"type": "array", "items": _object({
            "date": _date("When the initiative entered the zone"), "zone": _enum(Zone),
            "note": _per_language(TEXT)}, ("date", "zone"))},
        "stories": {"type": "array", "items": _object({
            "date": _date("When it happened"), "title": _per_language(LINE),
            "kind": _enum(StoryKind, "Default: critical-event"),
            "text": {**_per_language(TEXT), "description": "Markdown without raw HTML"},
            "link": URL, "partners": IDS}, ("date", "title"))},
        "indicators": {"type": "array", "items": _object({
            "id": {"type": "string", "pattern": ID_PATTERN,
                   "description": "What a key result's `indicator` names"},
            "name": _per_language(LINE), "unit": _per_language(TEXT),
            "baseline": INDICATOR_VALUE,
            "baseline_date": _date("When the baseline was measured (else the first value's "
                                   "date)"),
            "target": INDICATOR_VALUE,
            "target_date": _date("When the target is to be reached, after baseline_date"),
            "values": {"type": "array", "items": _object({
                "date": _date("Date of the measurement"), "value": INDICATOR_VALUE},
                ("date", "value"))}}, ("name",))},
        "position": _object({"certainty": _number(MAP), "direction": _number(MAP)},
                            ("certainty", "direction")),
        "links": {"type": "array", "items": _object({"title": _per_language(LINE),
                                                      "url": {**URL, "minLength": 1}},
                                                     ("title", "url"))},
    }
    assert tuple(properties) == INITIATIVE_FIELDS
    required = ("title", "summary", "facet", "zone")
    properties = {name: prop if name in required else _nullable(prop)
                  for name, prop in properties.items()}
    for name in ENGINE_FIELDS:
        properties[name] = {"description": "Read by MkDocs or its theme"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID + "initiative.schema.json",
        "title": "Initiative front-matter",
        "type": "object",
        "required": list(required),
        "properties": properties,
        "additionalProperties": False,
    }


def _entries(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": item}


def partners_schema() -> dict[str, Any]:
    """The JSON Schema of `site_data/partners.yml`."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID + "partners.schema.json", "title": "Partners",
            **_entries(_object({"name": _per_language(NAME),
                                "sector": _enum(Sector), "url": URL,
                                "description": _per_language(STRING), "logo": LOCAL_URL},
                               ("name", "sector")))}


def assets_schema() -> dict[str, Any]:
    """The JSON Schema of `site_data/assets.yml`."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID + "assets.schema.json", "title": "Shared assets",
            **_entries(_object({"name": _per_language(NAME),
                                "kind": _enum(AssetKind), "owner": PARTNER_ID,
                                "description": _per_language(STRING), "url": URL},
                               ("name", "kind")))}


def portfolio_schema() -> dict[str, Any]:
    """The JSON Schema of `site_data/portfolio.yml`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID + "portfolio-config.schema.json", "title": "Portfolio",
        **_object({
            "name": _per_language(STRING), "organisation": PARTNER_ID, "currency": CURRENCY,
            "description": _per_language(STRING), "licence": LICENCE,
            "language": {"type": "string", "pattern": LANGUAGE_PATTERN,
                         "description": "The language plain texts are written in"},
            "exchange_rates": {"type": "object", "propertyNames": {"pattern": "^[A-Z]{3}$"},
                               "additionalProperties": _number(
                                   RATE, "Units of the portfolio currency per unit: above 0, "
                                         "at most 10^6")},
            "base_investment": {"type": "array", "items": _object({
                "year": YEAR, "amount": MONEY, "funder": PARTNER_ID, "currency": CURRENCY,
                "note": STRING}, ("year", "amount"))},
            "themes": _entries({"anyOf": [*_per_language(STRING)["anyOf"], _object(
                {"title": _per_language(NAME)}, ("title",))]}),
            "mandates": _entries(_object({"title": _per_language(NAME),
                                          "level": _enum(MandateLevel), "url": URL},
                                         ("title", "level"))),
            "objectives": _entries(_object({
                "title": _per_language(NAME), "description": _per_language(STRING),
                "key_results": {"type": "array", "items": _object({
                    "title": _per_language(NAME),
                    "indicator": _per_language(STRING),
                    "target": _per_language({**TEXT, "type": ["string", "number"]})},
                    ("title",))}}, ("title",))),
            "federation": {"type": "array", "items": {"type": "string"}},
        }),
    }


SCHEMAS = {
    "initiative": frontmatter_schema,
    "partners": partners_schema,
    "assets": assets_schema,
    "portfolio": portfolio_schema,
    "export": export_schema,
}
