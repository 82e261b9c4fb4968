"""Feeds that work in any reader: of the whole site, of each initiative and of each partner;
absolute links, `rel="self"` and `feed_url` where `site_url` is set, a warning where it is not,
and an id of its own for each language's feed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import feedparser
import pytest

from portfolio_plugin.options import Options, read_config
from portfolio_plugin.pipeline import Build, run
from portfolio_plugin.problems import Severity
from portfolio_plugin.render import join_html_blocks

from support import EPOCH, ROOT, bench, mkdocs_build, write_site

SITE_URL = "https://testvik.example/showcase/"
JSON_FEED = "https://jsonfeed.org/version/1.1"
generate = bench("generate")


@pytest.fixture(autouse=True)
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def build(options: Options) -> Build:
    return run(options, with_static=False)


def feeds_of(build: Build) -> dict[str, bytes]:
    """Every feed the build made, by site path."""
    files = build.rendered.files
    return {uri: data for uri, data in files.items()
            if uri in ("data/stories.xml", "data/stories.json") or uri.startswith("data/feeds/")}


def with_site_url(config: Path, site_url: str) -> Path:
    """The configuration with a `site_url` (replacing any)."""
    text = re.sub(r"(?m)^site_url:.*\n", "", config.read_text(encoding="utf-8"))
    config.write_text(f"site_url: {site_url}\n{text}", encoding="utf-8")
    return config


def check_feeds(feeds: dict[str, bytes], site_url: str | None) -> None:
    """Every Atom feed parses without `bozo`; every JSON Feed has the fields 1.1 requires;
    with a site address, every link is absolute and each feed names its own address."""
    assert feeds
    for uri, data in feeds.items():
        if uri.endswith(".xml"):
            parsed = feedparser.parse(data)
            assert not parsed.bozo, (uri, parsed.get("bozo_exception"))
            assert parsed.version == "atom10", uri
            assert parsed.feed.get("id"), uri
            assert parsed.entries, uri
            if site_url:
                links = [link for link in parsed.feed.links]
                links += [link for e in parsed.entries for link in e.links]
                relative = [link.href for link in links if not link.href.startswith("https://")]
                assert relative == [], uri
                own = [link.href for link in parsed.feed.links if link.rel == "self"]
                assert own == [site_url + uri], uri
        else:
            feed = json.loads(data)
            assert feed["version"] == JSON_FEED, uri
            assert isinstance(feed["title"], str) and feed["title"], uri
            assert feed["items"] and all(isinstance(i["id"], str) and i["id"]
                                         for i in feed["items"]), uri
            if site_url:
                assert feed["feed_url"] == site_url + uri, uri
                assert feed["home_page_url"].startswith(site_url), uri
                assert all(i["url"].startswith(site_url) for i in feed["items"]), uri
            else:
                assert "feed_url" not in feed and "home_page_url" not in feed, uri


# -- every feed of real sites ------------------------------------------------------------------

@pytest.mark.parametrize("config", ["mkdocs.yml", "mkdocs.sv.yml"])
def test_every_feed_of_the_reference_site_works_in_a_feed_reader(config: str) -> None:
    options = read_config(ROOT / config)
    assert options.site_url
    feeds = feeds_of(build(options))
    check_feeds(feeds, options.site_url)
    # The site's feeds, and one of each initiative and partner whose initiatives have stories.
    assert any(uri.startswith("data/feeds/initiatives/") for uri in feeds)
    assert any(uri.startswith("data/feeds/partners/") for uri in feeds)


@pytest.mark.parametrize("site_url", [SITE_URL, None])
def test_every_feed_of_a_generated_portfolio_works_in_a_feed_reader(
        tmp_path: Path, site_url: str | None) -> None:
    site = generate.generate(40, tmp_path / "site", seed=5)
    config = site / "mkdocs.yml"
    if site_url:
        with_site_url(config, site_url)
    result = build(read_config(config))
    feeds = feeds_of(result)
    check_feeds(feeds, site_url)
    with_stories = {i.slug for i in result.portfolio.initiatives if i.stories}
    made = {uri.rsplit("/", 1)[1].rsplit(".", 1)[0] for uri in feeds
            if uri.startswith("data/feeds/initiatives/")}
    assert made == with_stories


# -- site_url ------------------------------------------------------------------------------------

def test_a_build_without_site_url_warns_that_feeds_need_it(tmp_path: Path) -> None:
    result = build(read_config(write_site(tmp_path)))
    warnings = [p for p in result.problems.items if p.field == "site_url"]
    assert len(warnings) == 1
    warning = warnings[0]
    assert warning.severity is Severity.WARNING
    assert (warning.path, warning.line, warning.column) == ("mkdocs.yml", 1, 1)
    assert "feeds" in warning.message
    assert warning.found == "no site_url"
    assert warning.expected and "site_url" in warning.expected


def test_the_warning_names_the_configuration_file_it_is_about(tmp_path: Path) -> None:
    config = write_site(tmp_path)
    other = config.with_name("mkdocs.sv.yml")
    config.rename(other)
    result = build(read_config(other))
    assert [p.path for p in result.problems.items if p.field == "site_url"] == ["mkdocs.sv.yml"]


def test_a_build_with_site_url_says_nothing_about_it(tmp_path: Path) -> None:
    result = build(read_config(write_site(tmp_path, SITE_URL)))
    assert [p for p in result.problems.items if p.field == "site_url"] == []


def test_without_site_url_the_feeds_link_relatively_to_themselves(tmp_path: Path) -> None:
    feeds = feeds_of(build(read_config(write_site(tmp_path))))
    site = feedparser.parse(feeds["data/stories.xml"])
    assert site.entries[0].link == "../initiatives/beta/"
    assert not [link for link in site.feed.links if link.rel == "self"]
    initiative = feedparser.parse(feeds["data/feeds/initiatives/beta.xml"])
    assert initiative.feed.link == "../../../initiatives/beta/"
    assert initiative.entries[0].link == "../../../initiatives/beta/"


# -- one id per language --------------------------------------------------------------------------

def swedish(config: Path) -> Path:
    """The same site in Swedish (as the reference site's mkdocs.sv.yml, same site_url)."""
    text = config.read_text(encoding="utf-8").replace("  name: material",
                                                      "  name: material\n  language: sv")
    other = config.with_name("mkdocs.sv.yml")
    other.write_text(text, encoding="utf-8")
    return other


@pytest.mark.parametrize("site_url", [SITE_URL, None])
def test_each_language_has_its_own_feed_and_entry_ids(tmp_path: Path,
                                                      site_url: str | None) -> None:
    english = write_site(tmp_path, site_url)
    feeds = {name: feeds_of(build(read_config(config)))
             for name, config in (("en", english), ("sv", swedish(english)))}
    assert feeds["en"].keys() == feeds["sv"].keys()
    for uri in feeds["en"]:
        if not uri.endswith(".xml"):
            continue
        en, sv = (feedparser.parse(feeds[lang][uri]) for lang in ("en", "sv"))
        assert en.feed.id != sv.feed.id, uri
        assert not {e.id for e in en.entries} & {e.id for e in sv.entries}, uri
    ids = {feedparser.parse(data).feed.id for uri, data in feeds["en"].items()
           if uri.endswith(".xml")}
    assert len(ids) == len([uri for uri in feeds["en"] if uri.endswith(".xml")])


def test_a_story_keeps_its_id_in_every_feed_it_is_in(tmp_path: Path) -> None:
    feeds = feeds_of(build(read_config(write_site(tmp_path, SITE_URL))))
    site = {e.title: e.id for e in feedparser.parse(feeds["data/stories.xml"]).entries}
    for uri, data in feeds.items():
        if uri.endswith(".json"):
            for item in json.loads(data)["items"]:
                assert item["id"] == site[item["title"]], uri


# -- feeds of initiatives and partners ------------------------------------------------------------

def test_an_initiative_feed_holds_its_stories_newest_first(tmp_path: Path) -> None:
    result = build(read_config(write_site(tmp_path, SITE_URL)))
    feeds = feeds_of(result)
    beta = next(i for i in result.portfolio.initiatives if i.slug == "beta")
    parsed = feedparser.parse(feeds["data/feeds/initiatives/beta.xml"])
    assert [e.title for e in parsed.entries] == [s.title for s in beta.stories]
    assert parsed.feed.link == SITE_URL + "initiatives/beta/"
    assert "Beta" in parsed.feed.title
    without = [i.slug for i in result.portfolio.initiatives if not i.stories]
    for slug in without:
        assert f"data/feeds/initiatives/{slug}.xml" not in feeds


def test_a_partner_feed_holds_the_stories_of_every_initiative_it_takes_part_in(
        tmp_path: Path) -> None:
    result = build(read_config(write_site(tmp_path, SITE_URL)))
    feeds = feeds_of(result)
    for partner in result.portfolio.partners:
        pf = result.figures.partner(partner.id)
        slugs = {slug for slug, _ in (pf.initiatives if pf else ())}
        expected = [s for s in result.figures.stories if s.initiative in slugs]
        uri = f"data/feeds/partners/{partner.id}.json"
        if not expected:
            assert uri not in feeds
            continue
        items = json.loads(feeds[uri])["items"]
        assert [(i["title"], i["_portfolio"]["initiative"]) for i in items] == [
            (s.title, s.initiative) for s in expected]
        dates = [i["date_published"] for i in items]
        assert dates == sorted(dates, reverse=True)


def page_meta(markdown: str) -> dict[str, Any]:
    """The front-matter of a generated page (JSON values, one a line)."""
    head = markdown.split("---\n", 2)[1]
    return {line.split(": ", 1)[0]: json.loads(line.split(": ", 1)[1])
            for line in head.splitlines()}


def test_initiative_and_partner_pages_link_to_their_feeds_and_announce_them(
        tmp_path: Path) -> None:
    result = build(read_config(write_site(tmp_path, SITE_URL)))
    pages = {uri: join_html_blocks(text, list(parts))
             for uri, (text, parts) in result.rendered.marked.items()}
    beta = pages["initiatives/beta.md"]
    assert 'href="../../data/feeds/initiatives/beta.xml"' in beta
    assert 'href="../../data/feeds/initiatives/beta.json"' in beta
    assert "Follow this initiative" in beta
    assert [f["path"] for f in page_meta(beta)["feeds"]] == [
        "data/feeds/initiatives/beta.xml", "data/feeds/initiatives/beta.json"]
    partner_uri = next(uri for uri in pages if uri.startswith("portfolio/partners/")
                       and "data/feeds/partners/" in pages[uri])
    partner_id = partner_uri.rsplit("/", 1)[1].removesuffix(".md")
    meta = page_meta(pages[partner_uri])
    assert [f["type"] for f in meta["feeds"]] == ["application/atom+xml",
                                                   "application/feed+json"]
    assert meta["feeds"][0]["path"] == f"data/feeds/partners/{partner_id}.xml"
    without = [i.slug for i in result.portfolio.initiatives if not i.stories]
    for slug in without:
        page = pages[f"initiatives/{slug}.md"]
        assert "data/feeds/" not in page and "feeds" not in page_meta(page)


def test_the_follow_link_speaks_swedish(tmp_path: Path) -> None:
    result = build(read_config(swedish(write_site(tmp_path, SITE_URL))))
    text, parts = result.rendered.marked["initiatives/beta.md"]
    beta = join_html_blocks(text, list(parts))
    assert "Följ initiativets berättelser:" in beta


def test_a_built_page_announces_its_own_feeds_in_its_head(tmp_path: Path) -> None:
    mkdocs_build(write_site(tmp_path / "src", SITE_URL), tmp_path / "out")  # strict
    page = (tmp_path / "out" / "initiatives" / "beta" / "index.html").read_text(
        encoding="utf-8")
    head = page.split("</head>", 1)[0]
    for kind, extension in (("Atom", "xml"), ("JSON Feed", "json")):
        assert re.search(
            rf'<link rel="alternate feed" type="[^"]+" title="Stories of Beta network '
            rf'\({kind}\)" href="../../data/feeds/initiatives/beta.{extension}">', head), kind
        assert (tmp_path / "out" / "data" / "feeds" / "initiatives" / f"beta.{extension}"
                ).is_file()
    # The site's feeds are still announced beside the page's own.
    assert 'href="../../data/stories.xml"' in head


def test_a_strict_build_without_site_url_stops_on_the_warning(tmp_path: Path) -> None:
    config = write_site(tmp_path / "src")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d",
         str(tmp_path / "out")], capture_output=True, text=True, timeout=300, check=False,
        env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode != 0
    assert "mkdocs.yml:1:1: warning: site_url: feeds need the site's address" in result.stderr
    assert "Traceback" not in result.stderr
