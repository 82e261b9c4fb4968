"""The edit-preview loop: what `mkdocs serve` redoes after an edit."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import load_config
from mkdocs.structure.files import get_files

from portfolio_plugin import pipeline
from portfolio_plugin.adapter.plugin import PortfolioPlugin

from conftest import Site

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
