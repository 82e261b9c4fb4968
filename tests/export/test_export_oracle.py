"""The open data says what the sources say: every exported field of every initiative, partner
and story, in `portfolio.json`, in each CSV file and in each initiative and partner page's
JSON-LD (their `@id`s resolved against the page's address), equals
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
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import run
from portfolio_plugin.render.ecosystem import PARTNER_INITIATIVES_SHOWN

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

    def csv(self, name: str) -> tuple[list[str], list[dict[str, str]]]:
        """A CSV file's header and rows."""
        reader = csv.DictReader(io.StringIO(self.files[f"data/{name}"].decode("utf-8-sig"),
                                            newline=""))
        rows = list(reader)
        return list(reader.fieldnames or ()), rows


def vary(site: Path, language: str) -> None:
    """Make every other page use what the generator never writes: the defaults left out
    (status, layer, story kind), a title in another language only, a summary in two, a
    title a spreadsheet would run as a formula, unquoted years, and indicators' ids and
    dates."""
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
        for k, indicator in enumerate(fm.get("indicators", [])):
            for value in indicator["values"]:
                value["date"] = int(value["date"])
            # What a key result names, and the span its progress is judged over.
            indicator["id"] = f"{page.stem}-{k}"
            indicator["baseline_date"] = "2019-06"
            indicator["target_date"] = 2031
        if n % 4 == 0:
            other = "en" if language == "sv" else "sv"
            if isinstance(fm["title"], str):
                fm["title"] = {other: f"{other}: {fm['title']}"}
            fm["summary"] = {language: fm["summary"], other: f"{other}: {fm['summary']}"}
        if n == 2 and isinstance(fm["title"], str):
            fm["title"] = f"=1+1 {fm['title']}"
        front = yaml.safe_dump(fm, sort_keys=False, allow_unicode=True)
        page.write_text(f"---\n{front}{text[end + 1:]}", encoding="utf-8")


