"""Any engine: the reference site builds alike with MkDocs and ProperDocs, and the Markdown that
`portfolio generate` writes makes complete pages on an engine that runs no plugins."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from portfolio_plugin.cli import main
from portfolio_plugin.i18n import Translator

from support import EPOCH, ROOT, write_site


def build(engine: str, config: Path, out: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", engine, "build", "--strict", "-q", "-f", str(config),
         "-d", str(out)], capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode == 0, f"{engine}: {result.stderr[-3000:]}"


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def article(path: Path) -> str:
    """The page's own content, without the theme's navigation around it, nor the marks the
    plugin puts on a page for a Pagefind index (which an engine without it has no use for)."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r' data-pagefind-body><span data-pagefind-filter="type\[data-pf-type\]" '
                  r'data-pf-type="[a-z]+"></span>', ">", html)
    start = html.index('<article class="md-content__inner md-typeset">')
    return html[start:html.index("</article>", start)]


def test_the_reference_site_builds_alike_with_mkdocs_and_properdocs(tmp_path: Path) -> None:
    build("mkdocs", ROOT / "mkdocs.yml", tmp_path / "mkdocs")
    build("properdocs", ROOT / "mkdocs.yml", tmp_path / "properdocs")
    made = pages(tmp_path / "mkdocs")
    assert made == pages(tmp_path / "properdocs")
    assert {"index.html", "portfolio/data/index.html"} <= made
    data = sorted(p.relative_to(tmp_path / "mkdocs" / "data").as_posix()
                  for p in (tmp_path / "mkdocs" / "data").rglob("*") if p.is_file())
    assert "portfolio.json" in data and "feeds/initiatives/shared-city-cars.xml" in data
    for name in data:
        assert (tmp_path / "mkdocs" / "data" / name).read_bytes() == \
            (tmp_path / "properdocs" / "data" / name).read_bytes(), name


@pytest.fixture
def plain_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The fixture built twice: with the plugin, and from generated Markdown without it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    # With its address: a strict build warns without it (the feeds need it).
    config = write_site(tmp_path / "site", "https://testvik.example/")
    build("mkdocs", config, tmp_path / "with-plugin")

    # An engine without plugins, as ENGINES.md says: docs_dir without the initiative sources,
    # overlaid with what `portfolio generate` writes.
    plain = tmp_path / "plain"
    shutil.copytree(tmp_path / "site" / "docs", plain / "docs",
                    ignore=lambda folder, names: [n for n in names if n.endswith(".md")]
                    if Path(folder).name == "initiatives" else [])
    assert not list((plain / "docs" / "initiatives").iterdir())
    assert main(["generate", "-f", str(config), "--out", str(plain / "docs"),
                 "--overrides", str(plain / "overrides")]) == 0
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    del settings["plugins"]
    settings["theme"]["custom_dir"] = "overrides"
    settings["extra_css"] = ["assets/portfolio/portfolio.css"]
    settings["extra_javascript"] = ["assets/portfolio/portfolio.js"]
    (plain / "mkdocs.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    assert "portfolio" not in (plain / "mkdocs.yml").read_text(encoding="utf-8").split(
        "extra_css")[0]
    build("mkdocs", plain / "mkdocs.yml", tmp_path / "without-plugin")
    return tmp_path / "with-plugin", tmp_path / "without-plugin"


def test_generated_markdown_makes_the_same_pages_without_the_plugin(
        plain_site: tuple[Path, Path]) -> None:
    with_plugin, without = plain_site
    assert pages(with_plugin) == pages(without)
    for name in sorted(pages(with_plugin)):
        if name.startswith(("portfolio/", "initiatives/")):
            assert article(with_plugin / name) == article(without / name), name
    for name in ("portfolio.json", "stories.xml", "initiatives.csv"):
        assert (with_plugin / "data" / name).read_bytes() == \
            (without / "data" / name).read_bytes()
    assert (without / "assets" / "portfolio" / "plotly.min.js").is_file()


def test_generated_pages_show_the_figures_without_the_plugin(
        plain_site: tuple[Path, Path]) -> None:
    _, without = plain_site
    t = Translator.for_language("en")
    alpha = article(without / "initiatives" / "alpha" / "index.html")
    # By hand: SEK 200,000 + EUR 15,000 at 10 = SEK 350,000 cash from 2 funders (the third
    # gave only in kind), 30,000 in kind.
    assert t("initiative.funding_summary", cash=t.money(350000, "SEK"), funders=2) in alpha
    assert t("initiative.funding_in_kind", in_kind=t.money(30000, "SEK")) in alpha
    assert "Alpha&rsquo;s own description." in alpha or "Alpha's own description." in alpha
    overview = article(without / "portfolio" / "index.html")
    # Three initiatives; money gathered = 1,500,000 + 350,000 + 400,000 = SEK 2,250,000.
    assert re.search(r"<strong>3</strong>", overview)
    assert t.money(2250000, "SEK", compact=True) in overview
    html = (without / "portfolio" / "index.html").read_text(encoding="utf-8")
    assert "assets/portfolio/portfolio.js" in html and "data/stories.xml" in html
