"""Spreadsheets read as tables: a CSV file or the sheets of an XLSX workbook, each a header row
and rows of cells, every cell with the place a person finds it at (file, sheet, row, column).

What people do to spreadsheets is taken in stride where it is harmless (a byte-order mark,
`;` as the separator, spaces around a value, blank rows, a title of the sheet above its
header) and reported where it would lose data (merged cells, two columns of one name, a
column with no name that holds values). What a value means is not decided here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Problem, Severity, suggest

MAX_SHEET_BYTES = 50 * 1024 * 1024
# Cells a spreadsheet would run as a formula, which the exported CSV files protect with a
# leading apostrophe (see `export.tables.spreadsheet_cell`): the apostrophe is taken off.
_PROTECTED = re.compile(r"'(?=[=+\-@\t\r])")
_HEADER_SPACES = re.compile(r"[\s\-]+")


def column_letter(index: int) -> str:
    """`1` -> `A`, `27` -> `AA`: the name Excel and LibreOffice show above a column."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """Where a value is in a spreadsheet, as its reader names it."""

    file: str
    sheet: str  # "" for a CSV file
    row: int
    column: str  # the column's name in the header ("" where the place is the whole row)
    index: int = 0  # 1-based; 0 where the column is not in the sheet

    def __str__(self) -> str:
        where = self.file + (f", sheet '{self.sheet}'" if self.sheet else "")
        where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
            if self.index:
                where += f" ({column_letter(self.index)})"
            else:
                where += " (not in the sheet)"
        elif self.index:
            where += f", column {column_letter(self.index)}"
        return where


@dataclass(frozen=True)
class Row:
    """One row of values by column name (cells left empty are not in it)."""

    number: int
    values: dict[str, Any]


@dataclass
class Sheet:
    """A table: its columns (name -> 1-based index) and its rows, blank rows left out."""

    file: str
    name: str  # the sheet's name in a workbook, "" for a CSV file
    columns: dict[str, int] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    header_row: int = 1
    table: str = ""  # which table it is, where the file says so rather than its name

    def cell(self, row: int, column: str) -> Cell:
        """The place of a column in a row."""
        return Cell(self.file, self.name, row, column, self.columns.get(column, 0))

    def at(self, row: int) -> Cell:
        """The place of a whole row."""
        return Cell(self.file, self.name, row, "")


@dataclass(frozen=True)
class SheetProblem:
    """A problem at a place in a spreadsheet."""

    where: Cell
    problem: Problem

    @property
    def severity(self) -> Severity:
        """Error, warning or information."""
        return self.problem.severity

    def __str__(self) -> str:
        return f"{self.where}: {self.problem.severity.value}: {self.problem.describe()}"


def sheet_problem(where: Cell, message: str, expected: str | None = None,
                  found: str | None = None, suggestion: str | None = None,
                  severity: Severity = Severity.ERROR, field_path: str = "") -> SheetProblem:
    """A problem at a cell."""
    return SheetProblem(where, Problem(where.file, where.row, where.index, field_path, message,
                                       severity, expected, found, suggestion))


def header_name(text: str) -> str:
    """A header cell as a column name: `In kind ` -> `in_kind`."""
    return _HEADER_SPACES.sub("_", text.strip().lower()).strip("_")


def clean(value: Any) -> Any:
    """A cell's value with spaces around text taken off, and empty text as nothing."""
    if isinstance(value, str):
        value = _PROTECTED.sub("", value.strip(), count=1) if value.strip().startswith("'") \
            else value.strip()
        return value or None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _decode(raw: bytes, display: str, problems: list[SheetProblem]) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Windows: Windows-1252, which reads any byte.
        problems.append(sheet_problem(
            Cell(display, "", 1, ""), "the file is not UTF-8; it was read as Windows-1252 "
            "(Excel's \"CSV\"); check letters such as å, ä and ö, or save it as "
            "\"CSV UTF-8\"", severity=Severity.WARNING))
        return raw.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    # Excel writes `;` where the decimal comma is in use (Swedish, German...).
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_csv(path: Path, display: str, problems: list[SheetProblem]) -> Sheet | None:
    """A CSV file as one table (UTF-8 with or without a byte-order mark, `,`, `;` or tab)."""
    raw = path.read_bytes()[:MAX_SHEET_BYTES + 1]
    if len(raw) > MAX_SHEET_BYTES:
        problems.append(sheet_problem(Cell(display, "", 1, ""), "the file is too large",
                                      expected="at most 50 MB", found="more"))
        return None
    text = _decode(raw, display, problems)
    first = next((line for line in text.splitlines() if line.strip()), "")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first)))
    grid = [(number, list(row)) for number, row in enumerate(rows, 1)]
    return _table(display, "", grid, [], problems)


