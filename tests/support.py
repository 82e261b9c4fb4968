"""What tests share, in one module: tests import from here, never from each other.

- small sites on disk: `Site` (the `site` fixture of conftest.py writes one), `fill_in`;
- the layered portfolio (`layered_site`) whose figures compute/test_compute.py works out by
  hand, and the readers of generated pages (`render`, `table`, `chart_data`, `text`);
- portfolios made of model objects (`make`, `fixture`, `generated`, `big_portfolio`) and
  their `renderer`;
- the Testvik site built whole (`write_site`, `mkdocs_build`), whose figures
  export/test_export.py works out by hand;
- a link checker over a built site (`crawl`), as a web server or as `file://` would serve it;
- the export oracle (`Source`): it reads a site's SOURCE files with PyYAML alone (never the
  plugin's loader, validator or model) and normalises them as DESIGN.md's contract says
  ("Initiative front-matter", "Open interface: data/portfolio.json", "Computed figures"): ISO
  dates as precise as given, partners as `{id, role}`, amounts in the portfolio currency, the
  defaults filled in. Tests compare what the pipeline published with it, field by field.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
import textwrap
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
import yaml

from portfolio_plugin import model
from portfolio_plugin.adapter import search, site_index
from portfolio_plugin.compute import compute
from portfolio_plugin.i18n import Translator
from portfolio_plugin.model import (
    BaseInvestment,
    Facet,
    Funding,
    FundingKind,
    Initiative,
    Money,
    PartialDate,
    Partner,
    PartnerRole,
    Portfolio,
    PortfolioInfo,
    Position,
    Sector,
    Story,
    StoryKind,
    Text,
    Theme,
    Zone,
    ZoneChange,
)
from portfolio_plugin.options import Options, read_config
from portfolio_plugin.pipeline import analyse
from portfolio_plugin.render import Rendered, Renderer, render_site
from portfolio_plugin.validate.template import PLACEHOLDER

ROOT = Path(__file__).resolve().parent.parent
FACETS = ("mission-oriented", "enhancement-oriented", "anticipatory", "adaptive")
ZONES = ("yellow", "green", "blue")
# Cells a spreadsheet would run as a formula get a leading ' (SECURITY.md).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = "; "  # between ids in one CSV cell


def bench(script: str) -> ModuleType:
    """A script of `bench/` as a module (`bench/` is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{script}",
                                                  ROOT / "bench" / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# -- reading what was published ---------------------------------------------------------------


def script_json(page: str, kind: str, element_id: str | None = None) -> list[Any]:
    """The JSON of every `<script type="kind">` (with that id, if given) in a page."""
    attrs = f'type="{re.escape(kind)}"' + (f' id="{re.escape(element_id)}"' if element_id
                                          else "")
    return [json.loads(found) for found in
            re.findall(rf"<script {attrs}>(.*?)</script>", page, re.S)]


def differences(expected: Any, found: Any, path: str = "") -> Iterator[str]:
    """Each place where `found` differs from `expected`: the field path and both values."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in sorted(set(expected) | set(found), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in found:
                yield f"{where}: expected {expected[key]!r}, found nothing"
            elif key not in expected:
                yield f"{where}: expected nothing, found {found[key]!r}"
            else:
                yield from differences(expected[key], found[key], where)
    elif isinstance(expected, list) and isinstance(found, list) \
            and len(expected) == len(found):
        for n, (e, f) in enumerate(zip(expected, found)):
            yield from differences(e, f, f"{path}[{n}]")
    elif expected != found or isinstance(expected, bool) != isinstance(found, bool):
        yield f"{path}: expected {expected!r}, found {found!r}"


# -- the sources, read on their own -----------------------------------------------------------


def front_matter(page: Path) -> dict[str, Any]:
    """The front-matter of an initiative page, as PyYAML reads it."""
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\n"), page
    data: dict[str, Any] = yaml.safe_load(text[4:text.index("\n---", 3)])
    return data


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def iso(date: Any) -> str | None:
    """A date as precise as its author gave it: `2024`, `2024-05` or `2024-05-17`."""
    if date is None or isinstance(date, str):
        return date
    if isinstance(date, dt.date):
        return date.isoformat()
    return f"{date:04d}"  # an unquoted year


def first_day(date: str) -> tuple[int, ...]:
    """How a date sorts: by its first day (`2024` is 2024-01-01)."""
    parts = [int(p) for p in date.split("-")]
    return (*parts, *[1] * (3 - len(parts)))


def cents(value: float) -> int | float:
    """Money as published: rounded to cents, an integer when whole."""
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def page_url(docs_path: str) -> str:
    """The site-relative URL of a page with MkDocs' directory URLs (`a/b.md` -> `a/b/`)."""
    stem = docs_path.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


@dataclass
class Source:
    """A site's sources as PyYAML reads them, and the contract's normalisation of them."""

    root: Path
    language: str
    site_url: str | None
    portfolio: dict[str, Any]
    partners: dict[str, Any]
    assets: dict[str, Any]
    pages: dict[str, dict[str, Any]]  # front-matter by slug, in slug order
    words: dict[str, str]  # the plugin's catalogue of words in the site's language

    @classmethod
    def read(cls, root: Path) -> Source:
        """Read `mkdocs.yml`, `site_data/*.yml` and every initiative's front-matter."""
        config = _yaml(root / "mkdocs.yml")
        language = (config.get("theme") or {}).get("language", "en")
        words = _yaml(ROOT / "portfolio_plugin" / "locales" / language / "core.yml")
        found = initiative_pages(root / config["docs_dir"] / "initiatives")
        pages = {p.stem: front_matter(p) for p in sorted(found, key=lambda p: p.stem)}
        return cls(root, language, config.get("site_url"),
                   _yaml(root / "site_data" / "portfolio.yml") or {},
                   _yaml(root / "site_data" / "partners.yml") or {},
                   _yaml(root / "site_data" / "assets.yml") or {}, pages, words)

    # -- normalised values ----------------------------------------------------------------
    @property
    def currency(self) -> str:
        return str(self.portfolio.get("currency", "EUR"))

    def text(self, value: str | dict[str, str]) -> str:
        """Text in the site's language; else English; else the first language given."""
        if isinstance(value, str):
            return value
        return value.get(self.language, value.get("en", next(iter(value.values()))))

    def money(self, entry: dict[str, Any]) -> dict[str, Any]:
        """An amount in the portfolio currency, and as given."""
        currency = entry.get("currency", self.currency)
        rate = 1 if currency == self.currency else self.portfolio["exchange_rates"][currency]
        return {"amount": cents(entry["amount"] * rate), "currency": self.currency,
                "original_amount": cents(entry["amount"]), "original_currency": currency}

    def funding(self, entry: dict[str, Any]) -> dict[str, Any]:
        """One funding entry, with its defaults (cash, the portfolio currency)."""
        return {"funder": entry["funder"], "year": int(entry["year"]),
                "kind": entry.get("kind", "cash"), **self.money(entry),
                "note": entry.get("note", "")}

    def url(self, docs_path: str, absolute: bool = False) -> str:
        """A page's URL: site-relative, or absolute where asked and `site_url` is set."""
        if absolute and self.site_url:
            return self.site_url.rstrip("/") + "/" + page_url(docs_path)
        return page_url(docs_path)

    def story(self, slug: str, s: dict[str, Any]) -> dict[str, Any]:
        """A story, with its defaults (kind critical-event, no text, no link)."""
        return {"date": iso(s["date"]), "title": s["title"],
                "kind": s.get("kind", "critical-event"), "text": s.get("text", ""),
                "link": s.get("link"), "partners": list(s.get("partners", []))}

    def initiative(self, slug: str) -> dict[str, Any]:
        """An initiative as `portfolio.json` must publish it."""
        fm = self.pages[slug]
        funding = [self.funding(f) for f in fm.get("funding", [])]
        return {
            "id": slug,
            "url": self.url(f"initiatives/{slug}.md"),
            "title": self.text(fm["title"]),
            "summary": self.text(fm["summary"]),
            "translations": dict(_translations(fm)),
            "facet": fm["facet"],
            "zone": fm["zone"],
            "status": fm.get("status", "active"),
            "start": iso(fm.get("start")),
            "end": iso(fm.get("end")),
            "steward": fm.get("steward"),
            "partners": [{"id": p, "role": None} if isinstance(p, str)
                         else {"id": p["id"], "role": p.get("role")}
                         for p in fm.get("partners", [])],
            "layer": int(fm.get("layer", 2)),
            "funding": funding,
            "cash": cents(sum(f["amount"] for f in funding if f["kind"] == "cash")),
            "in_kind": cents(sum(f["amount"] for f in funding if f["kind"] == "in-kind")),
            **{name: list(fm.get(name, [])) for name in ("themes", "mandates", "objectives",
                                                          "assets")},
            "zone_history": sorted(({"date": iso(z["date"]), "zone": z["zone"],
                                     "note": z.get("note", "")}
                                    for z in fm.get("zone_history", [])),
                                   key=lambda z: first_day(z["date"])),
            "stories": sorted((self.story(slug, s) for s in fm.get("stories", [])),
                              key=lambda s: first_day(s["date"]), reverse=True),
            "indicators": [{"id": n.get("id"), "name": n["name"], "unit": n.get("unit", ""),
                            "baseline": _number(n.get("baseline")),
                            "baseline_date": iso(n.get("baseline_date")),
                            "target": _number(n.get("target")),
                            "target_date": iso(n.get("target_date")),
                            "values": sorted(({"date": iso(v["date"]),
                                               "value": float(v["value"])}
                                              for v in n.get("values", [])),
                                             key=lambda v: first_day(v["date"])),
                            "progress": indicator_progress(n)}
                           for n in fm.get("indicators", [])],
            "position": ({"certainty": float(fm["position"]["certainty"]),
                          "direction": float(fm["position"]["direction"])}
                         if fm.get("position") else None),
            "links": [{"title": link["title"], "url": link["url"]}
                      for link in fm.get("links", [])],
        }

    def initiatives(self) -> list[dict[str, Any]]:
        """Every initiative as published, by id."""
        return self._initiatives

    @cached_property
    def _initiatives(self) -> list[dict[str, Any]]:
        return [self.initiative(slug) for slug in self.pages]

    def stories(self) -> list[dict[str, Any]]:
        """Every story with its initiative and page, newest first (ties: by initiative id,
        then title, also from the end)."""
        every = [{**s, "initiative": i["id"], "url": i["url"]}
                 for i in self.initiatives() for s in i["stories"]]
        return sorted(every, key=lambda s: (first_day(s["date"]), s["initiative"], s["title"]),
                      reverse=True)

    def base_investment(self) -> list[dict[str, Any]]:
        """Layer 1, as given in `portfolio.yml`."""
        return [{"year": int(b["year"]), "funder": b.get("funder"), **self.money(b)}
                for b in self.portfolio.get("base_investment", [])]

    def partner(self, pid: str) -> dict[str, Any]:
        """A partner as published: what `partners.yml` says, and what it does where."""
        given = self.partners[pid]
        roles: dict[str, list[str]] = {}
        stewards = []
        years = []
        money = {"cash": 0.0, "in-kind": 0.0}
        for i in self.initiatives():
            named = []
            if i["steward"] == pid:
                stewards.append(i["id"])
                named.append("steward")
            named += [p["role"] or "partner" for p in i["partners"] if p["id"] == pid]
            if named and i["start"]:
                years.append(first_day(i["start"])[0])
            for f in i["funding"]:
                if f["funder"] == pid:
                    money[f["kind"]] += f["amount"]
                    years.append(f["year"])
                    named = named or ["funder"]
            years += [first_day(s["date"])[0] for s in i["stories"] if pid in s["partners"]]
            if named:
                roles[i["id"]] = named
        base = [b for b in self.base_investment() if b["funder"] == pid]
        years += [b["year"] for b in base]
        return {
            "id": pid, "name": given["name"], "sector": given["sector"],
            "website": given.get("url"), "description": given.get("description", ""),
            "logo": given.get("logo"), "url": self.url(f"portfolio/partners/{pid}.md"),
            "initiatives": sorted(roles),
            "roles": {slug: ", ".join(dict.fromkeys(named)) for slug, named in roles.items()},
            "stewards": sorted(stewards),
            "cash": cents(money["cash"]), "in_kind": cents(money["in-kind"]),
            "base_investment": cents(sum(b["amount"] for b in base)),
            "assets": sorted(a for a, v in self.assets.items() if v.get("owner") == pid),
            "first_year": min(years, default=None),
        }

    # -- figures (DESIGN.md, "Computed figures") ------------------------------------------
    def leverage(self) -> dict[str, Any]:
        """Layers 1-4 and leverage per year and in total."""
        sums: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for b in self.base_investment():
            sums["layer1"][b["year"]] += b["amount"]
        for i in self.initiatives():
            for f in i["funding"]:
                layer = f"layer{i['layer']}" if f["kind"] == "cash" else "in_kind"
                sums[layer][f["year"]] += f["amount"]
            for s in i["stories"]:
                if s["kind"] == "critical-event":
                    sums["layer4"][first_day(s["date"])[0]] += 1
        names = ("layer1", "layer2", "layer3", "layer4", "in_kind")

        def row(values: dict[str, float]) -> dict[str, Any]:
            ratio = ((values["layer2"] + values["layer3"]) / values["layer1"]
                     if values["layer1"] else None)
            return {**{n: cents(values[n]) for n in names},
                    "leverage": None if ratio is None else round(ratio, 4)}

        years = sorted({y for n in names for y in sums[n]})
        return {"years": [{"year": y, **row({n: sums[n][y] for n in names})} for y in years],
                "total": row({n: sum(sums[n].values()) for n in names})}

    def balance(self) -> dict[str, dict[str, dict[str, Any]]]:
        """For each facet and zone: how many initiatives, and their cash funding."""
        cells = {f: {z: {"count": 0, "funding": 0.0} for z in ZONES} for f in FACETS}
        for i in self.initiatives():
            cell = cells[i["facet"]][i["zone"]]
            cell["count"] += 1
            cell["funding"] += i["cash"]
        for zones in cells.values():
            for cell in zones.values():
                cell["funding"] = cents(cell["funding"])
        return cells


_TEXT_FIELDS = ("title", "summary", "text", "role", "note", "name", "unit")


def _translations(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every text of a front-matter given as a mapping of languages, by its field path as
    the validator names it (`stories[0].title`)."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if key in _TEXT_FIELDS and isinstance(value, dict):
                yield here, {str(k): str(v).strip() for k, v in value.items()}
            else:
                yield from _translations(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _translations(value, f"{path}[{index}]")


def initiative_pages(folder: Path) -> list[Path]:
    """The initiative pages of a folder, without the translations of their bodies
    (`<slug>.<lang>.md`)."""
    return sorted(p for p in folder.glob("*.md") if "." not in p.stem)


def indicator_progress(n: dict[str, Any]) -> dict[str, Any]:
    """DESIGN's "Progress of an indicator", from the front-matter, in exact fractions: the
    share of the way from baseline (else the first value) to target at the latest value;
    reached at 1; with a target date, on track within 0.05 of the share of the time elapsed
    from baseline_date (else the first value's date), else behind; dates count from their
    first day."""
    values = sorted(n.get("values", []), key=lambda v: first_day(iso(v["date"]) or ""))
    if not values:
        return {"state": "no-data", "share": None, "expected": None}
    latest = Fraction(values[-1]["value"])
    baseline = Fraction(n["baseline"] if n.get("baseline") is not None else values[0]["value"])
    if n.get("target") is None:
        return {"state": "no-target", "share": None, "expected": None}
    target = Fraction(n["target"])
    share = (Fraction(int(latest == target)) if target == baseline
             else (latest - baseline) / (target - baseline))

    def day(date: Any) -> dt.date:
        return dt.date(*first_day(iso(date) or ""))

    written = round(float(share), 4) if abs(share) < 10 ** 300 else None
    if share >= 1:
        return {"state": "reached", "share": written, "expected": None}
    if n.get("target_date") is None:
        return {"state": "under-way", "share": written, "expected": None}
    start = day(n.get("baseline_date") or values[0]["date"])
    span = (day(n["target_date"]) - start).days
    elapsed = (day(values[-1]["date"]) - start).days
    expected = Fraction(1) if span <= 0 else min(Fraction(1), max(Fraction(0),
                                                                  Fraction(elapsed, span)))
    state = "on-track" if share >= expected - Fraction(5, 100) else "behind"
    return {"state": state, "share": written, "expected": round(float(expected), 4)}


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def cell(value: Any) -> str:
    """A value as a CSV cell of the export: empty for none, a text that a spreadsheet would
    read as a formula guarded by ' (a negative number stays a number)."""
    text = "" if value is None else str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


# -- small sites on disk (the `site` fixture of conftest.py writes one) -----------------------

# The data files the `site` fixture writes.
PORTFOLIO: dict[str, Any] = {
    "name": "Test Portfolio",
    "organisation": "city",
    "currency": "SEK",
    "licence": "ODbL-1.0",
    "exchange_rates": {"EUR": 10},
    "base_investment": [
        {"year": 2023, "amount": 1000, "funder": "city"},
        {"year": 2024, "amount": 100, "funder": "agency", "currency": "EUR"},
    ],
    "themes": {"energy": {"title": "Energy"}, "mobility": {"title": "Mobility"}},
    "mandates": {
        "eu-mission": {"title": "EU cities mission", "level": "eu"},
        "local-plan": {"title": "Local climate plan", "level": "local"},
    },
    "objectives": {
        "climate": {"title": "Climate neutral", "description": "By 2030",
                    "key_results": [{"title": "Halve emissions", "indicator": "CO2",
                                     "target": "50%"}]},
    },
}
PARTNERS: dict[str, Any] = {
    "city": {"name": "The City", "sector": "public"},
    "agency": {"name": "Innovation Agency", "sector": "funder"},
    "lund-university": {"name": "Lund University", "sector": "academia"},
    "acme": {"name": "Acme AB", "sector": "business"},
}
ASSETS: dict[str, Any] = {
    "testbed": {"name": "City testbed", "kind": "testbed", "owner": "city"},
}

VALID = """\
---
title: Bike lanes
summary: Safer bike lanes.
facet: mission-oriented
zone: green
---
Body.
"""


@dataclass
class Site:
    """A small site on disk: mkdocs.yml, content/initiatives and site_data."""

    root: Path

    @property
    def initiatives(self) -> Path:
        return self.root / "content" / "initiatives"

    def page(self, slug: str, text: str) -> Path:
        """Write an initiative page from its whole text."""
        path = self.initiatives / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def front(self, slug: str, fields: dict[str, Any], body: str = "Body text.\n") -> Path:
        """Write an initiative page from a front-matter mapping."""
        front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
        return self.page(slug, f"---\n{front}---\n{body}")

    def data(self, name: str, content: Any) -> Path:
        """Write a site_data file (a mapping is dumped as YAML; text is written as is)."""
        path = self.root / "site_data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True),
                            encoding="utf-8")
        return path

    @property
    def options(self) -> Options:
        return read_config(self.root / "mkdocs.yml")


# What a partner writes in place of each placeholder of the page template.
FILLED = {
    "title": 'title: "Bike street"',
    "summary": "  A street where children cycle safely to school.",
    "facet": "facet: mission-oriented",
    "zone": "zone: yellow",
    "body": "Our own description of the street.",
}


def fill_in(text: str) -> str:
    """Replace every placeholder of the template, as its author does."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if PLACEHOLDER not in line or line.startswith("#"):
            continue
        name = line.split(":", 1)[0].strip()
        lines[n] = FILLED.get(name, FILLED["summary"] if line.startswith("  ")
                              else FILLED["body"])
    filled = "\n".join(lines)
    assert f"{PLACEHOLDER}" not in "\n".join(
        line for line in filled.split("\n") if not line.startswith("#"))
    return filled


# -- the layered portfolio: every rule of the layer model changes a number -------------------
# (compute/test_compute.py works its figures out by hand; the page tests of leverage,
# ecosystem, timeline and objectives read them on their pages)

LAYERED_PORTFOLIO: dict[str, Any] = {
    "name": "Layered",
    "organisation": "city",
    "currency": "SEK",
    "licence": "CC-BY-4.0",
    "exchange_rates": {"EUR": 10, "NOK": 0.5},
    "base_investment": [
        {"year": 2022, "amount": 1000, "funder": "city"},
        {"year": 2023, "amount": 100, "funder": "agency", "currency": "EUR"},
        {"year": 2023, "amount": 500, "funder": "city", "currency": "SEK"},
    ],
    "themes": {"energy": {"title": "Energy"}, "mobility": {"title": "Mobility"}},
    "mandates": {
        "eu-mission": {"title": "EU cities mission", "level": "eu"},
        "local-plan": {"title": "Local climate plan", "level": "local"},
    },
    "objectives": {
        "climate": {"title": "Climate neutral", "description": "By 2030",
                    "key_results": [{"title": "Halve emissions", "indicator": "CO2",
                                     "target": "50%"}]},
    },
}
LAYERED_PARTNERS: dict[str, Any] = {
    "city": {"name": "The City", "sector": "public", "description": "Runs the platform."},
    "agency": {"name": "Innovation Agency", "sector": "funder"},
    "lund-university": {"name": "Lund University", "sector": "academia"},
    "acme": {"name": "Acme AB", "sector": "business", "url": "https://acme.example/"},
}
LAYERED_ASSETS: dict[str, Any] = {
    "testbed": {"name": "City testbed", "kind": "testbed", "owner": "city"},
}
LAYERED_ALPHA: dict[str, Any] = {
    "title": "Alpha heat", "summary": "Heat from the harbour.",
    "facet": "mission-oriented", "zone": "green", "start": "2022-01",
    "steward": "city", "partners": [{"id": "lund-university", "role": "Research"}],
    "themes": ["energy"], "mandates": ["eu-mission"], "objectives": ["climate"],
    "assets": ["testbed"],
    "funding": [
        {"funder": "city", "amount": 500, "year": 2022},
        {"funder": "agency", "amount": 60, "year": 2023, "currency": "EUR"},
        {"funder": "acme", "amount": 200, "year": 2023, "kind": "in-kind"},
        {"funder": "city", "amount": 300, "year": 2024},
    ],
    "zone_history": [{"date": "2022-01", "zone": "yellow"},
                     {"date": "2023-06", "zone": "green", "note": "Pilot"}],
    "stories": [
        {"date": "2023-03-01", "title": "Council says yes", "kind": "critical-event",
         "partners": ["city", "agency"]},
        {"date": "2023-05", "title": "First pipe laid", "kind": "milestone"},
        {"date": "2024-01-10", "title": "Heat flows", "kind": "critical-event"},
    ],
    "indicators": [{"name": "Heat recovered", "unit": "MWh", "baseline": 0, "target": 100,
                    "values": [{"date": "2023", "value": 20}, {"date": "2024", "value": 55}]}],
}
LAYERED_BETA: dict[str, Any] = {
    "title": "Beta buses", "summary": "Electric buses for the outskirts.",
    "facet": "adaptive", "zone": "yellow", "start": "2022", "layer": 3,
    "steward": "acme", "partners": ["city"],
    "themes": ["energy", "mobility"], "mandates": ["eu-mission", "local-plan"],
    "funding": [
        {"funder": "acme", "amount": 30, "year": 2023, "currency": "EUR"},
        {"funder": "lund-university", "amount": 400, "year": 2024, "currency": "NOK"},
        {"funder": "lund-university", "amount": 100, "year": 2022, "kind": "in-kind"},
    ],
    "stories": [
        {"date": "2022", "title": "Depot found"},
        {"date": "2024-06", "title": "Battery fire", "kind": "setback", "partners": ["acme"]},
    ],
}


def layered_site(site: Site, alpha: dict[str, Any] | None = None,
                 beta: dict[str, Any] | None = None,
                 partners: dict[str, Any] | None = None) -> Site:
    """Write the fixture portfolio into a site (parts may be replaced)."""
    site.data("portfolio.yml", LAYERED_PORTFOLIO)
    site.data("partners.yml", partners or LAYERED_PARTNERS)
    site.data("assets.yml", LAYERED_ASSETS)
    site.front("alpha", alpha or LAYERED_ALPHA)
    site.front("beta", beta or LAYERED_BETA)
    return site


# -- portfolios made of model objects (overview, facet map, browsing, timeline) --------------
# (render/test_overview.py checks the figures of `fixture`, worked out by hand below)

AS_OF = dt.date(2025, 6, 30)
HOSTILE = '<img src=x onerror=alert(1)>"</script><script>alert(2)</script>'


def date(text: str) -> PartialDate:
    parts = [int(p) for p in text.split("-")]
    return PartialDate(*parts)  # type: ignore[arg-type]


def cash(funder: str, amount: float, year: int,
         kind: FundingKind = FundingKind.CASH) -> Funding:
    return Funding(funder, Money(amount, "SEK", amount), year, kind)


def make(slug: str, facet: Facet, zone: Zone, *, title: str | None = None,
         history: tuple[tuple[str, Zone], ...] = (), funding: tuple[Funding, ...] = (),
         stories: tuple[Story, ...] = (), position: Position | None = None,
         start: str | None = None, steward: str | None = "city",
         partners: tuple[str, ...] = (), themes: tuple[str, ...] = ()) -> Initiative:
    return Initiative(
        slug=slug, path=f"content/initiatives/{slug}.md",
        title=Text.plain(title or slug.replace("-", " ").capitalize()),
        summary=Text.plain(f"About {slug}."), facet=facet, zone=zone,
        start=date(start) if start else None, steward=steward,
        partners=tuple(PartnerRole(p) for p in partners), funding=funding,
        themes=themes, zone_history=tuple(ZoneChange(date(d), z) for d, z in history),
        stories=stories, position=position)


MODEL_PARTNERS = (Partner("city", "The City", Sector.PUBLIC),
            Partner("uni", "The University", Sector.ACADEMIA))
MODEL_THEMES = (Theme("energy", "Energy"), Theme("care", "Care"))


def portfolio_of(initiatives: list[Initiative] | tuple[Initiative, ...],
                 partners: tuple[Partner, ...] = MODEL_PARTNERS,
                 base: tuple[BaseInvestment, ...] = ()) -> Portfolio:
    info = PortfolioInfo("Test portfolio", "SEK", "city", base_investment=base, themes=MODEL_THEMES)
    return Portfolio(info, partners, (), tuple(initiatives))


def renderer(portfolio: Portfolio, tmp_path: Path | None = None, page_size: int = 200,
             language: str = "en", as_of: dt.date = AS_OF) -> Renderer:
    root = tmp_path or Path("site")
    options = Options(root=root, docs_dir=root / "content", page_size=page_size,
                      language=language)
    built = dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.timezone.utc)
    return Renderer(portfolio, compute(portfolio, as_of), options,
                    Translator.for_language(language), built)


def story(slug: str, day: str, kind: StoryKind = StoryKind.CRITICAL_EVENT) -> Story:
    return Story(slug, date(day), f"Story of {slug} on {day}", kind)


# The hand-computed fixture (as of 2025-06-30):
# balance   mission: yellow 1 (200), green 0, blue 1 (100)   enhancement: yellow 1 (0)
#           anticipatory: green 1 (400)                      adaptive: green 1 (300 + 700)
#           totals: yellow 2 (200), green 2 (1,400), blue 1 (100); 5 initiatives (1,700)
# moves     alpha 2022-05 Y>G, 2024-03 G>B; gamma 2022-02 Y>G, 2023-03 G>Y, 2024-09 Y>G;
#           eps 2025-02 Y>G
#           per year: 2022 forward 2 (Y>G 2); 2023 back 1 (G>Y); 2024 forward 2 (Y>G, G>B);
#           2025 forward 1 (Y>G)
# at end    2021 Y2; 2022 G2; 2023 Y2 G1; 2024 Y3 G1 B1; 2025 Y2 G2 B1
# recent    (2024-06-30, 2025-06-30]: eps 2025-02 Y>G, gamma 2024-09 Y>G
# figures   5 initiatives, 2 partners, money 1,000 (base) + 1,700 = 2,700, 1 critical event
#           in 2025
Y, G, B = Zone.YELLOW, Zone.GREEN, Zone.BLUE


def fixture() -> Portfolio:
    return portfolio_of([
        make("alpha", Facet.MISSION, B, history=(("2021", Y), ("2022-05", G), ("2024-03", B)),
             funding=(cash("city", 100, 2023), cash("uni", 50, 2023, FundingKind.IN_KIND)),
             themes=("energy",)),
        make("beta", Facet.MISSION, Y, history=(("2023", Y),), funding=(cash("uni", 200, 2024),),
             stories=(story("beta", "2025-03-01"), story("beta", "2024-05-01"),
                      story("beta", "2025-04-01", StoryKind.MILESTONE)),
             partners=("uni",), themes=("energy", "care")),
        make("gamma", Facet.ADAPTIVE, G,
             history=(("2021-01", Y), ("2022-02", G), ("2023-03", Y), ("2024-09", G)),
             funding=(cash("city", 300, 2022), cash("uni", 700, 2024))),
        make("delta", Facet.ENHANCEMENT, Y, start="2024", steward=None),
        make("eps", Facet.ANTICIPATORY, G, history=(("2024-12", Y), ("2025-02", G)),
             funding=(cash("uni", 400, 2025),), position=Position(0.6, 0.1)),
    ], base=(BaseInvestment(2024, Money(1000, "SEK", 1000), "city"),))


WORDS = ("Shared", "electric", "cargo", "bikes", "for", "the", "harbour", "district",
         "water", "leak", "detection", "school", "routes", "citizen", "panels", "on",
         "climate", "energy", "cooperatives", "in", "Norrvik", "and", "Södra", "Hamnen")


def generated(count: int, seed: int = 3) -> Portfolio:
    """A big, realistic portfolio: long titles, several partners, funding, histories."""
    rng = random.Random(seed)
    partners = tuple(Partner(f"partner-{n}", f"Partner organisation number {n} AB",
                             Sector.BUSINESS) for n in range(150))
    facets = list(Facet)
    zones = [Zone.YELLOW] * 5 + [Zone.GREEN] * 3 + [Zone.BLUE] * 2
    initiatives = []
    for n in range(count):
        zone = rng.choice(zones)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))).capitalize()
        year = rng.randint(2018, 2024)
        history = [(str(year), Zone.YELLOW)]
        if zone is not Zone.YELLOW:
            history.append((f"{year + 1}-{rng.randint(1, 12):02d}", Zone.GREEN))
        if zone is Zone.BLUE:
            history.append((f"{year + 2}-{rng.randint(1, 12):02d}", Zone.BLUE))
        chosen = tuple(rng.sample([p.id for p in partners], rng.randint(2, 6)))
        initiatives.append(make(
            f"initiative-{n:04d}", rng.choice(facets), zone, title=f"{title} {n}",
            history=tuple(history), steward=chosen[0], partners=chosen[1:],
            funding=tuple(cash(rng.choice(chosen), rng.randint(1, 90) * 50_000,
                               rng.randint(2019, 2025)) for _ in range(rng.randint(0, 3))),
            themes=(rng.choice(MODEL_THEMES).id,)))
    return portfolio_of(initiatives, partners)


def big_portfolio(initiatives: int = 1000, partners: int = 200, seed: int = 4) -> Portfolio:
    """A large, realistic-looking portfolio built directly as model objects."""
    rnd = random.Random(seed)
    sectors = list(Sector)
    people = tuple(Partner(f"partner-{n:03d}", f"Partner organisation number {n}",
                           sectors[n % len(sectors)]) for n in range(partners))
    items = []
    for n in range(initiatives):
        slug = f"initiative-{n:04d}"
        members = rnd.sample(range(partners), rnd.randint(2, 4))
        start = rnd.randint(2017, 2024)
        stories = []
        for k in range(rnd.randint(2, 5)):
            year = rnd.randint(start, 2025)
            stories.append(Story(
                slug, PartialDate(year, rnd.randint(1, 12), rnd.randint(1, 28)),
                f"Story {k} of initiative {n}: something changed",
                rnd.choice(list(StoryKind)),
                "A sentence or two about what happened and why it mattered to the people "
                "who took part in it.",
                partners=tuple(people[m].id for m in members[:2])))
        items.append(Initiative(
            slug=slug, path=f"content/initiatives/{slug}.md",
            title=Text.plain(f"Initiative number {n}"), summary=Text.plain("A summary."),
            facet=model.FACETS[n % 4], zone=model.ZONES[n % 3], start=PartialDate(start),
            steward=people[members[0]].id,
            partners=tuple(PartnerRole(people[m].id, "Partner") for m in members[1:]),
            funding=tuple(Funding(people[m].id, Money(100_000.0, "SEK", 100_000.0),
                                  rnd.randint(start, 2025)) for m in members[:2]),
            stories=tuple(stories)))
    info = PortfolioInfo("Big", "SEK", base_investment=tuple(
        BaseInvestment(y, Money(1_000_000.0, "SEK", 1_000_000.0)) for y in range(2017, 2026)))
    return Portfolio(info, people, (), tuple(items))


def render_model(portfolio: Portfolio, root: Path,
                 modules: tuple[str, ...] = ("timeline",)) -> Rendered:
    options = Options(root=root, docs_dir=root / "content")
    figures = compute(portfolio, dt.date(2025, 12, 31))
    return render_site(portfolio, figures, options, Translator.for_language("en"),
                       dt.datetime(2025, 12, 31, tzinfo=dt.timezone.utc), modules=modules)


# -- reading the tables of a page (overview, facet map, browsing) ------------------------------


class _Tables(HTMLParser):
    """Text of every table cell, table by table, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


# -- reading generated pages: tables, charts, text -------------------------------------------

MODULES = ("ecosystem", "leverage", "timeline", "objectives")


def render(site: Site, modules: tuple[str, ...] = MODULES, language: str | None = None
           ) -> dict[str, str]:
    """The generated pages of this area, by docs path."""
    build = analyse(site.options)
    assert not build.problems.items, [str(p) for p in build.problems]
    t = build.translator
    if language is not None:
        t = Translator.for_language(language)
    return render_site(build.portfolio, build.figures, build.options, t, build.built,
                       modules=modules).pages


@dataclass
class ParsedTable:
    """A table's caption and the text of its cells, by part."""

    where: tuple[str, ...]
    caption: str = ""
    head: list[list[str]] = field(default_factory=list)
    body: list[list[str]] = field(default_factory=list)
    foot: list[list[str]] = field(default_factory=list)


class _Reader(HTMLParser):
    """Tables (with the ids of the elements around them) and elements with an id."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "area", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[ParsedTable] = []
        self.ids: list[str | None] = []
        self.current: ParsedTable | None = None
        self.part = "body"
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_caption = False
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.elements.append((tag, found))
        if tag not in self.VOID:
            self.ids.append(found.get("id"))
        if tag == "table":
            self.current = ParsedTable(tuple(i for i in self.ids if i))
        elif tag in ("thead", "tbody", "tfoot"):
            self.part = {"thead": "head", "tbody": "body", "tfoot": "foot"}[tag]
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "caption":
            self.in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.ids:
            self.ids.pop()
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None and self.current is not None:
            getattr(self.current, self.part).append(self.row)
            self.row = None
        elif tag == "table" and self.current is not None:
            self.tables.append(self.current)
            self.current = None
            self.part = "body"
        elif tag == "caption":
            self.in_caption = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif self.in_caption and self.current is not None:
            self.current.caption += data


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def table(html: str, container_id: str) -> ParsedTable:
    """The first table inside the element with this id."""
    for t in read(html).tables:
        if container_id in t.where:
            return t
    raise AssertionError(f"no table in #{container_id}")


def chart_data(html: str, chart_id: str) -> dict[str, Any]:
    """The plotly figure published for a chart."""
    match = re.search(rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>',
                      html, re.S)
    assert match, chart_id
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def text(html: str) -> str:
    """The visible text of a page, whitespace collapsed."""
    without = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", without)).split())


# -- the Testvik site, built whole (export/test_export.py works out its figures by hand) ------

EPOCH = "1700000000"  # 2023-11-14T22:13:20Z

TESTVIK_PORTFOLIO_YML = """\
name: Testvik Platform
organisation: city
currency: SEK
licence: CC0-1.0
exchange_rates: {EUR: 10}
base_investment:
  - {year: 2022, amount: 1000000, funder: city}
  - {year: 2023, amount: 50000, funder: agency, currency: EUR}
themes:
  energy: {title: Energy}
mandates:
  green-deal: {title: Green Deal, level: eu, url: "https://example.org/green-deal"}
objectives:
  zero:
    title: Zero emissions
    key_results: [{title: Halve emissions}]
"""
TESTVIK_PARTNERS_YML = """\
city: {name: Testvik City, sector: public, url: "https://city.example/"}
agency: {name: Innovation Agency, sector: funder}
uni: {name: Testvik University, sector: academia}
firm: {name: Nordic Firm AB, sector: business}
"""
TESTVIK_ASSETS_YML = """\
lab: {name: Street Lab, kind: testbed, owner: uni}
"""
TESTVIK_ALPHA = """\
---
title: Alpha pilot
summary: Street lights that adapt.
facet: mission-oriented
zone: green
start: 2022-03
steward: city
partners:
  - {id: uni, role: research}
  - firm
funding:
  - {funder: city, amount: 200000, year: 2022}
  - {funder: agency, amount: 15000, year: 2023, currency: EUR}
  - {funder: uni, amount: 30000, year: 2023, kind: in-kind}
themes: [energy]
mandates: [green-deal]
objectives: [zero]
assets: [lab]
zone_history:
  - {date: 2022-03, zone: yellow}
  - {date: 2023-06, zone: green}
stories:
  - {date: 2023-06-01, title: Pilot started, kind: critical-event, text: "The *first* lights."}
  - {date: 2022-05, title: '=HYPERLINK("https://evil.example")', kind: milestone}
---
Alpha's own description.
"""
TESTVIK_BETA = """\
---
title: Beta network
summary: Partners start their own projects.
facet: adaptive
zone: yellow
layer: 3
steward: firm
funding:
  - {funder: firm, amount: 400000, year: 2024}
stories:
  - {date: 2024-02-10, title: "Network <formed> & more"}
---
Beta.
"""
TESTVIK_GAMMA = """\
---
title: Gamma service
summary: A service now run by the city.
facet: enhancement-oriented
zone: blue
status: completed
start: 2020
end: 2021
stories:
  - {date: 2021, title: Lessons learned, kind: learning, text: "-dash first"}
---
Gamma.
"""


def write_site(root: Path, site_url: str | None = None, federation: list[str] | None = None,
               plugin: bool = True) -> Path:
    """The fixture portfolio as a whole MkDocs site; returns the mkdocs.yml path."""
    (root / "docs" / "initiatives").mkdir(parents=True, exist_ok=True)
    (root / "site_data").mkdir(exist_ok=True)
    config = ["site_name: Testvik", "docs_dir: docs",
              "theme:", "  name: material", "  font: false",
              "markdown_extensions: [attr_list, md_in_html, tables]"]
    if site_url:
        config.append(f"site_url: {site_url}")
    if plugin:
        config.append("plugins: [portfolio]")
    (root / "mkdocs.yml").write_text("\n".join(config) + "\n", encoding="utf-8")
    portfolio = TESTVIK_PORTFOLIO_YML
    if federation:
        portfolio += "federation:\n" + "".join(f"  - {json.dumps(s)}\n" for s in federation)
    (root / "site_data" / "portfolio.yml").write_text(portfolio, encoding="utf-8")
    (root / "site_data" / "partners.yml").write_text(TESTVIK_PARTNERS_YML, encoding="utf-8")
    (root / "site_data" / "assets.yml").write_text(TESTVIK_ASSETS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Testvik\n\nHello.\n", encoding="utf-8")
    for slug, text in (("alpha", TESTVIK_ALPHA), ("beta", TESTVIK_BETA), ("gamma", TESTVIK_GAMMA)):
        (root / "docs" / "initiatives" / f"{slug}.md").write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


# -- a Pagefind index, read back ----------------------------------------------------------------

def pagefind_file(path: Path) -> Any:
    """A file of a Pagefind bundle: gzip'd, a `pagefind_dcd` mark, then CBOR or JSON. A file
    cut short fails here (gzip checks its length and checksum)."""
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(b"pagefind_dcd")
    if path.suffix == ".pf_fragment":
        return json.loads(data[len(b"pagefind_dcd"):])
    return search._read_chunk(path)


def index_contents(bundle: Path) -> dict[str, Any]:
    """What an index holds, whatever the order of its pages: each page's fragment (named by
    its content), the pages of each word, and the pages of each filter value."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = {"words": {}, "filters": {}, "pages": {}}
    for language in entry["languages"].values():
        meta = pagefind_file(bundle / f"pagefind.{language['hash']}.pf_meta")
        pages = [page[0] for page in meta[1]]
        assert len(pages) == language["page_count"]
        for page in pages:
            found["pages"][page] = pagefind_file(bundle / "fragment" / f"{page}.pf_fragment")
        for _first, _last, chunk in meta[2]:
            for word, postings, *_ in pagefind_file(bundle / "index" / f"{chunk}.pf_index")[0]:
                number = 0
                for posting in postings:  # page numbers, each after the one before
                    number += posting[0]
                    found["words"].setdefault(word, set()).add(pages[number])
        for name, chunk in meta[3]:
            _name, values = pagefind_file(bundle / "filter" / f"{chunk}.pf_filter")
            for value, numbers in values:
                found["filters"].setdefault((name, value), set()).update(
                    pages[n] for n in numbers)
    return found


def built(config: Path, out: Path) -> dict[str, bytes]:
    """Build in this process (as a build's workers are forked from it), under
    `SOURCE_DATE_EPOCH`; every file of the site by its path in it."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        build(load_config(str(config), site_dir=str(out)))
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def mkdocs_build(config: Path, out: Path, strict: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(out)]
    if strict:
        command.append("--strict")
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    return result


# -- the site's own search index, read back -------------------------------------------------------

def unpack(path: Path) -> Any:
    return json.loads(gzip.decompress(path.read_bytes()))


class Index:
    """The site's own search index as a reader's script finds it (`adapter.site_index`):
    entry, shards, pages and filters."""

    def __init__(self, folder: Path) -> None:
        self.entry = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        self.files = folder / self.entry["build"]
        chunk = self.entry["chunk"]
        self.docs = [doc for n in range(-(-self.entry["pages"] // chunk))
                     for doc in unpack(self.files / "d" / str(n))]

    def shard_of(self, word: str) -> str:
        """The shard a reader's script opens for a word (the longest prefix it has)."""
        keys = [k for k in self.entry["shards"] if word.startswith(k)]
        return max(keys, key=len)

    def pages_of(self, word: str) -> dict[int, int]:
        """The pages of a word's stem, with their weights."""
        shard = unpack(self.files / "w" / site_index._file_name(self.shard_of(word)))
        flat = shard["p"][shard["w"][word]]
        pages, page = {}, 0
        for n in range(0, len(flat), 2):
            page += flat[n]
            pages[page] = flat[n + 1]
        return pages

    def filter(self, name: str, value: str) -> set[int]:
        path = self.files / "f" / name / site_index.fnv(value)
        if not path.is_file():
            return set()
        pages, page = set(), 0
        for delta in unpack(path).get(value, []):
            page += delta
            pages.add(page)
        return pages



# -- a site whose languages mkdocs-static-i18n builds --------------------------------------------

I18N = """\
  - i18n:
      docs_structure: suffix
      languages:
        - {locale: en, default: true, name: English, build: true}
        - {locale: sv, name: Svenska, build: true}
"""
I18N_ORDERS = {"i18n first": ["  - search\n", I18N, "  - portfolio\n"],
          "portfolio first": ["  - search\n", "  - portfolio\n", I18N]}
SWEDISH_BODY = "Alfas egen beskrivning på svenska."
ENGLISH_BODY = "Alpha's own description."


def i18n_site(root: Path, order: str, search_with: str = "") -> Path:
    """The test portfolio (tests/support.py) with the i18n plugin: a Swedish home page, a
    Swedish body for alpha (`alpha.sv.md`), alpha's title in both languages."""
    config = write_site(root, "https://testvik.example/", plugin=False)
    text = config.read_text(encoding="utf-8")
    plugin = f"  - portfolio:\n      search: {search_with}\n" if search_with else "  - portfolio\n"
    text += "plugins:\n" + "".join(plugin if p == "  - portfolio\n" else p
                                   for p in I18N_ORDERS[order])
    config.write_text(text, encoding="utf-8")
    docs = root / "docs"
    (docs / "index.sv.md").write_text("# Testvik på svenska\n\nHej.\n", encoding="utf-8")
    (docs / "initiatives" / "alpha.sv.md").write_text(SWEDISH_BODY + "\n", encoding="utf-8")
    alpha = docs / "initiatives" / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace(
        "title: Alpha pilot", "title: {en: Alpha pilot, sv: Alfapilot}"), encoding="utf-8")
    return config



