"""Shared fixtures: small real sites written into a temporary folder.

Only pytest fixtures live here; the plain helpers they use (and that tests import) are in
support.py."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import ASSETS, PARTNERS, PORTFOLIO, Site


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A valid small site with data files and no initiatives yet (and an address: without
    one, the build warns that the feeds need it)."""
    root = tmp_path / "site"
    (root / "content" / "initiatives").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Test site
        site_url: https://test.example/
        docs_dir: content
        theme:
          name: material
          font: false
        plugins:
          - search
          - portfolio
        """), encoding="utf-8")
    made = Site(root)
    made.data("portfolio.yml", PORTFOLIO)
    made.data("partners.yml", PARTNERS)
    made.data("assets.yml", ASSETS)
    return made


@pytest.fixture
def initiative() -> Callable[..., dict[str, Any]]:
    """A valid initiative front-matter, with changes."""

    def make(**changes: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "title": "Bike lanes", "summary": "Safer bike lanes.",
            "facet": "mission-oriented", "zone": "green",
        }
        for key, value in changes.items():
            if value is None:
                fields.pop(key, None)
            else:
                fields[key] = value
        return fields

    return make
