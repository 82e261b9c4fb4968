"""The README's minimal site (its `mkdocs.yml` as written there, three initiatives and the
data files) passes axe-core's WCAG 2.1 A and AA rules on every page it publishes, the
theme's own parts (header, footer, search) included."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import ROOT, BuiltSite, Visit, describe_violations

INITIATIVE = """---
title: {title}
summary: {title}, tried with the neighbourhood.
facet: {facet}
zone: {zone}
partners: [city]
funding:
  - {{funder: city, amount: 100000, year: 2024}}
stories:
  - {{date: 2024-03-01, title: Started, kind: milestone}}
---
What {title} is about.
"""


def readme_minimal_config() -> str:
    """The minimal `mkdocs.yml` exactly as the README gives it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"A minimal site of your own needs only this `mkdocs.yml`:\n\n```yaml\n"
                      r"(.*?)```", readme, re.S)
    assert block, "the README no longer shows its minimal mkdocs.yml"
    return block.group(1)


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory: pytest.TempPathFactory,
                 build_site: Callable[..., BuiltSite]) -> BuiltSite:
    files: dict[str, Any] = {
        "mkdocs.yml": readme_minimal_config(),
        "content/index.md": "# Our innovation portfolio\n\nWhat we do, with whom.\n",
        "site_data/portfolio.yml": "name: Our portfolio\norganisation: city\ncurrency: SEK\n"
                                   "licence: CC-BY-4.0\n"
                                   "base_investment:\n  - {year: 2024, amount: 50000, "
                                   "funder: city}\n",
        "site_data/partners.yml": "city:\n  name: The City\n  sector: public\n",
    }
    for n, (facet, zone) in enumerate((("adaptive", "yellow"), ("anticipatory", "green"),
                                       ("mission-oriented", "blue"))):
        files[f"content/initiatives/work-{n}.md"] = INITIATIVE.format(
            title=f"Work {n}", facet=facet, zone=zone)
    site = build_site(tmp_path_factory.mktemp("minimal"), files, strict=True)
    assert site.returncode == 0, site.log
    return site


def published_pages(site: BuiltSite) -> list[str]:
    return sorted(str(p.relative_to(site.site).parent).replace(".", "") + "/"
                  for p in site.site.rglob("index.html"))


def test_the_minimal_site_publishes_the_portfolio(minimal_site: BuiltSite) -> None:
    pages = published_pages(minimal_site)
    assert "portfolio/" in pages and "initiatives/work-0/" in pages and len(pages) > 15


def test_axe_finds_no_violation_on_any_page_of_the_minimal_site(
        minimal_site: BuiltSite, serve: Callable[..., str],
        open_page: Callable[..., Visit], axe: Callable[..., list[dict[str, Any]]]) -> None:
    url = serve(minimal_site.site)
    found = {}
    pages = published_pages(minimal_site)
    assert len(pages) > 15, pages  # (an empty site would pass with nothing to check)
    for page in pages:
        for width in (1280, 390):
            visit = open_page(url + page.lstrip("/"), width=width, height=900)
            visit.wait_for_charts()
            violations = axe(visit.page)
            if violations:
                found[f"{page} at {width} px"] = describe_violations(violations)
    assert found == {}, "\n".join(f"{k}:\n{v}" for k, v in found.items())