# (count, seed, language, site_url, varied): small portfolios that differ in what matters.
SITES = {
    "as-generated": (30, 1, "en", None, False),
    "swedish-with-site-url": (40, 2, "sv", "https://portfolio.example/sv/", True),
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
    # Without site_url, only the warning that the feeds need it.
    assert [str(p) for p in build.problems.items if p.field != "site_url" or site_url] == []
    return Published(Source.read(site), build.rendered.files, build.rendered.pages, varied)


def mismatches(what: str, expected: Any, found: Any) -> list[str]:
    """Every difference, each naming the thing (`what`), the field and both values."""
    return [f"{what}: {line}" for line in differences(expected, found)]


def report(lines: list[str]) -> str:
    """The first mismatches, one a line."""
    return f"{len(lines)} mismatches:\n" + "\n".join(lines[:25])


def assert_none(found: Iterable[str]) -> None:
    """Fail with every mismatch (the first 25), without the traceback of the checks."""
    lines = list(found)
    if lines:
        pytest.fail(report(lines), pytrace=False)


def by_id(items: Iterable[dict[str, Any]], key: str = "id") -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


# Each check below returns its mismatches: the tests run each on each generated site, and the
# hypothesis test runs them all on hand-built front-matter.

# -- portfolio.json ---------------------------------------------------------------------------


def initiatives_in_json(published: Published) -> list[str]:
    source = published.source
    found = by_id(published.document["initiatives"])
    assert list(found) == list(source.pages), "initiatives: one per page, by id"
    return [line for slug in source.pages
            for line in mismatches(f"initiative {slug!r}", source.initiative(slug),
                                   found[slug])]


def partners_in_json(published: Published) -> list[str]:
    source = published.source
    found = by_id(published.document["partners"])
    assert list(found) == sorted(source.partners), "partners: one per partners.yml entry"
    return [line for pid in sorted(source.partners)
            for line in mismatches(f"partner {pid!r}", source.partner(pid), found[pid])]


def stories_in_json(published: Published) -> list[str]:
    expected = published.source.stories()
    found = published.document["stories"]
    assert len(found) == len(expected), "stories: one per story of the front-matter"
    return [line for n, (e, f) in enumerate(zip(expected, found))
            for line in mismatches(f"story {n} ({e['initiative']!r}, {e['title']!r})", e, f)]


def portfolio_in_json(published: Published) -> list[str]:
    source = published.source
    given = source.portfolio
    expected = {"name": given["name"], "currency": source.currency,
                "organisation": given.get("organisation"),
                "exchange_rates": given.get("exchange_rates", {}),
                "base_investment": source.base_investment(), "language": source.language,
                "site_url": source.site_url}
    found = {key: published.document["portfolio"][key] for key in expected}
    return mismatches("portfolio", expected, found)


def balance_in_json(published: Published) -> list[str]:
    expected = published.source.balance()
    assert sum(c["count"] for zones in expected.values() for c in zones.values()) == \
        len(published.source.pages)
    return mismatches("balance", expected, published.document["balance"])


def leverage_in_json(published: Published) -> list[str]:
    expected = published.source.leverage()
    found = published.document["leverage"]
    assert [y["year"] for y in found["years"]] == [y["year"] for y in expected["years"]]
    return [*(line for e, f in zip(expected["years"], found["years"])
              for line in mismatches(f"leverage of {e['year']}", e, f)),
            *mismatches("leverage in total", expected["total"], found["total"])]


# -- CSV --------------------------------------------------------------------------------------


def csv_mismatches(published: Published, name: str, expected: list[dict[str, Any]],
                   label: str, checked_apart: tuple[str, ...] = ()) -> list[str]:
    """Each cell of a CSV file against the expected values (as the export writes cells);
    the columns `checked_apart` are compared by their caller."""
    header, rows = published.csv(name)
    assert not expected or sorted(header) == sorted([*expected[0], *checked_apart]), \
        f"{name}: columns"
    assert len(rows) == len(expected), f"{name}: one row each"
    return [line for n, (e, f) in enumerate(zip(expected, rows))
            for line in mismatches(f"{name} row {n + 1} ({label} {e[label]!r})",
                                   {k: cell(v) for k, v in e.items()},
                                   {k: v for k, v in f.items() if k not in checked_apart})]


def initiatives_csv(published: Published) -> list[str]:
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
    _, found = published.csv("initiatives.csv")
    return [*csv_mismatches(published, "initiatives.csv", rows, "id",
                            (*JSON_COLUMNS, *POSITION_COLUMNS)),
            *initiatives_csv_json(source, found)]


# The columns of initiatives.csv that hold the front-matter fields without a flat form, as
# JSON text (what `portfolio import` reads back).
JSON_COLUMNS = ("translations", "partner_roles", "zone_history", "indicators", "links")
POSITION_COLUMNS = ("position_certainty", "position_direction")


def authored(item: Any) -> Any:
    """An item without the parts its author did not give (empty texts, lists, nothing)."""
    if isinstance(item, dict):
        return {k: authored(v) for k, v in item.items() if v not in ("", None, [])}
    if isinstance(item, list):
        return [authored(v) for v in item]
    return item


def initiatives_csv_json(source: Any, found: list[dict[str, str]]) -> list[str]:
    expected = [{
        "translations": i["translations"],
        "partner_roles": {p["id"]: p["role"] for p in i["partners"] if p["role"] is not None},
        "zone_history": i["zone_history"],
        # The front-matter of each indicator; its progress is a figure of portfolio.json.
        "indicators": [{k: v for k, v in n.items() if k != "progress"}
                       for n in i["indicators"]],
        "links": i["links"],
        **{f"position_{k}": i["position"][k] if i["position"] else None
           for k in ("certainty", "direction")}} for i in source.initiatives()]
    assert len(found) == len(expected)
    return [line for e, f in zip(expected, found) for line in mismatches(
        f"initiatives.csv row of {f['id']!r}",
        {**{k: authored(e[k]) or None for k in JSON_COLUMNS},
         **{k: e[k] for k in POSITION_COLUMNS}},
        {**{k: json.loads(f[k]) if f[k] else None for k in JSON_COLUMNS},
         **{k: float(f[k]) if f[k] else None for k in POSITION_COLUMNS}})]


def partners_csv(published: Published) -> list[str]:
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
    return csv_mismatches(published, "partners.csv", rows, "id")


def funding_csv(published: Published) -> list[str]:
    source = published.source
    base = sorted(source.base_investment(), key=lambda b: (b["year"], b["funder"] or ""))
    rows = [{"layer": 1, "initiative": "", "funder": b["funder"], "year": b["year"],
             "kind": "cash", **{k: b[k] for k in ("amount", "currency", "original_amount",
                                                  "original_currency")}, "note": ""}
            for b in base]
    rows += [{"layer": i["layer"], "initiative": i["id"], **f}
             for i in source.initiatives() for f in i["funding"]]
    return csv_mismatches(published, "funding.csv", rows, "initiative")


def stories_csv(published: Published) -> list[str]:
    source = published.source
    titles = {i["id"]: i["title"] for i in source.initiatives()}
    rows = [{"date": s["date"], "initiative": s["initiative"],
             "initiative_title": titles[s["initiative"]], "title": s["title"],
             "kind": s["kind"], "text": s["text"], "link": s["link"],
             "partners": SEPARATOR.join(s["partners"]),
             "url": source.url(f"initiatives/{s['initiative']}.md", absolute=True)}
            for s in source.stories()]
    return csv_mismatches(published, "stories.csv", rows, "initiative")


# -- pages ------------------------------------------------------------------------------------


# Where the site's address is not set, a page's JSON-LD gives IRIs relative to the page: they
# are compared once resolved against the page's address on a made-up host.
NOWHERE = "https://site.invalid/"


def iri(source: Source, docs_path: str, fragment: str) -> str:
    """The absolute IRI of a thing whose page is `docs_path`, from the contract's URLs."""
    page = (source.url(docs_path, absolute=True) if source.site_url
            else NOWHERE + source.url(docs_path))
    return f"{page}#{fragment}"


def resolved(data: Any, base: str) -> Any:
    """JSON-LD with every `@id` resolved against the address of its page."""
    if isinstance(data, dict):
        return {key: urljoin(base, value) if key == "@id" and isinstance(value, str)
                else resolved(value, base) for key, value in data.items()}
    if isinstance(data, list):
        return [resolved(value, base) for value in data]
    return data


def organisation(source: Source, pid: str) -> dict[str, Any]:
    partner = source.partners[pid]
    return {"@type": "Organization", "@id": iri(source, f"portfolio/partners/{pid}.md",
                                                 "organization"),
            "name": partner["name"], "identifier": pid,
            **({"url": partner["url"]} if partner.get("url") else {})}


def jsonld(source: Source, slug: str) -> dict[str, Any]:
    """schema.org's `Project` of an initiative, from its front-matter."""
    i = source.initiative(slug)
    members = [p["id"] for p in i["partners"]]
    if i["steward"] and i["steward"] not in members:
        members.insert(0, i["steward"])
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Project",
        "@id": iri(source, f"initiatives/{slug}.md", "initiative"), "name": i["title"],
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
            "funder": organisation(source, f["funder"]),
            "amount": {"@type": "MonetaryAmount", "value": f["amount"],
                       "currency": source.currency, "validFrom": f"{f['year']}-01-01",
                       "validThrough": f"{f['year']}-12-31"},
            "description": source.words[f"funding.{f['kind']}"],
        } for f in i["funding"]]
    if i["steward"]:
        data["parentOrganization"] = organisation(source, i["steward"])
    data["memberOf"] = {"@type": "Organization", "@id": iri(source, "index.md", "platform"),
                        "name": source.portfolio["name"]}
    return data


