"""Shared fixtures: small real sites written into a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from portfolio_plugin.options import Options, read_config
from portfolio_plugin.validate.template import PLACEHOLDER

ROOT = Path(__file__).resolve().parent.parent

PORTFOLIO: dict[str, Any] = {
    "name": "Test Portfolio",
    "organisation": "city",
    "currency": "SEK",
    "exchange_rates": {"EUR": 10},
    "base_investment": [
        {"year": 2023, "amount": 1000, "funder": "city"},
        {"year": 2024, "amount": 100, "funder": "agency", "currency": "EUR"},
    ],
    "themes": {"energy": {"title": "Energy"}, "mobility": {"title": "Mobility"}},
    "mandates": {
        "eu-mission": {"title": "EU cities mission", "level": "eu"},
        "local-plan": {"title": "Local climate plan", "level": "local"},
    },
    "objectives": {
        "climate": {"title": "Climate neutral", "description": "By 2030",
                    "key_results": [{"title": "Halve emissions", "indicator": "CO2",
                                     "target": "50%"}]},
    },
}
PARTNERS: dict[str, Any] = {
    "city": {"name": "The City", "sector": "public"},
    "agency": {"name": "Innovation Agency", "sector": "funder"},
    "lund-university": {"name": "Lund University", "sector": "academia"},
    "acme": {"name": "Acme AB", "sector": "business"},
}
ASSETS: dict[str, Any] = {
    "testbed": {"name": "City testbed", "kind": "testbed", "owner": "city"},
}

VALID = """\
---
title: Bike lanes
summary: Safer bike lanes.
facet: mission-oriented
zone: green
---
Body.
"""


@dataclass
class Site:
    """A small site on disk: mkdocs.yml, content/initiatives and site_data."""

    root: Path

    @property
    def initiatives(self) -> Path:
        return self.root / "content" / "initiatives"

    def page(self, slug: str, text: str) -> Path:
        """Write an initiative page from its whole text."""
        path = self.initiatives / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def front(self, slug: str, fields: dict[str, Any], body: str = "Body text.\n") -> Path:
        """Write an initiative page from a front-matter mapping."""
        front = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
        return self.page(slug, f"---\n{front}---\n{body}")

    def data(self, name: str, content: Any) -> Path:
        """Write a site_data file (a mapping is dumped as YAML; text is written as is)."""
        path = self.root / "site_data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(textwrap.dedent(content), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True),
                            encoding="utf-8")
        return path

    @property
    def options(self) -> Options:
        return read_config(self.root / "mkdocs.yml")


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A valid small site with data files and no initiatives yet."""
    root = tmp_path / "site"
    (root / "content" / "initiatives").mkdir(parents=True)
    (root / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Test site
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


# What a partner writes in place of each placeholder of the page template.
FILLED = {
    "title": 'title: "Bike street"',
    "summary": "  A street where children cycle safely to school.",
    "facet": "facet: mission-oriented",
    "zone": "zone: yellow",
    "body": "Our own description of the street.",
}


def fill_in(text: str) -> str:
    """Replace every placeholder of the template, as its author does."""
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if PLACEHOLDER not in line or line.startswith("#"):
            continue
        name = line.split(":", 1)[0].strip()
        lines[n] = FILLED.get(name, FILLED["summary"] if line.startswith("  ")
                              else FILLED["body"])
    filled = "\n".join(lines)
    assert f"{PLACEHOLDER}" not in "\n".join(
        line for line in filled.split("\n") if not line.startswith("#"))
    return filled
