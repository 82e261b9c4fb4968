"""The year's report: its figures checked against the sources (read with PyYAML alone, as the
export's oracle reads them), its words in both languages, its print stylesheet."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from portfolio_plugin.compute import compute
from portfolio_plugin.i18n import Translator
from portfolio_plugin.model import (
    Facet,
    Indicator,
    IndicatorValue,
    KeyResult,
    Objective,
    StoryKind,
    Zone,
)
from portfolio_plugin.options import Options, read_config
from portfolio_plugin.pipeline import analyse
from portfolio_plugin.render import render_site

from support import HOSTILE, ROOT, Source, cash, date, make, portfolio_of, read, story, text


def report_pages(config: str) -> tuple[dict[str, str], dict[str, bytes], Translator]:
    build = analyse(read_config(ROOT / config))
    assert not build.problems.errors, [str(p) for p in build.problems]
    rendered = render_site(build.portfolio, build.figures, build.options, build.translator,
                           build.built, modules=("report",))
    return dict(rendered.pages), rendered.files, build.translator


@pytest.fixture(scope="module")
def english() -> tuple[dict[str, str], dict[str, bytes], Translator]:
    return report_pages("mkdocs.yml")


@pytest.fixture(scope="module")
def source() -> Source:
    return Source.read(ROOT)


def source_years(source: Source) -> list[int]:
    years = {int(b["year"]) for b in source.portfolio.get("base_investment", [])}
    for fm in source.pages.values():
        years |= {int(f["year"]) for f in fm.get("funding", [])}
        years |= {int(str(s["date"])[:4]) for s in fm.get("stories", [])}
        years |= {int(str(v["date"])[:4]) for n in fm.get("indicators", [])
                  for v in n.get("values", [])}
    return sorted(years)


def key_figures(page: str) -> list[str]:
    block = re.search(r'<ul class="pf-figures pf-report-figures".*?</ul>', page, re.S)
    assert block, "no key figures"
    return re.findall(r"<strong>(.*?)</strong>", block.group(0))


def test_there_is_a_report_for_every_year_with_stories_money_or_values(
        english: tuple[dict[str, str], dict[str, bytes], Translator], source: Source) -> None:
    pages, files, _ = english
    years = source_years(source)
    assert sorted(p for p in pages if p.startswith("portfolio/report/")) == sorted(
        ["portfolio/report/index.md"] + [f"portfolio/report/{y}.md" for y in years])
    assert sorted(files) == [f"portfolio/report/print-{y}.css" for y in years]
    index = pages["portfolio/report/index.md"]
    linked = re.findall(r'<a href="(\d{4})/" aria-label="Annual report \1">\1</a>', index)
    assert linked == [str(y) for y in reversed(years)]  # newest first


def test_a_years_stories_and_critical_events_are_those_dated_that_year(
        english: tuple[dict[str, str], dict[str, bytes], Translator], source: Source) -> None:
    pages, _, _ = english
    for year in source_years(source):
        dated = [s for s in source.stories() if s["date"].startswith(str(year))]
        events = [s for s in dated if s["kind"] == "critical-event"]
        page = pages[f"portfolio/report/{year}.md"]
        figures = key_figures(page)
        assert figures[4] == str(len(events)), year
        said = text(page)
        assert (f"Critical events recorded: {len(events)}; other stories (milestones, lessons "
                f"and setbacks): {len(dated) - len(events)}.") in said, year
        # Listed newest first, with their initiative.
        listed = re.findall(r'<time datetime="([\d-]+)">', page.split("Critical events of")[1]
                            .split("<h3>Other stories")[0])
        assert listed == [s["date"] for s in events], year


def test_a_years_money_and_newcomers_are_the_sources(
        english: tuple[dict[str, str], dict[str, bytes], Translator], source: Source) -> None:
    pages, _, _ = english
    layers: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    first: dict[str, int] = {}
    for b in source.base_investment():
        layers[b["year"]]["1"] += b["amount"]
        first[b["funder"]] = min(first.get(b["funder"], 9999), b["year"])
    for slug, fm in source.pages.items():
        layer = str(fm.get("layer", 2))
        for f in source.initiative(slug)["funding"]:
            first[f["funder"]] = min(first.get(f["funder"], 9999), f["year"])
            if f["kind"] == "cash":
                layers[f["year"]][layer] += f["amount"]
    for year in source_years(source):
        page = pages[f"portfolio/report/{year}.md"]
        row = next(t for t in read(page).tables if t.caption.startswith("The four layers"))
        expected = [layers[year][k] for k in ("1", "2", "3")]
        assert [float(c.replace(",", "")) for c in row.body[0][1:4]] == expected, year
        facets = next(t for t in read(page).tables if "by facet (" in t.caption)
        assert float(facets.foot[0][2].replace(",", "")) == expected[1] + expected[2], year
        new_funders = sorted(source.text(source.partners[f]["name"])
                             for f, y in first.items() if y == year)
        assert f"New funders ({len(new_funders)})" in text(page), year
        if new_funders:
            assert f"; new funders: {len(new_funders)}." in text(page), year
        for name in new_funders:
            assert name in text(page), (year, name)


def test_the_report_is_in_swedish_on_the_swedish_site() -> None:
    pages, files, _ = report_pages("mkdocs.sv.yml")
    page = pages["portfolio/report/2025.md"]
    said = text(page)
    assert "Årsrapport 2025" in page
    name = yaml.safe_load((ROOT / "site_data" / "portfolio.yml").read_text(encoding="utf-8"))
    assert f"Under 2025 drev {name['name']['sv']}" in said
    assert "Framsteg mot målen" in said and "Kritiska händelser 2025" in said
    css = files["portfolio/report/print-2025.css"].decode()
    assert '"Årsrapport 2025"' in css and "Framtagen " in css and '"Sida "' in css


def test_the_print_stylesheet_names_the_site_the_year_and_the_date_made(
        english: tuple[dict[str, str], dict[str, bytes], Translator]) -> None:
    _, files, _ = english
    css = files["portfolio/report/print-2024.css"].decode()
    assert "size: A4" in css
    assert re.search(r'@top-left \{ content: "Norrvik Innovation Platform"', css)
    assert re.search(r'@top-right \{ content: "Annual report 2024"', css)
    assert re.search(r'@bottom-left \{ content: "Made on [A-Z][a-z]+ \d{1,2}, \d{4}"', css)
    assert "counter(page)" in css and "counter(pages)" in css


# -- a portfolio made of model objects -----------------------------------------------------------


def model_report(tmp_path: Path, objectives: tuple[Objective, ...], name: str = "Test portfolio",
                 language: str = "en", modules: tuple[str, ...] = ("report",)
                 ) -> tuple[dict[str, str], dict[str, bytes]]:
    on_track = Indicator("Trips by bike", "%", 10, 30, (
        IndicatorValue(date("2020"), 10), IndicatorValue(date("2024"), 20)), "bike-trips",
        None, date("2028"))
    behind = Indicator("Emissions", "kt", 400, 100, (
        IndicatorValue(date("2020"), 400), IndicatorValue(date("2024"), 390)), "emissions",
        None, date("2028"))
    alpha = dataclasses.replace(
        make("alpha", Facet.MISSION, Zone.GREEN, start="2020",
             funding=(cash("city", 100, 2024),),
             stories=(story("alpha", "2024-05-01"),
                      story("alpha", "2024-02-01", StoryKind.MILESTONE))),
        indicators=(on_track, behind), objectives=tuple(o.id for o in objectives))
    portfolio = portfolio_of([alpha])
    portfolio = dataclasses.replace(portfolio, info=dataclasses.replace(
        portfolio.info, name=name, objectives=objectives))
    options = Options(root=tmp_path, docs_dir=tmp_path / "content", language=language)
    built = dt.datetime(2025, 3, 1, 12, tzinfo=dt.timezone.utc)
    rendered = render_site(portfolio, compute(portfolio, dt.date(2025, 3, 1)), options,
                           Translator.for_language(language), built, modules=modules)
    return dict(rendered.pages), rendered.files


OBJECTIVES = (Objective("climate", "Climate", key_results=(
    KeyResult("More cycling", "bike-trips", "30 % by 2028"),
    KeyResult("Less emissions", "emissions", "100 kt by 2028"),
    KeyResult("Greener parks", "Share of green space", "more"))),)


def progress_cells(page: str) -> list[str]:
    found = next(t for t in read(page).tables if t.caption.startswith("Key results"))
    return [row[2] for row in found.body]


def test_key_results_show_their_indicators_progress_in_words(tmp_path: Path) -> None:
    pages, _ = model_report(tmp_path, OBJECTIVES)
    cells = progress_cells(pages["portfolio/report/2024.md"])
    assert cells[0].startswith("Trips by bike") and "On track: 50 % of the way" in cells[0]
    assert "Behind: 3 % of the way" in cells[1]
    assert cells[2].startswith("No data: ")
    # In an earlier year's report, the values measured by then.
    assert "On track: 0 % of the way" in progress_cells(pages["portfolio/report/2020.md"])[0]
    said = text(pages["portfolio/report/2024.md"])
    assert "Initiatives of 2024 working towards it: 1" in said
    assert "Of the 3 key results of the objectives, 0 are reached, 1 on track and 1 behind" \
        in said


def test_progress_is_a_bar_with_its_words_never_colour_alone(tmp_path: Path) -> None:
    pages, _ = model_report(tmp_path, OBJECTIVES)
    page = pages["portfolio/report/2024.md"]
    bars = re.findall(r'<span class="pf-progress pf-progress-([a-z-]+)">.*?'
                      r'<rect class="pf-progress-done" x="0" y="0" width="([\d.]+)".*?'
                      r'<strong class="pf-progress-words">(.*?)</strong>', page, re.S)
    assert bars == [("on-track", "50.0", "On track"), ("behind", "3.3", "Behind")]


def test_text_from_the_portfolio_is_escaped_in_the_page_and_in_the_print_stylesheet(
        tmp_path: Path) -> None:
    hostile = (Objective("o", HOSTILE, key_results=(KeyResult(HOSTILE, "emissions",
                                                              HOSTILE),)),)
    name = 'Evil" } @page { margin: 0 } body { display: none } \\ </style>\n'
    pages, files = model_report(tmp_path, hostile, name=name)
    page = pages["portfolio/report/2024.md"]
    assert "<img src=x" not in page and "<script>alert" not in page
    css = files["portfolio/report/print-2024.css"].decode()
    # One CSS string, which nothing in the name can close: read back, it is the name.
    found = re.search(r'@top-left \{ content: "((?:[^"\\\n]|\\[0-9a-f]{1,6} )*)"; font', css)
    assert found, css
    assert re.sub(r"\\([0-9a-f]{1,6}) ", lambda m: chr(int(m.group(1), 16)),
                  found.group(1)) == name
    rules = re.sub(r'"(?:[^"\\\n]|\\[0-9a-f]{1,6} )*"', '""', css)  # strings taken out
    assert rules.count("@page") == 1 and rules.count("{") == rules.count("}") == 5
    assert "</style>" not in css


def test_a_year_without_base_investment_has_no_leverage_ratio(tmp_path: Path) -> None:
    pages, _ = model_report(tmp_path, ())
    said = text(pages["portfolio/report/2024.md"])
    assert "There was no base investment that year, so there is no leverage ratio." in said
    assert key_figures(pages["portfolio/report/2024.md"])[3] == "–"
    assert "There has been no base investment in any year, so there is no ratio" in said


def test_every_word_of_the_report_is_in_english_and_swedish() -> None:
    folder = ROOT / "portfolio_plugin" / "locales"
    keys: dict[str, Any] = {}
    for language in ("en", "sv"):
        text_ = (folder / language / "report.yml").read_text(encoding="utf-8")
        keys[language] = set(re.findall(r"^([a-z][\w.-]+):", text_, re.M))
    assert keys["en"] == keys["sv"]


def test_each_years_timeline_links_to_its_report() -> None:
    build = analyse(read_config(ROOT / "mkdocs.yml"))
    timeline = render_site(build.portfolio, build.figures, build.options, build.translator,
                           build.built, modules=("timeline",)).pages
    for year in {s.date.year for s in build.figures.stories}:
        assert (f'<a href="../../report/{year}/">Annual report {year}: the year in plain words'
                in timeline[f"portfolio/timeline/{year}.md"]), year


def test_an_initiative_page_tells_each_indicators_progress_in_words(tmp_path: Path) -> None:
    pages, _ = model_report(tmp_path, OBJECTIVES, modules=("initiative",))
    said = text(pages["initiatives/alpha.md"])
    assert "Progress: On track, 50 % of the way, 50 % expected by then (20 %, 2024)." in said
    assert "Progress: Behind, 3 % of the way, 50 % expected by then (390 kt, 2024)." in said


def test_the_year_in_words_counts_one_partner_as_one_partner(tmp_path: Path) -> None:
    pages, _ = model_report(tmp_path, ())
    said = text(pages["portfolio/report/2024.md"])
    assert "In 2024, Test portfolio ran one initiative with one partner." in said
    assert "partners." not in said.split("ran one initiative")[1].split(".")[0] + "."
