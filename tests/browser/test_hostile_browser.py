"""Hostile input in a real browser: no payload of the front-matter or site_data runs or
becomes an element or attribute, on any page of the site, in chart hover labels, in search
results, or on the 404 page.

The hostile site (tests/corpus/hostile.py) carries an injection payload in every text field.
Each page is opened in Chromium with a dialog listener; a DOM check then looks for anything
a payload could have created. A control test proves the checks catch a real injection.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from corpus import hostile

from .conftest import DEFAULT_MKDOCS_YML, BuiltSite, Visit

SCREENSHOTS = ("initiatives/hostile-all/", "hostile-page/", "404.html")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory,
                 build_site: Callable[..., BuiltSite]) -> BuiltSite:
    """The hostile portfolio, built with a plain build (valid parts are published)."""
    built = build_site(tmp_path_factory.mktemp("hostile"), hostile.files())
    assert built.returncode == 0, built.log
    return built


@pytest.fixture(scope="module")
def hostile_url(hostile_site: BuiltSite, serve: Callable[..., str]) -> str:
    return serve(hostile_site.site)


def hostile_pages(site: BuiltSite) -> list[str]:
    """Every HTML page of the hostile site except Material's own assets."""
    return [url for url in site.html_pages() if not url.startswith("assets/")]


def assert_clean(visit: Visit, where: str) -> None:
    """No dialog fired, no payload element or attribute, no template evaluated."""
    visit.page.wait_for_timeout(150)  # let onerror/onload handlers of injected elements fire
    assert visit.dialogs == [], f"{where}: a payload ran: {visit.dialogs}"
    found = visit.page.evaluate(hostile.DOM_CHECK)
    assert found == [], f"{where}: payload elements or attributes in the DOM: {found}"
    text = visit.page.evaluate("document.documentElement.textContent")
    for result in hostile.TEMPLATE_RESULTS:
        assert result not in text, f"{where}: a template trick was evaluated ({result})"
    assert visit.page_errors == [], f"{where}: page errors: {visit.page_errors}"


def test_the_hostile_site_publishes_every_valid_hostile_initiative(
        hostile_site: BuiltSite) -> None:
    pages = hostile_pages(hostile_site)
    for key in [*hostile.PAYLOADS, "all", "i18n"]:
        assert f"initiatives/hostile-{key}/" in pages
    assert "initiatives/refused-javascript/" not in pages
    assert "hostile-page/" in pages and "hostile-heading/" in pages and "404.html" in pages


def test_no_payload_runs_or_enters_the_dom_on_any_page(
        hostile_site: BuiltSite, hostile_url: str, open_page: Callable[..., Visit]) -> None:
    pages = hostile_pages(hostile_site)
    assert len(pages) >= 12
    for url in pages:
        visit = open_page(hostile_url + url)
        assert visit.response_status == 200, url
        assert_clean(visit, url)
        visit.close()


def test_the_payload_is_shown_as_text_on_the_initiative_page(
        hostile_url: str, open_page: Callable[..., Visit]) -> None:
    for key, payload in hostile.PAYLOADS.items():
        visit = open_page(f"{hostile_url}initiatives/hostile-{key}/",
                          wait_until="domcontentloaded")
        article = visit.page.locator("article").inner_text()
        # Escaped, not dropped: the words the author wrote are on the page.
        assert f"Title {payload}" in article, key
        assert f"Summary {payload}" in article, key
        assert f"Note green {payload}" in article or f"Note yellow {payload}" in article, key
        assert f"Role {payload}" in article, key
        visit.close()


