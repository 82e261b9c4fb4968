"""`portfolio.json`: the whole portfolio as one JSON document, made from the models of
`models.py` (so the document, its published schema and federation's reader agree)."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..compute import Figures, LayerFigures, progress
from ..i18n import Translator
from ..model import FACETS, ZONES, Facet, Indicator, Initiative, Portfolio, Story
from ..options import Options
from . import models as m
from .base import FILES, PAGE_NAMES, ExportBase, timestamp, translations
from .models import SCHEMA_VERSION, dump

# The files `files` of the document lists (format 1.0: all but datapackage.json).
DOCUMENT_FILES = frozenset(f.alias or name for name, f in m.Files.model_fields.items())

# Bytes of JSON text gathered before a piece of `portfolio.json` is handed on.
PIECE = 1 << 16


class Document(ExportBase):
    """Makes `portfolio.json`."""

    def document_model(self) -> m.PortfolioDocument:
        """The whole portfolio as one (validated) document."""
        return m.PortfolioDocument.model_validate(
            {key: list(value) if isinstance(value, Iterator) else value
             for key, value in self._document_parts()})

    def document(self) -> dict[str, Any]:
        """The whole portfolio as one JSON-ready mapping."""
        data: dict[str, Any] = dump(self.document_model())
        return data

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
                for count, item in enumerate(value):
                    yield from add(("," if count else "") + _compact(_data(item)))
                yield from add("]")
            else:
                yield from add(_compact(_data(value)))
        held.append("}\n")
        yield "".join(held).encode("utf-8")

    def _document_parts(self) -> Iterator[tuple[str, Any]]:
        """The document's top-level fields as parts of the model; long lists as iterators."""
        info = self.portfolio.info
        figures = self.figures
        users = dict(figures.asset_users)
        pages = {name: self.page(self.r.uri(name)) for name in PAGE_NAMES}
        if info.federation:
            pages["federation"] = self.page(self.r.uri("federation"))
        yield "schema", SCHEMA_VERSION
        yield "portfolio", m.PortfolioInfo(
            name=info.name,
            currency=info.currency,
            generated=timestamp(self.built),
            organisation=info.organisation,
            description=info.description,
            language=self.t.language,
            site_url=self.options.site_url or None,
            exchange_rates=dict(info.exchange_rates),
            base_investment=[
                m.BaseInvestment(year=b.year, funder=b.funder, amount=b.money.amount,
                                 currency=info.currency,
                                 original_amount=b.money.original_amount,
                                 original_currency=b.money.currency)
                for b in info.base_investment])
        yield "pages", m.Pages(**pages)
        yield "files", m.Files(**{key: self.page(self.r.export_uri(name))
                                  for key, name in FILES.items() if key in DOCUMENT_FILES})
        yield "themes", [m.Theme(id=t.id, title=t.title,
                                 url=self.page(self.r.uri(f"theme:{t.id}")),
                                 initiatives=[i.slug for i in self.initiatives
                                              if t.id in i.themes])
                         for t in info.themes]
        yield "mandates", [m.Mandate(id=a.id, title=a.title, level=a.level, website=a.url,
                                     initiatives=[i.slug for i in self.initiatives
                                                  if a.id in i.mandates])
                           for a in info.mandates]
        yield "objectives", [
            m.Objective(id=o.id, title=o.title, description=o.description,
                        key_results=[m.KeyResult(title=k.title, indicator=k.indicator,
                                                 target=k.target) for k in o.key_results],
                        initiatives=[i.slug for i in self.initiatives if o.id in i.objectives])
            for o in info.objectives]
        yield "initiatives", (self._initiative(i) for i in self.initiatives)
        yield "partners", self._partners()
        yield "assets", [m.Asset(id=a.id, name=a.name, kind=a.kind, owner=a.owner,
                                 description=a.description, website=a.url,
                                 url=self.page(self.r.shared_asset_page(a.id))
                                 + f"#asset-{a.id}",
                                 initiatives=sorted(users.get(a.id, ())))
                         for a in sorted(self.portfolio.assets, key=lambda a: a.id)]
        yield "stories", (self._portfolio_story(s) for s in figures.stories)
        yield "leverage", m.Leverage(
            years=[m.LayerYear.model_validate({"year": y.year, **self._layers(y)})
                   for y in figures.leverage.years],
            total=m.Layers(**self._layers(figures.leverage.total)))
        balance = figures.balance
        yield "balance", {f.value: {z.value: m.Cell(count=balance.cell(f, z).count,
                                                    funding=balance.cell(f, z).funding)
                                    for z in ZONES} for f in FACETS}
        yield "funders", [m.Funder(id=f.id, base_investment=f.base_investment, cash=f.cash,
                                   in_kind=f.in_kind) for f in figures.funders]
        yield "by_facet", [m.FacetSplit(facet=Facet(s.key), count=s.count, layer2=s.layer2,
                                        layer3=s.layer3, in_kind=s.in_kind, layer4=s.layer4)
                           for s in figures.by_facet]
        yield "by_theme", [m.ThemeSplit(theme=s.key, count=s.count, layer2=s.layer2,
                                        layer3=s.layer3, in_kind=s.in_kind, layer4=s.layer4)
                           for s in figures.by_theme]

    @staticmethod
    def _layers(figures: LayerFigures) -> dict[str, Any]:
        return {"layer1": figures.layer1, "layer2": figures.layer2, "layer3": figures.layer3,
                "layer4": figures.layer4, "in_kind": figures.in_kind,
                "leverage": figures.leverage}

    def _translations(self, i: Initiative) -> dict[str, dict[str, str]]:
        return translations(i)

    @staticmethod
    def _story(s: Story) -> dict[str, Any]:
        return {"date": s.date.iso(), "title": s.title, "kind": s.kind, "text": s.text,
                "link": s.link, "partners": list(s.partners)}

    def _portfolio_story(self, s: Story) -> m.PortfolioStory:
        return m.PortfolioStory.model_validate({
            **self._story(s), "initiative": s.initiative,
            "url": self.page(self.options.initiative_uri(s.initiative))})

    def _initiative(self, i: Initiative) -> m.Initiative:
        # Made from a mapping at once: validated in one call, nested parts and all (five
        # times faster than a call per funding, story and measurement).
        return m.Initiative.model_validate({
            "id": i.slug,
            "url": self.page(self.options.initiative_uri(i.slug)),
            "title": self.text(i.title),
            "summary": self.text(i.summary),
            "translations": self._translations(i),
            "facet": i.facet,
            "zone": i.zone,
            "status": i.status,
            "start": i.start.iso() if i.start else None,
            "end": i.end.iso() if i.end else None,
            "steward": i.steward,
            "partners": [{"id": p.id, "role": p.role} for p in i.partners],
            "layer": i.layer,
            "funding": [{"funder": f.funder, "year": f.year, "kind": f.kind, "amount": f.amount,
                         "currency": self.currency,
                         "original_amount": f.money.original_amount,
                         "original_currency": f.money.currency, "note": f.note}
                        for f in i.funding],
            "cash": i.cash,
            "in_kind": i.in_kind,
            "themes": i.themes,
            "mandates": i.mandates,
            "objectives": i.objectives,
            "assets": i.assets,
            "zone_history": [{"date": z.date.iso(), "zone": z.zone, "note": z.note}
                             for z in i.zone_history],
            "stories": [self._story(s) for s in i.stories],
            "indicators": [{"id": n.id, "name": n.name, "unit": n.unit,
                            "baseline": n.baseline,
                            "baseline_date": n.baseline_date.iso() if n.baseline_date else None,
                            "target": n.target,
                            "target_date": n.target_date.iso() if n.target_date else None,
                            "values": [{"date": v.date.iso(), "value": v.value}
                                       for v in n.values],
                            "progress": _progress(n)} for n in i.indicators],
            "position": ({"certainty": i.position.certainty,
                          "direction": i.position.direction} if i.position else None),
            "links": [{"title": link.title, "url": link.url} for link in i.links],
        })

    def _partners(self) -> Iterator[m.Partner]:
        for partner in sorted(self.portfolio.partners, key=lambda p: p.id):
            figures = self.figures.partner(partner.id)
            yield m.Partner(
                id=partner.id,
                name=partner.name,
                sector=partner.sector,
                website=partner.url,
                description=partner.description,
                logo=partner.logo,
                url=self.page(self.r.partner_uri(partner.id)),
                initiatives=sorted(slug for slug, _ in figures.initiatives) if figures else [],
                roles={slug: role for slug, role in figures.initiatives} if figures else {},
                stewards=sorted(figures.stewards) if figures else [],
                cash=figures.cash if figures else 0,
                in_kind=figures.in_kind if figures else 0,
                base_investment=figures.base_investment if figures else 0,
                assets=sorted(figures.assets) if figures else [],
                first_year=figures.first_year if figures else None,
            )


def _data(value: Any) -> Any:
    """A part of the document (models, or lists and mappings of them) as JSON-ready data."""
    if isinstance(value, BaseModel):
        return dump(value)
    if isinstance(value, list):
        return [_data(item) for item in value]
    if isinstance(value, dict):
        return {key: _data(item) for key, item in value.items()}
    return value


def _compact(data: Any) -> str:
    """JSON text as `json_bytes` writes it (sorted keys, compact), without the newline."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def export_document(portfolio: Portfolio, figures: Figures, options: Options,
                    translator: Translator, built: dt.datetime) -> dict[str, Any]:
    """The content of `portfolio.json` as a mapping."""
    return Document(portfolio, figures, options, translator, built).document()


def export_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `portfolio.json`, made from the models."""
    return m.document_schema()


def _progress(indicator: Indicator) -> dict[str, Any]:
    """An indicator's progress as the open data gives it (shares to 4 places; a share too
    large to write, from a target a hair from its baseline, is null)."""
    found = progress(indicator)
    return {"state": found.state.value, "share": _share(found.share),
            "expected": _share(found.expected)}


def _share(value: float | None) -> float | None:
    return round(value, 4) if value is not None and math.isfinite(value) else None
