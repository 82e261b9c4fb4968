"""data/datapackage.json: a Frictionless Data Package that describes every published file, its
columns (from CSV_COLUMNS), the keys between the tables and the licence; checked by
Frictionless itself over the reference site, the Testvik fixture and a generated portfolio."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import frictionless
import pytest

from portfolio_plugin.compute import compute
from portfolio_plugin.export import CSV_COLUMNS, Exporter, export_files
from portfolio_plugin.export.package import package_name
from portfolio_plugin.i18n import Translator
from portfolio_plugin.model import Portfolio
from portfolio_plugin.options import Options, read_config
from portfolio_plugin.pipeline import analyse

from support import EPOCH, ROOT, big_portfolio, write_site

SITE_URL = "https://testvik.example/showcase/"


@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return EPOCH


def site_files(config: Path) -> dict[str, bytes]:
    options = read_config(config)
    build = analyse(options)
    assert not build.problems.items, [str(p) for p in build.problems]
    return export_files(build.portfolio, build.figures, options, build.translator, build.built)


def model_files(portfolio: Portfolio, root: Path, language: str = "en") -> dict[str, bytes]:
    options = Options(root=root, docs_dir=root / "content", language=language)
    built = dt.datetime(2025, 12, 31, tzinfo=dt.timezone.utc)
    return Exporter(portfolio, compute(portfolio, built.date()), options,
                    Translator.for_language(language), built).files()


def package(files: dict[str, bytes]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(files["data/datapackage.json"])
    return data


def frictionless_errors(files: dict[str, bytes], folder: Path) -> list[str]:
    """What `frictionless validate datapackage.json` finds in the files, written out."""
    folder.mkdir(parents=True, exist_ok=True)
    for uri, data in files.items():
        (folder / uri.rsplit("/", 1)[-1]).write_bytes(data)
    report = frictionless.validate(str(folder / "datapackage.json"))
    errors = [f"{task.name}: {error.type}: {error.message}"
              for task in report.tasks for error in task.errors]
    errors += [f"{error.type}: {error.message}" for error in report.errors]
    assert report.valid is not bool(errors), errors
    return errors


def resources(files: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    return {r["path"]: r for r in package(files)["resources"]}


# -- what the package says ---------------------------------------------------------------------

def test_the_package_describes_every_other_published_file(tmp_path: Path, epoch: str) -> None:
    files = site_files(write_site(tmp_path))
    described = set(resources(files))
    # The feeds of each initiative and partner (data/feeds/) are for feed readers, one per
    # page: the site's own feeds stand for them in the package.
    published = {uri.rsplit("/", 1)[-1] for uri in files
                 if "/feeds/" not in uri} - {"datapackage.json"}
    assert described == published
    assert {r["name"] for r in package(files)["resources"]} == {
        "portfolio", "portfolio-schema", "initiatives", "partners", "funding", "stories",
        "stories-atom", "stories-json-feed", "initiatives-template"}


def test_each_csv_file_is_a_table_whose_fields_are_its_columns_in_order(
        tmp_path: Path, epoch: str) -> None:
    files = site_files(write_site(tmp_path))
    described = resources(files)
    for table, columns in CSV_COLUMNS.items():
        resource = described[f"{table}.csv"]
        assert resource["profile"] == "tabular-data-resource"
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == (
            "csv", "text/csv", "utf-8")
        names = tuple(f["name"] for f in resource["schema"]["fields"])
        assert names == columns
        header = next(csv.reader(io.StringIO(files[f"data/{table}.csv"].decode("utf-8-sig"))))
        assert tuple(header) == names
        assert all(f["description"] and f["type"] in ("string", "integer", "number", "year",
                                                     "object", "array")
                   for f in resource["schema"]["fields"])


def test_fields_carry_the_types_of_their_values(tmp_path: Path, epoch: str) -> None:
    described = resources(site_files(write_site(tmp_path)))

    def field(table: str, name: str) -> dict[str, Any]:
        fields = described[f"{table}.csv"]["schema"]["fields"]
        found: dict[str, Any] = next(f for f in fields if f["name"] == name)
        return found

    assert field("initiatives", "cash")["type"] == "number"
    assert field("initiatives", "stories")["type"] == "integer"
    assert field("initiatives", "layer")["constraints"]["enum"] == [2, 3]
    assert field("initiatives", "facet")["constraints"]["enum"] == [
        "mission-oriented", "enhancement-oriented", "adaptive", "anticipatory"]
    assert field("funding", "year")["type"] == "year"
    assert field("partners", "first_year")["type"] == "year"
    # Dates are as precise as given (2024, 2024-05 or 2024-05-01): text of a pattern.
    assert field("stories", "date") == {
        "name": "date", "type": "string", "description": field("stories", "date")["description"],
        "constraints": {"required": True, "pattern": r"\d{4}(-\d{2}(-\d{2})?)?"}}


def test_descriptions_come_from_the_catalogue_in_the_site_language(tmp_path: Path) -> None:
    portfolio = big_portfolio(5, 5)
    english = resources(model_files(portfolio, tmp_path / "en"))
    swedish = resources(model_files(portfolio, tmp_path / "sv", "sv"))
    en_id = english["initiatives.csv"]["schema"]["fields"][0]["description"]
    sv_id = swedish["initiatives.csv"]["schema"]["fields"][0]["description"]
    assert en_id == Translator.for_language("en")("opendata.col.initiatives.id")
    assert sv_id == Translator.for_language("sv")("opendata.col.initiatives.id")
    assert en_id != sv_id


def test_the_tables_name_their_keys_and_how_they_refer_to_each_other(
        tmp_path: Path, epoch: str) -> None:
    described = resources(site_files(write_site(tmp_path)))
    schemas = {table: described[f"{table}.csv"]["schema"] for table in CSV_COLUMNS}
    assert schemas["initiatives"]["primaryKey"] == ["id"]
    assert schemas["partners"]["primaryKey"] == ["id"]
    links = {(table, tuple(k["fields"]), k["reference"]["resource"],
              tuple(k["reference"]["fields"]))
             for table, schema in schemas.items() for k in schema.get("foreignKeys", ())}
    assert links == {
        ("initiatives", ("steward",), "partners", ("id",)),
        ("funding", ("initiative",), "initiatives", ("id",)),
        ("funding", ("funder",), "partners", ("id",)),
        ("stories", ("initiative",), "initiatives", ("id",)),
    }


def test_json_files_and_feeds_are_resources_of_their_own_kind(tmp_path: Path,
                                                               epoch: str) -> None:
    described = resources(site_files(write_site(tmp_path)))
    assert {path: (r["format"], r["mediatype"], "schema" in r)
            for path, r in described.items() if not path.endswith(".csv")} == {
        "portfolio.json": ("json", "application/json", False),
        "portfolio.schema.json": ("json", "application/schema+json", False),
        "stories.json": ("json", "application/feed+json", False),
        "stories.xml": ("xml", "application/atom+xml", False),
        "initiatives-template.xlsx": (
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    }


def test_the_package_names_the_portfolio_its_licence_and_the_build_date(
        tmp_path: Path, epoch: str) -> None:
    data = package(site_files(write_site(tmp_path, SITE_URL)))
    assert data["name"] == "testvik-platform"
    assert data["title"] == "Testvik Platform"
    assert data["created"] == "2023-11-14T22:13:20Z"  # SOURCE_DATE_EPOCH
    assert data["homepage"] == SITE_URL
    assert data["licenses"] == [{
        "name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/",
        "title": "Creative Commons Zero v1.0 Universal"}]


def test_without_a_site_url_or_a_licence_the_package_says_neither(tmp_path: Path) -> None:
    data = package(model_files(big_portfolio(3, 3), tmp_path))
    assert "homepage" not in data
    assert "licenses" not in data


def test_a_licence_the_plugin_does_not_know_links_to_its_spdx_page(tmp_path: Path) -> None:
    portfolio = big_portfolio(3, 3)
    portfolio = dataclasses.replace(
        portfolio, info=dataclasses.replace(portfolio.info, licence="EUPL-1.2"))
    assert package(model_files(portfolio, tmp_path))["licenses"] == [{
        "name": "EUPL-1.2", "path": "https://spdx.org/licenses/EUPL-1.2.html",
        "title": "EUPL-1.2"}]


def test_the_package_is_the_same_bytes_for_the_same_input(tmp_path: Path, epoch: str) -> None:
    first = site_files(write_site(tmp_path / "a"))["data/datapackage.json"]
    second = site_files(write_site(tmp_path / "b"))["data/datapackage.json"]
    assert first == second


@pytest.mark.parametrize(("name", "slug"), [
    ("Norrvik Innovation Platform", "norrvik-innovation-platform"),
    ("Sjöby Labs", "sjoby-labs"), ("Ålands innovationsråd", "alands-innovationsrad"),
    ("!!!", "portfolio"),
])
def test_the_package_name_is_the_portfolio_name_in_lowercase_ascii(name: str,
                                                                   slug: str) -> None:
    assert package_name(name) == slug


# -- Frictionless reads it ------------------------------------------------------------------

def test_frictionless_finds_the_testvik_data_valid(tmp_path: Path, epoch: str) -> None:
    assert frictionless_errors(site_files(write_site(tmp_path / "site", SITE_URL)),
                               tmp_path / "data") == []


def test_frictionless_finds_a_generated_portfolio_valid(tmp_path: Path) -> None:
    portfolio = big_portfolio(120, 40)
    portfolio = dataclasses.replace(
        portfolio, info=dataclasses.replace(portfolio.info, licence="ODbL-1.0"))
    assert frictionless_errors(model_files(portfolio, tmp_path / "site"),
                               tmp_path / "data") == []


@pytest.mark.parametrize("config", ["mkdocs.yml", "mkdocs.sv.yml"])
def test_frictionless_finds_the_reference_site_data_valid(tmp_path: Path, epoch: str,
                                                          config: str) -> None:
    files = site_files(ROOT / config)
    assert package(files)["licenses"][0]["name"] == "CC-BY-4.0"
    assert frictionless_errors(files, tmp_path / "data") == []


def test_frictionless_finds_a_funder_that_is_no_partner(tmp_path: Path, epoch: str) -> None:
    files = site_files(write_site(tmp_path / "site"))
    funding = files["data/funding.csv"].decode("utf-8-sig")
    assert ",agency," in funding
    files["data/funding.csv"] = ("\ufeff" + funding.replace(",agency,", ",nobody,")).encode()
    errors = frictionless_errors(files, tmp_path / "data")
    assert errors and all("foreign-key" in e for e in errors), errors


def test_frictionless_finds_a_count_that_is_no_number(tmp_path: Path, epoch: str) -> None:
    files = site_files(write_site(tmp_path / "site"))
    lines = files["data/initiatives.csv"].decode("utf-8-sig").split("\r\n")
    header = lines[0].split(",")
    row = next(csv.reader([lines[1]]))
    row[header.index("stories")] = "many"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(row)
    lines[1] = out.getvalue().rstrip("\r\n")
    files["data/initiatives.csv"] = ("\ufeff" + "\r\n".join(lines)).encode()
    errors = frictionless_errors(files, tmp_path / "data")
    assert errors and all("type-error" in e for e in errors), errors
