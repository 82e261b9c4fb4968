"""The open data says what the sources say: every exported field of every initiative, partner
and story, in `portfolio.json`, in each CSV file and in each initiative page's JSON-LD, equals
the front-matter and `site_data/` read on their own (see `support.Source`), and the figures
(balance, leverage, the facet map) are those computed from the sources by DESIGN.md's formulas.

Fast: the pipeline's `run` on small generated portfolios, no MkDocs build.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import run

from support import FACETS, SEPARATOR, ZONES, Source, bench, cell, differences, script_json

BUILT = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
generate = bench("generate")


@dataclass(frozen=True)
class Published:
    """One generated site: its sources, and what the pipeline made of them."""

    source: Source
    files: dict[str, bytes]
    pages: dict[str, str]
    varied: bool

    @property
    def document(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.files["data/portfolio.json"])
        return data

    def csv(self, name: str) -> list[dict[str, str]]:
        text = self.files[f"data/{name}"].decode("utf-8")
        return list(csv.DictReader(io.StringIO(text, newline="")))


def vary(site: Path, language: str) -> None:
    """Make every other page use what the generator never writes: the defaults left out
    (status, layer, story kind), a title in another language only, a summary in two, a
    title a spreadsheet would run as a formula, and unquoted years."""
    for n, page in enumerate(sorted((site / "content" / "initiatives").glob("*.md"))):
        if n % 2:
            continue
        text = page.read_text(encoding="utf-8")
        end = text.index("\n---", 3)
        fm = yaml.safe_load(text[4:end])
        for key, default in (("status", "active"), ("layer", 2)):
            if fm.get(key) == default:
                del fm[key]
        for story in fm.get("stories", []):
            if story.get("kind") == "critical-event":
                del story["kind"]
        for indicator in fm.get("indicators", []):
            for value in indicator["values"]:
                value["date"] = int(value["date"])
        if n % 4 == 0:
            other = "en" if language == "sv" else "sv"
            if isinstance(fm["title"], str):
                fm["title"] = {other: f"{other}: {fm['title']}"}
            fm["summary"] = {language: fm["summary"], other: f"{other}: {fm['summary']}"}
        if n == 2:
            fm["title"] = f"=1+1 {fm['title']}"
        front = yaml.safe_dump(fm, sort_keys=False, allow_unicode=True)
        page.write_text(f"---\n{front}{text[end + 1:]}", encoding="utf-8")


# (count, seed, language, site_url, varied): small portfolios that differ in what matters.
SITES = {
    "as-generated": (40, 1, "en", None, False),
    "swedish-with-site-url": (50, 2, "sv", "https://portfolio.example/sv/", True),
    "defaults-left-out": (30, 3, "en", None, True),
}


@pytest.fixture(scope="module", params=list(SITES))
def published(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Published:
    count, seed, language, site_url, varied = SITES[request.param]
    site = generate.generate(count, tmp_path_factory.mktemp("oracle") / "site", seed=seed)
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  language: en\n", f"  language: {language}\n")
    if site_url:
        config = f"site_url: {site_url}\n{config}"
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    if varied:
        vary(site, language)
    build = run(read_config(site / "mkdocs.yml"), built=BUILT, with_static=False)
    assert [str(p) for p in build.problems.items] == []
    return Published(Source.read(site), build.rendered.files, build.rendered.pages, varied)


def mismatches(what: str, expected: Any, found: Any) -> list[str]:
    """Every difference, each naming the thing (`what`), the field and both values."""
    return [f"{what}: {line}" for line in differences(expected, found)]


def assert_none(found: Iterable[str]) -> None:
    lines = list(found)
    assert not lines, f"{len(lines)} mismatches:\n" + "\n".join(lines[:25])


def by_id(items: Iterable[dict[str, Any]], key: str = "id") -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


# -- portfolio.json ---------------------------------------------------------------------------


def test_every_initiative_in_portfolio_json_equals_its_front_matter(published: Published
                                                                   ) -> None:
    source = published.source
    found = by_id(published.document["initiatives"])
    assert list(found) == list(source.pages), "initiatives: one per page, by id"
    assert_none(line for slug in source.pages
                for line in mismatches(f"initiative {slug!r}", source.initiative(slug),
                                       found[slug]))


def test_every_partner_in_portfolio_json_equals_partners_yml_and_what_it_does(
        published: Published) -> None:
    source = published.source
    found = by_id(published.document["partners"])
    assert list(found) == sorted(source.partners), "partners: one per partners.yml entry"
    assert_none(line for pid in sorted(source.partners)
                for line in mismatches(f"partner {pid!r}", source.partner(pid), found[pid]))


def test_every_story_in_portfolio_json_equals_its_front_matter_newest_first(
        published: Published) -> None:
    expected = published.source.stories()
    found = published.document["stories"]
    assert len(found) == len(expected), "stories: one per story of the front-matter"
    assert_none(line for n, (e, f) in enumerate(zip(expected, found))
                for line in mismatches(f"story {n} ({e['initiative']!r}, {e['title']!r})",
                                       e, f))


def test_the_portfolio_in_portfolio_json_equals_portfolio_yml(published: Published) -> None:
    source = published.source
    given = source.portfolio
    expected = {"name": given["name"], "currency": source.currency,
                "organisation": given.get("organisation"),
                "exchange_rates": given.get("exchange_rates", {}),
                "base_investment": source.base_investment(), "language": source.language,
                "site_url": source.site_url}
    found = {key: published.document["portfolio"][key] for key in expected}
    assert_none(mismatches("portfolio", expected, found))


def test_balance_in_portfolio_json_is_the_count_and_cash_of_each_facet_and_zone(
        published: Published) -> None:
    expected = published.source.balance()
    assert sum(c["count"] for zones in expected.values() for c in zones.values()) == \
        len(published.source.pages)
    assert_none(mismatches("balance", expected, published.document["balance"]))


def test_leverage_in_portfolio_json_follows_the_layer_model_of_the_sources(
        published: Published) -> None:
    expected = published.source.leverage()
    found = published.document["leverage"]
    assert [y["year"] for y in found["years"]] == [y["year"] for y in expected["years"]]
    assert_none(line for e, f in zip(expected["years"], found["years"])
                for line in mismatches(f"leverage of {e['year']}", e, f))
    assert_none(mismatches("leverage in total", expected["total"], found["total"]))


# -- CSV --------------------------------------------------------------------------------------


def csv_mismatches(published: Published, name: str, expected: list[dict[str, Any]],
                   label: str) -> list[str]:
    """Each cell of a CSV file against the expected values (as the export writes cells)."""
    rows = published.csv(name)
    assert list(rows[0]) == list(expected[0]), f"{name}: columns"
    assert len(rows) == len(expected), f"{name}: one row each"
    return [line for n, (e, f) in enumerate(zip(expected, rows))
            for line in mismatches(f"{name} row {n + 1} ({label} {e[label]!r})",
                                   {k: cell(v) for k, v in e.items()}, f)]


def test_every_row_of_initiatives_csv_equals_its_front_matter(published: Published) -> None:
    source = published.source
    rows = []
    for i in source.initiatives():
        rows.append({
            **{k: i[k] for k in ("id", "title", "summary", "facet", "zone", "status", "start",
                                 "end", "layer", "steward")},
            "partners": SEPARATOR.join(p["id"] for p in i["partners"]),
            "funders": SEPARATOR.join(dict.fromkeys(f["funder"] for f in i["funding"])),
            **{k: SEPARATOR.join(i[k]) for k in ("themes", "mandates", "objectives", "assets")},
            "cash": i["cash"], "in_kind": i["in_kind"], "currency": source.currency,
            "stories": len(i["stories"]),
            "critical_events": sum(s["kind"] == "critical-event" for s in i["stories"]),
            "url": source.url(f"initiatives/{i['id']}.md", absolute=True),
        })
    assert_none(csv_mismatches(published, "initiatives.csv", rows, "id"))


def test_every_row_of_partners_csv_equals_partners_yml_and_what_it_does(
        published: Published) -> None:
    source = published.source
    rows = []
    for pid in sorted(source.partners):
        p = source.partner(pid)
        rows.append({
            "id": pid, "name": p["name"], "sector": p["sector"], "website": p["website"],
            "initiatives": len(p["initiatives"]),
            "initiative_ids": SEPARATOR.join(p["initiatives"]),
            "stewards": SEPARATOR.join(p["stewards"]), "cash": p["cash"],
            "in_kind": p["in_kind"], "base_investment": p["base_investment"],
            "currency": source.currency, "first_year": p["first_year"],
            "url": source.url(f"portfolio/partners/{pid}.md", absolute=True),
        })
    assert_none(csv_mismatches(published, "partners.csv", rows, "id"))


def test_every_row_of_funding_csv_equals_the_base_investment_and_the_front_matter(
        published: Published) -> None:
    source = published.source
    base = sorted(source.base_investment(), key=lambda b: (b["year"], b["funder"] or ""))
    rows = [{"layer": 1, "initiative": "", "funder": b["funder"], "year": b["year"],
             "kind": "cash", **{k: b[k] for k in ("amount", "currency", "original_amount",
                                                  "original_currency")}} for b in base]
    rows += [{"layer": i["layer"], "initiative": i["id"], **f}
             for i in source.initiatives() for f in i["funding"]]
    assert_none(csv_mismatches(published, "funding.csv", rows, "initiative"))


def test_every_row_of_stories_csv_equals_its_front_matter_newest_first(
        published: Published) -> None:
    source = published.source
    titles = {i["id"]: i["title"] for i in source.initiatives()}
    rows = [{"date": s["date"], "initiative": s["initiative"],
             "initiative_title": titles[s["initiative"]], "title": s["title"],
             "kind": s["kind"], "text": s["text"], "link": s["link"],
             "partners": SEPARATOR.join(s["partners"]),
             "url": source.url(f"initiatives/{s['initiative']}.md", absolute=True)}
            for s in source.stories()]
    assert_none(csv_mismatches(published, "stories.csv", rows, "initiative"))


# -- pages ------------------------------------------------------------------------------------


def organisation(source: Source, pid: str) -> dict[str, Any]:
    partner = source.partners[pid]
    return {"@type": "Organization", "name": partner["name"], "identifier": pid,
            **({"url": partner["url"]} if partner.get("url") else {})}


def jsonld(source: Source, slug: str) -> dict[str, Any]:
    """schema.org's `Project` of an initiative, from its front-matter."""
    i = source.initiative(slug)
    members = [p["id"] for p in i["partners"]]
    if i["steward"] and i["steward"] not in members:
        members.insert(0, i["steward"])
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Project", "name": i["title"],
        "description": i["summary"], "identifier": slug,
    }
    if source.site_url:
        data["url"] = source.url(f"initiatives/{slug}.md", absolute=True)
    for key, field in (("foundingDate", "start"), ("dissolutionDate", "end")):
        if i[field]:
            data[key] = i[field]
    if members:
        data["member"] = [organisation(source, pid) for pid in members]
    if i["funding"]:
        data["funding"] = [{
            "@type": "MonetaryGrant",
            "funder": {"@type": "Organization", "name": source.partners[f["funder"]]["name"],
                       "identifier": f["funder"]},
            "amount": {"@type": "MonetaryAmount", "value": f["amount"],
                       "currency": source.currency},
            "startDate": str(f["year"]),
            "description": source.words[f"funding.{f['kind']}"],
        } for f in i["funding"]]
    if i["steward"]:
        data["parentOrganization"] = {"@type": "Organization",
                                      "name": source.partners[i["steward"]]["name"]}
    return data


