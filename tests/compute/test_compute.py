"""The computed figures of DESIGN.md, checked against values worked out by hand.

The fixture portfolio (`support.layered_site`) is small on purpose: two currencies besides the
portfolio's own, in-kind money, a year without base investment and a layer-3 initiative,
so that every rule of the layer model changes at least one number below.
"""

from __future__ import annotations

import datetime as dt

import pytest

from portfolio_plugin.compute import Figures, compute, joint_initiatives, sector_links
from portfolio_plugin.model import Facet, Initiative, Portfolio, Sector, Zone
from portfolio_plugin.pipeline import check

from support import Site, big_portfolio, layered_site


def portfolio_of(site: Site) -> Portfolio:
    portfolio, problems = check(site.options)
    assert not problems.items, [str(p) for p in problems]
    return portfolio


@pytest.fixture
def figures(site: Site) -> Figures:
    return compute(portfolio_of(layered_site(site)), dt.date(2024, 12, 31))


def test_leverage_per_year_converts_currencies_and_keeps_in_kind_out(figures: Figures) -> None:
    rows = {y.year: y for y in figures.leverage.years}
    assert sorted(rows) == [2022, 2023, 2024]
    # 2022: base 1000; alpha 500 cash; beta 100 in kind; beta's critical event.
    assert (rows[2022].layer1, rows[2022].layer2, rows[2022].layer3) == (1000, 500, 0)
    assert (rows[2022].in_kind, rows[2022].layer4) == (100, 1)
    # 2023: base 100 EUR x 10 + 500 SEK; alpha 60 EUR x 10; beta 30 EUR x 10; 200 in kind.
    assert (rows[2023].layer1, rows[2023].layer2, rows[2023].layer3) == (1500, 600, 300)
    assert (rows[2023].in_kind, rows[2023].layer4) == (200, 1)
    # 2024: no base investment; alpha 300; beta 400 NOK x 0.5.
    assert (rows[2024].layer1, rows[2024].layer2, rows[2024].layer3) == (0, 300, 200)
    assert (rows[2024].in_kind, rows[2024].layer4) == (0, 1)


def test_leverage_ratio_is_layers_two_and_three_over_layer_one(figures: Figures) -> None:
    rows = {y.year: y for y in figures.leverage.years}
    assert rows[2022].leverage == pytest.approx(500 / 1000)
    assert rows[2023].leverage == pytest.approx((600 + 300) / 1500)


def test_leverage_is_none_without_base_investment(figures: Figures) -> None:
    rows = {y.year: y for y in figures.leverage.years}
    assert rows[2024].leverage is None


def test_total_leverage_uses_the_same_formula_on_the_sums(figures: Figures) -> None:
    total = figures.leverage.total
    assert total.year is None
    assert (total.layer1, total.layer2, total.layer3) == (2500, 1400, 500)
    assert (total.in_kind, total.layer4) == (300, 3)
    assert total.leverage == pytest.approx((1400 + 500) / 2500)
    assert figures.money_gathered == 2500 + 1400 + 500


def test_balance_counts_initiatives_and_their_cash_per_facet_and_zone(figures: Figures) -> None:
    balance = figures.balance
    alpha = balance.cell(Facet.MISSION, Zone.GREEN)
    assert (alpha.count, alpha.funding) == (1, 500 + 600 + 300)
    beta = balance.cell(Facet.ADAPTIVE, Zone.YELLOW)
    assert (beta.count, beta.funding) == (1, 300 + 200)
    assert balance.cell(Facet.MISSION, Zone.BLUE).count == 0
    assert balance.facet_total(Facet.MISSION).funding == 1400
    assert balance.zone_total(Zone.YELLOW).count == 1
    assert len(balance.gaps) == 12 - 2


