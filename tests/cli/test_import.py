"""`portfolio import FILE`: a spreadsheet as a communications officer makes it becomes pages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from portfolio_plugin.cli import main

from support import ROOT, Site, front_matter

TABLES = ("initiatives", "funding", "stories", "partners")


def run(config: Path, *args: str) -> int:
    return main(["-f", str(config), *args])


# -- the reference site, exported and imported again -------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference site's CSV files, as `portfolio export` publishes them."""
    out = tmp_path_factory.mktemp("export")
    assert run(ROOT / "mkdocs.yml", "export", "--out", str(out)) == 0
    return out


@pytest.fixture
def empty_reference(tmp_path: Path) -> Path:
    """The reference site's configuration and site_data, with no initiative pages."""
    root = tmp_path / "site"
    (root / "content" / "initiatives").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "site_data", root / "site_data")
    return root


DATE_KEYS = ("date", "start", "end", "baseline_date", "target_date")


def normalised(value: Any, key: str = "") -> Any:
    """Front-matter as the contract reads it: dates as ISO text, numbers as floats, a partner
    id as {id}, defaults written out, and lists the validator orders put in that order."""
    if isinstance(value, dict):
        found = {k: normalised(v, k) for k, v in value.items() if v not in (None, "", [])}
        if key == "funding":
            found.setdefault("currency", "SEK")
            found.setdefault("kind", "cash")
        if key == "stories":
            found.setdefault("kind", "critical-event")
        return found
    if isinstance(value, list):
        items = [normalised({"id": v} if key == "partners" and isinstance(v, str) else v, key)
                 for v in value]
        if key in ("stories", "zone_history", "values"):
            items.sort(key=lambda item: (item["date"], item.get("title", "")))
        return items
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value) if key in DATE_KEYS else float(value)
    if isinstance(value, str):
        return value.strip()
    return value


def page_fields(path: Path) -> dict[str, Any]:
    fields = normalised(front_matter(path))
    fields.setdefault("status", "active")
    fields.setdefault("layer", 2.0)
    return fields


