"""The timeline: stories newest first, grouped by year, filterable, one page per year, and
light enough at a thousand initiatives."""

from __future__ import annotations

import html
import json
import posixpath
import re

import pytest

from portfolio_plugin.model import (
    Portfolio,
)
from portfolio_plugin.render import Rendered

from support import (
    LAYERED_BETA,
    Site,
    big_portfolio,
    chart_data,
    layered_site,
    read,
    render,
    render_model,
    table,
    text,
)


def timeline(site: Site) -> dict[str, str]:
    return render(layered_site(site), ("timeline",))


def story_items(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in read(html).elements
            if tag == "li" and "data-pf-item" in attrs]


def story_titles(html: str) -> list[str]:
    return [text(m) for m in re.findall(r'<h\d class="pf-story-title">(.*?)</h\d>', html)]


def test_stories_are_grouped_by_year_newest_first(site: Site) -> None:
    page = timeline(site)["portfolio/timeline.md"]
    groups = [attrs for tag, attrs in read(page).elements
              if tag == "section" and "data-pf-group" in attrs]
    assert len(groups) == 3
    years = re.findall(r'<h3 id="pf-timeline-(\d{4})"', page)
    assert years == ["2024", "2023", "2022"]
    assert story_titles(page) == ["Battery fire", "Heat flows", "First pipe laid",
                                  "Council says yes", "Depot found"]
    sections = page.split('data-pf-group')[1:]
    assert [story_titles(s) for s in sections] == [
        ["Battery fire", "Heat flows"], ["First pipe laid", "Council says yes"],
        ["Depot found"]]


def test_each_story_shows_its_kind_in_words_and_links_its_initiative(site: Site) -> None:
    page = timeline(site)["portfolio/timeline.md"]
    first = page.split('data-pf-item', 2)[1]
    assert "Setback" in first and 'href="../../initiatives/beta/"' in first
    assert '>Beta buses</a>' in first


def test_story_items_carry_what_the_filter_needs(site: Site) -> None:
    page = timeline(site)["portfolio/timeline.md"]
    items = story_items(page)
    assert [(i["data-kind"], i["data-facet"], i["data-partners"]) for i in items] == [
        ("setback", "adaptive", "acme"), ("critical-event", "mission-oriented", ""),
        ("milestone", "mission-oriented", ""),
        ("critical-event", "mission-oriented", "city agency"),
        ("critical-event", "adaptive", "")]
    forms = [attrs for tag, attrs in read(page).elements if tag == "form"]
    assert forms[0]["data-pf-filter"] == "pf-timeline" and "hidden" in forms[0]
    names = [attrs["name"] for tag, attrs in read(page).elements if tag == "select"]
    assert names == ["kind", "facet", "partners"]
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', page)
    assert ("setback", "Setback") in options and ("adaptive", "Adaptive") in options
    assert ("agency", "Innovation Agency") in options
    # Only partners named in stories are offered.
    assert "lund-university" not in dict(options)


def test_every_year_has_a_page_with_all_its_stories(site: Site) -> None:
    pages = timeline(site)
    assert sorted(p for p in pages if p.startswith("portfolio/timeline/")) == [
        "portfolio/timeline/2022.md", "portfolio/timeline/2023.md",
        "portfolio/timeline/2024.md"]
    year = pages["portfolio/timeline/2023.md"]
    assert story_titles(year) == ["First pipe laid", "Council says yes"]
    assert 'title: "Stories of 2023"' in year
    assert 'href="../2024/" rel="prev"' in year and 'href="../2022/" rel="next"' in year
    main = pages["portfolio/timeline.md"]
    assert 'href="2023/"' in main


def test_the_feeds_are_linked_to_subscribe(site: Site) -> None:
    page = timeline(site)["portfolio/timeline.md"]
    assert 'href="../../data/stories.xml" type="application/atom+xml"' in page
    assert 'href="../../data/stories.json" type="application/feed+json"' in page
    assert "Subscribe" in text(page)


def test_critical_events_chart_counts_them_per_year(site: Site) -> None:
    page = timeline(site)["portfolio/timeline.md"]
    found = table(page, "pf-critical-events")
    assert found.body == [["2022", "1"], ["2023", "1"], ["2024", "1"]]
    assert found.foot == [["Total", "3"]]
    assert chart_data(page, "pf-critical-events")["data"][0]["y"] == [1, 1, 1]