def test_movement_counts_moves_and_zones_at_each_year_end(figures: Figures) -> None:
    (move,) = figures.moves
    assert (move.initiative, move.source, move.target, move.forward) == \
        ("alpha", Zone.YELLOW, Zone.GREEN, True)
    assert move.date == dt.date(2023, 6, 1)
    years = {m.year: m for m in figures.movement}
    assert sorted(years) == [2022, 2023]
    assert dict(years[2022].at_end) == {Zone.YELLOW: 2, Zone.GREEN: 0, Zone.BLUE: 0}
    assert (years[2022].forward, years[2022].backward) == (0, 0)
    assert years[2023].moves == ((Zone.YELLOW, Zone.GREEN, 1),)
    assert dict(years[2023].at_end) == {Zone.YELLOW: 1, Zone.GREEN: 1, Zone.BLUE: 0}
    assert (years[2023].forward, years[2023].backward) == (1, 0)


def test_recent_moves_are_those_of_the_last_year(site: Site) -> None:
    portfolio = portfolio_of(layered_site(site))
    assert len(compute(portfolio, dt.date(2023, 12, 31)).recent_moves) == 1
    assert compute(portfolio, dt.date(2025, 1, 1)).recent_moves == ()


def test_partner_figures_give_roles_money_assets_stories_and_first_year(
        figures: Figures) -> None:
    city = figures.partner("city")
    assert city is not None
    assert city.initiatives == (("alpha", "steward"), ("beta", "partner"))
    assert city.stewards == ("alpha",)
    assert (city.cash, city.in_kind, city.base_investment) == (800, 0, 1500)
    assert city.assets == ("testbed",)
    assert [s.title for s in city.stories] == ["Council says yes"]
    assert city.first_year == 2022
    agency = figures.partner("agency")
    assert agency is not None
    assert agency.initiatives == (("alpha", "funder"),)
    assert (agency.cash, agency.in_kind, agency.base_investment) == (600, 0, 1000)
    assert agency.first_year == 2023
    acme = figures.partner("acme")
    assert acme is not None
    assert acme.initiatives == (("alpha", "funder"), ("beta", "steward"))
    assert (acme.cash, acme.in_kind) == (300, 200)
    lund = figures.partner("lund-university")
    assert lund is not None
    assert lund.initiatives == (("alpha", "Research"), ("beta", "funder"))
    assert (lund.cash, lund.in_kind) == (200, 100)


def test_funders_sum_base_investment_cash_and_in_kind_largest_first(figures: Figures) -> None:
    rows = [(f.id, f.base_investment, f.cash, f.in_kind) for f in figures.funders]
    assert rows == [("city", 1500, 800, 0), ("agency", 1000, 600, 0),
                    ("acme", 0, 300, 200), ("lund-university", 0, 200, 100)]
    assert figures.funders[0].total_cash == 2300


def test_new_partners_and_new_funders_are_counted_in_their_first_year(
        figures: Figures) -> None:
    assert figures.new_partners == ((2022, ("acme", "city", "lund-university")),
                                    (2023, ("agency",)))
    # Any first money counts, in kind too: Lund University's in-kind 2022.
    assert figures.new_funders == ((2022, ("city", "lund-university")),
                                   (2023, ("acme", "agency")))


def test_split_by_facet_and_theme_sums_layers_two_to_four(figures: Figures) -> None:
    facets = {s.key: s for s in figures.by_facet}
    mission = facets["mission-oriented"]
    assert (mission.count, mission.layer2, mission.layer3, mission.in_kind, mission.layer4) \
        == (1, 1400, 0, 200, 2)
    adaptive = facets["adaptive"]
    assert (adaptive.count, adaptive.layer2, adaptive.layer3, adaptive.in_kind,
            adaptive.layer4) == (1, 0, 500, 100, 1)
    assert facets["anticipatory"].count == 0
    themes = {s.key: s for s in figures.by_theme}
    assert (themes["energy"].count, themes["energy"].layer2, themes["energy"].layer3) \
        == (2, 1400, 500)
    assert (themes["mobility"].count, themes["mobility"].layer3,
            themes["mobility"].layer4) == (1, 500, 1)


def test_stories_are_newest_first(figures: Figures) -> None:
    assert [s.title for s in figures.stories] == [
        "Battery fire", "Heat flows", "First pipe laid", "Council says yes", "Depot found"]


