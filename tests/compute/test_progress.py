"""Progress of an indicator (DESIGN.md, "Computed figures"), checked against the formula
written out again here with exact fractions, and the figures of one year's report."""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_plugin.compute import (
    ProgressState,
    compute,
    key_result_indicators,
    progress,
    year_figures,
    years_active,
    years_with_records,
)
from portfolio_plugin.model import (
    BaseInvestment,
    Facet,
    Indicator,
    IndicatorValue,
    KeyResult,
    Money,
    Objective,
    PartialDate,
    Status,
    Zone,
)

from support import cash, date, make, portfolio_of, story


def indicator(baseline: float | None, target: float | None, values: dict[str, float],
              target_date: str | None = None, baseline_date: str | None = None,
              ident: str | None = None) -> Indicator:
    return Indicator("Measure", "", baseline, target,
                     tuple(IndicatorValue(date(d), v) for d, v in values.items()),
                     ident, date(baseline_date) if baseline_date else None,
                     date(target_date) if target_date else None)


def oracle(ind: Indicator, until: dt.date | None = None) -> tuple[str, Fraction | None,
                                                                  Fraction | None]:
    """DESIGN's words, again: share = (latest - baseline) / (target - baseline); reached at
    share >= 1; with a target date, on track when share >= elapsed / span - 0.05."""
    def day(d: PartialDate) -> dt.date:
        return dt.date(d.year, d.month or 1, d.day or 1)

    values = [v for v in ind.values if until is None or day(v.date) <= until]
    if not values:
        return "no-data", None, None
    base = Fraction(ind.baseline if ind.baseline is not None else ind.values[0].value)
    if ind.target is None:
        return "no-target", None, None
    target, latest = Fraction(ind.target), Fraction(values[-1].value)
    share = (Fraction(1) if latest == target else Fraction(0)) if target == base \
        else (latest - base) / (target - base)
    if share >= 1:
        return "reached", share, None
    if ind.target_date is None:
        return "under-way", share, None
    start = day(ind.baseline_date or ind.values[0].date)
    span = (day(ind.target_date) - start).days
    expected = Fraction(1) if span <= 0 else min(Fraction(1), max(
        Fraction(0), Fraction((day(values[-1].date) - start).days, span)))
    return ("on-track" if share >= expected - Fraction(5, 100) else "behind"), share, expected


def test_without_values_there_is_no_data() -> None:
    assert progress(indicator(10, 20, {})).state is ProgressState.NO_DATA


def test_share_is_the_way_from_baseline_to_target() -> None:
    found = progress(indicator(10, 20, {"2023": 12, "2024": 15}))
    assert found.share == pytest.approx(0.5)
    assert found.state is ProgressState.UNDER_WAY  # no target date: nothing says how fast


def test_a_target_below_the_baseline_counts_a_fall_as_progress() -> None:
    found = progress(indicator(410, 123, {"2019": 410, "2025": 301}))
    assert found.share == pytest.approx((301 - 410) / (123 - 410))
    rise = progress(indicator(410, 123, {"2025": 450}))
    assert rise.share is not None and rise.share < 0


def test_reached_at_the_target_and_beyond_it() -> None:
    assert progress(indicator(0, 60, {"2021": 60})).state is ProgressState.REACHED
    assert progress(indicator(0, 60, {"2021": 63})).state is ProgressState.REACHED
    assert progress(indicator(180, 90, {"2025": 85}, "2030")).state is ProgressState.REACHED


def test_on_track_when_the_share_keeps_up_with_the_time_elapsed() -> None:
    # 2020-01-01 to 2030-01-01; at 2025-01-01 half the time (1827 of 3653 days) is gone.
    half = 1827 / 3653
    on = progress(indicator(0, 100, {"2025": 46}, "2030", "2020"))
    assert on.expected == pytest.approx(half)
    assert on.state is ProgressState.ON_TRACK  # 0.46 >= 0.50 - 0.05
    behind = progress(indicator(0, 100, {"2025": 44}, "2030", "2020"))
    assert behind.state is ProgressState.BEHIND  # 0.44 < 0.45


def test_without_a_baseline_date_the_span_starts_at_the_first_value() -> None:
    found = progress(indicator(0, 100, {"2022": 10, "2026": 10}, "2030"))
    assert found.expected == pytest.approx((dt.date(2026, 1, 1) - dt.date(2022, 1, 1)).days
                                           / (dt.date(2030, 1, 1) - dt.date(2022, 1, 1)).days)
    assert found.state is ProgressState.BEHIND


def test_without_a_baseline_the_first_value_is_the_baseline() -> None:
    found = progress(indicator(None, 100, {"2022": 20, "2024": 60}))
    assert found.baseline == 20
    assert found.share == pytest.approx(0.5)


def test_without_a_target_there_is_nothing_to_measure_against() -> None:
    found = progress(indicator(5, None, {"2024": 7}))
    assert found.state is ProgressState.NO_TARGET
    assert found.share is None


def test_past_the_target_date_the_whole_way_is_expected() -> None:
    found = progress(indicator(0, 100, {"2031": 97}, "2030", "2020"))
    assert found.expected == 1
    assert found.state is ProgressState.ON_TRACK  # 0.97 >= 0.95
    assert progress(indicator(0, 100, {"2031": 90}, "2030", "2020")).state \
        is ProgressState.BEHIND