def test_hostile_story_titles_and_texts_are_text(site: Site) -> None:
    beta = dict(LAYERED_BETA)
    beta["stories"] = [{"date": "2024-02", "title": '<script>alert(1)</script>"><img src=x>',
                        "text": "Hi <b onmouseover=alert(2)>x</b> [a](javascript:alert(3))"}]
    pages = render(layered_site(site, beta=beta), ("timeline",))
    for page in (pages["portfolio/timeline.md"], pages["portfolio/timeline/2024.md"]):
        assert "<script>alert" not in page and "<img" not in page and "<b " not in page
        assert "javascript:" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Portfolio, Rendered]:
    portfolio = big_portfolio()
    return portfolio, render_model(portfolio, tmp_path_factory.mktemp("big"))


def test_the_timeline_page_stays_light_at_a_thousand_initiatives(
        big: tuple[Portfolio, Rendered]) -> None:
    portfolio, rendered = big
    assert len(portfolio.stories) > 3000
    main = rendered.pages["portfolio/timeline.md"]
    # The theme adds about 30 KB; the budget is 300 KB for HTML and chart data.
    assert len(main.encode()) < 240_000
    assert 0 < len(story_items(main)) <= 150


def test_every_story_stays_reachable_on_its_year_page(big: tuple[Portfolio, Rendered]) -> None:
    portfolio, rendered = big
    main = rendered.pages["portfolio/timeline.md"]
    years = sorted({s.date.year for s in portfolio.stories}, reverse=True)
    listed = 0
    cut = 0
    for year in years:
        # A year's stories, newest first, on its pages in turn, each of at most `page_size`
        # (200) stories: followed from its first page by the pager's "next" links.
        source = [s for s in portfolio.stories if s.date.year == year]
        url = f"portfolio/timeline/{year}/"  # as served, with directory URLs
        titles: list[str] = []
        pages = 0
        while url:
            page = rendered.pages[url.rstrip("/") + ".md"]
            items = story_titles(page)
            assert len(items) <= 200 and len(page.encode()) < 240_000, url
            titles += items
            pages += 1
            following = re.search(r'<a href="([^"]+)" rel="next" data-pf-carry>Next', page)
            url = following and posixpath.normpath(posixpath.join(url, following.group(1))) + "/"
        assert titles == [s.title for s in source], year
        assert pages == -(-len(source) // 200)
        cut += pages > 1
        assert f'href="{year}/"' in main
        listed += len(titles)
    assert listed == len(portfolio.stories) and cut  # some year is cut into pages
    # The main page shows the newest whole years, or the newest part of a year too large
    # for the page, and says so.
    shown = re.findall(r'<h3 id="pf-timeline-(\d{4})"', main)
    assert shown == [str(y) for y in years[:len(shown)]]
    for year in shown:
        section = main.split(f'id="pf-timeline-{year}"', 1)[1].split("data-pf-group", 1)[0]
        count = sum(1 for s in portfolio.stories if s.date.year == int(year))
        if count > 150:
            assert shown == [year] and len(story_items(section)) == 150
            assert "(150 shown here)" in text(section)
        else:
            assert len(story_items(section)) == count


def test_a_year_cut_into_pages_knows_how_many_of_all_its_stories_match_a_filter(
        big: tuple[Portfolio, Rendered]) -> None:
    # (The timeline said "2025 (132)" for a kind and a facet; the year's first page showed
    # the 7 of them among its 200 stories, and nothing said where the others were.)
    portfolio, rendered = big
    facets = {i.slug: i.facet.value for i in portfolio.initiatives}
    cut = 0
    for year in sorted({s.date.year for s in portfolio.stories}):
        stories = [s for s in portfolio.stories if s.date.year == year]
        first = rendered.pages[f"portfolio/timeline/{year}.md"]
        written = re.search(r"data-pf-year-counts='([^']*)'", first)
        if len(stories) <= 200:
            assert written is None
            continue
        cut += 1
        expected: dict[str, int] = {}
        for s in stories:
            key = f"{s.kind.value} {facets[s.initiative]}"
            expected[key] = expected.get(key, 0) + 1
        assert written is not None and json.loads(html.unescape(written.group(1))) == expected
        assert 'href="page-2/" rel="next" data-pf-carry' in first
    assert cut