def test_the_json_ld_of_every_initiative_page_equals_its_front_matter(
        published: Published) -> None:
    source = published.source
    lines = []
    for slug in source.pages:
        found = script_json(published.pages[f"initiatives/{slug}.md"], "application/ld+json")
        assert len(found) == 1, f"initiative {slug!r}: one JSON-LD block"
        lines += mismatches(f"initiative {slug!r} JSON-LD", jsonld(source, slug), found[0])
    assert_none(lines)


def test_the_facet_map_shows_each_initiative_once_in_its_own_facet_and_zone(
        published: Published) -> None:
    source = published.source
    page = published.pages["portfolio/facet-map.md"]
    (figure,) = script_json(page, "application/json", "facet-map-data")
    shown: dict[str, list[tuple[str, str, str]]] = {}
    for trace in figure["data"]:
        zone = trace["legendgroup"]
        # A trace is one facet in one zone; its hover text names both.
        facets = [f for f in FACETS if source.words[f"facet.{f}"] in trace["hovertemplate"]]
        assert len(facets) == 1 and source.words[f"zone.{zone}"] in trace["hovertemplate"]
        for link, title in zip((c[0] for c in trace["customdata"]), trace["text"]):
            slug = link.rstrip("/").rsplit("/", 1)[-1]
            shown.setdefault(slug, []).append((facets[0], zone, html.unescape(title)))
    expected = {i["id"]: [(i["facet"], i["zone"], i["title"])] for i in source.initiatives()}
    assert_none(line for slug in sorted(set(expected) | set(shown))
                for line in mismatches(f"facet map, initiative {slug!r}",
                                       expected.get(slug, []), shown.get(slug, [])))
    counts = {z: sum(len(t["x"]) for t in figure["data"] if t["legendgroup"] == z)
              for z in ZONES}
    assert_none(mismatches("facet map, markers per zone",
                           {z: sum(i["zone"] == z for i in source.initiatives()) for z in ZONES},
                           counts))


