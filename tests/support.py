"""What tests share: generated sites, the sources read on their own, and the export oracle.

The start of one support module for all tests (instead of tests importing each other).

The oracle reads a site's SOURCE files with PyYAML alone (never the plugin's loader, validator
or model) and normalises them as DESIGN.md's contract says ("Initiative front-matter",
"Open interface: data/portfolio.json", "Computed figures"): ISO dates as precise as given,
partners as `{id, role}`, amounts in the portfolio currency, the defaults filled in. Tests
compare what the pipeline published with it, field by field.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

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
        found = (root / config["docs_dir"] / "initiatives").glob("*.md")
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
                "kind": entry.get("kind", "cash"), **self.money(entry)}

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
            "translations": {name: fm[name] for name in ("title", "summary")
                             if isinstance(fm[name], dict)},
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
            "indicators": [{"name": n["name"], "unit": n.get("unit", ""),
                            "baseline": _number(n.get("baseline")),
                            "target": _number(n.get("target")),
                            "values": sorted(({"date": iso(v["date"]),
                                               "value": float(v["value"])}
                                              for v in n.get("values", [])),
                                             key=lambda v: first_day(v["date"]))}
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


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def cell(value: Any) -> str:
    """A value as a CSV cell of the export: empty for none, a formula guarded by '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