def test_asset_users_and_partner_links(figures: Figures) -> None:
    assert figures.asset_users == (("testbed", ("alpha",)),)
    # Alpha joins all four partners; beta joins acme, city and Lund University.
    assert figures.partner_links == (
        ("acme", "city", 2), ("acme", "lund-university", 2), ("city", "lund-university", 2),
        ("acme", "agency", 1), ("agency", "city", 1), ("agency", "lund-university", 1))


def test_each_partner_knows_whom_it_shares_initiatives_with(figures: Figures) -> None:
    # Alpha: city (steward), acme (funder), Lund University, the agency; beta: acme, city, Lund.
    shared = {pid: [(c.id, c.initiatives) for c in cs]
              for pid, cs in figures.collaborators.items()}
    assert shared["city"] == [("acme", ("alpha", "beta")), ("lund-university", ("alpha", "beta")),
                              ("agency", ("alpha",))]
    assert shared["agency"] == [("acme", ("alpha",)), ("city", ("alpha",)),
                                ("lund-university", ("alpha",))]
    assert sorted(shared) == ["acme", "agency", "city", "lund-university"]


def test_sectors_meet_in_the_initiatives_counted_by_hand(figures: Figures,
                                                         site: Site) -> None:
    portfolio = portfolio_of(layered_site(site))
    sectors = {p.id: p.sector for p in portfolio.partners}
    links = sector_links(figures.partners, sectors)
    pub, bus, aca, fun = Sector.PUBLIC, Sector.BUSINESS, Sector.ACADEMIA, Sector.FUNDER
    # Both initiatives join the city, acme and Lund; only alpha has the agency (a funder).
    assert links == {(pub, bus): 2, (bus, pub): 2, (pub, aca): 2, (aca, pub): 2,
                     (bus, aca): 2, (aca, bus): 2, (pub, fun): 1, (fun, pub): 1,
                     (bus, fun): 1, (fun, bus): 1, (aca, fun): 1, (fun, aca): 1}


def _everyone(i: Initiative) -> set[str]:
    """An initiative's partners in any role, read straight from its fields."""
    return ({i.steward} if i.steward else set()) | {p.id for p in i.partners} | {
        f.funder for f in i.funding}


def test_collaborations_of_a_large_portfolio_match_the_initiatives_partner_lists() -> None:
    portfolio = big_portfolio(initiatives=400, partners=120)
    figures = compute(portfolio, dt.date(2025, 12, 31))
    known = {p.id for p in portfolio.partners}
    # The oracle: for every pair, the initiatives whose lists name both, found pair by pair.
    expected: dict[str, dict[str, set[str]]] = {}
    for i in portfolio.initiatives:
        ids = _everyone(i) & known
        for a in ids:
            for b in ids - {a}:
                expected.setdefault(a, {}).setdefault(b, set()).add(i.slug)
    found = {pid: {c.id: set(c.initiatives) for c in cs}
             for pid, cs in figures.collaborators.items()}
    assert found == expected
    # Most shared first, then by id.
    for cs in figures.collaborators.values():
        keys = [(-len(c.initiatives), c.id) for c in cs]
        assert keys == sorted(keys)
    # Each pair counted once in partner_links agrees.
    assert {(a, b): n for a, b, n in figures.partner_links} == {
        (a, b): len(slugs) for a, others in expected.items() for b, slugs in others.items()
        if a < b}
    assert joint_initiatives(figures.partners) == sum(
        1 for i in portfolio.initiatives if len(_everyone(i) & known) > 1)
    sectors = {p.id: p.sector for p in portfolio.partners}
    by_sector = sector_links(figures.partners, sectors)
    for x in Sector:
        for y in Sector:
            count = sum(1 for i in portfolio.initiatives
                        if any(sectors[a] is x and sectors[b] is y
                               for a in _everyone(i) for b in _everyone(i) if a != b))
            assert by_sector.get((x, y), 0) == count, (x, y)
