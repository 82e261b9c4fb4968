"""The edit-preview loop: what `mkdocs serve` redoes after an edit."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from portfolio_plugin import pipeline
from portfolio_plugin.adapter import site_index
from portfolio_plugin.adapter.plugin import PortfolioPlugin
from portfolio_plugin.parallel.spool import PARTS, Spool

from support import Index, Site, compiling

Make = Callable[..., dict[str, Any]]


def serve_rebuild(site: Site) -> tuple[PortfolioPlugin, dict[str, float]]:
    """One rebuild as `mkdocs serve` does it: a fresh config; MkDocs keeps the plugin."""
    config = load_config(str(site.root / "mkdocs.yml"))
    plugin = config.plugins["portfolio"]
    assert isinstance(plugin, PortfolioPlugin)
    if not getattr(plugin, "serving", False):
        config.plugins.on_startup(command="serve", dirty=True)
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    return plugin, {f.src_uri: os.path.getmtime(f.abs_src_path) for f in files
            if f.src_uri.startswith(("initiatives/", "portfolio/")) and f.abs_src_path}


def test_a_serve_rebuild_rewrites_only_the_pages_whose_content_changed(
        site: Site, initiative: Make) -> None:
    for n in range(3):
        site.front(f"item-{n}", initiative(title=f"Item {n}"))
    plugin, first = serve_rebuild(site)
    try:
        time.sleep(0.05)
        site.front("item-1", initiative(title="Item 1, edited"))
        same, second = serve_rebuild(site)
        assert same is plugin
        assert second["initiatives/item-1.md"] > first["initiatives/item-1.md"]
        assert second["initiatives/item-0.md"] == first["initiatives/item-0.md"]
        assert second["initiatives/item-2.md"] == first["initiatives/item-2.md"]
        spooled = Path(plugin.serve_spool or "") / "initiatives" / "item-1.md"
        assert "Item 1, edited" in spooled.read_text(encoding="utf-8")
    finally:
        plugin.on_shutdown()
        spool = plugin.serve_spool
        plugin.on_startup(command="build", dirty=False)  # MkDocs keeps instances per process
    assert spool is not None and not spool.exists()


def test_unchanged_pages_are_neither_read_nor_rendered_again(site: Site, initiative: Make,
                                                            monkeypatch: Any) -> None:
    for n in range(3):
        site.front(f"item-{n}", initiative(title=f"Item {n}"))
    cache = pipeline.Cache()
    pipeline.run(site.options, cache=cache)
    read: list[str] = []
    rendered: list[str] = []
    import portfolio_plugin.load as load_module
    import portfolio_plugin.render.initiative as initiative_module

    real_read, real_render = load_module.read_page, initiative_module.initiative_page
    monkeypatch.setattr(load_module, "read_page",
                        lambda path, *a: read.append(path.stem) or real_read(path, *a))
    monkeypatch.setattr(initiative_module, "initiative_page",
                        lambda r, i: rendered.append(i.slug) or real_render(r, i))
    time.sleep(0.02)
    site.front("item-2", initiative(title="Item 2, edited"))
    build = pipeline.run(site.options, cache=cache)
    assert read == ["item-2"] and rendered == ["item-2"]
    assert "Item 2, edited" in build.rendered.pages["initiatives/item-2.md"]


def test_a_build_keeps_no_state_from_an_earlier_build(site: Site, initiative: Make) -> None:
    site.front("item-0", initiative())
    plugin = PortfolioPlugin()
    plugin.load_config({})
    plugin.on_startup(command="build", dirty=False)
    assert plugin.cache is None and plugin.serve_spool is None


def serve_files(site: Site) -> tuple[PortfolioPlugin, dict[str, Any]]:
    """One `mkdocs serve` rebuild's files, by docs path."""
    config = load_config(str(site.root / "mkdocs.yml"))
    plugin = config.plugins["portfolio"]
    assert isinstance(plugin, PortfolioPlugin)
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    return plugin, {f.src_uri: f for f in files}


