"""The "Propose an initiative" page in Chromium, by keyboard alone: a partner fills in the
form with Tab, typing, Space and the arrow keys, sees the validator's message at a field
with a bad value, fixes it, downloads the page, and `portfolio validate` accepts it; the
GitHub link carries the same text; axe-core finds nothing at phone and desktop widths, in
English and Swedish; the page works under the strict Content-Security-Policy."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from .conftest import DEFAULT_MKDOCS_YML, POLICY, BuiltSite, Visit, describe_violations

SITE: dict[str, Any] = {
    "mkdocs.yml": DEFAULT_MKDOCS_YML + "site_url: https://portfolio.example/\n"
                                       "repo_url: https://github.com/norrvik/portfolio\n"
                                       "edit_uri: edit/trunk/content/\n",
    "site_data/portfolio.yml": {
        "name": "Test portfolio", "organisation": "city", "currency": "SEK",
        "licence": "CC-BY-4.0",
        "themes": {"energy": {"title": "Energy"}, "mobility": {"title": "Mobility"}},
        "mandates": {"climate-plan": {"title": "Climate plan", "level": "local"}},
        "objectives": {"net-zero": {"title": "Net zero by 2030"}},
    },
    "site_data/partners.yml": {
        "city": {"name": "City of Testville", "sector": "public"},
        "uni": {"name": "Testville University", "sector": "academia"},
        "coop": {"name": "Bike Cooperative", "sector": "civil-society"},
    },
    "content/initiatives/bike-library.md": (
        "---\ntitle: Bike library\nsummary: Bikes to borrow.\nfacet: adaptive\n"
        "zone: yellow\n---\n\nBikes.\n"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         build_site: Callable[..., BuiltSite]) -> BuiltSite:
    built = build_site(tmp_path_factory.mktemp("propose"), SITE, strict=True)
    assert built.returncode == 0, built.log[-3000:]
    return built


def tab_to(page: Any, selector: str, limit: int = 300) -> None:
    """Press Tab until the element at `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id"))


def replace_text(page: Any, text: str) -> None:
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def fill_by_keyboard(page: Any) -> None:
    """The whole form, as a partner would fill it without a mouse (one bad value on the way,
    which the field's message names and the partner then fixes)."""
    tab_to(page, "#pf-f-title")
    page.keyboard.type("Bike library for schools: “ride & learn”")
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-slug"
    assert page.input_value("#pf-f-slug") == "bike-library-for-schools-ride-learn"
    # A file name the site already has: the validator's message, at the field.
    replace_text(page, "bike-library")
    page.keyboard.press("Tab")
    message = page.locator("#pf-f-slug-msg")
    assert message.inner_text() == ("the slug 'bike-library' is already used by "
                                    "content/initiatives/bike-library.md (expected a unique "
                                    "file name, found 'bike-library')")
    assert page.get_attribute("#pf-f-slug", "aria-invalid") == "true"
    assert "pf-f-slug-msg" in (page.get_attribute("#pf-f-slug", "aria-describedby") or "")
    page.keyboard.press("Shift+Tab")
    replace_text(page, "school-bikes")
    assert message.inner_text() == ""  # fixed as the partner types
    assert page.get_attribute("#pf-f-slug", "aria-invalid") is None
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-summary"
    page.keyboard.type("Schools lend bikes to pupils.\nA yellow-zone try-out: 'no' is text.")
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-facet-0"
    page.keyboard.press("Space")  # mission-oriented
    page.keyboard.press("ArrowDown")  # enhancement-oriented
    page.keyboard.press("ArrowDown")  # the third: adaptive
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-zone-0"
    page.keyboard.press("Space")  # yellow
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-status"
    page.keyboard.press("ArrowDown")  # idea
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-start"
    page.keyboard.type("2025-02-30")
    page.keyboard.press("Tab")
    assert page.locator("#pf-f-start-msg").inner_text() == (
        "is not a date in the calendar (expected a real date, found '2025-02-30')")
    page.keyboard.press("Shift+Tab")
    replace_text(page, "2025-02")
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-end"
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-steward"
    page.keyboard.press("ArrowDown")  # the first partner by name: Bike Cooperative
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-partners-0"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the second partner: City of Testville
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Testville University
    page.keyboard.press("Tab")
    assert focused(page) == "pf-f-themes-0"
    page.keyboard.press("Space")  # energy
    tab_to(page, "#pf-f-body", limit=10)
    page.keyboard.type("Pupils borrow bikes for a term.\n\nWe learn what keeps them riding.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the submit button


EXPECTED = """\
---
title:
  en: "Bike library for schools: “ride & learn”"
summary:
  en: "Schools lend bikes to pupils.\\nA yellow-zone try-out: 'no' is text."
facet: "adaptive"
zone: "yellow"
status: "idea"
start: "2025-02"
steward: "coop"
partners:
  - "city"
  - "uni"
themes:
  - "energy"
---

Pupils borrow bikes for a term.

We learn what keeps them riding.
"""


def test_a_partner_fills_the_form_by_keyboard_and_validate_accepts_the_page(
        site: BuiltSite, serve: Callable[..., str], open_page: Callable[..., Visit],
        tmp_path: Path) -> None:
    base = serve(site.site, {"Content-Security-Policy": POLICY})
    visit = open_page(base + "portfolio/propose/", fresh=True)
    page = visit.page
    fill_by_keyboard(page)
    assert focused(page) == "pf-propose-result-title"
    tab_to(page, "[data-pf-download]", limit=5)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == "school-bikes.md"
    saved = site.root / "content" / "initiatives" / "school-bikes.md"
    download.save_as(saved)
    try:
        text = saved.read_text(encoding="utf-8")
        assert text == EXPECTED
        assert page.input_value("#pf-propose-text") == text
        result = subprocess.run(
            [sys.executable, "-m", "portfolio_plugin.cli", "validate", "--strict",
             "-f", str(site.root / "mkdocs.yml")],
            capture_output=True, text=True, check=False, timeout=120,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        assert result.returncode == 0, result.stdout + result.stderr
        # The host's new-file page gets the same text, in the initiatives' folder.
        href = page.get_attribute("[data-pf-new-file]", "href") or ""
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc, parts.path) == (
            "https", "github.com", "/norrvik/portfolio/new/trunk/content/initiatives")
        query = parse_qs(parts.query, keep_blank_values=True)
        assert query["filename"] == ["school-bikes.md"]
        assert query["value"] == [text]
    finally:
        saved.unlink()
    # Only Material's repository facts (api.github.com, for repo_url) meet the policy.
    ours = [v for v in visit.csp_violations() if "api.github.com" not in str(v["blocked"])]
    assert ours == [], ours
    assert visit.page_errors == []


def test_the_error_summary_links_each_problem_to_its_field(
        site: BuiltSite, serve: Callable[..., str], open_page: Callable[..., Visit]) -> None:
    visit = open_page(serve(site.site) + "portfolio/propose/", fresh=True)
    page = visit.page
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    assert focused(page) == "pf-propose-errors"
    items = page.locator("#pf-propose-errors li a").all_inner_texts()
    assert items == [
        "Title: is required (expected text, found nothing)",
        "File name: the file name is not a valid slug (expected lowercase letters, digits "
        "and hyphens, like 'city-bike-pilot.md', found '.md')",
        "Summary: is required (expected text, found nothing)",
        "Purpose (facet): is required (expected one of mission-oriented, "
        "enhancement-oriented, adaptive, anticipatory, found nothing)",
        "Zone: is required (expected one of yellow, green, blue, found nothing)"]
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the second link: to the file name
    assert focused(page) == "pf-f-slug"
    assert page.locator("#pf-propose-result").is_hidden()


def settled(page: Any) -> Any:
    """The page once Material's header has finished fading its title in (focus moved to the
    error summary or the result scrolls the page; axe would read the colours mid-fade)."""
    page.wait_for_timeout(800)
    return page


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("language", ["en", "sv"])
def test_axe_finds_no_violation_on_the_proposal_form(
        width: int, language: str, reference_url: str, open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]]) -> None:
    prefix = "" if language == "en" else "sv/"
    visit = open_page(reference_url + prefix + "portfolio/propose/", width=width,
                      bypass_csp=True)
    page = visit.page
    assert page.locator("form.pf-propose").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = axe(settled(page))
    assert violations == [], describe_violations(violations)
    # With messages and the error summary shown, then with the page made.
    page.click("button[type=submit]")
    violations = axe(settled(page))
    assert violations == [], describe_violations(violations)
    page.fill("#pf-f-title", "Solar roofs")
    page.fill("#pf-f-summary", "Roofs that make power.")
    page.check("#pf-f-facet-0")
    page.check("#pf-f-zone-2")
    page.click("button[type=submit]")
    assert page.locator("#pf-propose-result").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    violations = axe(settled(page))
    assert violations == [], describe_violations(violations)


def test_a_summary_too_long_is_said_while_the_partner_types(
        site: BuiltSite, serve: Callable[..., str], open_page: Callable[..., Visit]) -> None:
    page = open_page(serve(site.site) + "portfolio/propose/", fresh=True).page
    tab_to(page, "#pf-f-summary")
    page.keyboard.type("y" * 300)
    assert page.locator("#pf-f-summary-msg").inner_text() == ""
    page.keyboard.type("yz")
    assert page.locator("#pf-f-summary-msg").inner_text() == (
        "is too long (302 characters) (expected at most 300 characters, found 302 characters)")
    assert "302 of 300 characters used." in page.locator("#pf-f-summary-hint").inner_text()
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    assert page.locator("#pf-f-summary-msg").inner_text() == ""


HOSTILE = 'He said "no": #1 \\ {a: [b]} & *x !tag %y @z `c`\u2028- yes: \'q\''


def test_any_text_the_partner_types_is_read_back_as_typed(
        site: BuiltSite, serve: Callable[..., str], open_page: Callable[..., Visit]) -> None:
    """Quotes, colons, hashes, backslashes, YAML's indicators and a line separator: the
    front-matter quotes and escapes them, so the page says what was typed."""
    page = open_page(serve(site.site) + "portfolio/propose/", fresh=True).page
    page.fill("#pf-f-title", HOSTILE)
    page.fill("#pf-f-slug", "hostile-text")
    page.fill("#pf-f-summary", "no")
    page.check("#pf-f-facet-3")
    page.check("#pf-f-zone-0")
    page.fill("#pf-f-body", "---\nnot: front-matter\n---\n")
    page.click("button[type=submit]")
    text = page.input_value("#pf-propose-text")
    saved = site.root / "content" / "initiatives" / "hostile-text.md"
    saved.write_text(text, encoding="utf-8")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "portfolio_plugin.cli", "-f", str(site.root / "mkdocs.yml"),
             "validate", "--strict", "--format", "json"],
            capture_output=True, text=True, check=False, timeout=120,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        assert result.returncode == 0, result.stdout + result.stderr
        front = yaml.safe_load(text.split("---\n")[1])
        assert front["title"] == {"en": HOSTILE}
        assert front["summary"] == {"en": "no"}
        assert text.endswith("---\n\n---\nnot: front-matter\n---\n")
    finally:
        saved.unlink()


def national_files() -> dict[str, Any]:
    """231 partners and 1,001 initiatives: more than the page lists (render/propose.py)."""
    files: dict[str, Any] = {
        "site_data/portfolio.yml": {"name": "National", "currency": "SEK"},
        "site_data/partners.yml": {f"p{n:03d}": {"name": f"Partner {n:03d} AB",
                                                 "sector": "business"} for n in range(231)},
    }
    for n in range(1001):
        files[f"content/initiatives/item-{n:04d}.md"] = (
            f"---\ntitle: Item {n:04d}\nsummary: Number {n}.\nfacet: adaptive\n"
            f"zone: green\npartners: [p{n % 231:03d}]\n---\n")
    return files


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory,
             build_site: Callable[..., BuiltSite]) -> BuiltSite:
    built = build_site(tmp_path_factory.mktemp("national"), national_files())
    assert built.returncode == 0, built.log[-3000:]
    return built


def test_at_national_scale_partners_are_typed_and_the_names_taken_read_when_needed(
        national: BuiltSite, serve: Callable[..., str], open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]]) -> None:
    """The page carries neither the 231 partners nor the 1,001 names taken: both are read
    on the first focus in the form. A slug taken is still said; the steward and the partners
    are typed by name, added, taken out, refused when unknown; the page written names them
    by id, under the strict Content-Security-Policy."""
    built = national
    page_file = built.site / "portfolio" / "propose" / "index.html"
    html = page_file.read_text(encoding="utf-8")
    assert "Partner 007 AB" not in html and "item-0005" not in html
    assert len(html.encode()) < 100_000
    visit = open_page(serve(built.site, {"Content-Security-Policy": POLICY})
                      + "portfolio/propose/", width=390, fresh=True)
    page = visit.page
    assert not any(u.endswith(("/partner-choices.json", "/initiative-slugs.json"))
                   for u in visit.requests)
    page.fill("#pf-f-title", "Item 0005")
    page.wait_for_function("() => document.querySelectorAll("
                           "'#pf-f-partners-list option').length === 231")
    assert any(u.endswith("/data/initiative-slugs.json") for u in visit.requests)
    page.locator("#pf-f-title").press("Tab")
    page.locator("#pf-f-slug").press("Tab")
    assert page.locator("#pf-f-slug-msg").inner_text().startswith(
        "the slug 'item-0005' is already used by content/initiatives/item-0005.md")
    page.fill("#pf-f-slug", "item-new")
    page.fill("#pf-f-summary", "A new one.")
    page.check("#pf-f-facet-0")
    page.check("#pf-f-zone-0")
    page.fill("#pf-f-steward", "Partner 007 AB")
    partners = page.locator("#pf-f-partners")
    for name in ("Partner 130 AB", "Partner 131 AB", "Partner 002 AB"):
        partners.fill(name)
        partners.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('[data-pf-chosen] li').length === 3")
    page.click("button[aria-label='Remove Partner 131 AB']")
    partners.fill("Nobody AB")
    partners.press("Enter")
    page.wait_for_function("() => document.querySelector('#pf-f-partners-msg').textContent !== ''")
    assert page.locator("#pf-f-partners-msg").inner_text() == (
        "unknown partner 'Nobody AB' (expected a partner of the site, chosen from the "
        "suggestions, found 'Nobody AB')")
    partners.fill("")
    page.click("button[type=submit]")
    page.wait_for_function("() => !document.getElementById('pf-propose-result').hidden")
    text = page.input_value("#pf-propose-text")
    assert 'steward: "p007"\npartners:\n  - "p130"\n  - "p002"\n' in text, text
    assert visit.page_errors == [] and visit.csp_violations() == []
    # The typed fields, a partner added and a message shown, at phone width: axe-core.
    checked = open_page(serve(built.site) + "portfolio/propose/", width=390, bypass_csp=True)
    page = checked.page
    page.fill("#pf-f-steward", "Partner 007 AB")
    page.fill("#pf-f-partners", "Partner 130 AB")
    page.press("#pf-f-partners", "Enter")
    page.wait_for_function("() => document.querySelectorAll('[data-pf-chosen] li').length === 1")
    page.fill("#pf-f-partners", "Nobody AB")
    page.press("#pf-f-partners", "Enter")
    page.wait_for_function("() => document.querySelector('#pf-f-partners-msg').textContent !== ''")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    violations = axe(settled(page))
    assert violations == [], describe_violations(violations)


def test_where_the_partners_names_cannot_be_read_a_name_typed_is_refused_until_they_are(
        national: BuiltSite, serve: Callable[..., str], open_page: Callable[..., Visit]) -> None:
    """Never a page made without the partner typed: the form says why and asks again on the
    next try; the error summary's link then goes to the field a partner is typed in."""
    visit = open_page(serve(national.site) + "portfolio/propose/", width=390, fresh=True)
    page = visit.page
    page.route("**/partner-choices.json", lambda route: route.abort())
    page.fill("#pf-f-title", "Solar roofs")
    page.fill("#pf-f-summary", "Roofs that make power.")
    page.check("#pf-f-facet-0")
    page.check("#pf-f-zone-0")
    page.fill("#pf-f-steward", "Partner 007 AB")
    page.locator("#pf-f-steward").press("Tab")  # (its message shows as it is left)
    page.click("button[type=submit]")
    page.wait_for_function("() => !document.getElementById('pf-propose-errors').hidden")
    assert page.locator("#pf-f-steward-msg").inner_text().startswith(
        "The partners' names could not be read")
    assert page.locator("#pf-propose-result").is_hidden()
    page.unroute("**/partner-choices.json")
    page.fill("#pf-f-partners", "Partner 130 AB")
    page.press("#pf-f-partners", "Enter")  # the names are read again, and it is added
    page.wait_for_function("() => document.querySelectorAll('[data-pf-chosen] li').length === 1")
    page.fill("#pf-f-partners", "Nobody AB")
    page.locator("#pf-f-partners").press("Tab")
    page.click("button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#pf-propose-errors li a') !== null")
    link = page.locator("#pf-propose-errors li a").first
    assert link.get_attribute("href") == "#pf-f-partners"
    link.click()
    assert page.evaluate("document.activeElement.id") == "pf-f-partners"
    page.fill("#pf-f-partners", "")
    page.click("button[type=submit]")
    page.wait_for_function("() => !document.getElementById('pf-propose-result').hidden")
    assert 'steward: "p007"\npartners:\n  - "p130"\n' in page.input_value("#pf-propose-text")
