"""Long pages at scale: at a generated portfolio of 1,000 initiatives, the mandates, objectives,
ecosystem and timeline pages show what matters most first, stay short and light, and every
initiative and partner is still reachable from them.

The expectations are worked out from the generated sources (the front-matter and `site_data/`
read as plain YAML), not from the plugin's model.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml

from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import analyse
from portfolio_plugin.render import render_site
from portfolio_plugin.render.ecosystem import (
    ASSETS_FIRST,
    COLLABORATION_FIRST,
    FUNDERS_FIRST,
    SECTOR_FIRST,
)
from portfolio_plugin.render.objectives import MANDATE_FIRST, OBJECTIVE_FIRST
from portfolio_plugin.render.timeline import MAIN_STORIES

from support import bench, table, text

COUNT = 1000
# Gzipped bytes of each page's generated part at 1,000 initiatives (the theme adds about
# 10 KB around it; README: under 150 KB of HTML gzipped at 5,000).
BUDGET = 40_000
# Links a page shows before any disclosure is opened: a few screens on a phone. Before the
# pages were cut (same 1,000 initiatives): mandates 492, objectives 231, ecosystem 1,856;
# now 60, 21 and 69 (the timeline's 483 are its 150 newest stories).
SHOWN_LINKS = {"mandates": 72, "objectives": 40, "ecosystem": 100}
BASE = "http://site.invalid/"


@dataclass
class Sources:
    """What the generated sources say, read as YAML."""

    initiatives: dict[str, dict[str, Any]] = field(default_factory=dict)
    portfolio: dict[str, Any] = field(default_factory=dict)
    partners: dict[str, dict[str, Any]] = field(default_factory=dict)
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)

    def cash(self, slug: str) -> float:
        """Cash funding of an initiative in the portfolio's currency."""
        rates = {self.portfolio["currency"]: 1.0, **self.portfolio.get("exchange_rates", {})}
        return sum(f["amount"] * rates[f.get("currency", self.portfolio["currency"])]
                   for f in self.initiatives[slug].get("funding", [])
                   if f.get("kind", "cash") == "cash")

    def serving(self, field_name: str, key: str) -> set[str]:
        """The initiatives naming `key` in a list field (mandates, objectives, assets)."""
        return {slug for slug, fm in self.initiatives.items() if key in fm.get(field_name, [])}

    def involvement(self) -> Counter[str]:
        """In how many initiatives each partner takes part: steward, partner or funder."""
        counts: Counter[str] = Counter()
        for fm in self.initiatives.values():
            ids = {fm.get("steward")} | {p if isinstance(p, str) else p["id"]
                                         for p in fm.get("partners", [])}
            ids |= {f["funder"] for f in fm.get("funding", [])}
            counts.update(i for i in ids if i)
        return counts

    def stories(self) -> list[str]:
        """The ISO dates of every story."""
        return [_iso(s["date"]) for fm in self.initiatives.values()
                for s in fm.get("stories", [])]


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def read_sources(root: Path) -> Sources:
    found = Sources()
    for path in sorted((root / "content" / "initiatives").glob("*.md")):
        front = path.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n")
        found.initiatives[path.stem] = yaml.safe_load(front)
    data = root / "site_data"
    found.portfolio = yaml.safe_load((data / "portfolio.yml").read_text(encoding="utf-8"))
    found.partners = yaml.safe_load((data / "partners.yml").read_text(encoding="utf-8"))
    found.assets = yaml.safe_load((data / "assets.yml").read_text(encoding="utf-8"))
    return found


@dataclass
class Generated:
    sources: Sources
    pages: dict[str, str]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = bench("generate").generate(COUNT, tmp_path_factory.mktemp("long") / "site", seed=1)
    build = analyse(read_config(root / "mkdocs.yml"))
    assert not build.problems.items, [str(p) for p in build.problems][:5]
    rendered = render_site(build.portfolio, build.figures, build.options, build.translator,
                           build.built, modules=("objectives", "ecosystem", "timeline"))
    return Generated(read_sources(root), dict(rendered.pages))


# -- reading the pages ------------------------------------------------------------------------


def url_of(docs: str) -> str:
    """The site path of a page (directory URLs): `portfolio/mandates.md` is at
    `portfolio/mandates/`."""
    stem = docs.removesuffix(".md")
    return "" if stem == "index" else stem.removesuffix("/index") + "/"


def links(html: str, docs: str) -> list[str]:
    """Every link of a page's HTML, as a site path without its fragment."""
    base = urljoin(BASE, url_of(docs))
    found = []
    for href in re.findall(r'href="([^"]*)"', html):
        target = urljoin(base, href.replace("&amp;", "&"))
        if target.startswith(BASE):
            found.append(urlsplit(target).path.lstrip("/"))
    return found


def initiatives_linked(paths: list[str]) -> set[str]:
    return {m.group(1) for p in paths if (m := re.fullmatch(r"initiatives/([^/]+)/", p))}