def json_ld(published: Published) -> list[str]:
    source = published.source
    lines = []
    for slug in source.pages:
        found = script_json(published.pages[f"initiatives/{slug}.md"], "application/ld+json")
        assert len(found) == 1, f"initiative {slug!r}: one JSON-LD block"
        base = iri(source, f"initiatives/{slug}.md", "")
        lines += mismatches(f"initiative {slug!r} JSON-LD", jsonld(source, slug),
                            resolved(found[0], base))
    return lines


def partner_jsonld(source: Source, pid: str) -> dict[str, Any]:
    """schema.org's `Organization` of a partner page, from `partners.yml` and the initiatives
    that name the partner as steward or partner (a funder only is no member), the first
    `PARTNER_INITIATIVES_SHOWN` by id."""
    data: dict[str, Any] = {"@context": "https://schema.org", **organisation(source, pid)}
    if source.partners[pid].get("description"):
        data["description"] = source.partners[pid]["description"]
    member_of = [{"@type": "Project", "@id": iri(source, f"initiatives/{i['id']}.md",
                                                 "initiative"), "name": i["title"]}
                 for i in sorted(source.initiatives(), key=lambda i: i["id"])
                 if pid == i["steward"] or pid in (p["id"] for p in i["partners"])]
    member_of = member_of[:PARTNER_INITIATIVES_SHOWN]
    if member_of:
        data["memberOf"] = member_of
    if source.portfolio.get("organisation") == pid:
        data["subOrganization"] = {"@type": "Organization",
                                   "@id": iri(source, "index.md", "platform"),
                                   "name": source.portfolio["name"]}
    return data


