"""The objectives page (key results, contributing initiatives, indicators) and the mandates
page (by level, with the initiatives that serve each mandate)."""

from __future__ import annotations

import re
from typing import Any

from support import (
    LAYERED_ALPHA,
    LAYERED_BETA,
    LAYERED_PORTFOLIO,
    Site,
    chart_data,
    layered_site,
    read,
    render,
    table,
    text,
)


def objectives_page(site: Site) -> str:
    return render(layered_site(site), ("objectives",))["portfolio/objectives.md"]


def mandates_page(site: Site) -> str:
    return render(layered_site(site), ("objectives",))["portfolio/mandates.md"]


def test_each_objective_has_an_anchor_description_and_key_results(site: Site) -> None:
    page = objectives_page(site)
    section = page.split('id="objective-climate"', 1)[1].split("</section>", 1)[0]
    assert '<h2 id="objective-climate-title">Climate neutral</h2>' in section
    assert "By 2030" in text(section)
    key_results = read(section).tables[0]
    assert key_results.caption == "Key results"
    assert key_results.body == [["Halve emissions", "CO2", "50%",
                                 "No data: no initiative reports an indicator for it yet."]]
    assert '<a href="#objective-climate">Climate neutral</a>' in page


def test_contributing_initiatives_are_listed_and_linked(site: Site) -> None:
    page = objectives_page(site)
    assert "Contributing initiatives (1)" in text(page)
    assert '<a href="../../initiatives/alpha/">Alpha heat</a>' in page
    assert "initiatives/beta/" not in page
    assert "1 initiatives are not linked to an objective." in text(page)


def test_indicators_are_shown_against_baseline_and_target(site: Site) -> None:
    page = objectives_page(site)
    summary = table(page, "objective-climate")
    found = [t for t in read(page).tables if "Indicators of the initiatives" in t.caption]
    assert found and found[0].body == [
        ["Heat recovered (MWh)", "Alpha heat", "0", "55 (2024)", "100"]]
    assert summary.caption == "Key results"
    chart_id = "objective-climate-indicator-alpha-0"
    assert f'href="#{chart_id}"' in page
    figure = chart_data(page, chart_id)
    lines = {t["name"]: t["y"] for t in figure["data"]}
    assert lines["Heat recovered"] == [20, 55]
    assert lines["Baseline"] == [0, 0] and lines["Target"] == [100, 100]
    rows = table(page, chart_id).body
    assert rows == [["2023", "20"], ["2024", "55"], ["Baseline", "0"], ["Target", "100"]]


def test_an_initiative_serving_two_objectives_gets_unique_chart_ids(site: Site) -> None:
    portfolio: dict[str, Any] = {**LAYERED_PORTFOLIO, "objectives": {
        **LAYERED_PORTFOLIO["objectives"], "heat": {"title": "Warm homes"}}}
    alpha = {**LAYERED_ALPHA, "objectives": ["climate", "heat"]}
    layered_site(site, alpha=alpha)
    site.data("portfolio.yml", portfolio)
    page = render(site, ("objectives",))["portfolio/objectives.md"]
    ids = re.findall(r'<figure class="pf-chart" id="([^"]+)"', page)
    assert ids == ["objective-climate-indicator-alpha-0", "objective-heat-indicator-alpha-0"]


def test_mandates_are_grouped_by_level_from_the_eu_down(site: Site) -> None:
    pages = render(layered_site(site), ("objectives",))
    page = pages["portfolio/mandates.md"]
    # Mandates and objectives of few initiatives list them all: no page of their own.
    assert sorted(pages) == ["portfolio/mandates.md", "portfolio/objectives.md"]
    assert re.findall(r"^## (.*)$", page, re.M) == ["EU level", "Local level"]
    eu = page.split('id="mandate-eu-mission"', 1)[1].split("</section>", 1)[0]
    assert "EU cities mission" in eu
    assert "2 initiatives serve this mandate:" in text(eu)
    assert '<a href="../../initiatives/alpha/">Alpha heat</a>' in eu
    assert '<a href="../../initiatives/beta/">Beta buses</a>' in eu
    assert "Heat from the harbour." in text(eu)
    local = page.split('id="mandate-local-plan"', 1)[1].split("</section>", 1)[0]
    assert "1 initiative serves this mandate:" in text(local)
    assert "Alpha heat" not in local
    assert "2 of 2 initiatives serve at least one mandate." in text(page)


