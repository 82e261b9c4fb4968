"""The page template and `new_initiative`: a new page that validates and explains every field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from portfolio_plugin.cli.scaffold import (
    ScaffoldError,
    new_initiative,
    slugify,
    template_text,
    yaml_text,
)
from portfolio_plugin.load import split_front_matter
from portfolio_plugin.load.yamlsafe import read_yaml
from portfolio_plugin.model import FACETS, Facet, Zone
from portfolio_plugin.pipeline import check
from portfolio_plugin.validate import INITIATIVE_FIELDS
from portfolio_plugin.validate.template import PLACEHOLDER

from support import ROOT, Site, fill_in

TEMPLATE = ROOT / "portfolio_plugin" / "templates" / "new_initiative.md"


def problems_of(site: Site) -> list[str]:
    return [str(p) for p in check(site.options)[1]]


def new_filled(site: Site, title: str) -> Path:
    """`portfolio new initiative`, then its placeholders replaced."""
    path = new_initiative(site.options, title)
    path.write_text(fill_in(path.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def uncomment_examples(text: str) -> str:
    """Turn every example line ('# field: ...') into a real line, as the template tells."""
    return "\n".join(line[2:] if line.startswith("# ") else line for line in text.split("\n"))


def front_matter(text: str) -> dict[str, object]:
    split = split_front_matter(text, "page.md")
    assert isinstance(split, tuple), split
    value = read_yaml(split[0]).value
    assert isinstance(value, dict)
    return value


def reference_site(site: Site) -> Site:
    """The tmp site with the reference site's own data files."""
    shutil.rmtree(site.root / "site_data")
    shutil.copytree(ROOT / "site_data", site.root / "site_data")
    return site