def test_under_serve_an_invalid_page_shows_its_problems_escaped_in_place_of_the_old_page(
        site: Site, initiative: Make) -> None:
    site.front("good", initiative(title="Good work"))
    site.front("item", initiative(title="Item"))
    plugin, files = serve_files(site)
    try:
        time.sleep(0.02)
        site.page("item", "---\ntitle: Secret <b>draft</b>\nsummary: s\n"
                          "facet: '<script>alert(1)</script>'\nzone: green\n---\nSecret body.\n")
        plugin, files = serve_files(site)
        page = files["initiatives/item.md"].content_string
        assert page.startswith("# This page has problems\n")
        assert "Line 4, column 1</strong>: facet: is not a known value" in page
        assert "&#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;" in page
        assert "<script>" not in page and "Secret" not in page  # nothing else of the page
        assert "content/initiatives/item.md is not published" in page
        assert "Good work" in files["initiatives/good.md"].content_string
    finally:
        plugin.on_shutdown()
        plugin.on_startup(command="build", dirty=False)


def test_under_serve_a_page_that_cannot_be_read_shows_why_in_the_sites_language(
        site: Site, initiative: Make) -> None:
    config = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    (site.root / "mkdocs.yml").write_text(config.replace("  font: false\n",
                                                         "  font: false\n  language: sv\n"),
                                          encoding="utf-8")
    site.page("item", '---\ntitle: Item\nsummary: "never closed\nfacet: adaptive\n---\n')
    plugin, files = serve_files(site)
    try:
        page = files["initiatives/item.md"].content_string
        assert page.startswith("# Sidan har problem\n")
        assert "Rad 3, kolumn 10</strong>: summary: invalid YAML" in page
    finally:
        plugin.on_shutdown()
        plugin.on_startup(command="build", dirty=False)


