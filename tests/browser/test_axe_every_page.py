"""axe-core's WCAG 2.1 A and AA rules on every page of the reference site, in both languages
(the English site at its root, the Swedish one under `sv/`): the generated pages, each
initiative's and partner's page, the year pages, the reports, the hand-written pages and 404.

`test_accessibility.py` checks one page of each type with its charts drawn by plotly; here
every page is checked as it first shows (charts as pictures), one after the other in one tab.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .conftest import BuiltSite, Visit, axe_source, describe_violations


def test_axe_finds_no_violation_on_any_page_of_the_reference_site_in_either_language(
        reference_site: BuiltSite, reference_url: str, open_page: Callable[..., Visit],
        axe: Callable[..., list[dict[str, Any]]]) -> None:
    pages = reference_site.html_pages()
    swedish = [p for p in pages if p.startswith("sv/")]
    # (an empty or one-language site would pass with little to check)
    assert len(swedish) > 100 and len(pages) - len(swedish) > 100, pages
    found = {}
    started = time.monotonic()
    # axe-core comes with every page load of the tab (the checker sees it is there already):
    # faster than adding it to each page after it loaded.
    open_page(reference_url).context.add_init_script(path=str(axe_source()))
    for url in pages:
        visit = open_page(reference_url + url)
        assert visit.response_status in (200, 404), f"{url}: {visit.response_status}"
        violations = axe(visit.page)
        if violations:
            found[url] = describe_violations(violations)
    took = time.monotonic() - started
    print(f"axe checked {len(pages)} pages in {took:.0f} s")
    assert found == {}, "\n".join(f"{url}:\n{text}" for url, text in found.items())