def reachable(g: Generated, html: str, docs: str, within: str) -> set[str]:
    """The initiatives linked from a part of a page, or from the pages under `within` it
    links to (and theirs: the pages of a listing)."""
    pages = {url_of(d): d for d in g.pages}
    seen: set[str] = set()
    found: set[str] = set()
    todo = [(html, docs)]
    while todo:
        part, where = todo.pop()
        targets = links(part, where)
        found |= initiatives_linked(targets)
        for target in targets:
            if target.startswith(within) and target in pages and target not in seen:
                seen.add(target)
                todo.append((g.pages[pages[target]], pages[target]))
    assert seen or within == "-", f"{docs}: links to no page under {within}"
    return found


def section(html: str, element_id: str) -> str:
    return html.split(f'id="{element_id}"', 1)[1].split("</section>", 1)[0]


def outside_details(html: str) -> str:
    """What a page shows before the reader opens any disclosure."""
    return re.sub(r"<details\b.*?</details>", "", html, flags=re.S)


def shown_links(html: str) -> int:
    return outside_details(html).count("<a ")


# -- mandates and objectives ------------------------------------------------------------------


def test_every_initiative_of_a_mandate_is_reachable_from_its_section_or_its_page(
        generated: Generated) -> None:
    page = generated.pages["portfolio/mandates.md"]
    mandates = generated.sources.portfolio["mandates"]
    assert len(mandates) == 12
    for key in mandates:
        expected = generated.sources.serving("mandates", key)
        assert len(expected) > 20, key  # (each is cut at this size)
        found = reachable(generated, section(page, f"mandate-{key}"), "portfolio/mandates.md",
                          f"portfolio/mandates/{key}/")
        assert found == expected, key


def test_a_mandate_names_first_the_initiatives_with_the_most_cash(
        generated: Generated) -> None:
    page = generated.pages["portfolio/mandates.md"]
    sources = generated.sources
    for key in sources.portfolio["mandates"]:
        part = section(page, f"mandate-{key}")
        named = initiatives_linked(links(part, "portfolio/mandates.md"))
        assert len(named) == MANDATE_FIRST, key
        others = sources.serving("mandates", key) - named
        assert min(sources.cash(s) for s in named) >= max(sources.cash(s) for s in others)
        count = len(sources.serving("mandates", key))
        assert f"{count:,} initiatives serve this mandate." in text(part)
        assert f"All {count:,} initiatives serving" in text(part)


def test_every_initiative_of_an_objective_is_reachable_from_its_section_or_its_page(
        generated: Generated) -> None:
    page = generated.pages["portfolio/objectives.md"]
    objectives = generated.sources.portfolio["objectives"]
    for key in objectives:
        expected = generated.sources.serving("objectives", key)
        found = reachable(generated, section(page, f"objective-{key}"),
                          "portfolio/objectives.md", f"portfolio/objectives/{key}/")
        assert expected <= found, key
        # The objective's own pages list exactly its initiatives.
        own = {d: h for d, h in generated.pages.items()
               if d.startswith(f"portfolio/objectives/{key}")}
        listed = set().union(*(initiatives_linked(links(h, d)) for d, h in own.items()))
        assert listed == expected, key


def test_an_objective_names_first_the_initiatives_with_the_most_cash(
        generated: Generated) -> None:
    page = generated.pages["portfolio/objectives.md"]
    sources = generated.sources
    for key in sources.portfolio["objectives"]:
        part = section(page, f"objective-{key}")
        first = part.split(f'id="objective-{key}-initiatives"', 1)[1].split(
            'class="pf-more-link"', 1)[0]
        named = initiatives_linked(links(first, "portfolio/objectives.md"))
        assert len(named) == OBJECTIVE_FIRST, key
        others = sources.serving("objectives", key) - named
        assert min(sources.cash(s) for s in named) >= max(sources.cash(s) for s in others)
        # Its key results with their progress come first, and no chart is drawn here.
        assert "Key results" in text(part.split(f'id="objective-{key}-initiatives"')[0])
        assert 'class="pf-chart"' not in part
        assert "<details" in part  # the table of indicators opens on demand


# -- the ecosystem ----------------------------------------------------------------------------


def sectors(page: str) -> dict[str, str]:
    """Each sector's part of the partners' section, by its heading."""
    partners = page.split("## Partners by sector", 1)[1].split("\n## ", 1)[0]
    parts = re.split(r"^### (.*)$", partners, flags=re.M)[1:]
    return dict(zip(parts[::2], parts[1::2], strict=True))


def partners_linked(html: str) -> list[str]:
    return re.findall(r'href="\.\./partners/([^/"]+)/"', html)


def test_every_partner_is_listed_on_the_ecosystem_page_by_sector(
        generated: Generated) -> None:
    page = generated.pages["portfolio/ecosystem.md"]
    sources = generated.sources
    listed: set[str] = set()
    for heading, part in sectors(page).items():
        names = partners_linked(part)
        listed |= set(names)
        count = int(heading.rsplit("(", 1)[1].rstrip(")").replace(",", ""))
        # The whole sector by name in the disclosure, the first few before it.
        assert len(set(names)) == count == len(names) - SECTOR_FIRST, heading
    assert listed == set(sources.partners)