# -- two portfolios side by side (federation) -------------------------------------------------

FIRST_URL = "https://testvik.example/showcase/"

SECOND_PORTFOLIO = """\
name: Sjöby Labs
currency: EUR
licence: CC-BY-4.0
base_investment:
  - {year: 2023, amount: 5000}
"""
SECOND_PARTNERS = """\
uni: {name: Sjöby University, sector: academia}
nordic-firm: {name: NORDIC FIRM AB, sector: business}
solo: {name: Solo Org, sector: other}
"""
DELTA = """\
---
title: Delta foresight
summary: Futures of the lake.
facet: anticipatory
zone: yellow
partners: [uni, nordic-firm]
funding:
  - {funder: nordic-firm, amount: 1000, year: 2023}
---
Delta.
"""


def write_second(root: Path, federation: list[str]) -> Path:
    """A second, independent portfolio (in euros) that federates others."""
    (root / "docs" / "initiatives").mkdir(parents=True, exist_ok=True)
    (root / "site_data").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(
        "site_name: Sjöby\nsite_url: https://sjoby.example/\ndocs_dir: docs\n"
        "theme:\n  name: material\n  font: false\n"
        "markdown_extensions: [attr_list, md_in_html, tables]\nplugins: [portfolio]\n",
        encoding="utf-8")
    text = SECOND_PORTFOLIO + "federation:\n" + "".join(f"  - {json.dumps(s)}\n"
                                                         for s in federation)
    (root / "site_data" / "portfolio.yml").write_text(text, encoding="utf-8")
    (root / "site_data" / "partners.yml").write_text(SECOND_PARTNERS, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Sjöby\n", encoding="utf-8")
    (root / "docs" / "initiatives" / "delta.md").write_text(DELTA, encoding="utf-8")
    return root / "mkdocs.yml"


def first_document(root: Path, monkeypatch: Any) -> bytes:
    """The first portfolio's portfolio.json, as its export would publish it
    (`monkeypatch`: pytest's, to set the build date)."""
    from portfolio_plugin.export import export_files
    from portfolio_plugin.options import read_config
    from portfolio_plugin.pipeline import analyse

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    options = read_config(write_site(root, FIRST_URL))
    build = analyse(options)
    files = export_files(build.portfolio, build.figures, options, build.translator, build.built)
    return files["data/portfolio.json"]


# -- a link checker over a built site ----------------------------------------------------------

# The attributes that link a page to another page or file of the site.
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src",
                   "source": "src", "iframe": "src", "area": "href",
                   # the listings' index and a chart's figure, which the script reads
                   "form": "data-pf-source", "div": "data-pf-chart-src"}


