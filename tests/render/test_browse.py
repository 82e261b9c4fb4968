"""Browsing: the index of every initiative, its pages, the facet, zone and theme pages."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from portfolio_plugin.model import FACETS, ZONES, Facet, Zone
from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import run
from portfolio_plugin.render import Chunks, browse
from portfolio_plugin.render import make as make_item
from portfolio_plugin.render.browse import (
    CHOICES_FILE,
    INDEX_FILE,
    index_data,
    index_pieces,
    page_uri,
    pages,
    split,
)

from support import HOSTILE, fixture, generated, make, portfolio_of, renderer, tables


def made(portfolio_pages: Iterable[tuple[str, object]]) -> dict[str, str | bytes]:
    """A module's pages, made (a file made in pieces, whole)."""
    return {uri: whole(make_item(value)) for uri, value in portfolio_pages}


def whole(item: Any) -> Any:
    return item.whole() if isinstance(item, Chunks) else item


def rows(page: str) -> list[list[str]]:
    """The body rows of the listing table of a page."""
    match = re.search(r'<table class="pf-table pf-index".*?</table>', page, re.S)
    assert match is not None
    return tables(match.group(0))[0][1:]


def test_a_list_is_split_into_pages_of_the_page_size() -> None:
    items = list(generated(25).initiatives)
    chunks = split(items, 10)
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert [i for c in chunks for i in c] == items
    assert split([], 10) == [()]
    assert [len(c) for c in split(items, 25)] == [25]


def test_later_pages_live_under_the_first() -> None:
    assert page_uri("portfolio/initiatives.md", 1) == "portfolio/initiatives.md"
    assert page_uri("portfolio/initiatives.md", 3) == "portfolio/initiatives/page-3.md"
    assert page_uri("portfolio/facets/adaptive.md", 2) == "portfolio/facets/adaptive/page-2.md"


def test_every_initiative_is_in_the_index_once_sorted_by_title_across_pages() -> None:
    portfolio = generated(45)
    r = renderer(portfolio, page_size=20)
    out = made(pages(r))
    uris = ["portfolio/initiatives.md", "portfolio/initiatives/page-2.md",
            "portfolio/initiatives/page-3.md"]
    assert "portfolio/initiatives/page-4.md" not in out
    listed = [row for uri in uris for row in rows(str(out[uri]))]
    assert [len(rows(str(out[u]))) for u in uris] == [20, 20, 5]
    titles = [row[0] for row in listed]
    assert sorted(titles) == sorted(r.text(i.title) for i in portfolio.initiatives)
    assert titles == sorted(titles, key=str.casefold)


def test_index_pages_link_to_each_other() -> None:
    out = made(pages(renderer(generated(45), page_size=20)))
    second = str(out["portfolio/initiatives/page-2.md"])
    assert 'href="../" rel="prev"' in second and 'href="../page-3/" rel="next"' in second
    assert 'aria-current="page" aria-label="Page 2">2</a>' in second
    assert "Initiatives 21 to 40 of 45." in second
    assert 'title: "All initiatives, page 2 of 3"' in second


def test_a_list_of_many_pages_links_the_first_the_last_and_those_near_this_one() -> None:
    """Beyond 9 pages, the page links are the first, the last, and two either side of the
    page shown (at 20,000 initiatives a list has 100 pages: 100 links filled a phone's
    screen); "previous" and "next" always."""
    out = made(pages(renderer(generated(45), page_size=3)))  # 15 pages
    for number, shown in ((1, [1, 2, 3, 15]), (2, [1, 2, 3, 4, 15]),
                          (8, [1, 6, 7, 8, 9, 10, 15]), (15, [1, 13, 14, 15])):
        uri = "portfolio/initiatives.md" if number == 1 else \
            f"portfolio/initiatives/page-{number}.md"
        pager = str(out[uri]).split('<nav class="pf-pager"', 2)[1]
        linked = [int(n) for n in re.findall(r'aria-label="Page (\d+)"', pager)]
        assert linked == shown, number
        gaps = pager.count('<li class="pf-gap" aria-hidden="true">…</li>')
        assert gaps == (shown[1] > 2) + (shown[-2] < 14)
        assert ('rel="prev"' in pager) == (number > 1) and ('rel="next"' in pager) == (number < 15)


