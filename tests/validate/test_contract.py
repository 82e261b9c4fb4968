"""The JSON Schemas say what the validator says: same verdicts, same fields, same enums.

Editors check files with the schemas and the build checks them with the validator; a partner
must never see one accept what the other refuses. A case is "valid" for the validator when it
reports no problem at all (warnings fail `--strict`, and unknown fields are warnings).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from portfolio_plugin.cli import main
from portfolio_plugin.load import split_front_matter
from portfolio_plugin.load.yamlsafe import read_yaml
from portfolio_plugin.model import (
    AssetKind,
    Facet,
    FundingKind,
    MandateLevel,
    Sector,
    Status,
    StoryKind,
    Zone,
)
from portfolio_plugin.pipeline import check
from portfolio_plugin.problems import Problem
from portfolio_plugin.validate import ENGINE_FIELDS, INITIATIVE_FIELDS
from portfolio_plugin.validate.contract import SCHEMAS

from support import ROOT, Site, initiative_pages

REQUIRED = "title: Bike lanes\nsummary: Safer bike lanes.\nfacet: adaptive\nzone: green\n"
FULL = REQUIRED.replace("zone: green", "zone: blue") + """\
status: completed
start: 2023-04
end: 2025-12-31
steward: city
partners:
  - {id: acme, role: Builds the lanes}
  - lund-university
layer: 3
funding:
  - {funder: agency, amount: 1500000, year: 2024}
  - {funder: acme, amount: 20000.5, year: 2025, currency: EUR, kind: in-kind, note: Staff}
