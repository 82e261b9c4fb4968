"""The "Propose an initiative" page: its form is made from the initiative's JSON Schema (the
one `portfolio schema` prints) and the site's ids, its messages are the validator's words, and
it links the repository's new-file page only where the site names a GitHub repository."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from portfolio_plugin.i18n import Translator
from portfolio_plugin.options import Options
from portfolio_plugin.pipeline import check
from portfolio_plugin.render import Renderer, browse, propose
from portfolio_plugin.render import make as make_item
from portfolio_plugin.render.propose import (
    FORM_FIELDS,
    WORDS,
    WORDS_TYPED,
    checking_schema,
    form_fields,
    new_file_page,
    propose_page,
)
from portfolio_plugin.validate.contract import SCHEMAS

from support import Site, fixture, generated, read, renderer, script_json, write_site


def with_options(r: Renderer, options: Options) -> Renderer:
    return Renderer(r.portfolio, r.figures, options, r.t, r.built)


def enum_of(prop: dict[str, Any]) -> list[str]:
    return [v for v in prop.get("enum", ()) if v is not None]


def test_the_form_asks_for_the_contracts_fields_as_the_schema_defines_them() -> None:
    schema = SCHEMAS["initiative"]()
    fields = form_fields(renderer(fixture()))
    # A first proposal: the required fields and the common optional ones.
    assert [f.name for f in fields] == ["title", "summary", "facet", "zone", "status", "start",
                                        "end", "steward", "partners", "themes"]
    assert set(schema["required"]) <= {f.name for f in fields}
    for f in fields:
        assert f.required == (f.name in schema["required"]), f.name
        if f.control in ("radio", "select") and f.name != "steward":
            assert [c.value for c in f.choices] == enum_of(schema["properties"][f.name]), f.name
    summary = next(f for f in fields if f.name == "summary")
    assert summary.max_length == 300


def test_the_form_follows_the_schema_when_the_schema_changes() -> None:
    schema = copy.deepcopy(SCHEMAS["initiative"]())
    del schema["properties"]["status"]
    schema["properties"]["zone"]["enum"].append("purple")
    schema["required"].append("start")
    fields = {f.name: f for f in form_fields(renderer(fixture()), schema)}
    assert "status" not in fields
    assert [c.value for c in fields["zone"].choices] == ["yellow", "green", "blue", "purple"]
    assert fields["start"].required


def test_the_form_offers_the_sites_partners_themes_mandates_and_objectives(
        tmp_path: Path) -> None:
    write_site(tmp_path)
    options = Site(tmp_path).options
    portfolio, _ = check(options)
    r = with_options(renderer(portfolio), options)
    fields = {f.name: f for f in form_fields(r)}
    assert [f for f in FORM_FIELDS if f not in fields] == []
    partners = [(c.value, c.label) for c in fields["partners"].choices]
    assert sorted(partners, key=lambda p: p[1].casefold()) == partners
    assert {p.id for p in portfolio.partners} == {value for value, _ in partners}
    assert [c.value for c in fields["mandates"].choices] == [
        m.id for m in portfolio.info.mandates]
    assert [c.value for c in fields["objectives"].choices] == [
        o.id for o in portfolio.info.objectives]


@pytest.mark.parametrize("language", ["en", "sv"])
def test_every_control_of_the_page_has_a_label_and_its_message(language: str) -> None:
    page = propose_page(renderer(fixture(), language=language))
    elements = read(page).elements
    labels = {a.get("for") for tag, a in elements if tag == "label"}
    controls = [a for tag, a in elements if tag in ("input", "select", "textarea")]
    assert len(controls) > 10
    for a in controls:
        assert a.get("id") in labels, a
    names = {a.get("name") for a in controls} - {None}
    for name in names:
        if name in ("slug", "body", "title", "summary", "status", "start", "end", "steward"):
            control = next(a for a in controls if a.get("name") == name)
            assert f"pf-f-{name}-msg" in (control.get("aria-describedby") or "").split()
        else:  # a group: its fieldset names the message
            group = next(a for tag, a in elements if tag == "fieldset"
                         and a.get("data-pf-field") == name)
            assert f"pf-f-{name}-msg" in (group.get("aria-describedby") or "").split()


def test_the_page_checks_with_the_published_schema() -> None:
    page = propose_page(renderer(fixture()))
    data = script_json(page, "application/json", "pf-propose-data")[0]
    schema = SCHEMAS["initiative"]()
    assert data["schema"] == checking_schema(schema)
    assert list(data["schema"]["properties"]) == list(schema["properties"])
    assert data["required"] == schema["required"]
    # The rules alone: the schema's English descriptions stay out of a Swedish page.
    assert "One or two sentences" in str(schema)
    assert "One or two sentences" not in str(data["schema"])


def _validator_says(tmp_path: Path, front: str, name: str = "x") -> list[str]:
    write_site(tmp_path)
    (tmp_path / "docs" / "initiatives" / f"{name}.md").write_text(front, encoding="utf-8")
    _, problems = check(Site(tmp_path).options)
    return [p.describe() for p in problems if f"initiatives/{name}" in p.path]


def _form_says(field: str, message: str, expected: str, found: str, **values: Any) -> str:
    """What the page's script shows, composed from the English entries as it composes them."""
    t = Translator.for_language("en")

    def say(key: str) -> str:
        return t(f"propose.check.{key}", **values)

    text = t("propose.check.problem", message=say(message), expected=say(expected),
             found=say(found) if found in WORDS_OF_FOUND else found)
    return f"{field}: {text}" if field else text


