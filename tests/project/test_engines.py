"""Any engine: the reference site builds alike with MkDocs and ProperDocs, the folder that
`portfolio generate` writes builds as is with Zensical (and with MkDocs without the plugin),
and every built site has no broken internal link."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from portfolio_plugin.cli import main
from portfolio_plugin.i18n import Translator

from support import EPOCH, ROOT, Crawl, crawl, write_site

# The reference site: English, and Swedish built into its sv/ folder.
LANGUAGES = (("mkdocs.yml", ""), ("mkdocs.sv.yml", "sv"))


def build(engine: str, config: Path, out: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", engine, "build", "--strict", "-q", "-f", str(config),
         "-d", str(out)], capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode == 0, f"{engine}: {result.stderr[-3000:]}"


def zensical_build(config: Path) -> Path:
    """Build a folder of `portfolio generate` with Zensical as ENGINES.md says; the site."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    result = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "-f",
                             str(config)], capture_output=True, text=True, env=env,
                            cwd=config.parent.parent, timeout=600, check=False)
    assert result.returncode == 0, f"zensical: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return config.parent / "site"


def reference_site(engine: str, out: Path) -> Path:
    """The reference site built with the plugin by MkDocs or ProperDocs."""
    for config, below in LANGUAGES:
        build(engine, ROOT / config, out / below)
    return out


def pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def article(path: Path) -> str:
    """The page's own content, without the theme's navigation around it, nor the marks the
    plugin puts on a page for a Pagefind index (which an engine without it has no use for)."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r' data-pagefind-body(?: data-pf-indexed="[a-z]+")?><span '
                  r'data-pagefind-filter="type\[data-pf-type\]" data-pf-type="[a-z]+"></span>',
                  ">", html)
    start = html.index('<article class="md-content__inner md-typeset">')
    return html[start:html.index("</article>", start)]


def no_broken_links(found: Crawl) -> None:
    assert not found.broken, "\n".join(f"{page}: {link} ({why})"
                                        for page, link, why in found.broken[:40])


@pytest.fixture(scope="module")
def mkdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return reference_site("mkdocs", tmp_path_factory.mktemp("mkdocs") / "site")


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return reference_site("properdocs", tmp_path_factory.mktemp("properdocs") / "site")


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference site as ENGINES.md builds it with Zensical: `portfolio generate`, then
    `zensical build` of the folder, for each language."""
    folder = tmp_path_factory.mktemp("zensical")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for config, below in LANGUAGES:
            out = folder / "build" / (below or "en")
            assert main(["generate", "--strict", "-f", str(ROOT / config),
                         "--out", str(out)]) == 0
            site = zensical_build(out / "mkdocs.yml")
            if below:
                site.rename(folder / "build" / "en" / "site" / below)
    return folder / "build" / "en" / "site"