themes: [mobility, energy]
mandates: [eu-mission, local-plan]
objectives: [climate]
assets: [testbed]
zone_history:
  - {date: 2023-04, zone: yellow, note: Workshops}
  - {date: "2024", zone: green}
  - {date: 2025-06-01, zone: blue, note: Part of the street department's work}
stories:
  - date: 2024-05-17
    kind: milestone
    title: First street opened
    text: "The *first* street opened with [a party](https://example.org/party)."
    link: https://example.org/news
    partners: [city, acme]
  - {date: 2025, title: The council decided to scale up}
indicators:
  - id: cyclists
    name: Cyclists per day
    unit: trips
    baseline: 120
    baseline_date: 2024-01
    target: 400.5
    target_date: 2028
    values:
      - {date: 2024-06, value: 180}
      - {date: 2025-06, value: 260}
position: {certainty: -1, direction: 1}
links:
  - {title: Project site, url: https://example.org/}
  - {title: Write to us, url: "mailto:bikes@example.org"}
  - {title: The plan, url: ../plan.md}
"""

# (name, front-matter, valid, field the validator must name when invalid)
CASES: list[tuple[str, str, bool, str]] = [
    ("only the required fields", REQUIRED, True, ""),
    ("every field", FULL, True, ""),
    ("title and summary in two languages",
     "title: {en: Bike lanes, sv: Cykelbanor}\nsummary: {en: Safer., sv-SE: Säkrare.}\n"
     "facet: adaptive\nzone: green\n", True, ""),
    ("an unquoted no, a number and a date as text",
     "title: no\nsummary: 2024\nfacet: adaptive\nzone: green\n"
     "stories: [{date: 2024, title: 2030, text: yes}]\n", True, ""),
    ("empty optional fields", REQUIRED + "status:\nsteward:\nlayer:\nfunding:\nposition:\n",
     True, ""),
    ("layer written as text", REQUIRED + "layer: '2'\n", True, ""),
    ("a year as a date", REQUIRED + "start: 2024\nend: 2024\n", True, ""),
    ("MkDocs' own fields beside ours",
     REQUIRED + "description: For search engines\ntags: [bikes]\nhide: [toc]\n", True, ""),
    ("a relative and an upper-case https link",
     REQUIRED + "links:\n  - {title: a, url: team/}\n"
     "  - {title: c, url: HTTPS://example.org/}\n", True, ""),
    ("the largest numbers and the first and last years in range",
     REQUIRED + "start: 1900\nend: 2100-12-31\n"
     "funding: [{funder: city, amount: 999999999999999, year: 2100}]\n"
     "indicators: [{name: n, baseline: -999999999999999.9, target: 999999999999999,"
     " values: [{date: '1900-01', value: 0}]}]\n", True, ""),
    ("a tab and a newline in text", REQUIRED + 'stories: [{date: 2024, title: t, '
     'text: "a\\tb\\nc"}]\n', True, ""),
    ("a summary of exactly 300 characters",
     REQUIRED.replace("Safer bike lanes.", "x" * 300), True, ""),
    # -- required fields --------------------------------------------------------------
    ("no title", REQUIRED.replace("title: Bike lanes\n", ""), False, "title"),
    ("no summary", REQUIRED.replace("summary: Safer bike lanes.\n", ""), False, "summary"),
    ("no facet", REQUIRED.replace("facet: adaptive\n", ""), False, "facet"),
    ("no zone", REQUIRED.replace("zone: green\n", ""), False, "zone"),
    ("an empty title", REQUIRED.replace("title: Bike lanes", "title: ''"), False, "title"),
    ("a title of spaces", REQUIRED.replace("title: Bike lanes", "title: '   '"), False,
     "title"),
    ("a title left empty", REQUIRED.replace("title: Bike lanes", "title:"), False, "title"),
    ("a summary of 301 characters",
     REQUIRED.replace("Safer bike lanes.", "x" * 301), False, "summary"),
    # -- enumerations -----------------------------------------------------------------
    ("a facet misspelt", REQUIRED.replace("adaptive", "adaptiv"), False, "facet"),
    ("a zone that does not exist", REQUIRED.replace("zone: green", "zone: red"), False,
     "zone"),
    ("a status that does not exist", REQUIRED + "status: done\n", False, "status"),
    ("layer 1 (the base investment)", REQUIRED + "layer: 1\n", False, "layer"),
    ("a funding kind that does not exist",
     REQUIRED + "funding: [{funder: city, amount: 1, year: 2024, kind: grant}]\n", False,
     "funding[0].kind"),
    ("a story kind that does not exist",
     REQUIRED + "stories: [{date: 2024, title: t, kind: event}]\n", False, "stories[0].kind"),
    ("a zone history step in an unknown zone",
     REQUIRED + "zone_history: [{date: 2024, zone: orange}]\n", False, "zone_history[0].zone"),
    # -- dates ------------------------------------------------------------------------
    ("a date with slashes", REQUIRED + "start: 2024/05/17\n", False, "start"),
    ("a date in words", REQUIRED + "end: May 2024\n", False, "end"),
    ("a two-digit year", REQUIRED + "start: 24-05\n", False, "start"),
    ("a date in 1899", REQUIRED + "start: 1899-12-31\n", False, "start"),
    ("a quoted date in 1850", REQUIRED + "start: '1850-01'\n", False, "start"),
    # Where the reader and the schema of a field once said otherwise:
    ("a story's text given empty in one language",
     REQUIRED + "stories: [{date: 2024, title: t, text: {en: ''}}]\n", False,
     "stories[0].text.en"),
    ("a link with a control character",
     REQUIRED + 'links: [{title: a, url: "https://a.example/\\x01"}]\n', False,
     "links[0].url"),
    ("a link with a bidi override",
     REQUIRED + 'links: [{title: a, url: "https://a.example/\\u202eexe"}]\n', False,
     "links[0].url"),
    ("a year as a date in 2101", REQUIRED + "end: 2101\n", False, "end"),
    ("a story without a date", REQUIRED + "stories: [{title: t}]\n", False, "stories[0].date"),
    ("an indicator value with a bad date",
     REQUIRED + "indicators: [{name: n, values: [{date: 2024-5, value: 1}]}]\n", False,
     "indicators[0].values[0].date"),
    # -- money ------------------------------------------------------------------------
    ("a negative amount",
     REQUIRED + "funding: [{funder: city, amount: -5, year: 2024}]\n", False,
     "funding[0].amount"),
    ("an amount with a space",
     REQUIRED + "funding: [{funder: city, amount: 500 000, year: 2024}]\n", False,
     "funding[0].amount"),
    ("funding without a year",
     REQUIRED + "funding: [{funder: city, amount: 5}]\n", False, "funding[0].year"),
    ("funding in 1850", REQUIRED + "funding: [{funder: city, amount: 5, year: 1850}]\n",
     False, "funding[0].year"),
    ("a currency in lowercase",
     REQUIRED + "funding: [{funder: city, amount: 5, year: 2024, currency: eur}]\n", False,
     "funding[0].currency"),
    ("an amount of 10^15", REQUIRED + "funding: [{funder: city, amount: 1e15, year: 2024}]\n",
     False, "funding[0].amount"),
    ("an amount of a thousand digits",
     REQUIRED + "funding: [{funder: city, amount: 1" + "0" * 1000 + ", year: 2024}]\n",
     False, "funding[0].amount"),
    ("an amount of 1e308", REQUIRED + "funding: [{funder: city, amount: 1e308, year: 2024}]\n",
     False, "funding[0].amount"),
    ("funding in 2101", REQUIRED + "funding: [{funder: city, amount: 5, year: 2101}]\n",
     False, "funding[0].year"),
    ("funding without a funder", REQUIRED + "funding: [{amount: 5, year: 2024}]\n", False,
     "funding[0].funder"),
    # -- URLs -------------------------------------------------------------------------
    ("a javascript: link",
     REQUIRED + "links: [{title: a, url: 'javascript:alert(1)'}]\n", False, "links[0].url"),
    ("a data: link in a story",
     REQUIRED + "stories: [{date: 2024, title: t, link: 'data:text/html,x'}]\n", False,
     "stories[0].link"),
    ("an ftp link", REQUIRED + "links: [{title: a, url: 'ftp://example.org/'}]\n", False,
     "links[0].url"),
    ("a link with a space", REQUIRED + "links: [{title: a, url: 'https://a b'}]\n", False,
     "links[0].url"),
    ("a protocol-relative link (another host)",
     REQUIRED + "links: [{title: a, url: //evil.example/}]\n", False, "links[0].url"),
    ("a link with a backslash",
     REQUIRED + "links: [{title: a, url: '/\\\\evil.example/'}]\n", False, "links[0].url"),
    ("a protocol-relative story link",
     REQUIRED + "stories: [{date: 2024, title: t, link: //evil.example}]\n", False,
     "stories[0].link"),
    ("a link without a title", REQUIRED + "links: [{url: 'https://example.org/'}]\n", False,
     "links[0].title"),
    # -- unknown fields and shapes ----------------------------------------------------
    ("an unknown field", REQUIRED + "colour: green\n", False, "colour"),
    ("an unknown field in funding",
     REQUIRED + "funding: [{funder: city, amount: 5, year: 2024, source: tax}]\n", False,
     "funding[0].source"),
    ("an unknown field in a partner",
     REQUIRED + "partners: [{id: city, roll: Leads}]\n", False, "partners[0].roll"),
    ("partners as one text instead of a list", REQUIRED + "partners: city\n", False,
     "partners"),
    ("themes as a mapping", REQUIRED + "themes: {energy: yes}\n", False, "themes"),
    ("a position outside the map", REQUIRED + "position: {certainty: 1.5, direction: 0}\n",
     False, "position.certainty"),
    ("a position without direction", REQUIRED + "position: {certainty: 0.5}\n", False,
     "position.direction"),
    ("an indicator without a name", REQUIRED + "indicators: [{unit: kg}]\n", False,
     "indicators[0].name"),
    ("an indicator id with a space", REQUIRED + "indicators: [{name: n, id: my trips}]\n",
     False, "indicators[0].id"),
    ("an indicator target date in words",
     REQUIRED + "indicators: [{name: n, target_date: next year}]\n", False,
     "indicators[0].target_date"),
    ("an indicator value that is text",
     REQUIRED + "indicators: [{name: n, values: [{date: 2024, value: many}]}]\n", False,
     "indicators[0].values[0].value"),
    ("an indicator value of 10^15",
     REQUIRED + "indicators: [{name: n, values: [{date: 2024, value: 1e15}]}]\n", False,
     "indicators[0].values[0].value"),
    ("a target of -1e308", REQUIRED + "indicators: [{name: n, target: -1e308}]\n", False,
     "indicators[0].target"),
    ("a position of a thousand digits",
     REQUIRED + "position: {certainty: 1" + "0" * 1000 + ", direction: 0}\n", False,
     "position.certainty"),
    ("a baseline that is true", REQUIRED + "indicators: [{name: n, baseline: true}]\n", False,
     "indicators[0].baseline"),
    # -- text is text ----------------------------------------------------------------
    ("a NUL in the title", REQUIRED.replace("title: Bike lanes", 'title: "Bike\\0lanes"'),
     False, "title"),
    ("an escape character in a translated title",
     REQUIRED.replace("title: Bike lanes", 'title: {en: "Bike\\elanes"}'), False, "title.en"),
    ("a C1 control character in a role",
     REQUIRED + 'partners: [{id: city, role: "Leads\\x85"}]\n', False, "partners[0].role"),
    ("a right-to-left override in a story title",
     REQUIRED + 'stories: [{date: 2024, title: "gpj.\\u202eexe"}]\n', False,
     "stories[0].title"),
    ("a first-strong isolate in a summary",
     REQUIRED.replace("summary: Safer bike lanes.", 'summary: "Safer\\u2068 lanes"'), False,
     "summary"),
    # -- language mappings ------------------------------------------------------------
    ("a title mapping with a word for a language code",
     REQUIRED.replace("title: Bike lanes", "title: {English: Bike lanes}"), False,
     "title.English"),
    ("an empty title mapping", REQUIRED.replace("title: Bike lanes", "title: {}"), False,
     "title"),
    ("a summary mapping with an empty language",
     REQUIRED.replace("summary: Safer bike lanes.", "summary: {en: Safer., sv: ''}"), False,
     "summary.sv"),
    ("a translated summary over 300 characters",
     REQUIRED.replace("summary: Safer bike lanes.", "summary: {en: " + "x" * 301 + "}"),
     False, "summary.en"),
]

# What a JSON Schema cannot know: other files, the calendar, and rules across fields.
BEYOND_SCHEMA: list[tuple[str, str, str]] = [
    ("an unknown partner", REQUIRED + "partners: [lund-univ]\n", "partners[0]"),
    ("an unknown theme", REQUIRED + "themes: [cycling]\n", "themes[0]"),
    ("an unknown mandate", REQUIRED + "mandates: [eu-green-deal]\n", "mandates[0]"),
    ("an unknown objective", REQUIRED + "objectives: [health]\n", "objectives[0]"),
    ("an unknown asset", REQUIRED + "assets: [harbour]\n", "assets[0]"),
    ("a date not in the calendar", REQUIRED + "start: 2023-02-29\n", "start"),
    ("end before start", REQUIRED + "start: 2024-05\nend: 2023\n", "end"),
    ("an indicator's target date before its baseline date",
     REQUIRED + "indicators: [{name: n, baseline_date: 2025, target_date: 2024-12}]\n",
     "indicators[0].target_date"),
    ("a zone history ending elsewhere",
     REQUIRED + "zone_history: [{date: 2024, zone: yellow}]\n", "zone_history[0].zone"),
    ("a currency without a rate",
     REQUIRED + "funding: [{funder: city, amount: 5, year: 2024, currency: NOK}]\n",
     "funding[0].currency"),
    ("the same partner twice", REQUIRED + "partners: [city, city]\n", "partners[1]"),
]


def validator_problems(site: Site, text: str) -> list[Problem]:
    site.page("case", f"---\n{text}---\nBody.\n")
    return check(site.options)[1].items


def schema_errors(name: str, instance: Any) -> list[str]:
    validator = Draft202012Validator(SCHEMAS[name]())
    return [error.message for error in validator.iter_errors(instance)]


def test_there_are_enough_cases_to_cover_every_field_and_rule() -> None:
    assert len(CASES) >= 25
    named = {re.split(r"[.\[]", field)[0] for _, _, _, field in CASES if field}
    assert set(INITIATIVE_FIELDS) - named <= {"steward", "mandates", "objectives", "assets"}
    assert set(INITIATIVE_FIELDS) <= set(read_yaml(FULL).value)


@pytest.mark.parametrize(("text", "valid", "field"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_the_schema_and_the_validator_give_the_same_verdict(
        site: Site, text: str, valid: bool, field: str) -> None:
    problems = validator_problems(site, text)
    errors = schema_errors("initiative", read_yaml(text).value)
    assert (not problems) is valid, [str(p) for p in problems]
    assert (not errors) is valid, errors
    if not valid:
        assert field in {p.field for p in problems}, [str(p) for p in problems]


@pytest.mark.parametrize(("text", "field"), [c[1:] for c in BEYOND_SCHEMA],
                         ids=[c[0] for c in BEYOND_SCHEMA])
def test_what_only_the_validator_can_check_is_left_to_it(
        site: Site, text: str, field: str) -> None:
    assert schema_errors("initiative", read_yaml(text).value) == []
    assert field in {p.field for p in validator_problems(site, text)}


SITE_DATA_CASES: list[tuple[str, str, str, bool]] = [
    ("partners", "partners.yml", "city: {name: The City, sector: public}\n"
     "agency: {name: Agency, sector: funder, url: 'https://a.example/', logo: img/a.png,"
     " description: Funds things}\n", True),
    ("partners", "partners.yml", "city: {name: The City, sector: council}\n", False),
    ("partners", "partners.yml", "city: {sector: public}\n", False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, "
     "url: 'javascript:x'}\n", False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, adress: x}\n", False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, "
     "logo: 'https://cdn.example/logo.png'}\n", False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, logo: ../../etc/passwd}\n",
     False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, "
     "logo: img/%2e%2e/%2E%2E/x.png}\n", False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, logo: /etc/passwd}\n",
     False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, "
     "logo: 'img\\\\logo.png'}\n", False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, "
     "logo: //cdn.example/x.png}\n", False),
    ("partners", "partners.yml", "city: {name: The City, sector: public, "
     "url: //evil.example/}\n", False),
    ("partners", "partners.yml", 'city: {name: "The\\aCity", sector: public}\n', False),
    ("partners", "partners.yml", 'city: {name: The City, sector: public, '
     'description: "\\u202dreversed"}\n', False),
    ("assets", "assets.yml", "lab: {name: Lab, kind: testbed, owner: city}\n", True),
    ("assets", "assets.yml", "lab: {name: Lab, kind: testbed, url: //evil.example/}\n", False),
    ("assets", "assets.yml", 'lab: {name: "Lab\\x1b[31m", kind: testbed}\n', False),
    ("portfolio", "portfolio.yml",
     "currency: SEK\nlicence: CC0-1.0\nexchange_rates: {EUR: 1000000}\n", True),
    ("portfolio", "portfolio.yml", "currency: SEK\nexchange_rates: {EUR: 1000001}\n", False),
    ("portfolio", "portfolio.yml", "currency: SEK\nexchange_rates: {EUR: 1e308}\n", False),
    ("portfolio", "portfolio.yml", "currency: SEK\nexchange_rates: {EUR: 0}\n", False),
    ("portfolio", "portfolio.yml",
     "currency: SEK\nbase_investment: [{year: 2024, amount: 1e15}]\n", False),
    ("portfolio", "portfolio.yml",
     "currency: SEK\nbase_investment: [{year: 1899, amount: 5}]\n", False),
    ("portfolio", "portfolio.yml",
     "currency: SEK\nbase_investment: [{year: 2024, amount: 5, note: \"a\\0\"}]\n", False),
    ("portfolio", "portfolio.yml", "currency: SEK\n"
     "mandates: {m: {title: M, level: eu, url: //evil.example/}}\n", False),
    ("assets", "assets.yml", "lab: {name: Lab, kind: building}\n", False),
    ("assets", "assets.yml", "lab: {kind: testbed}\n", False),
    # Where the schemas written by hand beside the validator said otherwise than it did:
    ("partners", "partners.yml", "city: {name: '   ', sector: public}\n", False),
    ("partners", "partners.yml", "y2k: {name: 2000, sector: public}\n", True),
    ("portfolio", "portfolio.yml", "currency: SEK\nfederation: ['javascript:x']\n", False),
    ("portfolio", "portfolio.yml", "currency: SEK\nlicence: CC0-1.0\nthemes: {y2k: 2000}\n",
     True),
    ("portfolio", "portfolio.yml", "currency: SEK\nlicence: ''\n", False),
    ("portfolio", "portfolio.yml", "currency: SEK\nlicence: CC0-1.0\nobjectives: {o: {title: O, "
     "key_results: [{title: K, target: true}]}}\n", True),
]


@pytest.mark.parametrize(("name", "file", "text", "valid"), SITE_DATA_CASES)
def test_the_site_data_schemas_and_the_validator_give_the_same_verdict(
        site: Site, name: str, file: str, text: str, valid: bool) -> None:
    site.data(file, text)
    if name == "assets":
        site.data("partners.yml", "city: {name: The City, sector: public}\n"
                                  "agency: {name: Agency, sector: funder}\n")
    problems = [p for p in check(site.options)[1] if p.path.endswith(file)]
    assert (not problems) is valid, [str(p) for p in problems]
    assert (not schema_errors(name, read_yaml(text).value)) is valid


def test_the_reference_site_data_files_are_valid_by_their_schemas() -> None:
    for name in ("partners", "assets", "portfolio"):
        text = (ROOT / "site_data" / f"{name}.yml").read_text(encoding="utf-8")
        assert schema_errors(name, read_yaml(text).value) == [], name


def test_the_reference_initiatives_are_valid_by_the_schema() -> None:
    for path in initiative_pages(ROOT / "content" / "initiatives"):
        split = split_front_matter(path.read_text(encoding="utf-8"), path.name)
        assert isinstance(split, tuple), split
        assert schema_errors("initiative", read_yaml(split[0]).value) == [], path.name


def test_every_front_matter_field_is_in_the_schema_and_nothing_else_of_ours() -> None:
    schema = SCHEMAS["initiative"]()
    assert set(schema["properties"]) == set(INITIATIVE_FIELDS) | set(ENGINE_FIELDS)
    assert schema["required"] == ["title", "summary", "facet", "zone"]
    assert schema["additionalProperties"] is False


def _values(schema: dict[str, Any]) -> list[Any]:
    return [v for v in schema["enum"] if v is not None]


def test_the_enumerations_of_the_schemas_are_the_models() -> None:
    front = SCHEMAS["initiative"]()["properties"]
    assert _values(front["facet"]) == [f.value for f in Facet]
    assert _values(front["zone"]) == [z.value for z in Zone]
    assert _values(front["status"]) == [s.value for s in Status]
    assert _values(front["funding"]["items"]["properties"]["kind"]) == \
        [k.value for k in FundingKind]
    assert _values(front["stories"]["items"]["properties"]["kind"]) == \
        [k.value for k in StoryKind]
    assert _values(front["zone_history"]["items"]["properties"]["zone"]) == \
        [z.value for z in Zone]
    partner = SCHEMAS["partners"]()["additionalProperties"]["properties"]
    assert _values(partner["sector"]) == [s.value for s in Sector]
    asset = SCHEMAS["assets"]()["additionalProperties"]["properties"]
    assert _values(asset["kind"]) == [k.value for k in AssetKind]
    mandate = SCHEMAS["portfolio"]()["properties"]["mandates"]["additionalProperties"]
    assert _values(mandate["properties"]["level"]) == [m.value for m in MandateLevel]


@pytest.mark.parametrize("name", ["initiative", "partners", "assets", "portfolio", "export"])
def test_each_schema_is_a_valid_json_schema(name: str) -> None:
    Draft202012Validator.check_schema(SCHEMAS[name]())


def _update_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("schemas_update", ROOT / "schemas" / "update.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_schema_files_are_the_generated_ones() -> None:
    generated = _update_script().rendered()
    assert sorted(generated) == ["assets.schema.json", "export.schema.json",
                                 "initiative.schema.json", "partners.schema.json",
                                 "portfolio.schema.json"]
    for name, text in generated.items():
        committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is out of date: run python schemas/update.py"


def test_the_update_script_check_mode_finds_a_stale_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = _update_script()
    for name, text in module.rendered().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(module, "HERE", tmp_path)
    assert module.main(["--check"]) == 0
    (tmp_path / "assets.schema.json").write_text("{}", encoding="utf-8")
    assert module.main(["--check"]) == 1
    assert module.main([]) == 0 and module.main(["--check"]) == 0


@pytest.mark.parametrize("name", ["initiative", "partners", "assets", "portfolio", "export"])
def test_portfolio_schema_prints_the_committed_file(
        name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", name]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())


def test_the_editor_settings_map_each_site_data_file_to_its_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    for name in ("partners", "assets", "portfolio"):
        globs = mapping[f"./schemas/{name}.schema.json"]
        assert any(g.endswith(f"site_data/{name}.yml") for g in globs), name
        assert (ROOT / "schemas" / f"{name}.schema.json").is_file()
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