WORDS_OF_FOUND = ("nothing", "too_long.found", "character")
LONG = "x" * 310
CASES = [
    ("title", "summary: S\nfacet: adaptive\nzone: green\n",
     ("required", "text", "nothing"), {}),
    ("summary", f"title: T\nsummary: {LONG}\nfacet: adaptive\nzone: green\n",
     ("too_long", "too_long.expected", "too_long.found"), {"count": 310, "max": 300}),
    ("title", 'title: "T\\u0007"\nsummary: S\nfacet: adaptive\nzone: green\n',
     ("control", "control.expected", "character"), {"code": "0007", "index": 2}),
    ("title", 'title: "T\\u202e"\nsummary: S\nfacet: adaptive\nzone: green\n',
     ("bidi", "bidi.expected", "character"), {"code": "202E", "index": 2}),
    ("facet", "title: T\nsummary: S\nzone: green\n",
     ("required", "one_of", "nothing"),
     {"values": "mission-oriented, enhancement-oriented, adaptive, anticipatory"}),
    ("start", 'title: T\nsummary: S\nfacet: adaptive\nzone: green\nstart: "2025-02-30"\n',
     ("calendar", "calendar.expected", "'2025-02-30'"), {}),
    ("start", 'title: T\nsummary: S\nfacet: adaptive\nzone: green\nstart: "2025/02"\n',
     ("not_date", "not_date.expected", "'2025/02'"), {}),
    ("start", 'title: T\nsummary: S\nfacet: adaptive\nzone: green\nstart: "1850"\n',
     ("out_of_range", "out_of_range.expected", "'1850'"), {"low": 1900, "high": 2100}),
    ("end", 'title: T\nsummary: S\nfacet: adaptive\nzone: green\nstart: "2025-03"\n'
            'end: "2025-01"\n',
     ("before_start", "before_start.expected", "2025-01"), {"start": "2025-03"}),
]


@pytest.mark.parametrize(("field", "front", "words", "values"), CASES,
                         ids=[f"{c[0]}-{c[2][0]}" for c in CASES])
def test_the_forms_english_messages_are_the_validators(
        tmp_path: Path, field: str, front: str, words: tuple[str, str, str],
        values: dict[str, Any]) -> None:
    said = _validator_says(tmp_path, f"---\n{front}---\nBody.\n")
    assert _form_says(field, *words, **values) in said


def test_the_forms_message_for_a_bad_file_name_is_the_validators(tmp_path: Path) -> None:
    said = _validator_says(tmp_path, "---\ntitle: T\n---\n", name="Bad_Name")
    assert _form_says("", "slug", "slug.expected", "'Bad_Name.md'") in said


