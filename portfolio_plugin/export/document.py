"""`portfolio.json`: the whole portfolio as one JSON document, and its JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..compute import Figures, LayerFigures, SplitFigures
from ..i18n import Translator
from ..model import (
    FACETS,
    ZONES,
    AssetKind,
    Facet,
    FundingKind,
    Initiative,
    MandateLevel,
    Portfolio,
    Sector,
    Status,
    Story,
    StoryKind,
    Zone,
)
from ..options import Options
from .base import FILES, PAGE_NAMES, ExportBase, amount, ratio, timestamp

SCHEMA_VERSION = "1.0"
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://portfolio-showcase.example/schemas/portfolio.schema.json"
# Bytes of JSON text gathered before a piece of `portfolio.json` is handed on.
PIECE = 1 << 16


class Document(ExportBase):
    """Makes `portfolio.json`."""

    def document(self) -> dict[str, Any]:
        """The whole portfolio as one JSON-ready mapping."""
        return {key: list(value) if isinstance(value, Iterator) else value
                for key, value in self._document_parts()}

    def document_bytes(self) -> bytes:
        """`portfolio.json`: the bytes of `json_bytes(self.document())`."""
        return b"".join(self.document_pieces())

    def document_pieces(self) -> Iterator[bytes]:
        """`portfolio.json` in pieces of about 64 KB, made part by part (each initiative,
        partner and story on its own), so that the whole document is never held in memory."""
        held: list[str] = []
        size = 0

        def add(text: str) -> Iterator[bytes]:
            nonlocal size
            held.append(text)
            size += len(text)
            if size >= PIECE:
                yield "".join(held).encode("utf-8")
                held.clear()
                size = 0

        for n, (key, value) in enumerate(sorted(self._document_parts(),
                                                key=lambda part: part[0])):
            yield from add(("{" if n == 0 else ",") + f"{_compact(key)}:")
            if isinstance(value, Iterator):
                yield from add("[")
                for m, item in enumerate(value):
                    yield from add(("," if m else "") + _compact(item))
                yield from add("]")
            else:
                yield from add(_compact(value))
        held.append("}\n")
        yield "".join(held).encode("utf-8")

    def _document_parts(self) -> Iterator[tuple[str, Any]]:
        """The document's top-level keys and values; long lists as iterators."""
        info = self.portfolio.info
        figures = self.figures
        users = dict(figures.asset_users)
        pages = {name: self.page(self.r.uri(name)) for name in PAGE_NAMES}
        if info.federation:
            pages["federation"] = self.page(self.r.uri("federation"))
        yield "schema", SCHEMA_VERSION
        yield "portfolio", {
            "name": info.name,
            "currency": info.currency,
            "generated": timestamp(self.built),
            "organisation": info.organisation,
            "description": info.description,
            "language": self.t.language,
            "site_url": self.options.site_url or None,
            "exchange_rates": dict(info.exchange_rates),
            "base_investment": [
                {"year": b.year, "funder": b.funder, "amount": amount(b.money.amount),
                 "currency": info.currency, "original_amount": amount(b.money.original_amount),
                 "original_currency": b.money.currency}
                for b in info.base_investment],
        }
        yield "pages", pages
        yield "files", {key: self.page(self.r.export_uri(name)) for key, name in FILES.items()}
        yield "themes", [self._theme(t.id, t.title) for t in info.themes]
        yield "mandates", [{"id": m.id, "title": m.title, "level": m.level.value,
                            "website": m.url,
                            "initiatives": [i.slug for i in self.initiatives
                                            if m.id in i.mandates]}
                           for m in info.mandates]
        yield "objectives", [{"id": o.id, "title": o.title, "description": o.description,
                              "key_results": [{"title": k.title, "indicator": k.indicator,
                                               "target": k.target} for k in o.key_results],
                              "initiatives": [i.slug for i in self.initiatives
                                              if o.id in i.objectives]}
                             for o in info.objectives]
        yield "initiatives", (self._initiative(i) for i in self.initiatives)
        yield "partners", iter(self._partners())
        yield "assets", [{"id": a.id, "name": a.name, "kind": a.kind.value, "owner": a.owner,
                          "description": a.description, "website": a.url,
                          "url": self.page(self.r.uri("ecosystem")) + f"#asset-{a.id}",
                          "initiatives": sorted(users.get(a.id, ()))}
                         for a in sorted(self.portfolio.assets, key=lambda a: a.id)]
        yield "stories", (self._story(s, with_initiative=True) for s in figures.stories)
        yield "leverage", {"years": [self._layers(y) for y in figures.leverage.years],
                           "total": self._layers(figures.leverage.total)}
        yield "balance", {f.value: {z.value: {"count": figures.balance.cell(f, z).count,
                                              "funding": amount(figures.balance.cell(f, z)
                                                                .funding)}
                                    for z in ZONES} for f in FACETS}
        yield "funders", [{"id": f.id, "base_investment": amount(f.base_investment),
                           "cash": amount(f.cash), "in_kind": amount(f.in_kind)}
                          for f in figures.funders]
        yield "by_facet", [self._split("facet", s) for s in figures.by_facet]
        yield "by_theme", [self._split("theme", s) for s in figures.by_theme]

    def _theme(self, theme_id: str, title: str) -> dict[str, Any]:
        return {"id": theme_id, "title": title, "url": self.page(self.r.uri(f"theme:{theme_id}")),
                "initiatives": [i.slug for i in self.initiatives if theme_id in i.themes]}

    @staticmethod
    def _split(key: str, s: SplitFigures) -> dict[str, Any]:
        return {key: s.key, "count": s.count, "layer2": amount(s.layer2),
                "layer3": amount(s.layer3), "in_kind": amount(s.in_kind), "layer4": s.layer4}

    @staticmethod
    def _layers(figures: LayerFigures) -> dict[str, Any]:
        row: dict[str, Any] = {
            "layer1": amount(figures.layer1), "layer2": amount(figures.layer2),
            "layer3": amount(figures.layer3), "layer4": figures.layer4,
            "in_kind": amount(figures.in_kind), "leverage": ratio(figures.leverage),
        }
        if figures.year is not None:
            row["year"] = figures.year
        return row

    def _translations(self, i: Initiative) -> dict[str, dict[str, str]]:
        result = {}
        for name, value in (("title", i.title), ("summary", i.summary)):
            given = {lang: text for lang, text in value.values if lang}
            if given:
                result[name] = given
        return result

    def _story(self, s: Story, with_initiative: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"date": s.date.iso(), "title": s.title, "kind": s.kind.value,
                                "text": s.text, "link": s.link, "partners": list(s.partners)}
        if with_initiative:
            data["initiative"] = s.initiative
            data["url"] = self.page(self.options.initiative_uri(s.initiative))
        return data

    def _initiative(self, i: Initiative) -> dict[str, Any]:
        return {
            "id": i.slug,
            "url": self.page(self.options.initiative_uri(i.slug)),
            "title": self.text(i.title),
            "summary": self.text(i.summary),
            "translations": self._translations(i),
            "facet": i.facet.value,
            "zone": i.zone.value,
            "status": i.status.value,
            "start": i.start.iso() if i.start else None,
            "end": i.end.iso() if i.end else None,
            "steward": i.steward,
            "partners": [{"id": p.id, "role": p.role} for p in i.partners],
            "layer": i.layer.value,
            "funding": [{"funder": f.funder, "year": f.year, "kind": f.kind.value,
                         "amount": amount(f.amount), "currency": self.currency,
                         "original_amount": amount(f.money.original_amount),
                         "original_currency": f.money.currency} for f in i.funding],
            "cash": amount(i.cash),
            "in_kind": amount(i.in_kind),
            "themes": list(i.themes),
            "mandates": list(i.mandates),
            "objectives": list(i.objectives),
            "assets": list(i.assets),
            "zone_history": [{"date": z.date.iso(), "zone": z.zone.value, "note": z.note}
                             for z in i.zone_history],
            "stories": [self._story(s) for s in i.stories],
            "indicators": [{"name": n.name, "unit": n.unit, "baseline": n.baseline,
                            "target": n.target,
                            "values": [{"date": v.date.iso(), "value": v.value}
                                       for v in n.values]} for n in i.indicators],
            "position": ({"certainty": i.position.certainty, "direction": i.position.direction}
                         if i.position else None),
            "links": [{"title": link.title, "url": link.url} for link in i.links],
        }

    def _partners(self) -> list[dict[str, Any]]:
        result = []
        for partner in sorted(self.portfolio.partners, key=lambda p: p.id):
            figures = self.figures.partner(partner.id)
            result.append({
                "id": partner.id,
                "name": partner.name,
                "sector": partner.sector.value,
                "website": partner.url,
                "description": partner.description,
                "logo": partner.logo,
                "url": self.page(self.r.partner_uri(partner.id)),
                "initiatives": sorted(slug for slug, _ in figures.initiatives) if figures else [],
                "roles": {slug: role for slug, role in figures.initiatives} if figures else {},
                "stewards": sorted(figures.stewards) if figures else [],
                "cash": amount(figures.cash) if figures else 0,
                "in_kind": amount(figures.in_kind) if figures else 0,
                "base_investment": amount(figures.base_investment) if figures else 0,
                "assets": sorted(figures.assets) if figures else [],
                "first_year": figures.first_year if figures else None,
            })
        return result


