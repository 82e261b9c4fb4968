"""Every rule of DESIGN.md's front-matter and site_data contract, one test each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from portfolio_plugin.model import (
    FundingKind,
    Layer,
    PartialDate,
    Portfolio,
    Status,
    StoryKind,
    Zone,
)
from portfolio_plugin.pipeline import check
from portfolio_plugin.problems import Problem, Problems, Severity

from support import Site

Make = Callable[..., dict[str, Any]]


def run(site: Site) -> tuple[Portfolio, Problems]:
    return check(site.options)


def only(problems: Problems, severity: Severity = Severity.ERROR) -> Problem:
    found = [p for p in problems if p.severity is severity]
    assert len(found) == 1, [str(p) for p in problems]
    return found[0]


def test_a_valid_minimal_initiative_gives_no_problem(site: Site, initiative: Make) -> None:
    site.front("bike-lanes", initiative())
    portfolio, problems = run(site)
    assert not problems.items, [str(p) for p in problems]
    (bike,) = portfolio.initiatives
    assert bike.slug == "bike-lanes" and bike.status is Status.ACTIVE
    assert bike.layer is Layer.PLATFORM and bike.zone is Zone.GREEN


@pytest.mark.parametrize("missing", ["title", "summary", "facet", "zone"])
def test_each_required_field_is_required(site: Site, initiative: Make, missing: str) -> None:
    site.front("x", initiative(**{missing: None}))
    portfolio, problems = run(site)
    problem = only(problems)
    assert problem.field == missing and "required" in problem.message
    assert problem.path == "content/initiatives/x.md" and problem.line >= 1
    assert not portfolio.initiatives and portfolio.left_out == ("x",)


def test_the_problem_line_is_the_line_of_the_field_in_the_file(site: Site) -> None:
    site.page("x", """\
        ---
        title: A
        summary: B
        facet: mission-oriented
        zone: purple
        ---
        """)
    problem = only(run(site)[1])
    assert (problem.line, problem.column, problem.field) == (5, 1, "zone")
    assert str(problem).startswith("content/initiatives/x.md:5:1: error: zone: ")
    assert problem.found == "'purple'" and "yellow" in (problem.expected or "")


def test_a_near_miss_of_a_facet_gets_a_suggestion(site: Site, initiative: Make) -> None:
    site.front("x", initiative(facet="mision-oriented"))
    assert only(run(site)[1]).suggestion == "mission-oriented"


def test_an_unknown_partner_is_named_with_a_suggestion_as_design_shows(
        site: Site, initiative: Make) -> None:
    site.front("x", initiative(partners=["city", "acme", "lund-univ"]))
    problem = only(run(site)[1])
    assert problem.describe() == (
        "partners[2]: unknown partner 'lund-univ' (expected a partner id, found 'lund-univ'); "
        "did you mean 'lund-university'?")


def test_partners_are_ids_or_id_with_role(site: Site, initiative: Make) -> None:
    site.front("x", initiative(partners=["city", {"id": "acme", "role": "Builds it"}]))
    (i,) = run(site)[0].initiatives
    assert [(p.id, p.role) for p in i.partners] == [("city", None), ("acme", "Builds it")]


@pytest.mark.parametrize("field", ["steward"])
def test_an_unknown_steward_is_an_error(site: Site, initiative: Make, field: str) -> None:
    site.front("x", initiative(steward="nobody"))
    assert only(run(site)[1]).field == "steward"


def test_title_and_summary_may_be_given_per_language(site: Site, initiative: Make) -> None:
    site.front("x", initiative(title={"en": "Bikes", "sv": "Cyklar"},
                               summary={"en": "Safer.", "sv": "Säkrare."}))
    (i,) = run(site)[0].initiatives
    assert i.title.get("sv") == "Cyklar" and i.title.get("en") == "Bikes"
    assert i.title.get("de") == "Bikes"


def test_a_language_key_that_is_not_a_language_code_is_refused(site: Site,
                                                                initiative: Make) -> None:
    site.front("x", initiative(title={"english": "Bikes"}))
    assert only(run(site)[1]).field == "title.english"


def test_a_summary_longer_than_300_characters_is_refused(site: Site, initiative: Make) -> None:
    site.front("x", initiative(summary="a" * 301))
    problem = only(run(site)[1])
    assert problem.field == "summary" and problem.expected == "at most 300 characters"
    site.front("x", initiative(summary="a" * 300))
    assert not run(site)[1].items


def test_unquoted_no_where_text_is_expected_is_that_text(site: Site) -> None:
    site.page("x", """\
        ---
        title: no
        summary: off
        facet: adaptive
        zone: yellow
        ---
        """)
    (i,) = run(site)[0].initiatives
    assert i.title.get() == "no" and i.summary.get() == "off"


def test_a_number_where_text_is_expected_is_read_as_written(site: Site) -> None:
    site.page("x", "---\ntitle: 2030\nsummary: 1.50\nfacet: adaptive\nzone: yellow\n---\n")
    (i,) = run(site)[0].initiatives
    assert i.title.get() == "2030" and i.summary.get() == "1.50"


def test_status_must_be_one_of_the_known_statuses(site: Site, initiative: Make) -> None:
    site.front("x", initiative(status="done"))
    assert only(run(site)[1]).field == "status"


@pytest.mark.parametrize(("value", "expected"), [
    ("2024", PartialDate(2024)), ("2024-05", PartialDate(2024, 5)),
    ("2024-05-17", PartialDate(2024, 5, 17)), (2024, PartialDate(2024)),
])
def test_dates_may_be_years_months_or_days(site: Site, initiative: Make, value: Any,
                                           expected: PartialDate) -> None:
    site.front("x", initiative(start=value))
    (i,) = run(site)[0].initiatives
    assert i.start == expected


@pytest.mark.parametrize("value", ["2023-02-30", "2024-13", "17/05/2024", "2024-5-1"])
def test_impossible_or_malformed_dates_are_refused(site: Site, initiative: Make,
                                                   value: str) -> None:
    site.front("x", initiative(start=value))
    assert only(run(site)[1]).field == "start"


def test_end_before_start_is_refused(site: Site, initiative: Make) -> None:
    site.front("x", initiative(start="2024-05", end="2023"))
    problem = only(run(site)[1])
    assert problem.field == "end" and "before start" in problem.message


def test_layer_defaults_to_2_and_may_be_3_but_nothing_else(site: Site,
                                                           initiative: Make) -> None:
    site.front("x", initiative(layer=3))
    assert run(site)[0].initiatives[0].layer is Layer.ECOSYSTEM
    site.front("x", initiative(layer=1))
    assert only(run(site)[1]).field == "layer"


def test_funding_is_converted_to_the_portfolio_currency(site: Site, initiative: Make) -> None:
    site.front("x", initiative(funding=[
        {"funder": "agency", "amount": 50, "year": 2024, "currency": "EUR"},
        {"funder": "city", "amount": 300, "year": 2024, "kind": "in-kind"},
    ]))
    (i,) = run(site)[0].initiatives
    eur, in_kind = i.funding
    assert eur.amount == 500 and eur.money.original_amount == 50
    assert eur.money.currency == "EUR" and eur.kind is FundingKind.CASH
    assert in_kind.kind is FundingKind.IN_KIND and i.cash == 500 and i.in_kind == 300


def test_a_quoted_year_is_read_as_that_year(site: Site, initiative: Make) -> None:
    site.front("x", initiative(funding=[{"funder": "agency", "amount": 5, "year": "2024"}]))
    (i,) = run(site)[0].initiatives
    assert i.funding[0].year == 2024


def test_money_in_a_currency_without_a_rate_is_an_error(site: Site, initiative: Make) -> None:
    site.front("x", initiative(funding=[{"funder": "agency", "amount": 5, "year": 2024,
                                         "currency": "NOK"}]))
    problem = only(run(site)[1])
    assert problem.field == "funding[0].currency" and "no exchange rate for NOK" in problem.message


@pytest.mark.parametrize(("change", "field"), [
    ({"amount": -1}, "funding[0].amount"), ({"amount": "lots"}, "funding[0].amount"),
    ({"year": "soon"}, "funding[0].year"), ({"kind": "loan"}, "funding[0].kind"),
    ({"funder": "nobody"}, "funding[0].funder"), ({"currency": "euro"}, "funding[0].currency"),
])
def test_bad_funding_entries_are_named_by_field(site: Site, initiative: Make,
                                                change: dict[str, Any], field: str) -> None:
    entry = {"funder": "agency", "amount": 5, "year": 2024, **change}
    site.front("x", initiative(funding=[entry]))
    assert only(run(site)[1]).field == field


@pytest.mark.parametrize(("field", "value", "path"), [
    ("themes", ["energy", "enrgy"], "themes[1]"),
    ("mandates", ["eu-misson"], "mandates[0]"),
    ("objectives", ["climat"], "objectives[0]"),
    ("assets", ["testbd"], "assets[0]"),
])
def test_unknown_ids_are_refused_with_a_suggestion(site: Site, initiative: Make, field: str,
                                                   value: list[str], path: str) -> None:
    site.front("x", initiative(**{field: value}))
    problem = only(run(site)[1])
    assert problem.field == path and problem.suggestion is not None


def test_themes_are_free_when_the_portfolio_declares_none(site: Site,
                                                          initiative: Make) -> None:
    from conftest import PORTFOLIO

    site.data("portfolio.yml", {k: v for k, v in PORTFOLIO.items() if k != "themes"})
    site.front("x", initiative(themes=["urban-heat"]))
    portfolio, problems = run(site)
    assert not problems.items
    assert [(t.id, t.title) for t in portfolio.info.themes] == [("urban-heat", "Urban heat")]


def test_the_latest_zone_history_step_must_equal_the_zone(site: Site, initiative: Make) -> None:
    history = [{"date": "2023-06", "zone": "green"}, {"date": "2022", "zone": "yellow"}]
    site.front("x", initiative(zone="green", zone_history=history))
    (i,) = run(site)[0].initiatives
    assert [s.zone for s in i.zone_history] == [Zone.YELLOW, Zone.GREEN]
    site.front("x", initiative(zone="blue", zone_history=history))
    problem = only(run(site)[1])
    assert problem.field == "zone_history[0].zone" and problem.expected == "blue"


def test_stories_default_to_critical_events_and_sort_newest_first(site: Site,
                                                                   initiative: Make) -> None:
    site.front("x", initiative(stories=[
        {"date": "2022-01", "title": "Old"},
        {"date": "2024-03-01", "title": "New", "kind": "learning", "partners": ["acme"]},
    ]))
    (i,) = run(site)[0].initiatives
    assert [s.title for s in i.stories] == ["New", "Old"]
    assert i.stories[1].kind is StoryKind.CRITICAL_EVENT and i.stories[0].partners == ("acme",)


def test_a_story_needs_a_date_and_a_title(site: Site, initiative: Make) -> None:
    site.front("x", initiative(stories=[{"title": "No date"}]))
    assert only(run(site)[1]).field == "stories[0].date"


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x",
    "java\tscript:alert(1)", " javascript:alert(1)", "file:///etc/passwd",
])
def test_urls_that_a_browser_could_run_are_refused(site: Site, initiative: Make,
                                                   url: str) -> None:
    site.front("x", initiative(links=[{"title": "Click", "url": url}]))
    problem = only(run(site)[1])
    assert problem.field == "links[0].url"


@pytest.mark.parametrize("url", ["https://example.org/a", "http://x.example", "mailto:a@b.c",
                                 "../other/", "report.pdf", "#part"])
def test_web_mail_and_relative_urls_are_accepted(site: Site, initiative: Make,
                                                 url: str) -> None:
    site.front("x", initiative(links=[{"title": "Read", "url": url}]))
    assert not run(site)[1].items


def test_a_story_link_is_checked_like_any_url(site: Site, initiative: Make) -> None:
    site.front("x", initiative(stories=[{"date": 2024, "title": "T",
                                         "link": "javascript:alert(1)"}]))
    assert only(run(site)[1]).field == "stories[0].link"


def test_position_must_lie_on_the_map(site: Site, initiative: Make) -> None:
    site.front("x", initiative(position={"certainty": 0.5, "direction": -1}))
    assert run(site)[0].initiatives[0].position is not None
    site.front("x", initiative(position={"certainty": 1.5, "direction": 0}))
    assert only(run(site)[1]).field == "position.certainty"


def test_indicators_are_read_with_values_in_date_order(site: Site, initiative: Make) -> None:
    site.front("x", initiative(indicators=[{
        "name": "Trips", "unit": "per day", "baseline": 10, "target": 50,
        "values": [{"date": "2024", "value": 30}, {"date": "2023", "value": 20}]}]))
    (ind,) = run(site)[0].initiatives[0].indicators
    assert [v.value for v in ind.values] == [20, 30] and ind.target == 50


def test_an_unknown_field_is_a_warning_with_a_suggestion(site: Site, initiative: Make) -> None:
    site.front("x", initiative(partnrs=["city"]))
    portfolio, problems = run(site)
    problem = only(problems, Severity.WARNING)
    assert problem.field == "partnrs" and problem.suggestion == "partners"
    assert len(portfolio.initiatives) == 1


def test_fields_read_by_mkdocs_and_the_theme_are_allowed(site: Site, initiative: Make) -> None:
    site.front("x", initiative(hide=["toc"], tags=["a"], description="d"))
    assert not run(site)[1].items


def test_an_invalid_initiative_is_left_out_and_the_valid_ones_kept(site: Site,
                                                                    initiative: Make) -> None:
    site.front("good", initiative())
    site.front("bad", initiative(zone="purple"))
    portfolio, _ = run(site)
    assert [i.slug for i in portfolio.initiatives] == ["good"]
    assert portfolio.left_out == ("bad",)


def test_all_problems_of_a_run_are_reported_together(site: Site, initiative: Make) -> None:
    site.front("a", initiative(zone="purple", facet="none"))
    site.front("b", initiative(steward="nobody"))
    site.page("c", "---\ntitle: [unclosed\n---\n")
    problems = run(site)[1]
    assert {p.path.rsplit("/", 1)[-1] for p in problems.errors} == {"a.md", "b.md", "c.md"}
    assert len(problems.errors) == 4


def test_a_partner_needs_a_name_and_a_known_sector(site: Site, initiative: Make) -> None:
    site.data("partners.yml", {"city": {"name": "City", "sector": "public"},
                               "acme": {"name": "Acme", "sector": "company"}})
    site.data("assets.yml", {})
    site.data("portfolio.yml", {"name": "P", "currency": "SEK", "licence": "CC0-1.0"})
    site.front("x", initiative(partners=["acme"]))
    portfolio, problems = run(site)
    fields = sorted(p.field for p in problems.errors)
    assert fields == ["acme.sector"]  # the page naming it gets no error of its own
    assert problems.errors[0].path == "site_data/partners.yml"
    assert [p.id for p in portfolio.partners] == ["city"]


def test_a_partner_logo_must_be_a_file_of_the_site(site: Site) -> None:
    site.data("partners.yml", {"city": {"name": "City", "sector": "public",
                                        "logo": "https://tracker.example/logo.png"}})
    site.data("assets.yml", {})
    site.data("portfolio.yml", {"name": "P", "currency": "SEK", "licence": "CC0-1.0"})
    assert only(run(site)[1]).field == "city.logo"


def test_an_asset_owner_must_be_a_known_partner(site: Site) -> None:
    site.data("assets.yml", {"lab": {"name": "Lab", "kind": "facility", "owner": "nobody"}})
    problem = only(run(site)[1])
    assert (problem.path, problem.field) == ("site_data/assets.yml", "lab.owner")


def test_base_investment_in_a_currency_without_rate_is_an_error(site: Site) -> None:
    from conftest import PORTFOLIO

    site.data("portfolio.yml", {**PORTFOLIO, "base_investment": [
        {"year": 2024, "amount": 5, "currency": "USD"}]})
    problem = only(run(site)[1])
    assert problem.field == "base_investment[0].currency"


def test_base_investment_is_converted(site: Site) -> None:
    portfolio, _ = run(site)
    assert [(b.year, b.money.amount) for b in portfolio.info.base_investment] == [
        (2023, 1000), (2024, 1000)]


@pytest.mark.parametrize(("change", "field"), [
    ({"currency": "kronor"}, "currency"), ({"exchange_rates": {"EUR": 0}}, "exchange_rates.EUR"),
    ({"organisation": "citty"}, "organisation"),
    ({"mandates": {"m": {"title": "M", "level": "global"}}}, "mandates.m.level"),
    ({"federation": ["javascript:x"]}, "federation[0]"),
])
def test_portfolio_yml_fields_are_checked(site: Site, change: dict[str, Any],
                                          field: str) -> None:
    from conftest import PORTFOLIO

    site.data("portfolio.yml", {**PORTFOLIO, **change})
    errors = run(site)[1].errors
    assert errors[0].field == field
    assert {p.path for p in errors} == {"site_data/portfolio.yml"}


def test_a_site_without_site_data_still_validates_plain_initiatives(site: Site,
                                                                    initiative: Make) -> None:
    for name in ("portfolio.yml", "partners.yml", "assets.yml"):
        (site.root / "site_data" / name).unlink()
    site.front("x", initiative())
    portfolio, problems = run(site)
    assert not problems.items and portfolio.info.name == "Test site"


# -- numbers are bounded (checked before any arithmetic) -------------------------------------

FUNDING = "---\ntitle: T\nsummary: S\nfacet: adaptive\nzone: green\nfunding:\n"


@pytest.mark.parametrize(("amount", "found"), [
    ("1000000000000000", "1000000000000000"), ("1e15", "1000000000000000.0"), ("-1", "-1"),
    ("1e308", "1e+308"), ("1e400", "1e400"),
    ("1" + "0" * 1000, "100000000000... (a number written with 1001 digits)"),
    ("1" + "0" * 5000, "100000000000... (a number written with 5001 digits)"),
])
def test_an_amount_out_of_range_is_a_located_error_naming_the_field(
        site: Site, amount: str, found: str) -> None:
    site.page("x", FUNDING + f"  - {{funder: city, amount: {amount}, year: 2024}}\n"
                   "---\n")
    portfolio, problems = run(site)
    problem = only(problems)
    assert (problem.path, problem.line, problem.column) == ("content/initiatives/x.md", 7, 20)
    assert problem.field == "funding[0].amount" and problem.message == "is out of range"
    assert problem.expected == "a number >= 0 and below 10^15" and problem.found == found
    assert portfolio.left_out == ("x",)


@pytest.mark.parametrize("amount", [".nan", ".NaN", ".inf", "-.inf", "nan", "inf", "Infinity"])
def test_nan_and_infinity_are_not_numbers(site: Site, amount: str) -> None:
    site.page("x", FUNDING + f"  - {{funder: city, amount: {amount}, year: 2024}}\n---\n")
    problem = only(run(site)[1])
    assert problem.field == "funding[0].amount" and problem.message == "must be a number"


def test_the_largest_amounts_in_range_are_kept_and_summed(site: Site) -> None:
    entry = "  - {funder: city, amount: 999999999999999, year: 2024}\n"
    site.page("x", FUNDING + entry * 3 + "---\n")
    (i,) = run(site)[0].initiatives
    assert i.cash == 3 * 999999999999999


def test_an_amount_that_leaves_the_range_once_converted_is_refused(site: Site) -> None:
    site.page("x", FUNDING + "  - {funder: city, amount: 100000000000000, year: 2024, "
                             "currency: EUR}\n---\n")
    problem = only(run(site)[1])
    assert problem.field == "funding[0].amount" and "once converted to SEK" in problem.message
    assert problem.found == "1e+15 SEK" and "10 SEK per EUR" in (problem.expected or "")
    site.page("x", FUNDING + "  - {funder: city, amount: 99999999999999, year: 2024, "
                             "currency: EUR}\n---\n")
    assert run(site)[0].initiatives[0].cash == 999999999999990


@pytest.mark.parametrize(("entry", "field"), [
    ({"year": 2024, "amount": 10**15}, "base_investment[0].amount"),
    ({"year": 2024, "amount": 2 * 10**14, "currency": "EUR"}, "base_investment[0].amount"),
    ({"year": 1899, "amount": 5}, "base_investment[0].year"),
    ({"year": 2101, "amount": 5}, "base_investment[0].year"),
    ({"year": 2024, "amount": 5, "note": "a\x00b"}, "base_investment[0].note"),
])
def test_base_investment_numbers_are_bounded_too(site: Site, entry: dict[str, Any],
                                                 field: str) -> None:
    from conftest import PORTFOLIO

    site.data("portfolio.yml", {**PORTFOLIO, "base_investment": [entry]})
    problem = only(run(site)[1])
    assert (problem.path, problem.field) == ("site_data/portfolio.yml", field)


@pytest.mark.parametrize(("rate", "valid"), [
    (10**6, True), (0.000001, True), (10**6 + 1, False), (0, False), (-1, False),
    (1e308, False), (".nan", False), ("1" + "0" * 400, False),
])
def test_exchange_rates_are_above_0_and_at_most_a_million(site: Site, rate: Any,
                                                          valid: bool) -> None:
    from conftest import PORTFOLIO

    text = yaml.safe_dump({**PORTFOLIO, "exchange_rates": {"EUR": 1}, "base_investment": []},
                          sort_keys=False)
    site.data("portfolio.yml", text.replace("EUR: 1\n", f"EUR: {rate}\n"))
    problems = run(site)[1]
    if valid:
        assert not problems.items, [str(p) for p in problems]
    else:
        problem = only(problems)
        assert problem.field == "exchange_rates.EUR"
        assert problem.expected == "a rate above 0 and at most 10^6"


@pytest.mark.parametrize(("changes", "field"), [
    ({"funding": [{"funder": "city", "amount": 5, "year": 1899}]}, "funding[0].year"),
    ({"funding": [{"funder": "city", "amount": 5, "year": 2101}]}, "funding[0].year"),
    ({"funding": [{"funder": "city", "amount": 5, "year": 10**30}]}, "funding[0].year"),
    ({"start": "1899-12-31"}, "start"), ({"end": 2101}, "end"),
    ({"stories": [{"date": "0001-01-01", "title": "t"}]}, "stories[0].date"),
    ({"zone_history": [{"date": "9999", "zone": "green"}]}, "zone_history[0].date"),
])
def test_years_and_dates_lie_from_1900_to_2100(site: Site, initiative: Make,
                                               changes: dict[str, Any], field: str) -> None:
    site.front("x", initiative(**changes))
    problem = only(run(site)[1])
    assert problem.field == field and problem.message == "is out of range", str(problem)


def test_the_first_and_last_years_are_in_range(site: Site, initiative: Make) -> None:
    site.front("x", initiative(start="1900", end="2100-12-31", funding=[
        {"funder": "city", "amount": 5, "year": 2100}, {"funder": "city", "amount": 5,
                                                        "year": "1900"}]))
    assert not run(site)[1].items


@pytest.mark.parametrize(("text", "field"), [
    ("position: {certainty: 1" + "0" * 1000 + ", direction: 0}\n", "position.certainty"),
    ("position: {certainty: 0, direction: -1e308}\n", "position.direction"),
    ("position: {certainty: .nan, direction: 0}\n", "position.certainty"),
    ("layer: 1" + "0" * 1000 + "\n", "layer"),
    ("layer: '1" + "0" * 5000 + "'\n", "layer"),
    ("layer: 1e400\n", "layer"),
    ("indicators: [{name: n, baseline: -1e308}]\n", "indicators[0].baseline"),
    ("indicators: [{name: n, target: 1e15}]\n", "indicators[0].target"),
    ("indicators: [{name: n, values: [{date: 2024, value: -1e15}]}]\n",
     "indicators[0].values[0].value"),
    ("indicators: [{name: n, values: [{date: 2024, value: 1" + "0" * 5000 + "}]}]\n",
     "indicators[0].values[0].value"),
])
def test_huge_map_positions_layers_and_indicator_values_are_located_errors(
        site: Site, text: str, field: str) -> None:
    site.page("x", "---\ntitle: T\nsummary: S\nfacet: adaptive\nzone: green\n" + text + "---\n")
    problem = only(run(site)[1])
    assert problem.field == field and problem.line == 6 and problem.found
    assert len(problem.found) < 80


def test_indicator_values_in_range_are_kept_as_written(site: Site, initiative: Make) -> None:
    site.front("x", initiative(indicators=[{
        "name": "n", "baseline": -999999999999999.9, "target": 999999999999999,
        "values": [{"date": "2024", "value": 1e-300}]}]))
    (ind,) = run(site)[0].initiatives[0].indicators
    assert (ind.baseline, ind.target, ind.values[0].value) == (
        -999999999999999.9, 999999999999999, 1e-300)


# -- text is text ---------------------------------------------------------------------------

REFUSED_CHARACTERS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x1f",
                      "\x7f", "\x80", "\x85", "\x9f"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069"]


@pytest.mark.parametrize("character", REFUSED_CHARACTERS)
def test_a_control_character_in_text_is_refused_and_named(site: Site, initiative: Make,
                                                          character: str) -> None:
    site.front("x", initiative(title=f"Bike{character} lanes"))
    problem = only(run(site)[1])
    assert (problem.field, problem.line, problem.column) == ("title", 2, 1)
    assert problem.message == "contains a control character"
    assert problem.found == f"U+{ord(character):04X} at character 5"


@pytest.mark.parametrize("character", BIDI)
def test_a_bidi_override_embedding_or_isolate_is_refused_and_named(
        site: Site, initiative: Make, character: str) -> None:
    site.front("x", initiative(stories=[{"date": 2024, "title": f"gpj.{character}exe"}]))
    problem = only(run(site)[1])
    assert problem.field == "stories[0].title"
    assert problem.message == "contains a bidirectional formatting character"
    assert problem.found == f"U+{ord(character):04X} at character 5"


def test_tabs_newlines_and_other_unicode_are_text(site: Site, initiative: Make) -> None:
    site.front("x", initiative(title="Bike\tlanes é ✓ \u2028 \u200f \U0001f6b2",
                               stories=[{"date": 2024, "title": "t", "text": "a\n\nb"}]))
    (i,) = run(site)[0].initiatives
    assert "\t" in str(i.title) and i.stories[0].text == "a\n\nb"


@pytest.mark.parametrize(("changes", "field"), [
    ({"summary": {"en": "ok", "sv": "fel\x1b"}}, "summary.sv"),
    ({"partners": [{"id": "city", "role": "Leads\x07"}]}, "partners[0].role"),
    ({"funding": [{"funder": "city", "amount": 5, "year": 2024, "note": "\x00"}]},
     "funding[0].note"),
    ({"zone_history": [{"date": 2024, "zone": "green", "note": "\u202e"}]},
     "zone_history[0].note"),
    ({"indicators": [{"name": "n", "unit": "kg\x9b"}]}, "indicators[0].unit"),
    ({"links": [{"title": "a\x7f", "url": "https://example.org/"}]}, "links[0].title"),
    ({"description": "For search engines\x00"}, "description"),
    ({"tags": ["ok", "\u2066bad"]}, "tags[1]"),
])
def test_every_text_field_refuses_control_characters(site: Site, initiative: Make,
                                                     changes: dict[str, Any],
                                                     field: str) -> None:
    site.front("x", initiative(**changes))
    assert only(run(site)[1]).field == field


@pytest.mark.parametrize(("name", "entry", "field"), [
    ("partners.yml", {"city": {"name": "City\x00", "sector": "public"}}, "city.name"),
    ("partners.yml", {"city": {"name": "City", "sector": "public", "description": "\u202e"}},
     "city.description"),
    ("assets.yml", {"lab": {"name": "Lab\x1b[2J", "kind": "testbed"}}, "lab.name"),
])
def test_site_data_text_refuses_control_characters(site: Site, name: str,
                                                   entry: dict[str, Any], field: str) -> None:
    site.data(name, entry)
    problems = [p for p in run(site)[1].errors if p.path == f"site_data/{name}"]
    assert [p.field for p in problems] == [field]


# -- URLs and paths -------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["//evil.example", "//evil.example/a", "///evil.example",
                                 "/\\evil.example", "\\\\evil.example", "https:\\\\evil.example",
                                 "a\\b"])
def test_a_url_a_browser_reads_as_another_host_is_refused(site: Site, initiative: Make,
                                                          url: str) -> None:
    site.front("x", initiative(links=[{"title": "Click", "url": url}],
                               stories=[{"date": 2024, "title": "t", "link": url}]))
    assert sorted(p.field for p in run(site)[1].errors) == ["links[0].url", "stories[0].link"]


@pytest.mark.parametrize(("name", "entry", "field"), [
    ("partners.yml", {"city": {"name": "City", "sector": "public", "url": "//evil.example"}},
     "city.url"),
    ("assets.yml", {"lab": {"name": "Lab", "kind": "testbed", "url": "//evil.example"}},
     "lab.url"),
])
def test_site_data_urls_refuse_protocol_relative_addresses(site: Site, name: str,
                                                           entry: dict[str, Any],
                                                           field: str) -> None:
    site.data(name, entry)
    problems = [p for p in run(site)[1].errors if p.path == f"site_data/{name}"]
    assert [p.field for p in problems] == [field]


def test_a_mandate_url_refuses_protocol_relative_addresses(site: Site) -> None:
    from conftest import PORTFOLIO

    site.data("portfolio.yml", {**PORTFOLIO, "mandates": {
        "m": {"title": "M", "level": "eu", "url": "//evil.example/"}}})
    assert only(run(site)[1]).field == "mandates.m.url"


@pytest.mark.parametrize(("logo", "message"), [
    ("../../../../etc/passwd", "'..'"), ("img/../../x.png", "'..'"),
    ("img/%2e%2e/%2E%2E/x.png", "'..'"), ("..", "'..'"),
    ("/etc/passwd", "absolute"), ("//cdn.example/x.png", "another host"),
    ("img\\logo.png", "backslash"), ("C:/logo.png", "scheme"),
    ("file:///etc/passwd", "scheme"), ("https://tracker.example/x.png", "other hosts"),
])
def test_a_logo_must_stay_inside_the_site(site: Site, logo: str, message: str) -> None:
    site.data("partners.yml", {"city": {"name": "City", "sector": "public", "logo": logo}})
    site.data("assets.yml", {})
    site.data("portfolio.yml", {"name": "P", "currency": "SEK", "licence": "CC0-1.0"})
    problem = only(run(site)[1])
    assert problem.field == "city.logo" and message in problem.message, str(problem)
    assert problem.expected == "a path relative to the docs folder, inside it"


@pytest.mark.parametrize("logo", ["img/logo.png", "logo.svg", "img/..logo.png", "a/.b/c.png"])
def test_a_logo_inside_the_site_is_kept_as_written(site: Site, logo: str) -> None:
    site.data("partners.yml", {"city": {"name": "City", "sector": "public", "logo": logo}})
    site.data("assets.yml", {})
    site.data("portfolio.yml", {"name": "P", "currency": "SEK", "licence": "CC0-1.0"})
    portfolio, problems = run(site)
    assert not problems.items and portfolio.partners[0].logo == logo


def test_an_indicator_keeps_its_id_baseline_date_and_target_date(
        site: Site, initiative: Make) -> None:
    site.front("bike-lanes", initiative(indicators=[{
        "id": "cyclists", "name": "Cyclists", "baseline": 120, "baseline_date": "2024-01",
        "target": 400, "target_date": 2028, "values": [{"date": "2025-06", "value": 180}]}]))
    portfolio, problems = run(site)
    assert not problems.items, [str(p) for p in problems]
    found = portfolio.initiatives[0].indicators[0]
    assert (found.id, found.baseline_date, found.target_date) == (
        "cyclists", PartialDate(2024, 1), PartialDate(2028))


def test_an_indicator_target_date_must_come_after_its_baseline_date(
        site: Site, initiative: Make) -> None:
    site.front("bike-lanes", initiative(indicators=[{
        "name": "Cyclists", "baseline_date": "2025", "target_date": "2025"}]))
    _, problems = run(site)
    assert only(problems).field == "indicators[0].target_date"