def test_each_sector_shows_first_the_partners_in_the_most_initiatives(
        generated: Generated) -> None:
    page = generated.pages["portfolio/ecosystem.md"]
    counts = generated.sources.involvement()
    for heading, part in sectors(page).items():
        first = partners_linked(outside_details(part))
        assert len(first) == SECTOR_FIRST, heading
        sector = generated.sources.partners[first[0]]["sector"]
        others = {pid for pid, p in generated.sources.partners.items()
                  if p["sector"] == sector} - set(first)
        assert min(counts[p] for p in first) >= max(counts[p] for p in others), heading


def test_every_shared_asset_keeps_its_anchor_and_the_most_used_come_first(
        generated: Generated) -> None:
    page = generated.pages["portfolio/ecosystem.md"]
    sources = generated.sources
    ids = re.findall(r'<section class="pf-asset" id="asset-([^"]+)"', page)
    assert sorted(ids) == sorted(sources.assets)
    first = re.findall(r'<section class="pf-asset" id="asset-([^"]+)"', outside_details(page))
    assert len(first) == ASSETS_FIRST
    used = {a: len(sources.serving("assets", a)) for a in sources.assets}
    assert min(used[a] for a in first) >= max(used[a] for a in set(used) - set(first))


def test_the_funders_table_names_the_largest_and_sums_the_others(
        generated: Generated) -> None:
    page = generated.pages["portfolio/ecosystem.md"]
    funders = {f["funder"] for fm in generated.sources.initiatives.values()
               for f in fm.get("funding", [])}
    funders |= {b["funder"] for b in generated.sources.portfolio.get("base_investment", [])
                if b.get("funder")}
    found = table(page, "pf-funders")
    assert len(found.body) == FUNDERS_FIRST + 1
    assert found.body[-1][0] == f"The other {len(funders) - FUNDERS_FIRST} funders"
    number = lambda cell: float(cell.replace(",", ""))  # noqa: E731
    for column in range(1, 5):
        assert sum(number(row[column]) for row in found.body) == pytest.approx(
            number(found.foot[0][column]), abs=len(found.body))


def test_the_collaboration_table_shows_the_partners_in_the_most_initiatives(
        generated: Generated) -> None:
    page = generated.pages["portfolio/ecosystem.md"]
    counts = generated.sources.involvement()
    rows = table(page, "pf-collaboration").body
    assert len(rows) == COLLABORATION_FIRST
    shown = [int(row[2].replace(",", "")) for row in rows]
    assert shown == sorted(shown, reverse=True)
    assert min(shown) >= sorted(counts.values(), reverse=True)[COLLABORATION_FIRST]
    assert 'data-pf-filter="pf-collaboration"' not in page  # (a filter of five rows: none)
    assert f"of the {len(counts)} that take part in one" in text(page)


# -- the timeline -----------------------------------------------------------------------------


def test_the_timeline_shows_the_newest_stories_and_links_every_year(
        generated: Generated) -> None:
    page = generated.pages["portfolio/timeline.md"]
    dates = generated.sources.stories()
    shown = re.findall(r'<p class="pf-story-meta"><time datetime="([^"]+)"', page)
    assert 0 < len(shown) <= MAIN_STORIES < len(dates)
    rest = Counter(dates)
    rest.subtract(shown)
    hidden = [d for d, n in rest.items() if n > 0]
    assert min(shown) >= max(hidden)
    years = {d[:4] for d in dates}
    assert {f"portfolio/timeline/{y}/" for y in years} <= set(links(page, "portfolio/timeline.md"))
    assert {f"portfolio/timeline/{y}.md" for y in years} <= set(generated.pages)


# -- size -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mandates", "objectives", "ecosystem", "timeline"])
def test_each_long_page_stays_light(generated: Generated, name: str) -> None:
    page = generated.pages[f"portfolio/{name}.md"]
    assert len(gzip.compress(page.encode("utf-8"))) < BUDGET


@pytest.mark.parametrize("name", sorted(SHOWN_LINKS))
def test_each_long_page_shows_few_links_before_its_disclosures(
        generated: Generated, name: str) -> None:
    page = generated.pages[f"portfolio/{name}.md"]
    assert shown_links(page) <= SHOWN_LINKS[name]


def test_what_the_pages_left_out_is_counted_in_words(generated: Generated) -> None:
    words = {n: text(generated.pages[f"portfolio/{n}.md"]) for n in ("mandates", "objectives",
                                                                      "ecosystem")}
    assert re.search(r"All [\d,]+ initiatives contributing to", words["objectives"])
    assert re.search(r"30 of their [\d,]+ indicators, as a table", words["objectives"])
    assert re.search(r"All [\d,]+ partners of this sector, by name", words["ecosystem"])
    assert re.search(r"The other [\d,]+ shared assets", words["ecosystem"])