def workbook_of(csv_folder: Path, target: Path) -> Path:
    """The four CSV files as sheets of one workbook named like them."""
    import csv

    book = openpyxl.Workbook()
    book.remove(book.active)
    for table in TABLES:
        sheet = book.create_sheet(table)
        with (csv_folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                sheet.append(row)
    book.save(target)
    return target


@pytest.mark.parametrize("form", ["csv files", "one xlsx workbook"])
def test_the_exported_reference_site_imported_into_an_empty_folder_gives_the_same_front_matter(
        exported: Path, empty_reference: Path, form: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = empty_reference / "mkdocs.yml"
    if form == "csv files":
        args = [str(exported / "initiatives.csv"),
                *(f"--{table}={exported / f'{table}.csv'}" for table in TABLES[1:])]
    else:
        args = [str(workbook_of(exported, empty_reference.parent / "portfolio.xlsx"))]
    assert run(config, "import", *args) == 0, capsys.readouterr().out
    # The initiatives (a body's translation, `<slug>.sv.md`, is not front-matter and not in
    # the open data).
    originals = sorted(p for p in (ROOT / "content" / "initiatives").glob("*.md")
                       if "." not in p.stem)
    imported = sorted((empty_reference / "content" / "initiatives").glob("*.md"))
    assert [p.name for p in imported] == [p.name for p in originals]
    for original, made in zip(originals, imported):
        expected, found = page_fields(original), page_fields(made)
        for key in sorted(set(expected) | set(found)):
            assert found.get(key) == expected.get(key), f"{made.name}: {key}"
    # The pages pass the site's own check.
    capsys.readouterr()
    assert run(config, "validate", "--strict") == 0, capsys.readouterr().out


def test_importing_the_export_over_the_reference_pages_with_update_changes_no_byte(
        exported: Path, empty_reference: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = empty_reference / "content" / "initiatives"
    for page in (ROOT / "content" / "initiatives").glob("*.md"):
        shutil.copy(page, folder / page.name)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    config = empty_reference / "mkdocs.yml"
    assert run(config, "import", str(exported / "initiatives.csv"),
               f"--funding={exported / 'funding.csv'}",
               f"--stories={exported / 'stories.csv'}", "--update") == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert "0 new page(s), 0 updated, 34 unchanged" in capsys.readouterr().err


# -- a spreadsheet made by hand ------------------------------------------------------------------

def hand_made(path: Path) -> Path:
    """The mistakes people make: a merged header, a date as Excel's day number, spaces after
    values, a blank row, "Yes" in a number column, a typo in a column's name, an id twice."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Initiatives"
    sheet.append(["id", "Title ", "summary", "facet", "zone", "layer", "start", None, "theme"])
    sheet.merge_cells("G1:H1")
    sheet.append(["bike-lanes ", "Bike lanes  ", "Safer bike lanes.", "mission-oriented",
                  "green", 2, 45123, None, "energy"])
    sheet.append([])
    sheet.append(["car-free-day", "Car-free day", "A day without cars.", "adaptive", "yelow",
                  "Yes", dt.datetime(2024, 5, 17)])
    sheet.append(["bike-lanes", "Bike lanes again", "Twice.", "adaptive", "blue", 3])
    funding = book.create_sheet("funding")
    funding.append(["initiative", "funder", "year", "amount"])
    funding.append(["bike-lanes", "city", 2024, "Yes"])
    funding.append(["car-free-dya", "agency", 2024, 1000])
    book.save(path)
    return path


def test_each_mistake_of_a_hand_made_workbook_is_named_by_row_and_column_and_nothing_is_written(
        site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = hand_made(tmp_path / "from-excel.xlsx")
    assert run(site.root / "mkdocs.yml", "import", str(book)) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    where = f"{book}, sheet"
    assert lines == [
        f"{where} 'Initiatives', row 1: error: the header cells G1:H1 are merged; unmerge "
        "them and give each column its own name in row 1 (expected one value per cell, "
        "found merged cells G1:H1)",
        f"{where} 'Initiatives', row 1, column 'theme' (I): error: is not a column this "
        "import reads (expected one of id, title, summary, facet, zone, status, start, end, "
        "layer, steward, partners, themes, mandates, objectives, assets, translations, "
        "partner_roles, zone_history, indicators, position_certainty, position_direction, "
        "links, body, found 'theme'); did you mean 'themes'?",
        f"{where} 'Initiatives', row 2, column 'start' (G): warning: the day number 45123 is "
        "how Excel stores a date; it was read as 2023-07-16; check it, and format the column "
        "as dates or text so that it shows as a date (expected a date like 2024-05-17, found "
        "45123)",
        f"{where} 'Initiatives', row 4, column 'zone' (E): error: is not a known value "
        "(expected one of yellow, green, blue, found 'yelow'); did you mean 'yellow'?",
        f"{where} 'Initiatives', row 4, column 'layer' (F): error: is not a layer an "
        "initiative can be in (expected 2 (platform projects) or 3 (projects of other "
        "partners), found 'Yes')",
        f"{where} 'Initiatives', row 5, column 'id' (A): error: the id 'bike-lanes' is also "
        "in row 2 (expected each initiative once, found 'bike-lanes')",
        f"{where} 'funding', row 2, column 'amount' (D): error: must be a number (expected a "
        "number >= 0 and below 10^15, found 'Yes')",
        f"{where} 'funding', row 3, column 'initiative' (A): error: the initiative "
        "'car-free-dya' is not in the initiatives sheet (or has problems of its own there) "
        "(expected an id of the initiatives sheet, found 'car-free-dya'); did you mean "
        "'car-free-day'?",
    ]
    # The blank row 3 and the spaces after values are no problem; nothing was written.
    assert "'Initiatives', row 3" not in captured.out
    assert "Nothing was written" in captured.err and "Traceback" not in captured.err
    assert list(site.initiatives.iterdir()) == []


def test_the_hand_made_workbook_corrected_gives_pages_with_trimmed_values_and_real_dates(
        site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(hand_made(tmp_path / "from-excel.xlsx"))
    sheet = book["Initiatives"]
    sheet.unmerge_cells("G1:H1")
    sheet["I1"] = "themes"
    sheet["E4"] = "yellow"
    sheet["F4"] = 3
    sheet.delete_rows(5)
    book["funding"]["D2"] = 1500
    book["funding"]["A3"] = "car-free-day"
    book.save(tmp_path / "corrected.xlsx")
    assert run(site.root / "mkdocs.yml", "import", str(tmp_path / "corrected.xlsx")) == 0
    assert "warning: the day number 45123" in capsys.readouterr().out
    bike = front_matter(site.initiatives / "bike-lanes.md")
    assert bike == {"title": "Bike lanes", "summary": "Safer bike lanes.",
                    "facet": "mission-oriented", "zone": "green", "layer": 2,
                    "start": "2023-07-16", "themes": ["energy"],
                    "funding": [{"funder": "city", "amount": 1500, "year": 2024}]}
    car = front_matter(site.initiatives / "car-free-day.md")
    assert car["start"] == "2024-05-17" and car["layer"] == 3
    assert car["funding"] == [{"funder": "agency", "amount": 1000, "year": 2024}]
    assert run(site.root / "mkdocs.yml", "validate", "--strict") == 0


def test_a_value_beyond_the_named_columns_is_an_error_at_its_cell(
        site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "initiatives.csv"
    sheet.write_text("id;title;summary;facet;zone;partners\n"
                     "cykelgata;Gata;Säkrare.;adaptive;yellow;city;acme\n", encoding="utf-8")
    assert run(site.root / "mkdocs.yml", "import", str(sheet)) == 1
    assert capsys.readouterr().out == (
        f"{sheet}, row 2, column G: error: column G holds a value but has no name in the "
        "header row (1) (expected a column name in the header row, found 'acme')\n")
    assert list(site.initiatives.iterdir()) == []


def test_a_csv_with_a_byte_order_mark_and_semicolons_as_excel_writes_it_is_read(
        site: Site, tmp_path: Path) -> None:
    sheet = tmp_path / "initiatives.csv"
    sheet.write_bytes("\ufeffid;title;summary;facet;zone;partners\r\n"
                      "cykelgata;Cykelvänlig gata ;Säkrare för cyklister.;adaptive;yellow;"
                      "city, acme\r\n".encode())
    assert run(site.root / "mkdocs.yml", "import", str(sheet)) == 0
    assert front_matter(site.initiatives / "cykelgata.md") == {
        "title": "Cykelvänlig gata", "summary": "Säkrare för cyklister.",
        "facet": "adaptive", "zone": "yellow", "partners": ["city", "acme"]}


# -- pages that exist ----------------------------------------------------------------------------

PAGE = """\
---
# Kept as written: comments, quoting and order.
title: "Bike lanes"
summary: Safer bike lanes.
facet: mission-oriented
zone: green
themes: [energy]   # the city's theme
---
The description, **kept** byte for byte.
"""


def test_an_existing_page_is_never_overwritten_without_update(
        site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = site.page("bike-lanes", PAGE)
    sheet = tmp_path / "zones.csv"
    sheet.write_text("id,zone\nbike-lanes,blue\nnew-one,blue\n", encoding="utf-8")
    assert run(site.root / "mkdocs.yml", "import", str(sheet)) == 1
    out = capsys.readouterr().out
    assert (f"{sheet}, row 2, column 'id' (A): error: a page for 'bike-lanes' already exists "
            "(content/initiatives/bike-lanes.md); it is not changed (expected a new id, or "
            "--update to change the fields given in this sheet, found 'bike-lanes')") in out
    # The new row is refused too (it lacks its title), and nothing at all is written.
    assert f"{sheet}, row 3, column 'title' (not in the sheet): error: is required" in out
    assert page.read_text(encoding="utf-8") == PAGE
    assert sorted(p.name for p in site.initiatives.iterdir()) == ["bike-lanes.md"]


def test_update_changes_only_the_fields_of_the_sheet_and_keeps_the_rest_byte_for_byte(
        site: Site, tmp_path: Path) -> None:
    page = site.page("bike-lanes", PAGE)
    sheet = tmp_path / "zones.csv"
    sheet.write_text("id,zone,status,themes\nbike-lanes,blue,completed,energy\n",
                     encoding="utf-8")
    assert run(site.root / "mkdocs.yml", "import", str(sheet), "--update") == 0
    assert page.read_text(encoding="utf-8") == PAGE.replace(
        "zone: green\n", "zone: blue\n").replace("---\nThe", "status: completed\n---\nThe")


def test_update_with_an_empty_cell_takes_the_field_out_of_the_page(
        site: Site, tmp_path: Path) -> None:
    page = site.page("bike-lanes", PAGE)
    sheet = tmp_path / "themes.csv"
    sheet.write_text("id,themes\nbike-lanes,\n", encoding="utf-8")
    assert run(site.root / "mkdocs.yml", "import", str(sheet), "--update") == 0
    assert page.read_text(encoding="utf-8") == PAGE.replace(
        "themes: [energy]   # the city's theme\n", "")