def test_progress_until_a_day_reads_only_the_values_measured_by_then() -> None:
    ind = indicator(0, 100, {"2022": 30, "2024": 100})
    assert progress(ind, dt.date(2023, 12, 31)).share == pytest.approx(0.3)
    assert progress(ind).state is ProgressState.REACHED
    assert progress(ind, dt.date(2021, 12, 31)).state is ProgressState.NO_DATA


_DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)).map(
    lambda d: PartialDate(d.year, d.month, d.day))
_VALUES = st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3))


@given(baseline=st.none() | _VALUES, target=st.none() | _VALUES,
       values=st.lists(st.tuples(_DAYS, _VALUES), max_size=5),
       target_date=st.none() | _DAYS, baseline_date=st.none() | _DAYS,
       until=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
def test_progress_agrees_with_the_formula_of_the_design(
        baseline: float | None, target: float | None,
        values: list[tuple[PartialDate, float]], target_date: PartialDate | None,
        baseline_date: PartialDate | None, until: dt.date | None) -> None:
    ordered = tuple(IndicatorValue(d, v) for d, v in sorted(values, key=lambda p: p[0].key))
    ind = Indicator("x", "", baseline, target, ordered, None, baseline_date, target_date)
    state, share, expected = oracle(ind, until)
    found = progress(ind, until)
    assert found.state.value == state, (found, state, share, expected)
    if share is not None:
        assert found.share == pytest.approx(float(share))
    if expected is not None:
        assert found.expected == pytest.approx(float(expected))


def test_a_key_result_is_measured_by_the_indicators_that_name_it() -> None:
    alpha = make("alpha", Facet.MISSION, Zone.GREEN)
    with_ids = dataclasses.replace(make("beta", Facet.ADAPTIVE, Zone.BLUE), indicators=(
        indicator(0, 10, {"2024": 5}, ident="trips"),
        indicator(0, 10, {"2024": 5}, ident="other")))
    portfolio = portfolio_of([alpha, with_ids])
    found = key_result_indicators(portfolio, KeyResult("Trips", "trips"))
    assert [(i.slug, ind.id) for i, ind in found] == [("beta", "trips")]
    assert key_result_indicators(portfolio, KeyResult("Free text", "Share of trips")) == ()
    assert key_result_indicators(portfolio, KeyResult("None")) == ()
    assert Objective("o", "O", key_results=(KeyResult("Trips", "trips"),)).key_results


# -- one year ----------------------------------------------------------------------------------


def test_an_initiative_runs_from_its_start_to_its_end_or_to_now() -> None:
    as_of = dt.date(2025, 6, 30)
    ongoing = make("a", Facet.MISSION, Zone.GREEN, start="2021")
    assert years_active(ongoing, as_of) == (2021, 2025)
    ended = dataclasses.replace(make("b", Facet.MISSION, Zone.GREEN, start="2020"),
                                end=date("2022-05"))
    assert years_active(ended, as_of) == (2020, 2022)
    idea = dataclasses.replace(make("c", Facet.MISSION, Zone.YELLOW), status=Status.IDEA)
    assert years_active(idea, as_of) is None
    done = dataclasses.replace(make("d", Facet.MISSION, Zone.BLUE, funding=(
        cash("city", 10, 2019), cash("city", 10, 2021))), status=Status.COMPLETED)
    assert years_active(done, as_of) == (2019, 2021)


def test_a_years_figures_count_what_ran_with_its_money_zone_and_stories() -> None:
    moved = make("moved", Facet.MISSION, Zone.BLUE, start="2022",
                 funding=(cash("city", 100, 2023), cash("agency", 50, 2024)),
                 stories=(story("moved", "2023-05-01"), story("moved", "2024-02")),
                 history=(("2022", Zone.YELLOW), ("2024-03", Zone.BLUE)))
    later = make("later", Facet.ADAPTIVE, Zone.YELLOW, start="2025")
    early = dataclasses.replace(  # money after its end still counts it in
        make("early", Facet.ENHANCEMENT, Zone.GREEN, start="2018",
             funding=(cash("agency", 30, 2023),)), end=date("2019"))
    portfolio = portfolio_of([moved, later, early],
                             base=(BaseInvestment(2023, Money(200, "SEK", 200), "city"),))
    figures = compute(portfolio, dt.date(2025, 6, 30))
    y = year_figures(portfolio, figures, 2023)
    assert y.initiatives == ("moved", "early")
    assert set(y.partners) == {"city", "agency"}
    assert y.balance.cell(Facet.MISSION, Zone.YELLOW).count == 1  # its zone at 2023's end
    assert y.balance.cell(Facet.MISSION, Zone.YELLOW).funding == 100
    assert y.balance.cell(Facet.ENHANCEMENT, Zone.GREEN).funding == 30
    money = sum(c.funding for _, _, c in y.balance.cells)
    assert money == y.layers.layer2 + y.layers.layer3 == 130
    assert y.layers.leverage == pytest.approx(130 / 200)
    assert [s.date.iso() for s in y.stories] == ["2023-05-01"]
    assert y.new_funders == ("agency", "city")
    assert year_figures(portfolio, figures, 2024).balance.cell(Facet.MISSION, Zone.BLUE).count \
        == 1
    assert years_with_records(portfolio) == (2023, 2024)
