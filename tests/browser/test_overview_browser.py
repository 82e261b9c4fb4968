"""The overview, the facet map and the index of initiatives in a real browser.

The reference site is opened in Chromium at phone and desktop width: every chart is drawn
with no console error and no request to another host; the facet map has one marker per
initiative and a click opens its page; the index filters change the rows and the URL. A
small site cut into pages of four proves the filters reach every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import BuiltSite, Visit, assert_quiet, describe_violations

WIDTHS = (390, 1280)


def initiative_count(site: BuiltSite) -> int:
    return sum(1 for p in (site.site / "initiatives").iterdir() if (p / "index.html").is_file())


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "charts"), [("portfolio/", 3), ("portfolio/facet-map/", 1)])
def test_the_charts_are_drawn_without_errors_or_other_hosts(
        reference_site: BuiltSite, reference_url: str, open_page: Callable[..., Visit],
        path: str, charts: int, width: int) -> None:
    visit = open_page(reference_url + path, width=width)
    assert visit.wait_for_charts() == charts
    drawn = visit.page.locator("[data-pf-chart] .main-svg").count()
    assert drawn >= charts
    # plotly's logo and "edit in chart studio" links are off.
    assert visit.page.locator(".modebar-btn--logo, a[href*='plot.ly'], "
                              "a[href*='chart-studio']").count() == 0
    assert_quiet(visit, reference_site.site)


def test_the_facet_map_has_one_marker_per_initiative_and_a_click_opens_it(
        reference_site: BuiltSite, reference_url: str,
        open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "portfolio/facet-map/")
    visit.wait_for_charts()
    page = visit.page
    markers = page.locator("#facet-map .scatterlayer .point")
    assert markers.count() == initiative_count(reference_site)
    # The table beside the map lists the same initiatives, each a link.
    rows = page.locator("#facet-map details tbody tr th a")
    assert rows.count() == initiative_count(reference_site)
    markers.nth(0).click(force=True)
    page.wait_for_url("**/initiatives/*/", timeout=10_000)
    assert "/initiatives/" in page.url
    assert_quiet(visit, reference_site.site)


def test_the_map_uses_its_narrow_labels_on_a_phone(
        reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "portfolio/facet-map/", width=390)
    visit.wait_for_charts()
    angles = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#facet-map .annotation-text-g'))"
        ".map(g => g.getAttribute('transform') || '')"
        ".filter(t => /rotate\\(-?90,/.test(t))")
    assert len(angles) == 2, "the side facets are written upright on a phone"
    # Nothing of the map is wider than the screen.
    width = visit.page.evaluate("document.querySelector('#facet-map .main-svg').clientWidth")
    assert width <= 390


def visible_rows(visit: Visit) -> list[str]:
    result: list[str] = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#pf-list tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.querySelector('th').textContent.trim())")
    return result


def test_filtering_the_index_changes_the_rows_and_the_url(
        reference_site: BuiltSite, reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "portfolio/initiatives/")
    page = visit.page
    form = page.locator("form[data-pf-index]")
    assert form.is_visible()
    everything = visible_rows(visit)
    blue = page.evaluate("Array.from(document.querySelectorAll('#pf-list tr[data-zone=blue]'))"
                         ".map(r => r.querySelector('th').textContent.trim())")
    assert 0 < len(blue) < len(everything)
    form.locator("select[name=zone]").select_option("blue")
    assert visible_rows(visit) == blue
    assert "zone=blue" in page.url
    status = form.locator("[data-pf-count]").text_content() or ""
    assert f"Showing {len(blue)} of {len(everything)}" in status
    form.locator("input[name=q]").fill(blue[0].split()[0])
    page.wait_for_function("() => location.search.includes('q=')")
    assert blue[0] in visible_rows(visit)
    form.locator("button[type=reset]").click()
    page.wait_for_function("() => location.search === ''")
    assert visible_rows(visit) == everything
    assert_quiet(visit, reference_site.site)


def test_a_shared_filtered_address_opens_filtered(
        reference_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(reference_url + "portfolio/initiatives/?facet=adaptive&status=active")
    rows = visit.page.evaluate(
        "Array.from(document.querySelectorAll('#pf-list tbody tr'))"
        ".map(r => [r.dataset.facet, r.dataset.status])")
    assert rows and all(r == ["adaptive", "active"] for r in rows)
    assert visit.page.locator("article select[name=facet]").input_value() == "adaptive"


def test_without_javascript_the_form_stays_hidden_and_the_table_is_whole(
        reference_site: BuiltSite, reference_url: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(reference_url + "portfolio/initiatives/")
        assert not page.locator("form[data-pf-index]").is_visible()
        assert page.locator("#pf-list tbody tr").count() == initiative_count(reference_site)
    finally:
        context.close()


PAGED_CONFIG = """\
site_name: Paged portfolio
docs_dir: content
theme:
  name: material
  font: false
plugins:
  - search
  - portfolio:
      page_size: 4
