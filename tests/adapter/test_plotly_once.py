"""plotly.js once for all languages: `plotly_js` names the copy a site's pages load when a
reader explores a chart; a site with it publishes no copy of its own (LANGUAGES.md)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from portfolio_plugin.adapter.plugin import _defer_bundle
from portfolio_plugin.options import ConfigError, from_settings, read_config
from portfolio_plugin.pipeline import run, static_files

ROOT = Path(__file__).resolve().parents[2]
BUILT = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


def test_the_swedish_site_loads_the_english_copy_and_publishes_none() -> None:
    options = read_config(ROOT / "mkdocs.sv.yml")
    assert options.plotly_js == "../assets/portfolio/plotly.min.js"
    build = run(options, built=BUILT)
    assert not [uri for uri in build.rendered.files if uri.endswith("plotly.min.js")]
    page = build.rendered.pages["portfolio/facet-map.md"]
    assert 'data-pf-plotly="../assets/portfolio/plotly.min.js"' in page
    assert "Utforska diagrammet" in page


def test_the_english_site_publishes_its_copy_and_names_none() -> None:
    options = read_config(ROOT / "mkdocs.yml")
    assert options.plotly_js is None
    assert "assets/portfolio/plotly.min.js" in static_files()
    assert "assets/portfolio/plotly.min.js" not in static_files(plotly=False)


@pytest.mark.parametrize("value", ["javascript:alert(1)", "a b.js", '"><script>', 12,
                                   "data:text/javascript,1"])
def test_a_plotly_js_that_is_not_a_url_is_refused_by_name(value: object) -> None:
    with pytest.raises(ConfigError, match=r"plotly_js must be a URL of plotly\.min\.js"):
        from_settings(ROOT, {}, {"plotly_js": value})


def test_an_absolute_plotly_js_is_kept_as_written() -> None:
    url = "https://static.example.org/plotly-2.35.2.min.js"
    assert from_settings(ROOT, {}, {"plotly_js": url}).plotly_js == url


def test_materials_bundle_is_deferred_and_nothing_else_is_touched() -> None:
    page = ('<script src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
            '<script src="../js/other.js"></script>')
    deferred = _defer_bundle(page)
    assert re.findall(r"<script[^>]*>", deferred) == [
        '<script src="../assets/javascripts/bundle.a5f9d56c.min.js" defer>',
        '<script src="../js/other.js">']