class _Links(HTMLParser):
    """The links of one HTML page, and the anchors (`id`, `name`) it has."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("id", "name") if tag in ("a", "map") else ("id",):
            if found.get(name):
                self.anchors.add(str(found[name]))
        attribute = LINK_ATTRIBUTES.get(tag)
        value = found.get(attribute) if attribute else None
        if value is not None:
            self.links.append(value)


@dataclass
class Crawl:
    """What `crawl` found: pages read, internal links checked, and the broken ones as
    (page, link, why)."""

    pages: int = 0
    links: int = 0
    broken: list[tuple[str, str, str]] = field(default_factory=list)


def _parsed(page: Path, known: dict[Path, _Links]) -> _Links:
    if page not in known:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        known[page] = parser
    return known[page]


def crawl(site: Path, files: bool = False) -> Crawl:
    """Check every internal link (a, link, script, img, ...) of every page of a built site:
    each must lead to a file of the site, and a #fragment to an anchor of the page it names.

    As a web server serves the site, a link to a folder reaches its index.html; as `file://`
    does (`files=True`), a folder is a broken link. Links with a scheme or a host (external,
    `mailto:`, `data:`) are not checked.
    """
    site = site.resolve()
    known: dict[Path, _Links] = {}
    result = Crawl()
    for page in sorted(site.rglob("*.html")):
        result.pages += 1
        where = page.relative_to(site).as_posix()
        for link in _parsed(page, known).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("//"):
                continue
            result.links += 1
            path = unquote(parts.path)
            if not path:
                target = page
            elif path.startswith("/"):
                target = site / path.lstrip("/")
            else:
                target = page.parent / path
            target = Path(os.path.normpath(target))
            if target != site and site not in target.parents:
                result.broken.append((where, link, "leaves the site"))
                continue
            if target.is_dir():
                # `..` and `.` resolve to the folder with its slash, as `../` and `./` do.
                slashed = not path or path.endswith("/") or path.rsplit("/", 1)[-1] in (".", "..")
                if files or not slashed:
                    # file:// shows a folder as a listing; a server redirects a folder
                    # without its slash, which breaks the page's relative links.
                    result.broken.append((where, link, "a folder"))
                    continue
                target = target / "index.html"
            if not target.is_file():
                result.broken.append((where, link, "no such file"))
                continue
            if parts.fragment and target.suffix == ".html":
                anchor = unquote(parts.fragment)
                if anchor not in _parsed(target, known).anchors:
                    result.broken.append((where, link, f"no anchor #{anchor}"))
    return result


def compiling(monkeypatch: Any) -> list[str]:
    """The names of the templates Jinja compiles from now on (`monkeypatch`: pytest's)."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile(self: jinja2.Environment, source: Any, name: str | None = None,
                *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(name))
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    return compiled