def test_every_page_title_and_navigation_shows_the_hostile_titles_as_text(
        hostile_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(f"{hostile_url}hostile-page/")
    assert visit.page.title() == f"{hostile.text('all', 'Page')} - Test portfolio"
    navigation = visit.page.locator("nav.md-nav--primary").inner_text()
    assert hostile.PAYLOADS["img"] in navigation
    description = visit.page.locator("meta[name=description]").get_attribute("content")
    assert description == hostile.text("all", "Page description")
    assert_clean(visit, "hostile-page/")


@pytest.mark.parametrize("path", ["404.html", "no/such/page/"])
def test_the_404_page_carries_no_payload(
        hostile_url: str, open_page: Callable[..., Visit], path: str) -> None:
    visit = open_page(hostile_url + path)
    assert visit.response_status == (200 if path == "404.html" else 404)
    assert "404" in visit.page.locator("article").inner_text()
    assert_clean(visit, path)


# Hovers every trace's first points through plotly, as a mouse would, and collects the
# hover labels and anything a payload could have made inside them.
HOVER_ALL = r"""
(index) => {
  const node = document.querySelectorAll('.pf-plot')[index];
  const labels = [], bad = [];
  (node.data || []).forEach((trace, curve) => {
    const values = trace.x || trace.y || trace.r || trace.values || trace.labels || [];
    for (let point = 0; point < Math.min(3, values.length || 0); point++) {
      try { Plotly.Fx.hover(node, [{curveNumber: curve, pointNumber: point}]); }
      catch (e) { continue; }
      const layer = node.querySelector('.hoverlayer');
      if (!layer) continue;
      labels.push(layer.textContent);
      layer.querySelectorAll('img, script, iframe, svg svg, foreignObject, a[href]')
        .forEach(el => bad.push(el.outerHTML.slice(0, 120)));
    }
  });
  Plotly.Fx.unhover(node);
  return {labels, bad};
}
"""


def test_chart_hover_labels_show_the_payload_as_text(
        hostile_site: BuiltSite, hostile_url: str, open_page: Callable[..., Visit]) -> None:
    charted = [u for u in hostile_pages(hostile_site)
               if "data-pf-chart" in _html(hostile_site, u)]
    assert charted, "the hostile site has no chart"
    labels: list[str] = []
    for url in charted:
        visit = open_page(hostile_url + url)
        assert visit.wait_for_charts() > 0
        plots = visit.page.locator(".pf-plot")
        for index in range(plots.count()):
            hovered = visit.page.evaluate(HOVER_ALL, index)
            assert hovered["bad"] == [], f"{url}: elements in a hover label: {hovered['bad']}"
            labels.extend(hovered["labels"])
            # And with the mouse, over the points that are on screen.
            points = plots.nth(index).locator(".scatterlayer .point, .barlayer .point")
            for number in range(min(points.count(), 3)):
                point = points.nth(number)
                point.scroll_into_view_if_needed()
                box = point.bounding_box()
                if box is None or box["width"] == 0 or box["y"] < 0:
                    continue
                visit.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                visit.page.wait_for_timeout(50)
                hover = visit.page.locator(".hoverlayer")
                labels.append(" ".join(hover.evaluate_all(
                    "nodes => nodes.map(n => n.textContent)")))
        assert_clean(visit, f"{url} after hovering its charts")
    shown = " ".join(labels)
    for payload in ("<img src=x onerror=alert('img')>", "<svg onload=alert('svg')>",
                    "<script>alert('script')</script>"):
        assert payload in shown, f"no hover label showed {payload!r} as text: {labels[:5]}"


def test_search_results_show_hostile_titles_as_text(
        hostile_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(hostile_url)
    box = visit.page.locator("#pf-search-q")
    box.click()
    for query in ("onerror", "script", "svg onload", "onmouseover"):
        box.fill("")
        box.press_sequentially(query)
        # The last query's results stay while this one is searched: wait until it is done.
        visit.page.wait_for_function("""() => {
            const out = document.querySelector('.pf-search-result');
            const loading = document.querySelector('.pf-search').dataset.pfLoading;
            return out && !out.innerText.includes(loading) && out.querySelector('.pf-search-item');
        }""", timeout=15_000)
        results = visit.page.locator(".pf-search-result").inner_text()
        assert "alert(" in results, query
        assert_clean(visit, f"search for {query!r}")


def test_the_heading_title_of_a_hand_written_page_stays_text_in_the_window_title(
        hostile_url: str, open_page: Callable[..., Visit]) -> None:
    visit = open_page(f"{hostile_url}hostile-heading/")
    assert visit.page.title().startswith("Heading </title><script>alert('heading')</script>")
    assert_clean(visit, "hostile-heading/")


def test_the_checks_catch_an_injection_on_a_plain_material_site(
        tmp_path: Path, build_site: Callable[..., BuiltSite], serve: Callable[..., str],
        open_page: Callable[..., Visit]) -> None:
    """Control: without the plugin, Material prints a front-matter title raw and unescapes a
    heading title inside `<title>`; the checks of this module see both injections run."""
    plain = build_site(tmp_path, {"content/hostile-page.md": hostile.hostile_page(),
                                  "content/hostile-heading.md": hostile.HOSTILE_HEADING},
                       mkdocs_yml="site_name: Plain\ndocs_dir: content\ntheme:\n"
                                  "  name: material\n  font: false\nplugins: [search]\n")
    assert plain.returncode == 0, plain.log
    url = serve(plain.site)
    visit = open_page(url)
    visit.page.wait_for_timeout(300)
    found = visit.page.evaluate(hostile.DOM_CHECK)
    assert any("img" in item for item in found), found
    assert visit.dialogs, "the control injection did not run"
    visit = open_page(url + "hostile-heading/")
    visit.page.wait_for_timeout(300)
    assert "alert: heading" in visit.dialogs, visit.dialogs


def test_screenshots_of_hostile_pages_are_written(
        hostile_url: str, open_page: Callable[..., Visit], tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    """Screenshots for a person to look at (kept in pytest's temporary folder)."""
    for url in SCREENSHOTS:
        for width in (390, 1280):
            visit = open_page(hostile_url + url, width=width)
            visit.wait_for_charts()
            name = url.strip("/").replace("/", "_").replace(".html", "") or "home"
            path = tmp_path / f"hostile-{name}-{width}.png"
            visit.page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
            visit.close()


def _html(site: BuiltSite, url: str) -> str:
    path = site.site / url
    if url.endswith("/") or not url:
        path = path / "index.html"
    return path.read_text(encoding="utf-8")


def test_a_hostile_initiative_body_runs_nothing_unless_sanitising_is_off(
        tmp_path: Path, build_site: Callable[..., BuiltSite], serve: Callable[..., str],
        open_page: Callable[..., Visit]) -> None:
    """The corpus's hostile body (script, frames, handlers, `javascript:` and `data:` links
    in raw HTML and in Markdown) runs nothing on its initiative page. Control: the same page
    built with `sanitise_bodies: false` runs its payloads."""
    files = {path: content for path, content in hostile.files().items()
             if path.startswith("site_data/") or path.endswith("/hostile-body.md")}
    dialogs = {}
    for sanitise in (True, False):
        mkdocs_yml = DEFAULT_MKDOCS_YML.replace(
            "  - portfolio\n", f"  - portfolio:\n      sanitise_bodies: {str(sanitise).lower()}\n")
        built = build_site(tmp_path / str(sanitise), files, mkdocs_yml=mkdocs_yml)
        assert built.returncode == 0, built.log
        visit = open_page(f"{serve(built.site)}initiatives/hostile-body/", fresh=True)
        assert visit.response_status == 200
        visit.page.wait_for_timeout(300)  # handlers of elements that fail to load
        # And every link of the body, as a reader would follow it.
        for link in visit.page.locator("article a[href^='javascript' i]").all():
            link.click()
        dialogs[sanitise] = list(visit.dialogs)
        if sanitise:
            assert "A photo" in visit.page.locator("article").inner_html()  # what is safe stays
            assert visit.page.evaluate(hostile.DOM_CHECK) == []
    assert dialogs[True] == []
    assert any("body-script" in d for d in dialogs[False]), dialogs[False]
