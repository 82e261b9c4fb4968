"""A site whose languages mkdocs-static-i18n builds (suffix structure: `page.md` in the default
language, `page.sv.md` in Swedish) gets the whole portfolio in each language, at the addresses
that plugin gives the language (LANGUAGES.md, "With mkdocs-static-i18n").

The site is built for real with `mkdocs build --strict`, once with each order of the two
plugins in `plugins:`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import pytest

from portfolio_plugin.adapter import search, site_index
from portfolio_plugin.adapter.static_i18n import Language
from portfolio_plugin.i18n import package_catalogue
from portfolio_plugin.options import i18n_languages, read_config

from support import (
    ENGLISH_BODY,
    I18N_ORDERS,
    SWEDISH_BODY,
    Index,
    crawl,
    i18n_site,
    index_contents,
    mkdocs_build,
    pagefind_file,
)


@pytest.fixture(scope="module", params=sorted(I18N_ORDERS))
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("i18n")
    mkdocs_build(i18n_site(root, request.param), root / "site")
    return root / "site"


def pages(folder: Path, skip: Path | None = None) -> set[str]:
    """The files of a language's folder, from that folder."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and (skip is None or skip not in p.parents)}


def portfolio_files(files: set[str]) -> set[str]:
    """The files the portfolio plugin publishes: its pages, the initiatives', its data."""
    return {f for f in files if f.startswith(("portfolio/", "initiatives/", "data/"))}


def test_both_languages_have_every_initiative_and_portfolio_page(site: Path) -> None:
    english = portfolio_files(pages(site, skip=site / "sv"))
    swedish = portfolio_files(pages(site / "sv"))
    assert {"initiatives/alpha/index.html", "initiatives/beta/index.html",
            "initiatives/gamma/index.html", "portfolio/index.html",
            "portfolio/initiatives/index.html", "portfolio/facet-map/index.html",
            "portfolio/partners/city/index.html", "data/portfolio.json",
            "data/initiatives.csv", "data/stories.xml"} <= english
    assert len(english) > 60
    assert swedish == english


