"""`data/initiatives-template.xlsx`: a spreadsheet to fill in and give to `portfolio import`.

Sheets named like the CSV files (initiatives, funding, stories, partners) with the columns the
import reads and an example row made of this site's own ids (so that importing the template
as it is gives a valid page), and a sheet that explains each column in every language the
plugin speaks, the site's first. Its bytes depend only on the input and the build date: the
workbook's created and modified dates are the build's, and every file inside the zip carries
the build's time.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from ..i18n import Translator, available_languages, package_catalogue
from .base import ExportBase
from .tables import IMPORTED

# The columns of each sheet: what `portfolio import` reads, as a person fills it in (money
# as given, in its currency; the export's converted amounts are not asked for).
SHEETS: dict[str, tuple[str, ...]] = {
    "initiatives": IMPORTED["initiatives"],
    "funding": ("initiative", "funder", "year", "kind", "amount", "currency", "note"),
    "stories": IMPORTED["stories"],
    "partners": IMPORTED["partners"],
}
EXAMPLE_ID = "example-initiative"


def zip_time(built: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """The build's time as a zip entry's (the format starts in 1980)."""
    moment = max(built.astimezone(dt.timezone.utc).replace(tzinfo=None),
                 dt.datetime(1980, 1, 1))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def reproducible_zip(data: bytes, built: dt.datetime) -> bytes:
    """The same zip with every entry dated `built` (zip files otherwise carry the time they
    were written)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=zip_time(built))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


class Template(ExportBase):
    """Makes `initiatives-template.xlsx`."""

    def template(self) -> bytes:
        """The workbook's bytes."""
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font
        from openpyxl.writer.excel import ExcelWriter

        book = Workbook()
        book.remove(book.active)
        bold = Font(bold=True)
        examples = self._examples()
        for table, columns in SHEETS.items():
            sheet = book.create_sheet(table)
            sheet.append(list(columns))
            if examples.get(table):
                sheet.append([examples[table].get(column, "") for column in columns])
            for cell in sheet[1]:
                cell.font = bold
            for index, column in enumerate(columns, 1):
                width = max(len(column), len(str(examples.get(table, {}).get(column, ""))))
                sheet.column_dimensions[cell_column(index)].width = min(max(width + 2, 10), 50)
            sheet.freeze_panes = "A2"
        translators = self._translators()
        explained = book.create_sheet(self.t("template.sheet"))
        explained.append([self.t("template.head.sheet"), self.t("template.head.column")]
                         + [f"{t('template.head.explanation')} ({t.language})"
                            for t in translators])
        for table, columns in SHEETS.items():
            for column in columns:
                explained.append([table, column] + [explain(t, table, column)
                                                    for t in translators])
        explained.append([])
        for note in ("lists", "dates", "json", "import"):
            explained.append(["", ""] + [t(f"template.note.{note}") for t in translators])
        for cell in explained[1]:
            cell.font = bold
        explained.column_dimensions["A"].width = 12
        explained.column_dimensions["B"].width = 20
        for index in range(len(translators)):
            letter = cell_column(index + 3)
            explained.column_dimensions[letter].width = 70
            for cell in explained[letter]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        built = self.built.astimezone(dt.timezone.utc).replace(tzinfo=None)
        book.properties.creator = "portfolio"
        book.properties.title = self.t("template.title", name=self.portfolio.info.name)
        book.properties.created = built
        book.properties.modified = built
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            ExcelWriter(book, archive).write_data()
        return reproducible_zip(buffer.getvalue(), self.built)

    def _translators(self) -> list[Translator]:
        """The site's language first, then the others the plugin speaks."""
        others = [Translator(language, package_catalogue(language), package_catalogue("en"))
                  for language in available_languages() if language != self.t.language]
        return [self.t, *others]

    def _examples(self) -> dict[str, dict[str, Any]]:
        """An example row of each sheet, made of this site's ids so that it imports as is."""
        portfolio = self.portfolio
        info = portfolio.info
        partners = [p.id for p in portfolio.partners]
        year = self.built.year
        initiative: dict[str, Any] = {
            "id": EXAMPLE_ID, "title": self.t("template.example.title"),
            "summary": self.t("template.example.summary"), "facet": "adaptive",
            "zone": "yellow", "status": "idea", "start": f"{year}-01", "layer": 2,
            "body": self.t("template.example.body"),
        }
        if partners:
            initiative["steward"] = partners[0]
            initiative["partners"] = "; ".join(partners[:2])
        for column, ids in (("themes", [t.id for t in info.themes]),
                            ("mandates", [m.id for m in info.mandates]),
                            ("objectives", [o.id for o in info.objectives]),
                            ("assets", [a.id for a in portfolio.assets])):
            if ids:
                initiative[column] = ids[0]
        examples: dict[str, dict[str, Any]] = {"initiatives": initiative}
        if partners:
            examples["funding"] = {"initiative": EXAMPLE_ID, "funder": partners[0],
                                   "year": year, "kind": "cash", "amount": 100000,
                                   "currency": info.currency}
        examples["stories"] = {"date": f"{year}-01-15", "initiative": EXAMPLE_ID,
                               "title": self.t("template.example.story"),
                               "kind": "milestone", "text": self.t("template.example.text")}
        return examples


def cell_column(index: int) -> str:
    """A column's letter."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def explain(t: Translator, table: str, column: str) -> str:
    """What a column holds, as the import reads it (else as the Data page says)."""
    key = f"template.col.{table}.{column}"
    if key in t.messages or key in t.fallback:
        return t(key)
    return t(f"opendata.col.{table}.{column}")