def read_workbook(path: Path, display: str, problems: list[SheetProblem]) -> list[Sheet]:
    """Every sheet of an XLSX workbook as a table; the values its cells show (a formula's
    last result), dates as dates."""
    import zipfile

    import openpyxl  # only a spreadsheet import needs it

    if path.stat().st_size > MAX_SHEET_BYTES:
        problems.append(sheet_problem(Cell(display, "", 1, ""), "the file is too large",
                                      expected="at most 50 MB", found="more"))
        return []
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        problems.append(sheet_problem(
            Cell(display, "", 1, ""), "the file cannot be read as an Excel workbook",
            expected="an .xlsx file (in Excel: Save As, Excel Workbook), or a CSV file",
            found=type(exc).__name__ if not str(exc) else str(exc)[:80]))
        return []
    sheets = []
    for worksheet in book.worksheets:
        grid = [(number, list(values)) for number, values in
                enumerate(worksheet.iter_rows(values_only=True), 1)]
        merged = [(r.min_row, r.min_col, r.max_row, r.max_col, str(r))
                  for r in worksheet.merged_cells.ranges]
        sheet = _table(display, worksheet.title, grid, merged, problems)
        if sheet is not None:
            sheets.append(sheet)
    return sheets


def _blank(values: Iterable[Any]) -> bool:
    return all(clean(v) is None for v in values)


def _table(display: str, name: str, grid: list[tuple[int, list[Any]]],
           merged: list[tuple[int, int, int, int, str]],
           problems: list[SheetProblem]) -> Sheet | None:
    """Header and rows of a grid of cells; the header is the first row with a value."""
    sheet = Sheet(display, name)
    filled = [(number, values) for number, values in grid if not _blank(values)]
    if not filled:
        return sheet
    header_row, header = filled[0]
    sheet.header_row = header_row
    for top, left, bottom, right, label in merged:
        if top <= header_row <= bottom and right > left:
            what = "header cells"
            advice = "unmerge them and give each column its own name in row " \
                     f"{header_row}"
        else:
            what = "cells"
            advice = "unmerge them and write the value in each cell (only the first " \
                     "cell of a merged range holds it)"
        problems.append(sheet_problem(
            Cell(display, name, top, "", 0), f"the {what} {label} are merged; {advice}",
            expected="one value per cell", found=f"merged cells {label}"))
    named: dict[str, int] = {}
    unnamed: list[int] = []
    said: set[int] = set()
    for index, value in enumerate(header, 1):
        text = clean(value)
        if text is None:
            unnamed.append(index)
            continue
        column = header_name(str(text))
        if column in named:
            problems.append(sheet_problem(
                Cell(display, name, header_row, column, index),
                f"the column '{column}' is also column {column_letter(named[column])}; "
                "only the first is read", expected="each column once",
                found=f"'{column}' in columns {column_letter(named[column])} and "
                      f"{column_letter(index)}"))
            continue
        named[column] = index
    sheet.columns = named
    for number, values in filled[1:]:
        cells: dict[str, Any] = {}
        for column, index in named.items():
            value = clean(values[index - 1]) if index <= len(values) else None
            if value is not None:
                cells[column] = value
        beyond = range(len(header) + 1, len(values) + 1)
        for index in [*unnamed, *beyond]:
            if index <= len(values) and clean(values[index - 1]) is not None \
                    and index not in said:
                problems.append(sheet_problem(
                    Cell(display, name, number, "", index),
                    f"column {column_letter(index)} holds a value but has no name in the "
                    f"header row ({header_row})", expected="a column name in the header row",
                    found=describe_cell(values[index - 1])))
                said.add(index)  # once per column
        if cells:
            sheet.rows.append(Row(number, cells))
    return sheet


def describe_cell(value: Any) -> str:
    """A cell's value as a message shows it."""
    value = clean(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value.isoformat()}"
    return "nothing" if value is None else repr(value)


def unknown_columns(sheet: Sheet, read: Iterable[str], ignored: Iterable[str],
                    problems: list[SheetProblem]) -> None:
    """A column whose name is close to a known one is an error (its values would be lost to
    a typo); any other column is not read, and said so."""
    known = tuple(read)
    others = tuple(ignored)
    for column, index in sheet.columns.items():
        if column in known or column in others:
            continue
        near = suggest(column, known)
        where = Cell(sheet.file, sheet.name, sheet.header_row, column, index)
        if near:
            problems.append(sheet_problem(
                where, "is not a column this import reads", expected="one of " +
                ", ".join(known), found=repr(column), suggestion=near))
        else:
            problems.append(sheet_problem(
                where, "is not a column this import reads; its values are left out",
                expected="one of " + ", ".join(known), found=repr(column),
                severity=Severity.WARNING))