# -- the oracle's input -----------------------------------------------------------------------


def cases(source: Source) -> set[str]:
    """What of the contract's normalisation a site's sources exercise."""
    found = set()
    for fm in source.pages.values():
        found |= {f"{key} left out" for key in ("status", "layer") if key not in fm}
        found |= {"title in two languages" for t in [fm["title"]] if isinstance(t, dict)
                  and len(t) > 1}
        found |= {"title not in the site's language" for t in [fm["title"]]
                  if isinstance(t, dict) and source.language not in t}
        found |= {"partner without role" for p in fm.get("partners", []) if isinstance(p, str)}
        found |= {"partner with role" for p in fm.get("partners", []) if isinstance(p, dict)}
        for f in fm.get("funding", []):
            found.add(f"funding in {f.get('currency', 'the portfolio currency')}")
            found.add(f"funding {f.get('kind', 'of no kind')}")
        found |= {"story of no kind" for s in fm.get("stories", []) if "kind" not in s}
        dates = [fm.get("start"), *(z["date"] for z in fm.get("zone_history", [])),
                 *(v["date"] for n in fm.get("indicators", []) for v in n["values"])]
        found |= {f"date as {type(d).__name__}" for d in dates if d is not None}
    return found


def test_the_sources_hold_every_case_the_oracle_normalises(published: Published) -> None:
    """Else the oracle would agree with the export on nothing in particular."""
    found = cases(published.source)
    assert {"partner without role", "partner with role", "funding in EUR",
            "funding in the portfolio currency", "funding of no kind", "funding in-kind",
            "title in two languages", "date as str", "date as date"} <= found
    if published.varied:
        assert {"status left out", "layer left out", "story of no kind",
                "title not in the site's language", "date as int"} <= found
