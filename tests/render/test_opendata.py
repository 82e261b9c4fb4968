"""The Data page states the data's licence (its name, linked to its text) and links the data
package that describes every file, in English and in Swedish."""

from __future__ import annotations

import dataclasses

import pytest

from portfolio_plugin.i18n import Translator
from portfolio_plugin.model import Portfolio
from portfolio_plugin.render.opendata import data_page

from support import fixture, read, renderer


def licensed(spdx_id: str | None) -> Portfolio:
    portfolio = fixture()
    return dataclasses.replace(portfolio,
                               info=dataclasses.replace(portfolio.info, licence=spdx_id))


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_data_page_names_the_licence_and_links_its_text(language: str) -> None:
    page = data_page(renderer(licensed("CC-BY-4.0"), language=language))
    t = Translator.for_language(language)
    assert t("opendata.licence") in page
    assert ('<a href="https://creativecommons.org/licenses/by/4.0/" rel="license" '
            'hreflang="en">Creative Commons Attribution 4.0 International</a> '
            '<span class="pf-licence-id">(<code>CC-BY-4.0</code>)</span>') in page
    assert t("opendata.no_licence") not in page


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_data_page_links_the_data_package(language: str) -> None:
    page = data_page(renderer(licensed("ODbL-1.0"), language=language))
    t = Translator.for_language(language)
    assert t("opendata.package") in page
    links = [a.get("href") or "" for tag, a in read(page).elements if tag == "a"]
    package = [href for href in links if href.endswith("datapackage.json")]
    # In the text and in the table of files, both to the one file beside the others.
    assert len(package) == 2 and all(h.endswith("data/datapackage.json") for h in package)
    # ...and lists it among the files, with what it holds.
    assert t("opendata.about.datapackage") in page


def test_without_a_licence_the_data_page_says_none_was_given() -> None:
    page = data_page(renderer(licensed(None)))
    assert Translator.for_language("en")("opendata.no_licence") in page
    assert 'rel="license"' not in page