def test_a_build_never_publishes_the_problems_page(site: Site, initiative: Make) -> None:
    site.page("item", "---\ntitle: Item\nsummary: s\nfacet: purple\nzone: green\n---\n")
    config = load_config(str(site.root / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    try:
        assert "initiatives/item.md" not in files.src_uris
    finally:
        config.plugins.on_build_error(error=RuntimeError("the test ends the build here"))


def test_a_serve_rebuild_neither_reads_nor_writes_an_item_it_wrote_the_same_before(
        tmp_path: Path, monkeypatch: Any) -> None:
    written: dict[str, bytes] = {}
    first = Spool(tmp_path, compare=True, written=written)
    first.write("a/page.md", "text", ["<table></table>"])
    first.write("a/file.json", b"{}", None)
    stamp = os.path.getmtime(tmp_path / "a" / "page.md")

    def never(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("an unchanged item was read back")

    monkeypatch.setattr(Path, "read_bytes", never)
    again = Spool(tmp_path, compare=True, written=written)
    again.write("a/page.md", "text", ["<table></table>"])
    again.write("a/file.json", b"{}", None)
    assert os.path.getmtime(tmp_path / "a" / "page.md") == stamp
    monkeypatch.undo()
    # A changed item (here its HTML blocks) is written.
    again.write("a/page.md", "text", ["<table>1</table>"])
    assert (tmp_path / PARTS / "a" / "page.md").read_text(encoding="utf-8") == \
        "<table>1</table>"


def test_a_serve_rebuild_leaves_the_feeds_of_unchanged_initiatives_as_they_were(
        site: Site, initiative: Make) -> None:
    """The build's time is the day's under `mkdocs serve`: a feed that carries it is not made
    anew (and copied again by MkDocs) on every rebuild."""
    story = [{"date": "2024-05-01", "kind": "milestone", "title": "Opened"}]
    site.front("item-0", initiative(title="Item 0", stories=story))
    site.front("item-1", initiative(title="Item 1"))
    plugin, _ = serve_rebuild(site)
    try:
        assert plugin.serve_spool is not None
        feed = Path(plugin.serve_spool) / "data" / "feeds" / "initiatives" / "item-0.xml"
        first = (feed.read_bytes(), os.path.getmtime(feed))
        time.sleep(1.1)  # a build time to the second would differ now
        site.front("item-1", initiative(title="Item 1, edited"))
        serve_rebuild(site)
        assert (feed.read_bytes(), os.path.getmtime(feed)) == first
    finally:
        plugin.on_shutdown()
        plugin.on_startup(command="build", dirty=False)


def test_a_serve_rebuild_remakes_the_feeds_that_show_an_edited_initiative(
        site: Site, initiative: Make) -> None:
    story = [{"date": "2024-05-01", "kind": "milestone", "title": "Opened"}]
    site.front("item-0", initiative(title="Item 0", steward="city", stories=story))
    plugin, _ = serve_rebuild(site)
    try:
        spool = Path(plugin.serve_spool or "")
        own = spool / "data" / "feeds" / "initiatives" / "item-0.json"
        partner = spool / "data" / "feeds" / "partners" / "city.json"
        assert "Item 0" in own.read_text(encoding="utf-8")
        site.front("item-0", initiative(title="Item 0, edited", steward="city",
                                        stories=story))
        serve_rebuild(site)
        assert "Item 0, edited" in own.read_text(encoding="utf-8")
        # The partner's feed names the initiative in each story's summary.
        assert "Item 0, edited" in partner.read_text(encoding="utf-8")
    finally:
        plugin.on_shutdown()
        plugin.on_startup(command="build", dirty=False)


class Watcher:
    """What `mkdocs serve`'s server is to a plugin's `on_serve`: it watches paths."""

    def __init__(self) -> None:
        self.watched: list[Path] = []

    def watch(self, path: str) -> None:
        self.watched.append(Path(path))


def serve_build(site: Site, out: Path, plugin: PortfolioPlugin | None = None) -> PortfolioPlugin:
    """A whole `mkdocs serve --dirty` (re)build into `out`, as its builder runs it."""
    from mkdocs.commands.build import build

    config = load_config(str(site.root / "mkdocs.yml"), site_dir=str(out))
    found = config.plugins["portfolio"]
    assert isinstance(found, PortfolioPlugin)
    if plugin is None:
        config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=plugin is not None)
    if plugin is None:
        watcher = Watcher()
        config.plugins.on_serve(watcher, config=config, builder=None)
        assert found.catch_up in watcher.watched  # where a preview asks for the rest
    return found


def content(folder: Path) -> dict[Path, bytes]:
    """Each file under a folder, by path: a page's article, any other file whole."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".html":
                data = data[data.index(b"<article"):data.index(b"</article>")]
            found[path.relative_to(folder)] = data
    return found


def searched(out: Path) -> dict[str, str]:
    """The title of each page in the site's own search index, by address (each once)."""
    index = Index(out / site_index.FOLDER)
    titles = {doc[0]: doc[1] for doc in index.docs}
    assert len(titles) == len(index.docs) == index.entry["pages"]
    return titles


def shown(out: Path, *parts: str) -> str:
    return (out.joinpath(*parts) / "index.html").read_text(encoding="utf-8")


def test_under_serve_dirty_an_edit_shows_on_its_page_and_in_the_list_first_then_the_rest(
        site: Site, initiative: Make, tmp_path: Path) -> None:
    story = [{"date": "2024-05-01", "kind": "milestone", "title": "Opened"}]
    for n in range(3):
        site.front(f"item-{n}", initiative(title=f"Item {n}", steward="city", stories=story))
    out = tmp_path / "served"
    plugin = serve_build(site, out)
    try:
        assert plugin.catch_up is not None and not (plugin.catch_up / "due").exists()
        time.sleep(0.05)
        site.front("item-1", initiative(title="Item 1, edited", steward="city",
                                        stories=story))
        assert searched(out)["initiatives/item-1/"] == "Item 1"
        serve_build(site, out, plugin)
        # First what shows the initiative first-hand: its page, the list and its index.
        assert "Item 1, edited" in shown(out, "initiatives", "item-1")
        assert "Item 1, edited" in shown(out, "portfolio", "initiatives")
        assert "Item 1, edited" in (out / "data" / "initiatives-index.json").read_text("utf-8")
        # What it kept is still there (MkDocs' dirty build leaves the site's files).
        assert (out / "data" / "feeds" / "initiatives" / "item-0.xml").is_file()
        assert (out / "data" / "portfolio.json").is_file()
        # The rest of the site is due: the server is told by the folder it watches.
        assert "Item 1, edited" not in shown(out, "portfolio", "partners", "city")
        assert (plugin.catch_up / "due").is_file()
        # The search index is written with the rest (a preview's pages are kept for it).
        assert searched(out)["initiatives/item-1/"] == "Item 1"
        serve_build(site, out, plugin)  # the rebuild the server runs next
        assert "Item 1, edited" in shown(out, "portfolio", "partners", "city")
        titles = searched(out)
        assert titles["initiatives/item-1/"] == "Item 1, edited"
        # The site is now as a whole build of the same pages makes it (MkDocs' own dirty
        # build does not read the other pages again: their titles in the navigation of a
        # page it rebuilt are not known, so pages are compared by their content).
        fresh = tmp_path / "fresh"
        other = serve_build(site, fresh)
        other.on_shutdown()
        for folder in ("initiatives", "portfolio", "data"):
            made, whole = content(out / folder), content(fresh / folder)
            assert made.keys() == whole.keys()
            assert [p for p in made if made[p] != whole[p]] == []
        # Its search index holds each page once, as the whole build's does.
        assert titles == searched(fresh)
    finally:
        plugin.on_shutdown()
        plugin.on_startup(command="build", dirty=False)


def test_a_preview_keeps_every_other_item_and_is_never_made_where_more_than_pages_changed(
        site: Site, initiative: Make) -> None:
    for n in range(3):
        site.front(f"item-{n}", initiative(title=f"Item {n}"))
    options = site.options
    built = pipeline.build_date()
    cache = pipeline.Cache()
    assert pipeline.preview(options, built, cache) is None  # no run before it
    _, whole = pipeline.prepare(options, built, cache)
    assert pipeline.preview(options, built, cache) is None  # it did not reach the engine
    cache.published()
    # Nothing the plugin shows changed: nothing is made, and the last run stays whole.
    _, nothing = pipeline.preview(options, built, cache) or (None, None)
    assert nothing is not None and nothing.kept == set(whole.uris())
    time.sleep(0.02)
    site.front("item-2", initiative(title="Item 2, edited"))
    _, plan = pipeline.preview(options, built, cache) or (None, None)
    assert plan is not None and plan.uris()[:len(whole.uris())] == whole.uris()
    made = [uri for uri, _ in plan.items if uri not in plan.kept]
    assert made == ["initiatives/item-2.md", "portfolio/initiatives.md",
                    "data/initiatives-index.json"]
    assert "Item 2, edited" in str(plan.items[plan.uris().index("initiatives/item-2.md")][1]())
    # A preview's run is not whole: the next run makes every item.
    cache.published()
    assert pipeline.preview(options, built, cache) is None
    for change in (lambda: site.front("item-3", initiative(title="New")),
                   lambda: site.data("assets.yml", {})):
        pipeline.prepare(options, built, cache)
        cache.published()
        time.sleep(0.02)
        change()
        assert pipeline.preview(options, built, cache) is None


def test_under_serve_an_unchanged_page_is_not_checked_again_until_site_data_changes(
        site: Site, initiative: Make, monkeypatch: Any) -> None:
    import portfolio_plugin.validate as validate_module

    for n in range(3):
        site.front(f"item-{n}", initiative(title=f"Item {n}"))
    cache = pipeline.Cache()
    pipeline.check(site.options, cache)
    checked: list[str] = []
    real = validate_module._checked
    monkeypatch.setattr(validate_module, "_checked",
                        lambda page, ctx: checked.append(page.slug) or real(page, ctx))
    time.sleep(0.02)
    site.front("item-0", initiative(title="Item 0, edited"))
    portfolio, _ = pipeline.check(site.options, cache)
    assert checked == ["item-0"]
    assert str(portfolio.initiatives[0].title) == "Item 0, edited"
    site.data("partners.yml", {**yaml_of(site, "partners.yml"), "newcomer": {
        "name": "Newcomer", "sector": "business"}})
    checked.clear()
    pipeline.check(site.options, cache)
    assert checked == ["item-0", "item-1", "item-2"]


def yaml_of(site: Site, name: str) -> dict[str, Any]:
    import yaml

    value = yaml.safe_load((site.root / "site_data" / name).read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def test_under_serve_what_is_kept_between_checks_gives_what_a_fresh_check_gives(
        site: Site, initiative: Make) -> None:
    """After each change of `site_data/` or of the options, the cache's check and a fresh one
    find the same problems (`1`, `1.0` and `true` are equal values, but not the same rate)."""
    funding = [{"funder": "city", "amount": 100, "currency": "EUR", "year": 2024,
                "kind": "cash"}]
    site.front("item-0", initiative(funding=funding),
               body='A paragraph with an attribute.\n{: onclick="x()" }\n')
    portfolio = yaml_of(site, "portfolio.yml")
    cache = pipeline.Cache()
    options = site.options
    changes = [
        lambda o: (site.data("portfolio.yml", {**portfolio, "exchange_rates": {"EUR": 1}}), o),
        lambda o: (None, replace(o, sanitise_bodies=True, markdown_extensions=("attr_list",))),
        lambda o: (None, replace(o, markdown_extensions=())),
        lambda o: (site.data("portfolio.yml", {**portfolio, "exchange_rates": {"EUR": True}}),
                   o),
    ]
    seen = []
    for change in changes:
        time.sleep(0.02)
        _, options = change(options)
        cached = [str(p) for p in pipeline.check(options, cache)[1].items]
        fresh = [str(p) for p in pipeline.check(options)[1].items]
        assert cached == fresh
        seen.append(fresh)
    # Each change changed what is found: a cache that missed one would be seen.
    assert all(a != b for a, b in pairwise(seen)), seen


def test_a_serve_rebuild_compiles_no_theme_template_but_a_changed_one(
        site: Site, initiative: Make, tmp_path: Path, monkeypatch: Any) -> None:
    compiled = compiling(monkeypatch)
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(
        "  name: material\n", "  name: material\n  custom_dir: overrides\n"), "utf-8")
    overrides = site.root / "overrides"
    overrides.mkdir()
    footer = overrides / "main.html"
    footer.write_text('{% extends "base.html" %}{% block footer %}first{% endblock %}',
                      encoding="utf-8")
    site.front("item-0", initiative(title="Item 0"))
    out = tmp_path / "served"
    plugin = serve_build(site, out)
    try:
        page = out / "initiatives" / "item-0" / "index.html"
        assert "first" in page.read_text("utf-8")
        compiled.clear()
        time.sleep(0.05)
        site.front("item-0", initiative(title="Item 0, edited"))
        serve_build(site, out, plugin)
        assert "Item 0, edited" in page.read_text("utf-8")
        assert {"main.html", "base.html", "partials/header.html"} & set(compiled) == set()
        # A template edited while the server runs is compiled again, and shown.
        time.sleep(0.05)
        footer.write_text('{% extends "base.html" %}{% block footer %}second{% endblock %}',
                          encoding="utf-8")
        site.front("item-0", initiative(title="Item 0, edited again"))
        serve_build(site, out, plugin)
        assert "main.html" in compiled and "base.html" not in compiled
        assert "second" in page.read_text("utf-8")
    finally:
        plugin.on_shutdown()
        plugin.on_startup(command="build", dirty=False)