def partners_json_ld(published: Published) -> list[str]:
    source = published.source
    lines = []
    for pid in sorted(source.partners):
        docs_path = f"portfolio/partners/{pid}.md"
        found = script_json(published.pages[docs_path], "application/ld+json")
        assert len(found) == 1, f"partner {pid!r}: one JSON-LD block"
        lines += mismatches(f"partner {pid!r} JSON-LD", partner_jsonld(source, pid),
                            resolved(found[0], iri(source, docs_path, "")))
    return lines


def facet_map(published: Published) -> list[str]:
    source = published.source
    page = published.pages["portfolio/facet-map.md"]
    (figure,) = script_json(page, "application/json", "facet-map-data")
    shown: dict[str, list[dict[str, str]]] = {}
    for trace in figure["data"]:
        zone = trace["legendgroup"]
        # A trace is one facet in one zone; its hover text names both.
        facets = [f for f in FACETS if source.words[f"facet.{f}"] in trace["hovertemplate"]]
        assert len(facets) == 1 and source.words[f"zone.{zone}"] in trace["hovertemplate"]
        for link, title in zip((c[0] for c in trace["customdata"]), trace["text"]):
            slug = link.rstrip("/").rsplit("/", 1)[-1]
            shown.setdefault(slug, []).append({"facet": facets[0], "zone": zone,
                                               "title": html.unescape(title)})
    expected = {i["id"]: [{"facet": i["facet"], "zone": i["zone"], "title": i["title"]}]
                for i in source.initiatives()}
    counts = {z: sum(len(t["x"]) for t in figure["data"] if t["legendgroup"] == z)
              for z in ZONES}
    return [*mismatches("facet map, marks per zone",
                        {z: sum(i["zone"] == z for i in source.initiatives()) for z in ZONES},
                        counts),
            *(line for slug in sorted(set(expected) | set(shown))
              for line in mismatches(f"facet map, initiative {slug!r}",
                                     {"marks": expected.get(slug, [])},
                                     {"marks": shown.get(slug, [])}))]


# -- the tests: each check on each generated site ---------------------------------------------