def test_the_reference_site_builds_alike_with_mkdocs_and_properdocs(
        mkdocs_site: Path, properdocs_site: Path) -> None:
    made = pages(mkdocs_site)
    assert made == pages(properdocs_site)
    assert {"index.html", "portfolio/data/index.html", "sv/index.html"} <= made
    data = sorted(p.relative_to(mkdocs_site / "data").as_posix()
                  for p in (mkdocs_site / "data").rglob("*") if p.is_file())
    assert "portfolio.json" in data and "feeds/initiatives/shared-city-cars.xml" in data
    for name in data:
        assert (mkdocs_site / "data" / name).read_bytes() == \
            (properdocs_site / "data" / name).read_bytes(), name


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs", "zensical"])
def test_every_internal_link_of_the_reference_site_resolves_under_each_engine(
        engine: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(f"{engine}_site")
    found = crawl(site)
    no_broken_links(found)
    # Both languages, each page with its many links (figures, listings, the theme's).
    assert found.pages > 200 and found.links > 12000, (found.pages, found.links)


def test_zensical_builds_the_same_pages_as_the_plugin(mkdocs_site: Path,
                                                      zensical_site: Path) -> None:
    assert pages(zensical_site) == pages(mkdocs_site)
    overview = (zensical_site / "portfolio" / "index.html").read_text(encoding="utf-8")
    # The plugin's page template (feed links) and style are there without the plugin.
    assert 'href="../data/stories.xml"' in overview
    assert "assets/portfolio/portfolio.css" in overview
    initiative = (zensical_site / "initiatives" / "shared-city-cars" / "index.html")
    assert 'href="../../portfolio/partners/norrvik-city/"' in initiative.read_text(
        encoding="utf-8")


def test_a_site_with_folders_of_its_own_builds_with_zensical_without_a_broken_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    config = write_site(tmp_path / "site", "https://testvik.example/")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "plugins: [portfolio]", "plugins:\n  - search\n  - portfolio:\n"
        "      output: showcase\n      exports: opendata\n      page_size: 1\n"),
        encoding="utf-8")
    (tmp_path / "site" / "docs" / "about.md").write_text(
        "# About\n\nSee [the money](showcase/leverage.md) and [Alpha](initiatives/alpha.md).\n",
        encoding="utf-8")
    out = tmp_path / "build"
    assert main(["generate", "--strict", "-f", str(config), "--out", str(out)]) == 0
    site = zensical_build(out / "mkdocs.yml")
    found = crawl(site)
    no_broken_links(found)
    assert found.pages > 20, found.pages
    assert (site / "opendata" / "portfolio.json").is_file()
    assert (site / "showcase" / "initiatives" / "page-3" / "index.html").is_file()
    overview = (site / "showcase" / "index.html").read_text(encoding="utf-8")
    assert 'href="../opendata/stories.xml"' in overview


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_links_work_from_files_without_directory_urls(engine: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    # The reference site without directory URLs, built by the plugin (MkDocs) or from the
    # folder of `portfolio generate` (Zensical), and read from file://. Without the language
    # switcher: its links are the site's `extra.alternate`, written for a server (`./`, `sv/`).
    for name in ("content", "site_data", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path)
    config = tmp_path / "flat.yml"
    config.write_text("INHERIT: mkdocs.yml\nuse_directory_urls: false\n"
                      "extra:\n  alternate: []\n", encoding="utf-8")
    if engine == "mkdocs":
        site = tmp_path / "site"
        build("mkdocs", config, site)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert main(["generate", "-f", str(config), "--out", str(tmp_path / "z")]) == 0
        site = zensical_build(tmp_path / "z" / "mkdocs.yml")
    found = crawl(site, files=True)
    no_broken_links(found)
    assert found.pages > 100 and found.links > 5000, (found.pages, found.links)
    html = (site / "initiatives" / "shared-city-cars.html").read_text(encoding="utf-8")
    assert 'href="../portfolio/index.html"' in html


@pytest.fixture(scope="module")
def plain_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The fixture built twice: with the plugin, and from generated Markdown without it."""
    tmp_path = tmp_path_factory.mktemp("plain")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield _plain_site(tmp_path)


def _plain_site(tmp_path: Path) -> tuple[Path, Path]:
    # With its address: a strict build warns without it (the feeds need it).
    config = write_site(tmp_path / "site", "https://testvik.example/")
    build("mkdocs", config, tmp_path / "with-plugin")

    # An engine without plugins: the folder `portfolio generate` writes for MkDocs, built as
    # it is (its own configuration, without the plugin).
    plain = tmp_path / "plain"
    assert main(["generate", "-f", str(config), "--out", str(plain), "--engine", "mkdocs"]) == 0
    settings = yaml.safe_load((plain / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "portfolio" not in settings["plugins"]
    assert settings["extra_css"] == ["assets/portfolio/portfolio.css"]
    # The rendered initiative page, not its source.
    assert not (plain / "docs" / "initiatives" / "alpha.md").read_text(
        encoding="utf-8").startswith("---\ntitle: Alpha pilot\nsummary:")
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
    # The site leaves its navigation to the engine: the folder's is the plugin's (the
    # section pages in order, under a title in the site's language; no initiative).
    assert navigation(without / "index.html") == navigation(with_plugin / "index.html")
    assert "Portfolio" in navigation(with_plugin / "index.html")
    assert not any("initiatives/alpha" in item for item in navigation(without / "index.html"))


def navigation(page: Path) -> list[str]:
    """The sidebar's links and section titles, in order."""
    html = page.read_text(encoding="utf-8")
    start = html.index('<nav class="md-nav md-nav--primary"')
    found = re.findall(r'href="([^"]*)"|<label class="md-nav__link"[^>]*>\s*'
                       r'<span class="md-ellipsis">\s*([^<]*?)\s*<',
                       html[start:html.index('<div class="md-sidebar md-sidebar--secondary"',
                                             start)])
    return [link or label for link, label in found]


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
