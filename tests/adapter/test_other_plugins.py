"""The plugin is one among others: a generated portfolio built beside the plugins sites combine
it with (minify in both orders, macros, git revision dates, tags, redirects) is the same
portfolio as the build without them, and each of those plugins sees the portfolio's pages as
it sees any page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import bench

EPOCH = "1700000000"  # 2023-11-14: the build date, which no page of the git history has
COMMITTED = "2021-03-04T12:00:00+00:00"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated portfolio of 24 initiatives, one of them tagged, in a git repository whose
    one commit is older than the build."""
    root: Path = bench("generate").generate(24, tmp_path_factory.mktemp("plugins") / "site", seed=7)
    first = sorted((root / "content" / "initiatives").glob("*.md"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("---\n", "---\ntags:\n  - energy\n  - mobility\n", 1),
                     encoding="utf-8")
    (root / "content" / "old-overview.md").write_text("# Moved\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMITTED, "GIT_COMMITTER_DATE": COMMITTED,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for command in (["git", "init", "-q"], ["git", "add", "-A"],
                    ["git", "commit", "-q", "-m", "portfolio"]):
        subprocess.run(command, cwd=root, env=env, check=True)
    return root


def built(site: Path, name: str, plugins: list[Any], **extra: Any) -> dict[str, str]:
    """Build with these plugins (`--strict`, in a fresh process); every HTML page by path."""
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = plugins
    config["site_url"] = "https://test.example/"  # a strict build warns without it (feeds)
    config.update(extra)
    path = site / f"mkdocs-{name}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    out = site.parent / f"out-{name}"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(path),
         "-d", str(out)], cwd=site, capture_output=True, text=True, check=False,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8")
            for p in sorted(out.rglob("*.html"))}


PORTFOLIO = {"portfolio": {"parallel": False}}


@pytest.fixture(scope="module")
def alone(site: Path) -> dict[str, str]:
    return built(site, "alone", ["search", PORTFOLIO])


def visible_text(html: str) -> list[str]:
    """A page's words, whatever its white space and comments."""
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html).split()


def tables(html: str) -> int:
    return len(re.findall(r"<table\b", html))


@pytest.mark.parametrize("first", [True, False], ids=["minify-first", "minify-last"])
def test_a_minifier_in_either_order_minifies_the_whole_portfolio_and_keeps_all_of_it(
        site: Path, alone: dict[str, str], first: bool) -> None:
    minify = {"minify": {"minify_html": True, "htmlmin_opts": {"remove_comments": True}}}
    plugins = [minify, "search", PORTFOLIO] if first else ["search", PORTFOLIO, minify]
    pages = built(site, f"minify-{first}", plugins)
    assert set(pages) == set(alone)
    ours = [p for p in alone if p.startswith(("portfolio/", "initiatives/"))]
    assert len(ours) > 30
    for path in ours:
        assert "<!--pf:" not in pages[path], path
        assert tables(pages[path]) == tables(alone[path]), path
        assert visible_text(pages[path]) == visible_text(alone[path]), path
    # The generated tables are minified too, not only the theme around them.
    overview = pages["portfolio/index.html"]
    assert "<table" in overview and not re.search(r">\n\s+<t[rdh]", overview)
    assert len(overview) < 0.95 * len(alone["portfolio/index.html"])


def test_macros_leave_the_portfolio_as_it_is(site: Path, alone: dict[str, str]) -> None:
    pages = built(site, "macros", ["search", "macros", PORTFOLIO])
    assert pages == alone


def test_initiative_pages_carry_their_own_files_revision_date_not_the_build_date(
        site: Path, alone: dict[str, str]) -> None:
    pages = built(site, "revision", ["search", PORTFOLIO, {"git-revision-date-localized": {
        "type": "iso_date", "fallback_to_build_date": True}}])
    initiatives = [p for p in pages if p.startswith("initiatives/")]
    assert len(initiatives) == 24
    for path in initiatives:
        dates = re.findall(r"git-revision-date-localized-plugin-iso_date\"[^>]*>([^<]+)<",
                           pages[path])
        assert dates and set(dates) == {"2021-03-04"}, (path, dates)
        assert visible_text(pages[path])[:40] == visible_text(alone[path])[:40]


def test_an_initiatives_tags_reach_the_tags_plugin(site: Path, alone: dict[str, str]) -> None:
    pages = built(site, "tags", ["search", "tags", PORTFOLIO])
    tagged = [p for p, html in pages.items()
              if p.startswith("initiatives/") and re.search(r"md-tag[^>]*>\s*energy", html)]
    assert len(tagged) == 1
    assert re.search(r"md-tag[^>]*>\s*mobility", pages[tagged[0]])


@pytest.mark.parametrize("first", [True, False], ids=["redirects-first", "redirects-last"])
def test_a_redirect_to_a_generated_page_works_in_either_order(
        site: Path, alone: dict[str, str], first: bool) -> None:
    redirects = {"redirects": {"redirect_maps": {"old-overview.md": "portfolio/index.md"}}}
    plugins = [redirects, "search", PORTFOLIO] if first else ["search", PORTFOLIO, redirects]
    (site / "content" / "old-overview.md").unlink(missing_ok=True)
    try:
        pages = built(site, f"redirects-{first}", plugins)
    finally:
        (site / "content" / "old-overview.md").write_text("# Moved\n", encoding="utf-8")
    assert "../portfolio/" in pages["old-overview/index.html"]
    assert pages["portfolio/index.html"] == alone["portfolio/index.html"]
