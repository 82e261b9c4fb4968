"""The year's report printed by Chromium on A4 (`page.pdf`) and read back with pdftotext, as a
councillor would read the paper: the site's name, the year and the date made on every page,
a sane number of pages, each section on a page of its own, none of the site's menus. And the
page on a screen: accessible, nothing scrolling sideways on a phone.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from portfolio_plugin.i18n import Translator

from .conftest import (
    NO_INLINE_STYLE,
    ROOT,
    SOURCE_DATE_EPOCH,
    BuiltSite,
    Visit,
    assert_quiet,
    describe_violations,
)

# (NO_INLINE_STYLE: SECURITY.md's policy without even inline styles.)
MADE = dt.datetime.fromtimestamp(int(SOURCE_DATE_EPOCH), dt.timezone.utc).date()
# (language, path, the report's title, the made line, the section headings, the page word)
REPORTS = {
    "en": ("portfolio/report/2025/", "Annual report 2025", "Made on",
           ("2025 in brief", "Balance and gaps in 2025", "Money and leverage in 2025",
            "Progress towards the objectives", "Critical events of 2025",
            "New partners and funders in 2025"), "Page"),
    "sv": ("sv/portfolio/report/2025/", "Årsrapport 2025", "Framtagen",
           ("2025 i korthet", "Balans och luckor 2025", "Pengar och hävstång 2025",
            "Framsteg mot målen", "Kritiska händelser 2025", "Nya partner och finansiärer 2025"),
           "Sida"),
}
# Words of the site's header, navigation, language switch and footer: none is on paper.
CHROME = ("All initiatives", "Facet map", "Mandates", "Accessibility", "Svenska", "English",
          "Skip to content", "Alla initiativ", "Facettkarta", "Om plattformen",
          "Tillgänglighet", "Hoppa till innehåll")


def pdftotext() -> str:
    """poppler's pdftotext; fail (never skip) where it is missing."""
    found = shutil.which("pdftotext")
    if found is None:
        pytest.fail("pdftotext is not installed: apt-get install -y poppler-utils "
                    "(bash dev.sh test installs it)")
    return found


def printed(visit: Visit, folder: Path) -> list[str]:
    """The open page printed on A4 as Chromium's "Save as PDF" does; its text page by page."""
    pdf = folder / "report.pdf"
    visit.page.emulate_media(media="print")
    visit.page.pdf(path=str(pdf), format="A4", print_background=True)
    out = subprocess.run([pdftotext(), "-layout", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return [page for page in out.split("\f") if page.strip()]


@pytest.mark.parametrize("language", sorted(REPORTS))
def test_every_printed_page_names_the_site_the_year_and_the_date_made(
        language: str, reference_site: BuiltSite, reference_url: str,
        open_page: Callable[..., Visit], tmp_path: Path) -> None:
    path, title, made_word, _, page_word = REPORTS[language]
    visit = open_page(reference_url + path)
    assert_quiet(visit, reference_site.site)
    pages = printed(visit, tmp_path)
    assert 4 <= len(pages) <= 20, len(pages)
    made = f"{made_word} {Translator.for_language(language).date(MADE)}"
    name = yaml.safe_load((ROOT / "site_data" / "portfolio.yml").read_text(encoding="utf-8"))
    name = name["name"][language]  # the platform's name in the report's language
    for number, text in enumerate(pages, 1):
        assert name in text, (number, text[:300])
        assert title in text, (number, text[:300])
        assert made in text, (number, made, text[-300:])
        assert f"{page_word} {number} / {len(pages)}" in text, (number, text[-300:])
        for word in CHROME:
            assert word not in text, (number, word)


@pytest.mark.parametrize("language", sorted(REPORTS))
def test_each_section_of_the_printed_report_starts_a_page(
        language: str, reference_url: str, open_page: Callable[..., Visit],
        tmp_path: Path) -> None:
    path, _, _, headings, _ = REPORTS[language]
    pages = printed(open_page(reference_url + path), tmp_path)
    for heading in headings[1:]:
        starting = [p for p in pages
                    if heading in "\n".join(line for line in p.splitlines()[:6])]
        assert len(starting) == 1, (heading, [p[:200] for p in pages])
    # The first section shares the first page with the report's title.
    assert headings[0] in pages[0] and REPORTS[language][1] in pages[0]


@pytest.mark.parametrize("language", sorted(REPORTS))
@pytest.mark.parametrize("width", [360, 1366])
def test_the_report_on_a_screen_is_accessible_and_fits_a_phone(
        language: str, width: int, reference_url: str, open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]]) -> None:
    visit = open_page(reference_url + REPORTS[language][0], width=width, height=800)
    page = visit.page
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("[data-pf-chart]").count() == 0  # no plotly on this page
    assert not any(url.endswith("plotly.min.js") for url in visit.requests)
    violations = axe(page)
    assert violations == [], describe_violations(violations)


@pytest.mark.parametrize("language", sorted(REPORTS))
def test_the_report_needs_no_inline_style_or_script(
        language: str, reference_site: BuiltSite, serve: Callable[..., str],
        open_page: Callable[..., Visit], tmp_path: Path) -> None:
    """Its bars are SVG attributes and its print stylesheet a file of the site: the strict
    policy without even inline styles holds, on screen and in print."""
    url = serve(reference_site.site, {"Content-Security-Policy": NO_INLINE_STYLE})
    visit = open_page(url + REPORTS[language][0], fresh=True)
    pages = printed(visit, tmp_path)
    assert REPORTS[language][1] in pages[-1]  # the print stylesheet was allowed to load
    visit.page.wait_for_timeout(100)
    assert visit.csp_messages == [] and visit.csp_violations() == [], visit.csp_messages
    assert visit.page_errors == [], visit.page_errors
