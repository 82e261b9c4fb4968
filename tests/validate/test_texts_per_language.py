"""Every text a person reads may be given per language (DESIGN.md, "Languages"): the run
shows each in its page's language, a text missing there in another one marked with its
language, and notes every text not given in each language of the site."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
import yaml

from portfolio_plugin.model import Foreign, language_of
from portfolio_plugin.options import Options
from portfolio_plugin.pipeline import check

from support import write_site

SV = {
    "partners": {"city": {"name": {"en": "Testvik City", "sv": "Testviks kommun"},
                          "sector": "public",
                          "description": {"en": "The city.", "sv": "Kommunen."}},
                 "agency": {"name": "Innovation Agency", "sector": "funder"},
                 "uni": {"name": {"sv": "Testviks universitet"}, "sector": "academia"},
                 "firm": {"name": "Nordic Firm AB", "sector": "business"}},
    "assets": {"lab": {"name": {"en": "Street Lab", "sv": "Gatulabbet"}, "kind": "testbed",
                       "owner": "uni"}},
}


def _site(tmp_path: Path, default: str | None = "en") -> Path:
    config = write_site(tmp_path)
    data = tmp_path / "site_data"
    portfolio = yaml.safe_load((data / "portfolio.yml").read_text(encoding="utf-8"))
    portfolio["name"] = {"en": "Testvik Platform", "sv": "Testviks plattform"}
    portfolio["themes"] = {"energy": {"en": "Energy", "sv": "Energi"}}
    portfolio["objectives"]["zero"]["key_results"] = [
        {"title": {"en": "Halve emissions", "sv": "Halvera utsläppen"},
         "target": {"en": "half by 2030", "sv": "hälften till 2030"}}]
    if default:
        portfolio["language"] = default
    for name, content in (("portfolio.yml", portfolio), *((f"{k}.yml", v) for k, v in SV.items())):
        (data / name).write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False),
                                 encoding="utf-8")
    alpha = tmp_path / "docs" / "initiatives" / "alpha.md"
    text = alpha.read_text(encoding="utf-8")
    text = text.replace(
        "  - {date: 2023-06-01, title: Pilot started, kind: critical-event, "
        'text: "The *first* lights."}',
        "  - date: 2023-06-01\n    kind: critical-event\n"
        "    title: {en: Pilot started, sv: Piloten startade}\n"
        "    text: {en: The first lights., sv: De första lamporna.}")
    text = text.replace("{id: uni, role: research}",
                        "{id: uni, role: {en: research, sv: forskning}}")
    assert "Piloten startade" in text and "forskning" in text
    alpha.write_text(text, encoding="utf-8")
    return config


def _options(config: Path, language: str, site: tuple[str, ...] = ("en", "sv")) -> Options:
    from portfolio_plugin.options import read_config

    return dataclasses.replace(read_config(config), language=language, site_languages=site)


def test_a_swedish_run_shows_every_text_given_in_swedish(tmp_path: Path) -> None:
    portfolio, problems = check(_options(_site(tmp_path), "sv"))
    assert problems.serious == []
    alpha = next(i for i in portfolio.initiatives if i.slug == "alpha")
    story = next(s for s in alpha.stories if s.date.iso() == "2023-06-01")
    assert (story.title, story.text) == ("Piloten startade", "De första lamporna.")
    assert language_of(story.title) is None
    assert next(p.role for p in alpha.partners if p.id == "uni") == "forskning"
    assert portfolio.info.name == "Testviks plattform"
    assert [t.title for t in portfolio.info.themes] == ["Energi"]
    result = portfolio.info.objectives[0].key_results[0]
    assert (result.title, result.target) == ("Halvera utsläppen", "hälften till 2030")
    assert portfolio.partner("city").name == "Testviks kommun"  # type: ignore[union-attr]
    assert portfolio.partner("city").description == "Kommunen."  # type: ignore[union-attr]
    assert portfolio.asset("lab").name == "Gatulabbet"  # type: ignore[union-attr]


def test_an_english_run_shows_the_english_texts(tmp_path: Path) -> None:
    portfolio, _ = check(_options(_site(tmp_path), "en"))
    alpha = next(i for i in portfolio.initiatives if i.slug == "alpha")
    assert {s.title for s in alpha.stories} >= {"Pilot started"}
    assert portfolio.partner("city").name == "Testvik City"  # type: ignore[union-attr]
    assert language_of(portfolio.partner("city").name) is None  # type: ignore[union-attr]


def test_a_text_missing_in_the_page_language_is_shown_in_another_with_its_language(
        tmp_path: Path) -> None:
    portfolio, _ = check(_options(_site(tmp_path), "sv"))
    # A plain string is in the default language (portfolio.yml's `language: en`).
    agency = portfolio.partner("agency")
    assert agency is not None and agency.name == "Innovation Agency"
    assert language_of(agency.name) == "en"
    # Given only in Swedish, seen from the English run.
    english, _ = check(_options(tmp_path / "mkdocs.yml", "en"))
    uni = english.partner("uni")
    assert uni is not None and uni.name == "Testviks universitet" and language_of(uni.name) == "sv"


def test_without_a_default_language_a_plain_text_is_in_the_page_language(tmp_path: Path) -> None:
    portfolio, _ = check(_options(_site(tmp_path, default=None), "sv"))
    agency = portfolio.partner("agency")
    assert agency is not None and language_of(agency.name) is None


def test_a_text_shown_in_another_language_survives_a_worker(tmp_path: Path) -> None:
    text = Foreign("Innovation Agency", "en")
    back = pickle.loads(pickle.dumps(text))
    assert (back, language_of(back)) == ("Innovation Agency", "en")
    assert str(back).__class__ is str and language_of(str(back)) is None
    assert back.__html__() == '<span lang="en">Innovation Agency</span>'
    assert Foreign("<b>&", "en").__html__() == '<span lang="en">&lt;b&gt;&amp;</span>'


def test_every_text_not_in_every_language_is_noted_with_its_place(tmp_path: Path) -> None:
    portfolio, _ = check(_options(_site(tmp_path), "sv"))
    noted = {(u.path, u.field): u for u in portfolio.untranslated()}
    # A plain text (English, the default) misses Swedish; a Swedish-only one misses English.
    assert noted[("site_data/partners.yml", "agency.name")].missing == ("sv",)
    assert noted[("site_data/partners.yml", "uni.name")].missing == ("en",)
    assert ("site_data/partners.yml", "city.name") not in noted
    assert ("docs/initiatives/alpha.md", "stories[0].title") not in noted
    summary = noted[("docs/initiatives/alpha.md", "summary")]
    assert summary.missing == ("sv",)
    lines = (tmp_path / "docs/initiatives/alpha.md").read_text(encoding="utf-8").split("\n")
    assert lines[summary.line - 1].startswith("summary:")
    # The same notes from the English run: they do not depend on the page's language.
    english, _ = check(_options(tmp_path / "mkdocs.yml", "en"))
    assert sorted(english.untranslated(), key=str) == sorted(portfolio.untranslated(), key=str)


def test_a_mapping_that_is_not_languages_is_refused_at_its_key(tmp_path: Path) -> None:
    config = _site(tmp_path)
    path = tmp_path / "site_data" / "partners.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("sv: Testviks kommun",
                                                             "Swedish: Testviks kommun"),
                    encoding="utf-8")
    _, problems = check(_options(config, "sv"))
    found = [p for p in problems.errors if p.field == "city.name.Swedish"]
    assert len(found) == 1 and found[0].path == "site_data/partners.yml"
    assert "language code" in found[0].message


@pytest.mark.parametrize("default", ["english", "e n"])
def test_a_default_language_that_is_no_code_is_refused(tmp_path: Path, default: str) -> None:
    config = _site(tmp_path, default=default)
    _, problems = check(_options(config, "sv"))
    assert [p.field for p in problems.errors] == ["language"]