def _compact(data: Any) -> str:
    """JSON text as `json_bytes` writes it (sorted keys, compact), without the newline."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))




def export_document(portfolio: Portfolio, figures: Figures, options: Options,
                    translator: Translator, built: dt.datetime) -> dict[str, Any]:
    """The content of `portfolio.json` as a mapping."""
    return Document(portfolio, figures, options, translator, built).document()



# -- the schema of portfolio.json -------------------------------------------------------------

_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
_ID = {"type": "string", "minLength": 1}
_IDS = {"type": "array", "items": _ID}
_MONEY = {"type": "number", "minimum": 0}
_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
         "description": "ISO 8601 date as precise as given: YYYY, YYYY-MM or YYYY-MM-DD"}
_YEAR = {"type": "integer"}
_CURRENCY = {"type": "string", "pattern": "^[A-Z]{3}$"}
_URL = {"type": "string", "description": "A URL relative to the site's root, or absolute"}


def _obj(description: str, properties: dict[str, Any],
         optional: Sequence[str] = ()) -> dict[str, Any]:
    return {"type": "object", "description": description, "properties": properties,
            "required": [k for k in properties if k not in optional],
            "additionalProperties": False}


def _enum(values: Iterable[Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"enum": list(values)}
    if description:
        schema["description"] = description
    return schema


def _layers_schema(with_year: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "layer1": {**_MONEY, "description": "Base investment in the platform (cash)"},
        "layer2": {**_MONEY, "description": "Cash of layer-2 initiatives (platform projects)"},
        "layer3": {**_MONEY, "description": "Cash of layer-3 initiatives (others' projects)"},
        "layer4": {"type": "integer", "minimum": 0,
                   "description": "Number of critical-event stories"},
        "in_kind": {**_MONEY, "description": "In-kind contributions, kept out of the ratio"},
        "leverage": {"type": ["number", "null"],
                     "description": "(layer2 + layer3) / layer1, rounded to 4 decimals; "
                                    "null where layer1 is 0"},
    }
    if with_year:
        properties = {"year": _YEAR, **properties}
    return _obj("The layer model for one year" if with_year else "The layer model in total",
                properties)


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `portfolio.json`."""
    facets = [f.value for f in Facet]
    zones = [z.value for z in Zone]
    money_item = {
        "amount": {**_MONEY, "description": "In the portfolio currency"},
        "currency": {**_CURRENCY, "description": "The portfolio currency"},
        "original_amount": {**_MONEY, "description": "As given, before conversion"},
        "original_currency": {**_CURRENCY, "description": "As given, before conversion"},
    }
    story = {"date": _DATE, "title": _STR, "kind": _enum(s.value for s in StoryKind),
             "text": {**_STR, "description": "Markdown"}, "link": _NSTR, "partners": _IDS}
    cell = _obj("One facet and zone", {"count": {"type": "integer", "minimum": 0},
                                       "funding": {**_MONEY, "description": "Cash, all years"}})
    split = {"count": {"type": "integer", "minimum": 0}, "layer2": _MONEY, "layer3": _MONEY,
             "in_kind": _MONEY, "layer4": {"type": "integer", "minimum": 0}}
    return {
        "$schema": SCHEMA_URI,
        "$id": SCHEMA_ID,
        "title": "Innovation portfolio",
        "description": "A whole innovation portfolio: initiatives, partners, assets, stories "
                       "and the figures computed from them. Amounts are in the portfolio "
                       "currency.",
        **_obj("The document", {
            "schema": {"type": "string", "pattern": r"^1\.\d+$",
                       "description": "Version of this format"},
            "portfolio": _obj("The portfolio as a whole", {
                "name": _STR, "currency": _CURRENCY,
                "generated": {"type": "string", "format": "date-time",
                              "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"},
                "organisation": _NSTR, "description": _STR,
                "language": _STR, "site_url": _NSTR,
                "exchange_rates": {"type": "object",
                                   "propertyNames": {"pattern": "^[A-Z]{3}$"},
                                   "additionalProperties": {"type": "number",
                                                            "exclusiveMinimum": 0}},
                "base_investment": {"type": "array", "items": _obj(
                    "Layer 1: base investment of one year",
                    {"year": _YEAR, "funder": _NSTR, **money_item})},
            }),
            "pages": _obj("Site-relative URLs of the generated pages",
                          {name: _URL for name in (*PAGE_NAMES, "federation")},
                          optional=("federation",)),
            "files": _obj("Site-relative URLs of the open-data files",
                          {name: _URL for name in FILES}),
            "themes": {"type": "array", "items": _obj("A theme", {
                "id": _ID, "title": _STR, "url": _URL, "initiatives": _IDS})},
            "mandates": {"type": "array", "items": _obj("A higher-level mandate", {
                "id": _ID, "title": _STR, "level": _enum(m.value for m in MandateLevel),
                "website": _NSTR, "initiatives": _IDS})},
            "objectives": {"type": "array", "items": _obj("A portfolio objective", {
                "id": _ID, "title": _STR, "description": _STR,
                "key_results": {"type": "array", "items": _obj("A key result", {
                    "title": _STR, "indicator": _NSTR, "target": _NSTR})},
                "initiatives": _IDS})},
            "initiatives": {"type": "array", "items": _obj("An initiative", {
                "id": _ID, "url": _URL, "title": _STR, "summary": _STR,
                "translations": {"type": "object", "description": "title and summary by "
                                 "language code, where the author gave translations",
                                 "additionalProperties": {"type": "object",
                                                          "additionalProperties": _STR}},
                "facet": _enum(facets), "zone": _enum(zones),
                "status": _enum(s.value for s in Status),
                "start": {"anyOf": [_DATE, {"type": "null"}]},
                "end": {"anyOf": [_DATE, {"type": "null"}]},
                "steward": _NSTR,
                "partners": {"type": "array", "items": _obj("A partner and its role", {
                    "id": _ID, "role": _NSTR})},
                "layer": _enum([2, 3]),
                "funding": {"type": "array", "items": _obj("Money from one funder in one year", {
                    "funder": _ID, "year": _YEAR, "kind": _enum(k.value for k in FundingKind),
                    **money_item})},
                "cash": _MONEY, "in_kind": _MONEY,
                "themes": _IDS, "mandates": _IDS, "objectives": _IDS, "assets": _IDS,
                "zone_history": {"type": "array", "items": _obj("A step between zones", {
                    "date": _DATE, "zone": _enum(zones), "note": _STR})},
                "stories": {"type": "array", "items": _obj("A story", story)},
                "indicators": {"type": "array", "items": _obj("An indicator", {
                    "name": _STR, "unit": _STR, "baseline": {"type": ["number", "null"]},
                    "target": {"type": ["number", "null"]},
                    "values": {"type": "array", "items": _obj("A measurement", {
                        "date": _DATE, "value": {"type": "number"}})}})},
                "position": {"anyOf": [{"type": "null"}, _obj("A place on the facet map", {
                    "certainty": {"type": "number", "minimum": -1, "maximum": 1},
                    "direction": {"type": "number", "minimum": -1, "maximum": 1}})]},
                "links": {"type": "array", "items": _obj("A link", {"title": _STR,
                                                                   "url": _STR})},
            })},
            "partners": {"type": "array", "items": _obj("A partner", {
                "id": _ID, "name": _STR, "sector": _enum(s.value for s in Sector),
                "website": _NSTR, "description": _STR, "logo": _NSTR, "url": _URL,
                "initiatives": _IDS,
                "roles": {"type": "object", "additionalProperties": _STR,
                          "description": "Role in each initiative, by initiative id"},
                "stewards": _IDS, "cash": _MONEY, "in_kind": _MONEY, "base_investment": _MONEY,
                "assets": _IDS, "first_year": {"type": ["integer", "null"]}})},
            "assets": {"type": "array", "items": _obj("A shared asset", {
                "id": _ID, "name": _STR, "kind": _enum(a.value for a in AssetKind),
                "owner": _NSTR, "description": _STR, "website": _NSTR, "url": _URL,
                "initiatives": _IDS})},
            "stories": {"type": "array", "description": "Newest first",
                        "items": _obj("A story of an initiative",
                                      {**story, "initiative": _ID, "url": _URL})},
            "leverage": _obj("Vinnväxt's layer model", {
                "years": {"type": "array", "items": _layers_schema(True)},
                "total": _layers_schema(False)}),
            "balance": {"type": "object", "description": "Count and cash funding by facet and zone",
                        "propertyNames": _enum(facets),
                        "additionalProperties": {"type": "object",
                                                 "propertyNames": _enum(zones),
                                                 "additionalProperties": cell}},
            "funders": {"type": "array", "items": _obj("Money from one funder, all years", {
                "id": _ID, "base_investment": _MONEY, "cash": _MONEY, "in_kind": _MONEY})},
            "by_facet": {"type": "array", "items": _obj("Layers 2-4 of one facet",
                                                        {"facet": _enum(facets), **split})},
            "by_theme": {"type": "array", "items": _obj("Layers 2-4 of one theme",
                                                        {"theme": _ID, **split})},
        }),
    }