def test_a_mandate_nobody_serves_says_so(site: Site) -> None:
    beta = {**LAYERED_BETA, "mandates": ["eu-mission"]}
    page = render(layered_site(site, beta=beta), ("objectives",))["portfolio/mandates.md"]
    local = page.split('id="mandate-local-plan"', 1)[1].split("</section>", 1)[0]
    assert "No initiative serves this mandate yet." in text(local)


def test_many_initiatives_on_one_mandate_stay_readable(site: Site) -> None:
    layered_site(site)
    for n in range(45):
        site.front(f"extra-{n:02d}", {**LAYERED_BETA, "title": f"Extra {n:02d}",
                                      "funding": [], "stories": []})
    pages = render(site, ("objectives",))
    page = pages["portfolio/mandates.md"]
    eu = page.split('id="mandate-eu-mission"', 1)[1].split("</section>", 1)[0]
    assert "47 initiatives serve this mandate. The 3 with the most funding:" in text(eu)
    # The largest commitments first (Alpha and Beta have funding), then a link to the
    # mandate's own page, which lists all 47.
    named = re.findall(r'href="\.\./\.\./initiatives/([^/]+)/"', eu)
    assert named[:2] == ["alpha", "beta"] and len(named) == 3
    assert '<a href="eu-mission/">All 47 initiatives serving EU cities mission</a>' in eu
    own = pages["portfolio/mandates/eu-mission.md"]
    assert own.count('href="../../../initiatives/') == 47
    assert "47 initiatives serve the mandate EU cities mission." in text(own)
    assert '<a href="../#mandate-eu-mission">Back to the mandates</a>' in own


def test_hostile_titles_of_objectives_and_mandates_are_text(site: Site) -> None:
    portfolio: dict[str, Any] = {**LAYERED_PORTFOLIO}
    portfolio["mandates"] = {"eu-mission": {"title": "<img src=x onerror=alert(1)>",
                                            "level": "eu"},
                             "local-plan": {"title": "Plan", "level": "local"}}
    portfolio["objectives"] = {"climate": {"title": "<script>alert(1)</script>",
                                           "description": "<b>x</b>"}}
    layered_site(site)
    site.data("portfolio.yml", portfolio)
    alpha = {**LAYERED_ALPHA, "indicators": [{"name": "<svg onload=alert(1)>", "unit": "<i>u</i>",
                                      "values": [{"date": "2023", "value": 1}]}]}
    site.front("alpha", alpha)
    built = render(site, ("objectives",))
    for page in built.values():
        assert "<img" not in page and "<script>alert" not in page
        assert "<svg onload" not in page and "<b>x" not in page and "<i>u" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in built["portfolio/objectives.md"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in built["portfolio/mandates.md"]


def test_a_key_result_shows_the_progress_of_the_indicators_that_name_it(site: Site) -> None:
    heat = {**LAYERED_ALPHA["indicators"][0], "id": "CO2", "target_date": "2025"}
    layered_site(site, alpha={**LAYERED_ALPHA, "indicators": [heat]})
    page = render(site, ("objectives",))["portfolio/objectives.md"]
    key_results = read(page).tables[0]
    # 55 of 100 at 2024, from 2023 (the first value) to 2025: half the time, so on track.
    assert key_results.body == [[
        "Halve emissions", "Heat recovered (Alpha heat)", "50%",
        "On track: 55 % of the way, 50 % expected by then (55 MWh, 2024)."]]