def test_a_short_list_has_no_page_links() -> None:
    out = made(pages(renderer(fixture())))
    assert "data-pf-pager" not in str(out["portfolio/initiatives.md"])


def test_the_index_row_shows_facet_zone_status_steward_and_funding() -> None:
    r = renderer(fixture())
    first = rows(str(made(pages(r))["portfolio/initiatives.md"]))[0]
    assert first == ["Alpha", "▲ Mission-oriented", "■ Blue zone", "Active", "The City",
                     "SEK 100"]


def test_every_facet_zone_and_theme_has_a_page_with_its_initiatives() -> None:
    portfolio = fixture()
    out = made(pages(renderer(portfolio)))
    for facet in FACETS:
        listed = {row[0] for row in rows(str(out[f"portfolio/facets/{facet.value}.md"]))}
        assert listed == {i.title.get() for i in portfolio.initiatives if i.facet is facet}
    for zone in ZONES:
        listed = {row[0] for row in rows(str(out[f"portfolio/zones/{zone.value}.md"]))}
        assert listed == {i.title.get() for i in portfolio.initiatives if i.zone is zone}
    assert {row[0] for row in rows(str(out["portfolio/themes/energy.md"]))} == {"Alpha", "Beta"}
    assert {row[0] for row in rows(str(out["portfolio/themes/care.md"]))} == {"Beta"}


def test_a_facet_page_counts_its_initiatives_by_zone() -> None:
    page = str(made(pages(renderer(fixture())))["portfolio/facets/mission-oriented.md"])
    summary = tables(page.split('<table class="pf-table pf-index"')[0])[0]
    assert [row[:2] for row in summary] == [["Zone", "Initiatives"], ["○ Yellow zone", "1"],
                                            ["◇ Green zone", "0"], ["■ Blue zone", "1"]]


def test_the_filter_form_is_hidden_until_the_script_shows_it() -> None:
    page = str(made(pages(renderer(fixture())))["portfolio/initiatives.md"])
    form = re.search(r"<form [^>]*>", page)
    assert form is not None and " hidden" in form.group(0)
    assert 'data-pf-source="../../data/initiatives-index.json"' in form.group(0)
    for name in ("facet", "zone", "status", "partners", "themes"):
        assert f'<select name="{name}">' in page
    assert '<input type="search" name="q"' in page


def test_a_facet_page_filters_within_its_facet_only() -> None:
    page = str(made(pages(renderer(fixture())))["portfolio/facets/adaptive.md"])
    assert '<input type="hidden" name="facet" value="adaptive" data-pf-fixed>' in page
    assert '<select name="facet">' not in page


def test_every_listing_page_offers_every_partner_but_not_the_filter_it_is_about() -> None:
    # The selects are made once for the pages that leave out the same filter: a zone page
    # made after a facet page still offers facets, and a theme page offers no themes.
    portfolio = generated(45)
    r = renderer(portfolio, page_size=20)
    out = made(pages(r))
    partners = sorted({p for i in portfolio.initiatives for p in i.partner_ids})
    wanted = {"portfolio/initiatives/page-2.md": {"facet", "zone", "themes"},
              "portfolio/facets/adaptive.md": {"zone", "themes"},
              "portfolio/zones/green.md": {"facet", "themes"}}
    theme = next(u for u in out if u.startswith("portfolio/themes/") and u.count("/") == 2)
    wanted[theme] = {"facet", "zone"}
    for uri, selects in wanted.items():
        page = str(out[uri])
        for name in ("facet", "zone", "themes"):
            assert (f'<select name="{name}">' in page) == (name in selects), (uri, name)
        select = re.search(r'<select name="partners">(.*?)</select>', page, re.S)
        assert select is not None, uri
        offered = re.findall(r'<option value="([^"]+)">', select.group(1))
        assert sorted(offered) == partners, uri


