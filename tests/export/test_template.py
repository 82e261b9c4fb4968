"""`data/initiatives-template.xlsx`: a spreadsheet to fill in, explained in the site's
languages, the same bytes for the same input, and importable as it is."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from portfolio_plugin.cli import main
from portfolio_plugin.export import Exporter
from portfolio_plugin.export.template import SHEETS
from portfolio_plugin.i18n import Translator
from portfolio_plugin.render.opendata import data_page

from support import Site, fixture, read, renderer

BUILT = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)


def template(language: str = "en") -> bytes:
    r = renderer(fixture(), language=language)
    return Exporter(r.portfolio, r.figures, r.options, r.t, BUILT, renderer=r).template()


def test_two_builds_of_the_template_give_the_same_bytes_whatever_the_clock_says(
        monkeypatch: pytest.MonkeyPatch) -> None:
    first = template()
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    assert template() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2023-11-14T22:13:20Z") == 2  # created and modified: the build's


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_template_explains_every_column_in_the_site_language_first_then_the_others(
        language: str) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template(language)))
    t = Translator.for_language(language)
    assert book.sheetnames == [*SHEETS, t("template.sheet")]
    rows = list(book[t("template.sheet")].iter_rows(values_only=True))
    other = "sv" if language == "en" else "en"
    assert rows[0] == (t("template.head.sheet"), t("template.head.column"),
                       f"{t('template.head.explanation')} ({language})",
                       f"{Translator.for_language(other)('template.head.explanation')} "
                       f"({other})")
    explained = {(row[0], row[1]): row[2:] for row in rows[1:] if row[1]}
    assert set(explained) == {(table, column) for table, columns in SHEETS.items()
                              for column in columns}
    for texts in explained.values():  # a text of its own in each language, never a key
        assert all(text and not text.startswith(("template.", "opendata.")) for text in texts)
        assert texts[0] != texts[1]
    for table, columns in SHEETS.items():
        assert next(book[table].iter_rows(values_only=True)) == columns


def test_the_template_as_it_is_imports_into_a_valid_page(
        site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = str(site.root / "mkdocs.yml")
    assert main(["-f", config, "export", "--out", str(tmp_path / "data")]) == 0
    assert main(["-f", config, "import",
                 str(tmp_path / "data" / "initiatives-template.xlsx")]) == 0
    assert (site.initiatives / "example-initiative.md").is_file()
    capsys.readouterr()
    assert main(["-f", config, "validate", "--strict"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_data_page_links_the_template_with_what_it_is_for(language: str) -> None:
    page = data_page(renderer(fixture(), language=language))
    links = [a.get("href") or "" for tag, a in read(page).elements if tag == "a"]
    assert [h for h in links if h.endswith("data/initiatives-template.xlsx")]
    assert Translator.for_language(language)("opendata.about.template") in page