@pytest.mark.parametrize(("title", "slug"), [
    ("Cykelvänlig Gata", "cykelvanlig-gata"),
    ("Ålands Öppna Data", "alands-oppna-data"),
    ("Café Économie Sociale", "cafe-economie-sociale"),
    ("Smørrebrød & Æbler", "smorrebrod-aebler"),
    ("Children’s Street", "childrens-street"),
    ("Große Straße", "grosse-strasse"),
    ("Łódź  --  2030!", "lodz-2030"),
    ("  Many   spaces\tand\nbreaks ", "many-spaces-and-breaks"),
])
def test_the_slug_is_the_title_in_lowercase_ascii_with_hyphens(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_a_long_title_gives_a_slug_cut_at_a_word_boundary() -> None:
    slug = slugify("Word " * 30)
    assert len(slug) <= 60 and slug.startswith("word-word") and not slug.endswith("-")
    assert set(slug.split("-")) == {"word"}


def test_a_title_without_latin_letters_gives_no_slug() -> None:
    assert slugify("Привет мир") == ""


@pytest.mark.parametrize("title", ["no", "On", "2024", "Plan: B", "Plan #2", "- dash",
                                   '"Quoted" start', "{Braces} first", "[Brackets] first",
                                   "'Single' quote", "&anchor", "*alias", "!tag", "@at", "`tick`"])
def test_a_title_that_yaml_would_misread_is_quoted_and_reads_back_the_same(title: str) -> None:
    written = yaml_text(title)
    assert written != title
    assert read_yaml(f"title: {written}").value == {"title": title}
    assert yaml.safe_load(f"title: {written}") == {"title": title}


def test_a_plain_title_is_written_without_quotes() -> None:
    assert yaml_text("Cykelvänlig Gata") == "Cykelvänlig Gata"


def test_the_template_names_every_front_matter_field_at_the_top_level() -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    keys = set(re.findall(r"^(?:# )?([a-z_]+):", text, flags=re.MULTILINE))
    assert set(INITIATIVE_FIELDS) <= keys, set(INITIATIVE_FIELDS) - keys
    for name in INITIATIVE_FIELDS:
        assert re.search(rf"^## .*\b{name}\b", text, flags=re.MULTILINE), \
            f"{name} is not explained in a '##' comment"


def test_the_template_holds_a_placeholder_in_each_required_field_and_the_description(
        ) -> None:
    text = template_text()
    fields = front_matter(text)
    assert set(fields) == {"title", "summary", "facet", "zone"}
    for name, value in fields.items():
        assert isinstance(value, str) and value.startswith(PLACEHOLDER), name
    assert f"\n{PLACEHOLDER}" in text.split("\n---\n", 1)[1]


def test_the_template_filled_in_has_the_first_facet_and_the_yellow_zone() -> None:
    fields = front_matter(fill_in(template_text()))
    assert fields["facet"] == FACETS[0].value == Facet.MISSION.value
    assert fields["zone"] == Zone.YELLOW.value


def test_the_template_names_every_value_of_the_facet_and_zone_enums() -> None:
    text = template_text()
    for value in [f.value for f in Facet] + [z.value for z in Zone]:
        assert re.search(rf"^##\s+{value}\s", text, flags=re.MULTILINE), value


def test_the_template_copied_by_hand_is_refused_naming_each_placeholder(site: Site) -> None:
    site.page("copied-by-hand", template_text())
    portfolio, problems = check(site.options)
    lines = [n for n, line in enumerate(template_text().split("\n"), start=1)
             if PLACEHOLDER in line and not line.startswith("#")]
    # The summary's placeholder is on the line below its key, which the problem names.
    lines[1] -= 1
    assert [(p.line, p.field) for p in problems] == list(zip(
        lines, ["title", "summary", "facet", "zone", ""], strict=True))
    assert all("placeholder" in p.message for p in problems)
    assert portfolio.left_out == ("copied-by-hand",)


def test_the_template_copied_by_hand_and_filled_in_is_a_valid_page(site: Site) -> None:
    site.page("copied-by-hand", fill_in(template_text()))
    assert problems_of(site) == []


def test_a_placeholder_is_one_problem_not_also_an_unknown_value(site: Site) -> None:
    text = fill_in(template_text()).replace("facet: mission-oriented",
                                            'facet: "FILL IN: a facet"')
    site.page("half-filled", text)
    [problem] = check(site.options)[1]
    assert problem.field == "facet" and "placeholder" in problem.message
    assert problem.found == "'FILL IN: a facet'" and "mission-oriented" in str(problem.expected)


def test_new_initiative_writes_the_slug_file_in_the_initiatives_folder(site: Site) -> None:
    path = new_initiative(site.options, "Cykelvänlig Gata")
    assert path == site.root / "content" / "initiatives" / "cykelvanlig-gata.md"
    fields = front_matter(path.read_text(encoding="utf-8"))
    assert fields["title"] == "Cykelvänlig Gata"


def test_the_new_page_untouched_is_refused_naming_each_placeholder(site: Site) -> None:
    new_initiative(site.options, "Cykelvänlig Gata")
    portfolio, problems = check(site.options)
    assert [p.field for p in problems] == ["summary", "facet", "zone", ""]
    assert portfolio.initiatives == ()


def test_the_new_page_filled_in_validates_with_no_problem_against_the_site_data(
        site: Site) -> None:
    path = new_initiative(site.options, "Cykelvänlig Gata")
    path.write_text(fill_in(path.read_text(encoding="utf-8")), encoding="utf-8")
    portfolio, problems = check(site.options)
    assert [str(p) for p in problems] == []
    (made,) = portfolio.initiatives
    assert made.slug == "cykelvanlig-gata" and made.zone is Zone.YELLOW


def test_the_new_page_filled_in_validates_against_the_reference_site_data(site: Site) -> None:
    reference_site(site)
    path = new_initiative(site.options, "Cykelvänlig Gata")
    path.write_text(fill_in(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert problems_of(site) == []


def test_the_new_page_lists_the_ids_of_the_site(site: Site) -> None:
    text = new_initiative(site.options, "Bike street").read_text(encoding="utf-8")
    for ident in ("city", "agency", "lund-university", "acme", "energy", "mobility",
                  "eu-mission", "local-plan", "climate", "testbed"):
        assert re.search(rf"^##\s+{re.escape(ident)}\s", text, flags=re.MULTILINE), ident
    assert "The ids are listed in" not in text


@pytest.mark.parametrize("reference", [False, True])
def test_every_example_of_the_new_page_is_valid_once_uncommented(
        site: Site, reference: bool) -> None:
    if reference:
        reference_site(site)
    path = new_initiative(site.options, "Cykelvänlig Gata")
    path.write_text(uncomment_examples(fill_in(path.read_text(encoding="utf-8"))),
                    encoding="utf-8")
    portfolio, problems = check(site.options)
    assert [str(p) for p in problems] == []
    assert set(front_matter(path.read_text(encoding="utf-8"))) == set(INITIATIVE_FIELDS)
    (made,) = portfolio.initiatives
    assert made.partners and made.funding and made.stories and made.indicators
    assert made.themes and made.mandates and made.objectives and made.assets


def test_the_examples_of_the_bare_template_name_placeholder_ids(site: Site) -> None:
    site.page("bare", uncomment_examples(fill_in(template_text())))
    problems = problems_of(site)
    assert any("unknown partner 'a-partner-id'" in p for p in problems), problems


def test_running_again_refuses_to_overwrite_the_page(site: Site) -> None:
    path = new_initiative(site.options, "Cykelvänlig Gata")
    path.write_text(path.read_text(encoding="utf-8") + "\nMy own words.\n", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"already exists.*--force"):
        new_initiative(site.options, "Cykelvänlig Gata")
    assert path.read_text(encoding="utf-8").endswith("My own words.\n")


def test_force_replaces_the_page(site: Site) -> None:
    path = new_initiative(site.options, "Cykelvänlig Gata")
    path.write_text("changed", encoding="utf-8")
    assert new_initiative(site.options, "Cykelvänlig gata", force=True) == path
    assert path.read_text(encoding="utf-8").startswith("---\n")


def test_a_slug_used_in_a_subfolder_is_refused_even_with_force(site: Site) -> None:
    site.page("2024/bike-street", "---\ntitle: A\nsummary: B\nfacet: adaptive\nzone: blue\n---\n")
    with pytest.raises(FileExistsError, match="already used by content/initiatives/2024/"):
        new_initiative(site.options, "Bike street", force=True)
    assert not (site.initiatives / "bike-street.md").exists()


@pytest.mark.parametrize("title", ["", "   ", "Привет", "!!!"])
def test_a_title_that_gives_no_file_name_is_refused(site: Site, title: str) -> None:
    with pytest.raises(ScaffoldError):
        new_initiative(site.options, title)
    assert list(site.initiatives.iterdir()) == []


def test_index_is_refused_because_the_loader_skips_it(site: Site) -> None:
    with pytest.raises(ScaffoldError, match="reserved"):
        new_initiative(site.options, "Index")


def test_a_title_with_yaml_syntax_is_kept_exactly(site: Site) -> None:
    title = 'Plan: "B" #2 – no'
    new_filled(site, title)
    portfolio, problems = check(site.options)
    assert [str(p) for p in problems] == []
    assert portfolio.initiatives[0].title.get() == title


def test_a_partner_name_with_a_line_break_stays_inside_its_comment(site: Site) -> None:
    site.data("partners.yml", {"city": {"name": "The City\nsummary: injected",
                                        "sector": "public"},
                               "agency": {"name": "Agency", "sector": "funder"}})
    site.data("assets.yml", {})
    path = new_filled(site, "Bike street")
    assert re.search(r"^##\s+city\s+The City summary: injected \(public\)$",
                     path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert problems_of(site) == []


def test_a_site_without_data_files_still_gets_a_valid_page(site: Site) -> None:
    shutil.rmtree(site.root / "site_data")
    path = new_filled(site, "Bike street")
    text = path.read_text(encoding="utf-8")
    assert "a-partner-id" in text and "The ids are listed in site_data/partners.yml." in text
    assert problems_of(site) == []


def test_a_site_without_declared_themes_is_told_any_id_names_one(site: Site) -> None:
    data = yaml.safe_load((site.root / "site_data" / "portfolio.yml").read_text())
    del data["themes"]
    site.data("portfolio.yml", data)
    text = new_initiative(site.options, "Bike street").read_text(encoding="utf-8")
    assert "declares no themes" in text


def test_a_long_list_of_partners_is_cut_with_a_pointer_to_the_file(site: Site) -> None:
    site.data("partners.yml", {f"p{n:03d}": {"name": f"Partner {n}", "sector": "other"}
                               for n in range(100)} | {"city": {"name": "C", "sector": "public"},
                                                       "agency": {"name": "A",
                                                                  "sector": "funder"}})
    text = new_filled(site, "Bike street").read_text(encoding="utf-8")
    assert re.search(r"^##\s+p079\s", text, flags=re.MULTILINE)
    assert not re.search(r"^##\s+p080\s", text, flags=re.MULTILINE)
    assert "##     ... and 22 more in site_data/partners.yml\n" in text
    assert problems_of(site) == []


def test_the_page_goes_to_the_initiatives_folder_the_plugin_is_configured_with(
        site: Site) -> None:
    (site.root / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: docs\nplugins:\n  - portfolio:\n      initiatives: work\n",
        encoding="utf-8")
    path = new_initiative(site.options, "Bike street")
    assert path == site.root / "docs" / "work" / "bike-street.md"


def test_the_template_file_is_the_one_the_package_ships() -> None:
    assert template_text() == TEMPLATE.read_text(encoding="utf-8")
    assert isinstance(Path(TEMPLATE), Path)