def test_every_initiative_in_portfolio_json_equals_its_front_matter(published: Published
                                                                   ) -> None:
    assert_none(initiatives_in_json(published))


def test_every_partner_in_portfolio_json_equals_partners_yml_and_what_it_does(
        published: Published) -> None:
    assert_none(partners_in_json(published))


def test_every_story_in_portfolio_json_equals_its_front_matter_newest_first(
        published: Published) -> None:
    assert_none(stories_in_json(published))


def test_the_portfolio_in_portfolio_json_equals_portfolio_yml(published: Published) -> None:
    assert_none(portfolio_in_json(published))


def test_balance_in_portfolio_json_is_the_count_and_cash_of_each_facet_and_zone(
        published: Published) -> None:
    assert_none(balance_in_json(published))


def test_leverage_in_portfolio_json_follows_the_layer_model_of_the_sources(
        published: Published) -> None:
    assert_none(leverage_in_json(published))


def test_every_row_of_initiatives_csv_equals_its_front_matter(published: Published) -> None:
    assert_none(initiatives_csv(published))


def test_every_row_of_partners_csv_equals_partners_yml_and_what_it_does(
        published: Published) -> None:
    assert_none(partners_csv(published))


def test_every_row_of_funding_csv_equals_the_base_investment_and_the_front_matter(
        published: Published) -> None:
    assert_none(funding_csv(published))


def test_every_row_of_stories_csv_equals_its_front_matter_newest_first(
        published: Published) -> None:
    assert_none(stories_csv(published))


def test_the_json_ld_of_every_initiative_page_equals_its_front_matter(
        published: Published) -> None:
    assert_none(json_ld(published))


def test_the_json_ld_of_every_partner_page_equals_partners_yml_and_the_front_matter(
        published: Published) -> None:
    assert_none(partners_json_ld(published))


def test_the_facet_map_shows_each_initiative_once_in_its_own_facet_and_zone(
        published: Published) -> None:
    assert_none(facet_map(published))


CHECKS = (initiatives_in_json, partners_in_json, stories_in_json, portfolio_in_json,
          balance_in_json, leverage_in_json, initiatives_csv, partners_csv, funding_csv,
          stories_csv, json_ld, facet_map)


# -- hand-built front-matter ------------------------------------------------------------------

PARTNER_IDS = ("city", "agency", "acme")
# Text a page, a JSON block, a CSV cell or a spreadsheet could get wrong.
TEXT = st.text(alphabet="abcåäöé XY<>&\"'=+-@#/:*_", min_size=1, max_size=16) \
    .map(str.strip).filter(bool)
TRANSLATED = st.one_of(TEXT, st.fixed_dictionaries({"en": TEXT, "sv": TEXT}),
                       st.fixed_dictionaries({"sv": TEXT}), st.fixed_dictionaries({"en": TEXT}))
# A date as an author may write it: a whole date, a month, a year (unquoted or quoted).
DATE = st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)).flatmap(lambda d: st.sampled_from(
    [d, d.isoformat(), f"{d.year}-{d.month:02d}", d.year, str(d.year)]))
FUNDING = st.fixed_dictionaries(
    {"funder": st.sampled_from(PARTNER_IDS),
     "amount": st.integers(0, 4_000_000).map(lambda n: n / 2),
     "year": st.integers(2019, 2026)},
    optional={"currency": st.sampled_from(["SEK", "EUR"]),
              "kind": st.sampled_from(["cash", "in-kind"])})
STORY = st.fixed_dictionaries(
    {"date": DATE, "title": TEXT},
    optional={"kind": st.sampled_from(["critical-event", "milestone", "learning", "setback"]),
              "text": TEXT, "link": st.just("https://news.example/1"),
              "partners": st.lists(st.sampled_from(PARTNER_IDS), unique=True, max_size=2)})
PARTNERS = st.lists(st.sampled_from(PARTNER_IDS), unique=True, max_size=3).flatmap(
    lambda ids: st.tuples(*(st.one_of(st.just(pid), st.fixed_dictionaries(
        {"id": st.just(pid), "role": TEXT})) for pid in ids)).map(list))