"""


def paged_files() -> dict[str, Any]:
    files: dict[str, Any] = {
        "mkdocs.yml": PAGED_CONFIG,
        "site_data/portfolio.yml": {"name": "Paged", "currency": "SEK"},
        "site_data/partners.yml": {"city": {"name": "City", "sector": "public"}},
    }
    zones = ["yellow", "green", "blue"]
    for n in range(10):
        files[f"content/initiatives/item-{n:02d}.md"] = (
            "---\n"
            f"title: Item {n:02d}\nsummary: Number {n}.\nfacet: adaptive\n"
            f"zone: {zones[n % 3]}\nsteward: city\n"
            "---\nBody.\n")
    return files


@pytest.fixture(scope="module")
def paged_url(tmp_path_factory: pytest.TempPathFactory,
              build_site: Callable[..., BuiltSite], serve: Callable[..., str]) -> str:
    built = build_site(tmp_path_factory.mktemp("paged"), paged_files(), strict=False)
    assert built.returncode == 0, built.log
    return serve(built.site)


def test_filters_of_a_paged_index_reach_every_page(
        paged_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(paged_url + "portfolio/initiatives/")
    page = visit.page
    assert visible_rows(visit) == ["Item 00", "Item 01", "Item 02", "Item 03"]
    assert page.locator("[data-pf-pager]").first.is_visible()
    page.locator("article select[name=zone]").select_option("blue")
    page.wait_for_function("() => document.querySelectorAll('#pf-list tbody tr').length === 3")
    assert visible_rows(visit) == ["Item 02", "Item 05", "Item 08"]
    assert not page.locator("[data-pf-pager]").first.is_visible()
    assert "zone=blue" in page.url
    assert any(u.endswith("/data/initiatives-index.json") for u in visit.requests)
    # Rows drawn from the JSON index are links like the page's own rows.
    href = page.locator("#pf-list tbody tr th a").first.get_attribute("href") or ""
    assert href.endswith("/initiatives/item-02/")
    page.locator("form[data-pf-index] button[type=reset]").click()
    page.wait_for_function("() => document.querySelectorAll('#pf-list tbody tr').length === 4")
    assert page.locator("[data-pf-pager]").first.is_visible()
    assert_quiet(visit)


def test_a_second_page_of_the_index_filters_the_whole_list_too(
        paged_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(paged_url + "portfolio/initiatives/page-3/?q=item+0")
    visit.page.wait_for_function(
        "() => document.querySelectorAll('#pf-list tbody tr').length === 10")
    assert visible_rows(visit)[0] == "Item 00"
    assert_quiet(visit)



def many_partners_files() -> dict[str, Any]:
    """21 initiatives of 11 partners each: 231 partners, more than a select offers."""
    partners = {f"p{n:03d}": {"name": f"Partner {n:03d} AB", "sector": "business"}
                for n in range(231)}
    files: dict[str, Any] = {
        "mkdocs.yml": PAGED_CONFIG,
        "site_data/portfolio.yml": {"name": "Many partners", "currency": "SEK"},
        "site_data/partners.yml": partners,
    }
    for n in range(21):
        ids = [f"p{k:03d}" for k in range(n * 11, n * 11 + 11)]
        files[f"content/initiatives/item-{n:02d}.md"] = (
            "---\n"
            f"title: Item {n:02d}\nsummary: Number {n}.\nfacet: adaptive\nzone: green\n"
            f"steward: {ids[0]}\npartners: [{', '.join(ids[1:])}]\n"
            "---\nBody.\n")
    return files


def test_thousands_of_partners_are_a_field_to_type_a_name_in_across_every_page(
        tmp_path_factory: pytest.TempPathFactory, build_site: Callable[..., BuiltSite],
        serve: Callable[..., str], open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]]) -> None:
    """The names come from one file, fetched only when the reader goes to the field; a name
    typed filters every page of the list, the URL holds the partner's id, and a shared
    address opens filtered with the name shown."""
    built = build_site(tmp_path_factory.mktemp("many"), many_partners_files())
    assert built.returncode == 0, built.log
    url = serve(built.site)
    visit = open_page(url + "portfolio/initiatives/page-2/", width=390)
    page = visit.page
    assert page.locator("article select[name=partners]").count() == 0
    field = page.locator("article input[name=partners]")
    assert field.is_visible()
    assert not any(u.endswith("/partner-choices.json") for u in visit.requests)
    field.focus()
    page.wait_for_function(
        "() => document.querySelectorAll('#pf-choices-partners option').length === 231")
    assert any(u.endswith("/data/partner-choices.json") for u in visit.requests)
    # Partner 130 works in item 11 only (p121-p131), on the third page of four rows.
    field.fill("Partner 130 AB")
    page.wait_for_function("() => document.querySelectorAll('#pf-list tbody tr').length === 1")
    assert visible_rows(visit) == ["Item 11"]
    assert "partners=p130" in page.url
    # A name not (yet) whole chooses nothing: every row of the page comes back.
    field.fill("Partner 13")
    page.wait_for_function("() => document.querySelectorAll('#pf-list tbody tr').length === 4")
    assert "partners=" not in page.url
    assert_quiet(visit)
    shared = open_page(url + "portfolio/initiatives/?partners=p000")
    shared.page.wait_for_function(
        "() => document.querySelector('article input[name=partners]').value === 'Partner 000 AB'"
        " && document.querySelectorAll('#pf-list tbody tr').length === 1")
    assert visible_rows(shared) == ["Item 00"]
    assert_quiet(shared)
    checked = open_page(url + "portfolio/initiatives/?partners=p000", width=390,
                        bypass_csp=True)
    checked.page.wait_for_function(
        "() => document.querySelector('article input[name=partners]').value === 'Partner 000 AB'")
    violations = axe(checked.page)
    assert violations == [], describe_violations(violations)