def test_every_word_of_the_script_is_in_english_and_swedish() -> None:
    english = Translator.for_language("en")
    swedish = Translator.for_language("sv")
    for key in (*WORDS, *WORDS_TYPED):
        assert f"propose.{key}" in english.messages, key
        assert f"propose.{key}" in swedish.messages, key


def test_the_new_file_page_is_githubs_on_the_branch_edit_uri_names(tmp_path: Path) -> None:
    r = renderer(fixture(), tmp_path)
    github = dataclasses.replace(r.options, repo_url="https://github.com/norrvik/portfolio/",
                                 edit_uri="edit/trunk/content/")
    assert new_file_page(with_options(r, github)) == {
        "url": "https://github.com/norrvik/portfolio/new/trunk",
        "folder": "content/initiatives", "host": "GitHub"}
    default = dataclasses.replace(github, edit_uri=None)
    assert (new_file_page(with_options(r, default)) or {}).get("url") == \
        "https://github.com/norrvik/portfolio/new/main"
    for other in (None, "https://gitlab.example/norrvik/portfolio",
                  "https://github.com/norrvik", "javascript:alert(1)//github.com/a/b"):
        options = dataclasses.replace(github, repo_url=other)
        assert new_file_page(with_options(r, options)) is None, other


def test_the_page_links_the_new_file_page_only_where_the_site_names_a_repository(
        tmp_path: Path) -> None:
    r = renderer(fixture(), tmp_path)
    assert "data-pf-new-file" not in propose_page(r)
    options = dataclasses.replace(r.options, repo_url="https://github.com/norrvik/portfolio")
    page = propose_page(with_options(r, options))
    assert 'href="https://github.com/norrvik/portfolio/new/main"' in page


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_overview_and_the_list_of_initiatives_link_the_proposal_page(language: str) -> None:
    from portfolio_plugin.render import make, plan_site

    r = renderer(fixture(), language=language)
    plan = plan_site(r.portfolio, r.figures, r.options, r.t, r.built,
                     modules=("overview", "browse", "propose"))
    pages = {uri: make(item) for uri, item in plan.items}
    assert "portfolio/propose.md" in pages
    title = r.t("propose.title")
    assert title != "propose.title"
    for uri, link in (("portfolio/index.md", "propose/"),
                      ("portfolio/initiatives.md", "../propose/")):
        page = pages[uri]
        assert isinstance(page, str)
        hrefs = [a.get("href") for tag, a in read(page).elements if tag == "a"]
        assert link in hrefs, (uri, hrefs)


def test_at_national_scale_the_page_names_where_the_partners_and_the_names_taken_are(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond so many partners and initiatives, the page lists neither: the partners are
    typed by name (suggested from the listings' file), the names taken are a file of their
    own, each fetched from the page's own address."""
    portfolio = generated(60)
    monkeypatch.setattr(browse, "CHOICES_APART", 10)
    monkeypatch.setattr(propose, "TAKEN_APART", 50)
    r = renderer(portfolio)
    made = {uri: make_item(value) for uri, value in propose.pages(r)}
    page = str(made["portfolio/propose.md"])
    slugs = json.loads(made[f"data/{propose.SLUGS_FILE}"])
    assert slugs == sorted(i.slug for i in portfolio.initiatives)
    data = script_json(page, "application/json", "pf-propose-data")[0]
    assert "taken" not in data
    # From the page at portfolio/propose/ to the site's data/ folder.
    assert data["taken_src"] == f"../../data/{propose.SLUGS_FILE}"
    assert data["choices_src"] == f"../../data/{browse.CHOICES_FILE}"
    assert set(WORDS_TYPED) <= set(data["words"])
    for name in ("steward", "partners"):
        assert f'name="{name}" value=' not in page and f'<select id="pf-f-{name}"' not in page
        assert f'<datalist id="pf-f-{name}-list"></datalist>' in page
    assert all(p.name not in page for p in portfolio.partners)
    assert 'id="pf-f-steward" name="steward" list="pf-f-steward-list"' in page
