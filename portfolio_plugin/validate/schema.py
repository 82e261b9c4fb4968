"""JSON Schemas of the initiative front-matter and of the `site_data/` files.

Built from the model's enums and the validator's field lists, so they cannot drift apart;
a test checks that they accept and refuse the same documents as the validator.
"""

from __future__ import annotations

import enum
from typing import Any

from ..export import export_schema
from ..model import AssetKind, Facet, FundingKind, MandateLevel, Sector, Status, StoryKind, Zone
from . import ENGINE_FIELDS, INITIATIVE_FIELDS, SUMMARY_MAX

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
# Relative, or http(s) or mailto in any letter case: the validator's rule.
URL_PATTERN = (r"^(?![A-Za-z][A-Za-z0-9+.-]*:)[^\s]*$"
               r"|^([Hh][Tt][Tt][Pp][Ss]?|[Mm][Aa][Ii][Ll][Tt][Oo]):[^\s]*$")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SCHEMA_ID = "https://portfolio-showcase.example/schemas/"


# Text where an unquoted number or `true` is read as the text it was written as.
TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"]}
# Required text: not empty, not only spaces.
LINE: dict[str, Any] = {**TEXT, "minLength": 1, "pattern": r"\S"}


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
                          "propertyNames": {"pattern": r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$"},
                          "additionalProperties": plain}],
    }


def _date(description: str) -> dict[str, Any]:
    return {"description": description,
            "anyOf": [{"type": "string", "pattern": DATE_PATTERN},
                      {"type": "integer", "minimum": 1000, "maximum": 9999}]}


def _object(properties: dict[str, Any], required: tuple[str, ...] = (),
            description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": {
        name: prop if name in required else _nullable(prop) for name, prop in properties.items()}}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


LOCAL_URL = {"type": "string", "pattern": r"^(?![A-Za-z][A-Za-z0-9+.-]*:)(?!//)[^\s]*$",
             "description": "A file of the site, relative to the docs folder"}
URL = {"type": "string", "pattern": URL_PATTERN,
       "description": "An http(s), mailto or relative URL"}
PARTNER_ID = {"type": "string", "pattern": ID_PATTERN, "description": "A partner id"}
MONEY = {"type": "number", "minimum": 0}
YEAR = {"anyOf": [{"type": "integer", "minimum": 1900, "maximum": 2200},
                  {"type": "string", "pattern": "^\\s*(19\\d{2}|2[01]\\d{2}|2200)\\s*$"}]}
CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"}
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
            PARTNER_ID, _object({"id": PARTNER_ID, "role": TEXT}, ("id",))]}},
        "layer": {"enum": [2, 3, "2", "3"],
                  "description": "2: platform projects (default); 3: others'"},
        "funding": {"type": "array", "items": _object({
            "funder": PARTNER_ID, "amount": MONEY, "year": YEAR, "currency": CURRENCY,
            "kind": _enum(FundingKind), "note": TEXT,
        }, ("funder", "amount", "year"))},
        "themes": IDS, "mandates": IDS, "objectives": IDS, "assets": IDS,
        "zone_history": {"type": "array", "items": _object({
            "date": _date("When the initiative entered the zone"), "zone": _enum(Zone),
            "note": TEXT}, ("date", "zone"))},
        "stories": {"type": "array", "items": _object({
            "date": _date("When it happened"), "title": LINE,
            "kind": _enum(StoryKind, "Default: critical-event"),
            "text": {**TEXT, "description": "Markdown without raw HTML"},
            "link": URL, "partners": IDS}, ("date", "title"))},
        "indicators": {"type": "array", "items": _object({
            "name": LINE, "unit": TEXT,
            "baseline": {"type": "number"}, "target": {"type": "number"},
            "values": {"type": "array", "items": _object({
                "date": _date("Date of the measurement"), "value": {"type": "number"}},
                ("date", "value"))}}, ("name",))},
        "position": _object({"certainty": {"type": "number", "minimum": -1, "maximum": 1},
                             "direction": {"type": "number", "minimum": -1, "maximum": 1}},
                            ("certainty", "direction")),
        "links": {"type": "array", "items": _object({"title": LINE, "url": {**URL, "minLength": 1}},
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
            **_entries(_object({"name": {"type": "string", "minLength": 1},
                                "sector": _enum(Sector), "url": URL,
                                "description": {"type": "string"}, "logo": LOCAL_URL},
                               ("name", "sector")))}


def assets_schema() -> dict[str, Any]:
    """The JSON Schema of `site_data/assets.yml`."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": SCHEMA_ID + "assets.schema.json", "title": "Shared assets",
            **_entries(_object({"name": {"type": "string", "minLength": 1},
                                "kind": _enum(AssetKind), "owner": PARTNER_ID,
                                "description": {"type": "string"}, "url": URL},
                               ("name", "kind")))}


def portfolio_schema() -> dict[str, Any]:
    """The JSON Schema of `site_data/portfolio.yml`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID + "portfolio-config.schema.json", "title": "Portfolio",
        **_object({
            "name": {"type": "string"}, "organisation": PARTNER_ID, "currency": CURRENCY,
            "description": {"type": "string"},
            "exchange_rates": {"type": "object", "propertyNames": {"pattern": "^[A-Z]{3}$"},
                               "additionalProperties": {"type": "number",
                                                        "exclusiveMinimum": 0}},
            "base_investment": {"type": "array", "items": _object({
                "year": YEAR, "amount": MONEY, "funder": PARTNER_ID, "currency": CURRENCY,
                "note": {"type": "string"}}, ("year", "amount"))},
            "themes": _entries({"anyOf": [{"type": "string"}, _object(
                {"title": {"type": "string", "minLength": 1}}, ("title",))]}),
            "mandates": _entries(_object({"title": {"type": "string", "minLength": 1},
                                          "level": _enum(MandateLevel), "url": URL},
                                         ("title", "level"))),
            "objectives": _entries(_object({
                "title": {"type": "string", "minLength": 1}, "description": {"type": "string"},
                "key_results": {"type": "array", "items": _object({
                    "title": {"type": "string", "minLength": 1},
                    "indicator": {"type": "string"}, "target": {"type": ["string", "number"]}},
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