def test_beyond_a_few_hundred_partners_the_filter_asks_for_a_name_and_suggests_them_all(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every partner of an initiative is suggested, by name, from one file beside the index,
    and no listing carries them: a select of 4,000 was 300 KB of every page."""
    portfolio = generated(45)
    # Two partners named as the first, one of them in other letter case.
    twins = tuple(replace(p, name=portfolio.partners[0].name) if n == 1 else
                  replace(p, name=portfolio.partners[0].name.upper()) if n == 2 else p
                  for n, p in enumerate(portfolio.partners))
    portfolio = replace(portfolio, partners=twins)
    partners = {p for i in portfolio.initiatives for p in i.partner_ids}
    assert {twins[0].id, twins[1].id} <= partners
    r = renderer(portfolio, page_size=20)
    before = made(pages(r))
    assert f"data/{CHOICES_FILE}" not in before
    monkeypatch.setattr(browse, "CHOICES_APART", len(partners) - 1)
    r = renderer(portfolio, page_size=20)
    out = made(pages(r))
    entries = json.loads(out[f"data/{CHOICES_FILE}"])
    # Every partner of the site, those of no initiative marked with a 0 (the filter leaves
    # them out; the proposal form offers them).
    choices = [entry[:2] for entry in entries if entry[2:] != [0]]
    assert {pid for pid, _ in choices} == partners and len(choices) == len(partners)
    assert {entry[0] for entry in entries if entry[2:] == [0]} == {
        p.id for p in portfolio.partners} - partners
    names = [p.name.casefold() for p in portfolio.partners]
    for pid, name in choices:
        partner = portfolio.partner(pid)
        own = partner.name if partner else pid
        # A name two partners share, in any letter case, is told apart by the id.
        assert name == (own if names.count(own.casefold()) == 1 else f"{own} ({pid})")
    assert len({name.casefold() for _, name in choices}) == len(choices)
    # In the order of the names (the listing's sort: the language's collation).
    assert [name for _, name in choices] == sorted(
        (name for _, name in choices), key=r.t.collate)
    for uri in ("portfolio/initiatives/page-2.md", "portfolio/zones/green.md"):
        page = str(out[uri])
        assert '<select name="partners">' not in page, uri
        field = re.search(r'<input type="search" name="partners" list="([^"]+)"[^>]*'
                          r'data-pf-choices="([^"]+)">', page)
        assert field is not None, uri
        assert field.group(2) == CHOICES_FILE  # beside the index the form names
        assert f'<datalist id="{field.group(1)}"></datalist>' in page
        assert len(page) < len(str(before[uri]))
    # Nothing else changed.
    assert set(out) == set(before) | {f"data/{CHOICES_FILE}"}


def test_rows_carry_the_values_the_filters_match() -> None:
    page = str(made(pages(renderer(fixture())))["portfolio/initiatives.md"])
    beta = re.search(r"<tr data-pf-item[^>]*>(?=<th scope=\"row\"><a [^>]*>Beta<)", page)
    assert beta is not None
    assert ('data-facet="mission-oriented" data-zone="yellow" data-status="active" '
            'data-partners="city uni" data-themes="energy care"') in beta.group(0)


def decoded(data: dict[str, Any], row: list[Any]) -> dict[str, Any]:
    """A row of the JSON index as the site script reads it (portfolio.js, `decode`)."""
    found = dict(zip(data["columns"], row))
    codes = data["codes"]
    found["url"] = data["url"][0] + found["url"] + data["url"][1]
    for name in ("facet", "zone", "status"):
        found[name] = codes[name][found[name]]
    found["steward"] = codes["partners"][found["steward"]] if found["steward"] >= 0 else ""
    for name in ("partners", "themes", "mandates", "objectives"):
        found[name] = [codes[name][n] for n in found[name]]
    return found


def test_the_json_index_holds_every_initiative_with_links_relative_to_itself() -> None:
    portfolio = generated(30)
    r = renderer(portfolio, page_size=10)
    out = made(pages(r))
    data = json.loads(out[f"data/{INDEX_FILE}"])
    # Every field of every initiative, read back as the site script reads it, equals its
    # source; the rows in the listings' order.
    entries = [decoded(data, row) for row in data["rows"]]
    by_url = {row["url"]: row for row in entries}
    assert len(by_url) == len(portfolio.initiatives)
    for i in portfolio.initiatives:
        row = by_url[f"../initiatives/{i.slug}/"]
        assert (row["title"], row["facet"], row["zone"], row["status"]) == (
            i.title.get("en"), i.facet.value, i.zone.value, i.status.value)
        assert row["steward"] == (i.steward or "")
        assert (row["partners"], row["themes"], row["mandates"], row["objectives"]) == (
            list(i.partner_ids), list(i.themes), list(i.mandates), list(i.objectives))
    first_page = [cells[0] for cells in rows(str(out["portfolio/initiatives.md"]))]
    assert [row["title"] for row in entries][:10] == first_page  # the first page's rows lead
    steward = portfolio.initiatives[0].steward
    assert steward is not None
    assert data["partners"][steward] == [f"Partner organisation number {steward[8:]} AB",
                                         f"../portfolio/partners/{steward}/"]
    assert data["labels"]["zone"]["blue"] == ["■", "Blue zone"]
    assert index_data(r) == data


@pytest.mark.parametrize("batch", [1, 3, 10, 500])
def test_the_json_index_is_made_in_pieces_that_join_into_its_compact_json(batch: int) -> None:
    r = renderer(generated(30), page_size=10)
    pieces = list(index_pieces(r, batch=batch))
    expected = json.dumps(index_data(r), ensure_ascii=False, separators=(",", ":"))
    assert b"".join(pieces).decode("utf-8") == expected
    assert len(pieces) == 2 + 30 // batch  # the head, each full batch of rows, the rest
    empty = renderer(portfolio_of([]))
    assert json.loads(b"".join(index_pieces(empty, batch=batch)))["rows"] == []


def test_hostile_titles_are_escaped_in_the_listing() -> None:
    portfolio = portfolio_of([make("bad", Facet.MISSION, Zone.GREEN, title=HOSTILE)])
    out = made(pages(renderer(portfolio)))
    for page in (out["portfolio/initiatives.md"], out["portfolio/facets/mission-oriented.md"]):
        assert "<img" not in str(page) and "<script>alert" not in str(page)
        assert "&lt;img src=x onerror=alert(1)&gt;" in str(page)
    # In the JSON index the title is data, which the site script only ever sets as text.
    data = json.loads(out[f"data/{INDEX_FILE}"])
    assert data["rows"][0][1] == HOSTILE


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_listing_speaks_the_site_language(language: str) -> None:
    page = str(made(pages(renderer(fixture(), language=language)))["portfolio/initiatives.md"])
    heading = {"en": "Cash funding", "sv": "Kontant finansiering"}[language]
    assert f'<th scope="col" class="pf-num">{heading}</th>' in page


def test_a_built_site_lists_no_initiative_in_the_sidebar(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content" / "initiatives").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "site_data").mkdir()
    (root / "site_data" / "portfolio.yml").write_text("name: P\ncurrency: SEK\nlicence: CC0-1.0\n",
                                                      encoding="utf-8")
    for n in range(3):
        (root / "content" / "initiatives" / f"i-{n}.md").write_text(textwrap.dedent(f"""\
            ---
            title: Initiative number {n}
            summary: S.
            facet: adaptive
            zone: green
            ---
            Body.
            """), encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Test
        docs_dir: content
        theme: {name: material, font: false}
        plugins: [search, portfolio]
        """), encoding="utf-8")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "out"))
    build(config)
    index = (tmp_path / "out" / "portfolio" / "initiatives" / "index.html").read_text("utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', index, re.S)
    assert nav is not None and "Initiative number" not in nav.group(0)
    assert index.count("Initiative number") >= 3  # the listing has them
    assert run(read_config(root / "mkdocs.yml")).rendered.pages  # the core alone works too