def test_the_swedish_pages_are_in_swedish_and_the_english_in_english(site: Path) -> None:
    swedish, english = package_catalogue("sv"), package_catalogue("en")
    for page in (site / "sv").rglob("*.html"):
        assert '<html lang="sv"' in page.read_text(encoding="utf-8"), page
    assert '<html lang="en"' in (site / "portfolio" / "index.html").read_text(encoding="utf-8")
    overview = (site / "sv" / "portfolio" / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{swedish['overview.title']}</h1>" in overview
    assert english["overview.title"] not in overview
    assert f"<h1>{english['overview.title']}</h1>" in \
        (site / "portfolio" / "index.html").read_text(encoding="utf-8")
    alpha = (site / "sv" / "initiatives" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Alfapilot</h1>" in alpha
    assert swedish["initiative.partners"] in alpha
    listing = (site / "sv" / "portfolio" / "initiatives" / "index.html").read_text(
        encoding="utf-8")
    assert "Alfapilot" in listing and "Alpha pilot" not in listing
    assert "Alpha pilot" in (site / "initiatives" / "alpha" / "index.html").read_text(
        encoding="utf-8")
    # A plain text is in the i18n plugin's default language, and said so on a Swedish page.
    beta = (site / "sv" / "initiatives" / "beta" / "index.html").read_text(encoding="utf-8")
    assert '<span lang="en">Beta network</span></h1>' in beta


def test_each_language_publishes_its_own_open_data(site: Path) -> None:
    def titles(folder: Path) -> set[str]:
        text = (folder / "data" / "initiatives.csv").read_text(encoding="utf-8")
        return {row["title"] for row in csv.DictReader(io.StringIO(text))}

    assert "Alfapilot" in titles(site / "sv") and "Alpha pilot" not in titles(site / "sv")
    assert "Alpha pilot" in titles(site)
    feed = (site / "sv" / "data" / "stories.xml").read_text(encoding="utf-8")
    assert "https://testvik.example/sv/initiatives/alpha/" in feed
    document = json.loads((site / "sv" / "data" / "portfolio.json").read_text(encoding="utf-8"))
    assert document["initiatives"]


def test_the_swedish_body_is_on_the_swedish_initiative_page_and_not_on_the_english(
        site: Path) -> None:
    swedish = (site / "sv" / "initiatives" / "alpha" / "index.html").read_text(encoding="utf-8")
    english = (site / "initiatives" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert SWEDISH_BODY in swedish and ENGLISH_BODY not in swedish
    assert ENGLISH_BODY in english and SWEDISH_BODY not in english
    # The initiative's page around it, in Swedish, from alpha.md's front-matter: its facts
    # and its journey.
    catalogue = package_catalogue("sv")
    assert catalogue["zone.green"] in swedish
    assert "Pilot started" in swedish


def test_a_translation_file_is_never_published_raw_nor_as_an_initiative(site: Path) -> None:
    published = pages(site)
    assert not [p for p in published if "alpha.sv" in p]
    for language in (site, site / "sv"):
        listing = (language / "portfolio" / "initiatives" / "index.html").read_text(
            encoding="utf-8")
        assert "alpha.sv" not in listing
        index = json.loads((language / "data" / "portfolio.json").read_text(encoding="utf-8"))
        assert sorted(i["id"] for i in index["initiatives"]) == ["alpha", "beta", "gamma"]


def test_without_the_i18n_plugin_a_translation_file_is_not_published_either(
        tmp_path: Path) -> None:
    config = i18n_site(tmp_path, "i18n first")
    text = config.read_text(encoding="utf-8")
    config.write_text(text[:text.index("plugins:")] + "plugins: [search, portfolio]\n",
                      encoding="utf-8")
    mkdocs_build(config, tmp_path / "site")
    published = pages(tmp_path / "site")
    assert "initiatives/alpha/index.html" in published
    assert not [p for p in published if "alpha.sv" in p]
    alpha = (tmp_path / "site" / "initiatives" / "alpha" / "index.html").read_text(
        encoding="utf-8")
    assert ENGLISH_BODY in alpha and SWEDISH_BODY not in alpha


def test_plotly_is_published_once_for_both_languages(site: Path) -> None:
    assert [p for p in pages(site) if p.endswith("plotly.min.js")] == [
        "assets/portfolio/plotly.min.js"]


class _Switch(HTMLParser):
    """A page's language links: `<link rel=alternate hreflang>` in its head and the
    theme's language switch (`<a hreflang>`)."""

    def __init__(self) -> None:
        super().__init__()
        self.head: dict[str, str] = {}
        self.switch: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        language, href = found.get("hreflang"), found.get("href")
        if not language or href is None:
            return
        if tag == "link" and found.get("rel") == "alternate":
            self.head[language] = href
        elif tag == "a":
            self.switch[language] = href


def switch_targets(site: Path, page: str) -> tuple[dict[str, str], dict[str, str]]:
    """Where a page's language links lead, as paths from the site's root."""
    parser = _Switch()
    parser.feed((site / page / "index.html").read_text(encoding="utf-8"))
    here = f"https://testvik.example/{page}/"

    def target(href: str) -> str:
        return urlsplit(urljoin(here, href)).path.lstrip("/")

    return ({k: target(v) for k, v in parser.head.items()},
            {k: target(v) for k, v in parser.switch.items()})


@pytest.mark.parametrize("page", ["initiatives/alpha", "initiatives/beta",
                                  "portfolio/leverage", "portfolio/partners/city"])
def test_the_language_switch_leads_to_the_same_page_in_the_other_language(
        site: Path, page: str) -> None:
    expected = {"en": f"{page}/", "sv": f"sv/{page}/"}
    for here in (page, f"sv/{page}"):
        head, switch = switch_targets(site, here)
        assert head == expected, here
        assert switch == expected, here


def test_the_sitemap_lists_every_page_in_both_languages_with_its_translation(
        site: Path) -> None:
    space = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
             "x": "http://www.w3.org/1999/xhtml"}
    entries = {
        url.findtext("s:loc", namespaces=space): {
            link.get("hreflang"): link.get("href")
            for link in url.findall("x:link", space)}
        for url in ElementTree.parse(site / "sitemap.xml").getroot().findall("s:url", space)}
    for page in ("portfolio/leverage/", "initiatives/alpha/", "portfolio/partners/city/"):
        expected = {"en": f"https://testvik.example/{page}",
                    "sv": f"https://testvik.example/sv/{page}"}
        assert entries[expected["en"]] == expected
        assert entries[expected["sv"]] == expected
    pages_built = [p for p in site.rglob("index.html") if p.parent.name != "404"]
    assert len(entries) == len(pages_built)


def test_each_language_has_its_own_index_of_its_own_pages(site: Path) -> None:
    """The site's own index (`search: portfolio`): `search-index/<language>/`, which each
    language's pages search."""
    docs = {}
    for code in ("en", "sv"):
        index = Index(site / site_index.FOLDER / code)
        assert index.entry["language"] == code
        docs[code] = index.docs
    english = {doc[0]: doc[1] for doc in docs["en"]}
    swedish = {doc[0]: doc[1] for doc in docs["sv"]}
    assert len(english) == len(swedish) > 20
    assert {f"sv/{url}" for url in english} == set(swedish)
    assert english["initiatives/alpha/"] == "Alpha pilot"
    assert swedish["sv/initiatives/alpha/"] == "Alfapilot"
    for page, code in ((site / "index.html", "en"), (site / "sv" / "index.html", "sv")):
        assert f'data-pf-search-index="search-index/{code}/"' in \
            page.read_text(encoding="utf-8")


def test_the_written_site_read_again_gives_each_language_its_own_pages(site: Path) -> None:
    """What `mkdocs build --dirty` indexes: the written site, one language's pages each."""
    for code in ("en", "sv"):
        built = {doc[0] for doc in Index(site / site_index.FOLDER / code).docs}
        assert {page.url for page in site_index.read_site(site, True, code)} == built


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("i18n-pagefind")
    mkdocs_build(i18n_site(root, "i18n first", "pagefind"), root / "site")
    return root / "site"


def test_the_pagefind_index_holds_both_languages_alike(pagefind_site: Path) -> None:
    site = pagefind_site
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    counts = {code: found["page_count"] for code, found in entry["languages"].items()}
    assert set(counts) == {"en", "sv"} and counts["en"] == counts["sv"] > 20


def test_the_pagefind_index_of_both_languages_is_made_as_mkdocs_writes_the_pages(
        pagefind_site: Path, tmp_path: Path) -> None:
    site = pagefind_site
    """One index of every language's pages, handed to Pagefind in the order MkDocs writes
    them: what its binary makes of the written site, in the order the files were written."""
    program = search.binary()
    assert program is not None
    done = subprocess.run([str(program), "--site", str(site), "--output-subdir",
                           str(tmp_path / "by-binary"), "--exclude-selectors",
                           ", ".join(search.EXCLUDE)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert index_contents(site / "pagefind") == index_contents(tmp_path / "by-binary")
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta = pagefind_file(site / "pagefind" / f"pagefind.{language['hash']}.pf_meta")
        urls = [pagefind_file(site / "pagefind" / "fragment" / f"{page}.pf_fragment")["url"]
                for page, _words in meta[1]]
        written = [(site / url.lstrip("/") / "index.html").stat().st_mtime_ns for url in urls]
        assert written == sorted(written), urls  # (the binary takes the file system's order)


def test_no_link_is_broken_in_either_language(site: Path) -> None:
    found = crawl(site)
    assert found.pages > 60
    assert found.broken == []
    assert crawl(site / "sv").pages > 30


def test_a_language_version_of_a_page_names_the_page_it_is_a_version_of() -> None:
    swedish = Language("sv", "en", ("en", "sv"))
    assert swedish.page_of("initiatives/alpha.sv.md") == "initiatives/alpha.md"
    assert swedish.page_of("initiatives/alpha.en.md") == "initiatives/alpha.md"
    assert swedish.page_of("initiatives/alpha.de.md") == "initiatives/alpha.de.md"
    assert swedish.page_of("initiatives/alpha.md") == "initiatives/alpha.md"
    assert swedish.page_of("initiatives/.sv.md") == "initiatives/.sv.md"
    assert swedish.page_of("data/portfolio.sv.json") == "data/portfolio.sv.json"
    assert (swedish.folder, Language("en", "en", ("en", "sv")).folder) == ("sv/", "")


def test_the_i18n_plugins_folder_structure_is_refused_with_a_message(tmp_path: Path) -> None:
    config = i18n_site(tmp_path, "i18n first")
    config.write_text(config.read_text(encoding="utf-8").replace(
        "docs_structure: suffix", "docs_structure: folder"), encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config),
                             "-d", str(tmp_path / "site")], capture_output=True, text=True,
                            env=env, check=False, timeout=300)
    assert result.returncode != 0
    assert "docs_structure: folder is not supported" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_languages_built_are_read_from_the_i18n_plugins_settings() -> None:
    def plugins(*languages: dict[str, object], **settings: object) -> list[object]:
        return ["search", {"i18n": {"languages": list(languages), **settings}}, "portfolio"]

    english = {"locale": "en", "name": "English"}
    swedish = {"locale": "sv", "default": True, "name": "Svenska"}
    german = {"locale": "de", "name": "Deutsch", "build": False}
    assert i18n_languages(plugins(english, swedish, german)) == ("sv", "en")
    assert i18n_languages(plugins(english, swedish, build_only_locale="en")) == ("en",)
    assert i18n_languages(["search", "portfolio"]) == ()
    assert i18n_languages({"i18n": {"languages": "en"}}) == ()


def test_the_command_line_checks_such_a_site_in_its_default_language(tmp_path: Path) -> None:
    config = i18n_site(tmp_path, "i18n first")
    text = config.read_text(encoding="utf-8")
    # The i18n plugin's default language is the site's, whatever the theme says.
    config.write_text(text.replace("  font: false\n", "  font: false\n  language: de\n"),
                      encoding="utf-8")
    assert read_config(config).language == "en"
    validate = portfolio("-f", str(config), "validate", "--strict")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "3 initiative(s) valid" in validate.stderr + validate.stdout
    # Both languages are the site's: what is not in Swedish is counted.
    assert "0 not in en, " in validate.stderr + validate.stdout
    assert " not in sv" in validate.stderr + validate.stdout


def test_generate_writes_every_language_in_the_i18n_plugins_suffix_structure(
        tmp_path: Path) -> None:
    config = i18n_site(tmp_path / "source", "i18n first")
    out = tmp_path / "folder"
    generate = portfolio("-f", str(config), "generate", "--engine", "mkdocs", "--strict",
                         "--out", str(out))
    assert generate.returncode == 0, generate.stdout + generate.stderr
    docs = out / "docs"
    assert (docs / "portfolio" / "index.sv.md").is_file()
    assert (docs / "data" / "portfolio.sv.json").is_file()
    assert not (docs / "assets" / "portfolio" / "plotly.min.sv.js").exists()
    alpha = (docs / "initiatives" / "alpha.sv.md").read_text(encoding="utf-8")
    assert SWEDISH_BODY in alpha and "Alfapilot" in alpha
    assert SWEDISH_BODY not in (docs / "initiatives" / "alpha.md").read_text(encoding="utf-8")
    # MkDocs with the i18n plugin (and no portfolio plugin) builds it as the plugin would.
    mkdocs_build(out / "mkdocs.yml", out / "site")
    site = out / "site"
    swedish = package_catalogue("sv")["overview.title"]
    assert f"<h1>{swedish}</h1>" in (site / "sv" / "portfolio" / "index.html").read_text(
        encoding="utf-8")
    assert portfolio_files(pages(site / "sv")) == portfolio_files(pages(site, skip=site / "sv"))
    assert crawl(site).broken == []


def portfolio(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line, run as a user runs it."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run([sys.executable, "-m", "portfolio_plugin.cli", *args],
                          capture_output=True, text=True, env=env, check=False, timeout=300)