INITIATIVE = st.fixed_dictionaries(
    {"title": TRANSLATED, "summary": TRANSLATED, "facet": st.sampled_from(FACETS),
     "zone": st.sampled_from(ZONES)},
    optional={"status": st.sampled_from(["idea", "active", "paused", "completed",
                                         "discontinued"]),
              "layer": st.sampled_from([2, 3]), "start": DATE,
              "steward": st.sampled_from(PARTNER_IDS), "partners": PARTNERS,
              "funding": st.lists(FUNDING, max_size=3), "stories": st.lists(STORY, max_size=3),
              "themes": st.lists(st.sampled_from(["energy", "mobility"]), unique=True),
              "links": st.lists(st.fixed_dictionaries({"title": TEXT,
                                                       "url": st.just("https://x.example/")}),
                                max_size=2),
              "position": st.fixed_dictionaries({"certainty": st.sampled_from([-1, 0, 0.25]),
                                                 "direction": st.sampled_from([-0.5, 0, 1])})})
SITE_DATA = {
    "portfolio.yml": {"name": "Oracle portfolio", "organisation": "city", "currency": "SEK",
                      "licence": "CC-BY-SA-4.0",
                      "exchange_rates": {"EUR": 11.5},
                      "themes": {"energy": {"title": "Energy"},
                                 "mobility": {"title": "Mobility"}},
                      "base_investment": [
                          {"year": 2024, "amount": 1_000_000, "funder": "city"},
                          {"year": 2025, "amount": 50_000, "funder": "agency",
                           "currency": "EUR"}]},
    "partners.yml": {"city": {"name": "The City", "sector": "public",
                              "url": "https://city.example/"},
                     "agency": {"name": "Innovation <Agency>", "sector": "funder"},
                     "acme": {"name": "=Acme AB", "sector": "business"}},
    "assets.yml": {},
}


def write_site(root: Path, pages: list[dict[str, Any]], language: str) -> Path:
    """A site of the given front-matter (one page each) and `SITE_DATA`."""
    (root / "content" / "initiatives").mkdir(parents=True)
    (root / "site_data").mkdir()
    (root / "mkdocs.yml").write_text(
        f"site_name: Oracle\ndocs_dir: content\ntheme:\n  name: material\n"
        f"  language: {language}\nplugins:\n  - portfolio\n", encoding="utf-8")
    for name, data in SITE_DATA.items():
        (root / "site_data" / name).write_text(yaml.safe_dump(data, allow_unicode=True),
                                               encoding="utf-8")
    for n, fm in enumerate(pages):
        front = yaml.safe_dump(fm, sort_keys=False, allow_unicode=True)
        (root / "content" / "initiatives" / f"initiative-{n}.md").write_text(
            f"---\n{front}---\nBody.\n", encoding="utf-8")
    return root


# No shrinking and no "explain" phase: with a pipeline run per example they take minutes for
# one failure, and each mismatch already names the initiative, the field and both values.
@settings(max_examples=10, deadline=None, database=None,
          phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(INITIATIVE, min_size=1, max_size=4), st.sampled_from(["en", "sv"]))
def test_hand_built_front_matter_is_exported_as_the_contract_says(
        pages: list[dict[str, Any]], language: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = write_site(Path(folder), pages, language)
        build = run(read_config(site / "mkdocs.yml"), built=BUILT, with_static=False)
        # No site_url: only the warning that the feeds need it.
        assert [str(p) for p in build.problems.items if p.field != "site_url"] == []
        published = Published(Source.read(site), build.rendered.files, build.rendered.pages,
                              varied=True)
        lines = [line for check in CHECKS for line in check(published)]
        # A plain assert, so that hypothesis shows the front-matter that failed.
        assert not lines, report(lines)


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
