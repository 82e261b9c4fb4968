"""DESIGN.md "Bad input": where a mistake is reported, that every problem of a file is
reported together, that a mistake in site_data/ is reported once, that an untouched template
page is refused, and that output stays bounded."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from portfolio_plugin.load import Checked, Page, load, read_data_file, read_page
from portfolio_plugin.model import Portfolio
from portfolio_plugin.pipeline import check
from portfolio_plugin.problems import Problem, Problems
from portfolio_plugin.validate import page_checker, validate

from support import PARTNERS, Site

Make = Callable[..., dict[str, Any]]


def run(site: Site) -> tuple[Portfolio, Problems]:
    return check(site.options)


def of(problems: Problems, path: str) -> list[Problem]:
    return [p for p in problems if p.path == path]


# -- a YAML syntax error names where the broken value starts, and its field -----------------

FRONT = textwrap.dedent("""\
    title: Bike lanes
    summary: Safer bike lanes.
    facet: adaptive
    zone: green
    status: active
    """)

# (name, line of FRONT replaced (1-based), what replaces it, line and column of the broken
# value in the page (the '---' is line 1), its field)
SYNTAX = [
    ("unclosed double quote", 2, 'summary: "Safer bike lanes.', 3, 10, "summary"),
    ("unclosed single quote", 2, "summary: 'Safer bike lanes.", 3, 10, "summary"),
    ("unclosed flow list", 1, "title: [Broken", 2, 8, "title"),
    ("unclosed flow mapping", 5, "status: {a: b", 6, 9, "status"),
    ("colon in a plain value", 2, "summary: Note: safer lanes.", 3, 10, "summary"),
    ("bad indentation of a continuation", 3, "facet: adaptive\n  zone: green", 4, 8, "facet"),
    ("quote in a nested value", 5,
     'stories:\n  - date: 2024-01-01\n    title: "Opening\n    kind: milestone', 8, 12,
     "stories[0].title"),
    ("bad indentation in a list", 5, "partners:\n  - city\n - acme", 7, 3, "partners"),
]


@pytest.mark.parametrize(("replaced", "text", "line", "column", "field"),
                         [case[1:] for case in SYNTAX], ids=[case[0] for case in SYNTAX])
def test_a_yaml_syntax_error_names_where_the_broken_value_starts_and_its_field(
        tmp_path: Path, replaced: int, text: str, line: int, column: int, field: str) -> None:
    lines = FRONT.splitlines()
    lines[replaced - 1] = text
    path = tmp_path / "page.md"
    path.write_text("---\n" + "\n".join(lines) + "\n---\nBody.\n", encoding="utf-8")
    problem = read_page(path, "page.md")
    assert isinstance(problem, Problem), problem
    assert (problem.line, problem.column, problem.field) == (line, column, field), str(problem)
    assert problem.message.startswith("invalid YAML")


DATA_SYNTAX = [
    ("unclosed quote", 'acme:\n  name: "Acme AB\n  sector: business\nlab:\n  name: Lab\n', 2, 9,
     "acme.name"),
    ("unclosed flow mapping", "city: {name: The City, sector: public\nacme:\n  name: Acme\n",
     1, 7, "city"),
    ("colon in a plain value", "acme:\n  name: Acme: the company\n  sector: business\n", 2, 9,
     "acme.name"),
]


@pytest.mark.parametrize(("text", "line", "column", "field"), [c[1:] for c in DATA_SYNTAX],
                         ids=[c[0] for c in DATA_SYNTAX])
def test_a_yaml_syntax_error_in_a_data_file_names_the_entry_and_its_line(
        tmp_path: Path, text: str, line: int, column: int, field: str) -> None:
    path = tmp_path / "partners.yml"
    path.write_text(text, encoding="utf-8")
    problem = read_data_file(path, "site_data/partners.yml")
    assert isinstance(problem, Problem), problem
    assert (problem.line, problem.column, problem.field) == (line, column, field), str(problem)


def test_a_syntax_error_says_where_the_reader_stopped_and_what_was_expected(
        tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_text('---\ntitle: A\nsummary: "B\nfacet: adaptive\nzone: green\n---\n',
                    encoding="utf-8")
    problem = read_page(path, "page.md")
    assert isinstance(problem, Problem)
    assert "never closed" in problem.message and "stopped at line 5" in problem.message
    assert problem.expected and "quote" in problem.expected


def test_a_syntax_error_at_the_end_of_a_page_near_the_size_limit_is_found_quickly(
        tmp_path: Path) -> None:
    stories = "".join(f"  - {{date: 2024-01-01, title: Story {n}, text: {'word ' * 20}}}\n"
                      for n in range(6_000))
    path = tmp_path / "page.md"
    path.write_text(f"---\n{FRONT}stories:\n{stories}links: [broken\n---\n", encoding="utf-8")
    start = time.perf_counter()
    problem = read_page(path, "page.md")
    elapsed = time.perf_counter() - start
    assert isinstance(problem, Problem)
    assert (problem.line, problem.field) == (1 + 5 + 1 + 6_000 + 1, "links")
    assert elapsed < 2, f"{elapsed:.2f} s"


# -- all problems of a file are reported together ---------------------------------------------


def test_a_bad_file_name_does_not_hide_the_pages_other_problems(site: Site) -> None:
    site.page("Bike Lanes", "---\ntitle: Bike lanes\nsummary: Safer.\nfacet: adaptiv\n"
              "zone: green\n---\nBody.\n")
    portfolio, problems = run(site)
    found = of(problems, "content/initiatives/Bike Lanes.md")
    assert ["not a valid slug" in p.message for p in found] == [True, False], found
    assert found[1].field == "facet" and found[1].line == 4
    assert portfolio.initiatives == () and portfolio.left_out == ("Bike Lanes",)


def test_a_valid_page_with_a_bad_file_name_is_still_left_out(site: Site) -> None:
    site.page("Bike_lanes", "---\ntitle: A\nsummary: B.\nfacet: adaptive\nzone: green\n---\n")
    portfolio, problems = run(site)
    assert len(problems.errors) == 1 and portfolio.initiatives == ()


def test_a_duplicate_key_does_not_hide_the_pages_other_problems(site: Site) -> None:
    site.page("bike-lanes", "---\ntitle: Bike lanes\nsummary: Safer.\ntitle: Again\n"
              "facet: adaptiv\nzone: green\n---\nBody.\n")
    portfolio, problems = run(site)
    found = [(p.line, p.field) for p in of(problems, "content/initiatives/bike-lanes.md")]
    assert found == [(4, "title"), (5, "facet")]
    assert portfolio.left_out == ("bike-lanes",)


def test_a_duplicate_key_in_site_data_does_not_hide_the_files_other_problems(
        site: Site) -> None:
    site.data("partners.yml", "city:\n  name: The City\n  sector: public\n"
                              "acme:\n  name: Acme\n  sector: busines\ncity:\n  name: Again\n")
    _, problems = run(site)
    found = [(p.line, p.field) for p in of(problems, "site_data/partners.yml")]
    assert found == [(7, "city"), (6, "acme.sector")]


# -- a mistake in site_data/ is reported once, naming the initiatives it touches -------------


def test_a_typo_in_a_partner_is_one_error_naming_the_initiatives_that_use_it(
        site: Site, initiative: Make) -> None:
    site.data("partners.yml", yaml.safe_dump(PARTNERS).replace("sector: business",
                                                               "sector: busines"))
    for n in range(7):
        site.front(f"item-{n}", initiative(
            title=f"Item {n}", steward="acme", partners=["city", {"id": "acme", "role": "x"}],
            funding=[{"funder": "acme", "amount": 10, "year": 2024},
                     {"funder": "city", "amount": 5, "year": 2024}],
            stories=[{"date": "2024-01-01", "title": "S", "partners": ["acme", "city"]}]))
    portfolio, problems = run(site)
    assert len(problems.errors) == 1, [str(p) for p in problems]
    [error] = problems.errors
    assert (error.path, error.line, error.field) == ("site_data/partners.yml", 3, "acme.sector")
    assert "used by 7 initiatives: item-0, item-1, item-2, item-3, item-4 and 2 more" \
        in error.message
    assert error.suggestion == "business"
    # Published, without the reference to the partner that has an error.
    assert len(portfolio.initiatives) == 7 and portfolio.left_out == ()
    first = portfolio.initiatives[0]
    assert first.steward is None and [p.id for p in first.partners] == ["city"]
    assert [f.funder for f in first.funding] == ["city"]
    assert first.stories[0].partners == ("city",)
    assert "acme" not in [p.id for p in portfolio.partners]


@pytest.mark.parametrize(("kind", "field", "data"), [
    ("themes", "themes", {"energy": {"title": ""}}),
    ("mandates", "mandates", {"eu-mission": {"title": "EU", "level": "global"}}),
    ("objectives", "objectives", {"climate": {"title": None}}),
])
def test_a_theme_mandate_or_objective_with_an_error_is_reported_once(
        site: Site, initiative: Make, kind: str, field: str, data: dict[str, Any]) -> None:
    from conftest import PORTFOLIO

    site.data("portfolio.yml", dict(PORTFOLIO, **{kind: data}))
    ident = next(iter(data))
    for n in range(3):
        site.front(f"item-{n}", initiative(**{field: [ident]}))
    portfolio, problems = run(site)
    [error] = problems.errors
    assert error.path == "site_data/portfolio.yml" and error.field.startswith(f"{kind}.{ident}")
    assert "used by 3 initiatives: item-0, item-1, item-2;" in error.message
    assert all(getattr(i, field) == () for i in portfolio.initiatives)


def test_an_asset_with_an_error_is_reported_once(site: Site, initiative: Make) -> None:
    site.data("assets.yml", {"testbed": {"name": "City testbed", "kind": "testbd"}})
    site.front("item", initiative(assets=["testbed"]))
    portfolio, problems = run(site)
    [error] = problems.errors
    assert error.field == "testbed.kind" and "used by 1 initiative: item;" in error.message
    assert portfolio.initiatives[0].assets == ()


def test_a_partner_with_an_error_gives_no_error_to_assets_or_the_portfolio_naming_it(
        site: Site) -> None:
    site.data("partners.yml", dict(PARTNERS, city={"name": "The City", "sector": "publik"}))
    portfolio, problems = run(site)
    assert [p.field for p in problems.errors] == ["city.sector"]
    assert portfolio.info.organisation is None and portfolio.assets[0].owner is None


def test_past_the_problems_shown_of_a_file_an_entry_with_an_error_is_still_left_out(
        site: Site, initiative: Make) -> None:
    # (Once a file's problems were only counted, a partner without a name was kept, and
    # the build ended in a traceback on its page.)
    broken = {f"p{n:02d}": {"name": f"P{n}", "sector": "nope"} for n in range(55)}
    site.data("partners.yml", dict(PARTNERS, **broken, nameless={"sector": "public"}))
    site.data("assets.yml", {**{f"a{n:02d}": {"name": "A", "kind": "nope"} for n in range(55)},
                             "kindless": {"name": "Lab"}})
    site.front("item", initiative(steward="nameless", assets=["kindless"]))
    portfolio, problems = run(site)
    assert {p.id for p in portfolio.partners} == set(PARTNERS)
    assert portfolio.assets == ()
    assert len(of(problems, "site_data/partners.yml")) < 60  # most are counted, not shown
    [item] = portfolio.initiatives
    assert item.steward is None and item.assets == ()


def test_an_unknown_partner_is_still_an_error_of_the_page(site: Site, initiative: Make) -> None:
    site.front("item", initiative(partners=["nobody"]))
    _, problems = run(site)
    [error] = problems.errors
    assert error.path == "content/initiatives/item.md" and "unknown partner" in error.message


# -- mkdocs build --strict fails on an invalid portfolio, whatever the log level --------------


def mkdocs_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"),
         "-d", str(root / "out"), *args],
        capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.mark.parametrize("level", [(), ("-q",), ("-v",)], ids=["default", "quiet", "verbose"])
def test_a_strict_build_fails_on_an_invalid_page_whatever_the_log_level(
        site: Site, initiative: Make, level: tuple[str, ...]) -> None:
    site.front("good", initiative(title="Good work"))
    site.page("bad", "---\ntitle: Bad\nsummary: s\nfacet: purple-facet\nzone: green\n---\n")
    result = mkdocs_build(site.root, "--strict", *level)
    assert result.returncode != 0, result.stderr
    assert "content/initiatives/bad.md:4:1: error: facet" in result.stderr
    assert "1 error(s) and 0 warning(s)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_plain_quiet_build_still_publishes_the_valid_pages(site: Site,
                                                             initiative: Make) -> None:
    site.front("good", initiative(title="Good work"))
    site.page("bad", "---\ntitle: Bad\nsummary: s\nfacet: purple-facet\nzone: green\n---\n")
    result = mkdocs_build(site.root, "-q")
    assert result.returncode == 0, result.stderr
    assert (site.root / "out" / "initiatives" / "good" / "index.html").is_file()
    assert not (site.root / "out" / "initiatives" / "bad").exists()


def test_a_strict_build_lists_the_first_problems_and_counts_the_others(
        site: Site, initiative: Make) -> None:
    for n in range(25):
        site.page(f"bad-{n:02}", "---\ntitle: Bad\nsummary: s\nfacet: purple\nzone: green\n---\n")
    result = mkdocs_build(site.root, "--strict", "-q")
    assert result.returncode != 0
    assert "bad-19.md:4:1" in result.stderr and "bad-20.md:4:1" not in result.stderr
    assert "and 5 more (portfolio validate lists them all)" in result.stderr


# -- bounded output for bounded input ---------------------------------------------------------

PAGE_HEAD = "---\ntitle: A\nsummary: B\nfacet: adaptive\nzone: green\n"


def test_at_most_50_problems_of_a_file_are_shown_then_one_line_counts_the_others(
        site: Site) -> None:
    site.page("many", PAGE_HEAD + "stories:\n" + "  - {}\n" * 1_000 + "---\n")
    portfolio, problems = run(site)
    mine = of(problems, "content/initiatives/many.md")
    assert len(mine) == 51
    assert [p.field for p in mine[:4]] == ["stories[0].date", "stories[0].title",
                                           "stories[1].date", "stories[1].title"]
    last = mine[-1]
    assert last.message == "and 1950 more problems in this file"
    assert (last.line, last.severity.value) == (7 + 25, "error")
    assert portfolio.left_out == ("many",)


def test_the_cap_is_per_file_and_counts_what_a_worker_checked(site: Site) -> None:
    site.page("many", PAGE_HEAD + "stories:\n" + "  - {}\n" * 40 + "---\n")
    site.page("more", PAGE_HEAD + "stories:\n" + "  - {}\n" * 30 + "---\n")
    options = site.options
    sources = load(options.initiatives_dir, options.data_dir, options.root, pages=[])
    # Each page checked where it is read (as a worker does), then collected by `validate`.
    check_page = page_checker(sources)
    checked = []
    for slug in ("many", "more"):
        page = read_page(site.initiatives / f"{slug}.md", f"content/initiatives/{slug}.md")
        assert isinstance(page, Page)
        checked.append(Checked(page.slug, check_page(page), page.path))
    sources.stream = iter(checked)
    _, problems = validate(sources)
    counts = {p: len(of(problems, f"content/initiatives/{p}.md")) for p in ("many", "more")}
    assert counts == {"many": 51, "more": 51}
    assert [p.message for p in problems if p.message.startswith("and ")] == [
        "and 30 more problems in this file", "and 10 more problems in this file"]


@pytest.mark.parametrize("stories", [
    "stories: [" + ",".join(["{}"] * 333_333) + "]\n",
    "stories:\n" + "- {}\n" * 200_000,
], ids=["flow", "block"])
def test_a_page_of_a_megabyte_of_empty_stories_is_refused_in_well_under_two_seconds(
        site: Site, stories: str) -> None:
    site.page("huge", PAGE_HEAD + stories + "---\n")
    assert 800_000 < (site.initiatives / "huge.md").stat().st_size <= 1024 * 1024
    start = time.perf_counter()
    _, problems = run(site)
    elapsed = time.perf_counter() - start
    assert elapsed < 2, f"{elapsed:.2f} s"
    [problem] = problems
    assert problem.field == "stories" and "more than 100,000" in problem.message


def test_checking_45_000_empty_stories_shows_51_lines_in_well_under_two_seconds(
        site: Site) -> None:
    site.page("many", PAGE_HEAD + "stories:\n" + "- {}\n" * 45_000 + "---\n")
    start = time.perf_counter()
    _, problems = run(site)
    elapsed = time.perf_counter() - start
    assert elapsed < 2, f"{elapsed:.2f} s"
    assert len(problems) == 51 and problems.items[-1].message.startswith("and 89950 more")


def test_the_counting_line_is_a_warning_only_if_every_problem_it_counts_is_one() -> None:
    from portfolio_plugin.problems import MAX_PER_FILE, Severity

    collector = Problems()
    for n in range(MAX_PER_FILE + 3):
        collector.add(Problem("a.md", n + 1, 1, "f", "m", Severity.WARNING))
        collector.add(Problem("b.md", n + 1, 1, "f", "m",
                              Severity.ERROR if n == MAX_PER_FILE + 2 else Severity.WARNING))
    collector.close()
    lines = {p.path: p for p in collector if p.message.startswith("and ")}
    assert lines["a.md"].message == "and 3 more problems in this file"
    assert lines["a.md"].severity is Severity.WARNING and lines["a.md"].line == MAX_PER_FILE + 1
    assert lines["b.md"].severity is Severity.ERROR
    assert len(collector) == 2 * (MAX_PER_FILE + 1)
    assert collector.totals() == (1, 2 * (MAX_PER_FILE + 3) - 1)


def test_the_summary_of_validate_counts_every_problem(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    from portfolio_plugin.cli import main

    site.page("many", PAGE_HEAD + "stories:\n" + "  - {}\n" * 100 + "---\n")
    assert main(["-f", str(site.root / "mkdocs.yml"), "validate"]) == 1
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 51
    assert "1 left out; 200 error(s), 0 warning(s)" in captured.err
