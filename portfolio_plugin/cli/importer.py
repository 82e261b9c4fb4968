"""`portfolio import FILE`: a spreadsheet becomes initiative pages.

The spreadsheet has the columns of the published CSV files (`export.tables`): an
initiatives table, and optionally funding, stories and partners tables, as sheets of one XLSX
workbook named like the CSV files or as further files. Each row is made into the front-matter
mapping of a page, and that mapping is checked by the project's own validator
(`validate.page_checker`): the same rules and messages as `portfolio validate`, each problem
put back at the row and column its value came from. Problems of the spreadsheet itself
(merged cells, unknown columns, two rows of one id, a day number where a date belongs) are
found on the way.

All or nothing: every problem of the run is reported, and on any error nothing is written.
A page that exists is never changed unless `update` is asked for; then only the fields whose
columns are in the spreadsheet change, and the rest of the page (other fields as written,
comments, the body) stays byte for byte. New partners of a partners table are added at the
end of `site_data/partners.yml`; partners already there are kept as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..export.tables import IMPORTED, NOT_IMPORTED
from ..load import NOT_INITIATIVES, SLUG, Page, display_path, initiative_files, load, read_page
from ..load.sheets import (
    Cell,
    Row,
    Sheet,
    SheetProblem,
    describe_cell,
    header_name,
    read_csv,
    read_workbook,
    sheet_problem,
    unknown_columns,
)
from ..load.yamlsafe import Located, PathKey, read_yaml
from ..load.yamlsafe import path_text as render_path
from ..options import Options
from ..problems import Problem, Severity, suggest
from ..validate import page_checker, partners_of, validate
from .scaffold import slugify, yaml_text

TABLES = ("initiatives", "funding", "stories", "partners")
# Excel counts days from 1899-12-30 (its day 60 is a 29 February 1900 that never was).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_EXCEL_DAYS = (2101, 2958465)  # numbers that are no year: days from 1905 to 9999
_INT = re.compile(r"[-+]?\d+\Z")
_FLOAT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?\Z")
_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]00:00(?::00)?\Z")
_LIST = re.compile(r"[;,\n]")
_FLOW_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
# Front-matter fields and the columns of the initiatives table each is made from.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "translations"), "summary": ("summary", "translations"),
    "facet": ("facet",), "zone": ("zone",), "status": ("status",), "start": ("start",),
    "end": ("end",), "layer": ("layer",), "steward": ("steward",),
    "partners": ("partners", "partner_roles"), "themes": ("themes",),
    "mandates": ("mandates",), "objectives": ("objectives",), "assets": ("assets",),
    "zone_history": ("zone_history",), "indicators": ("indicators",),
    "position": ("position_certainty", "position_direction"), "links": ("links",),
}
ORDER = ("title", "summary", "facet", "zone", "status", "layer", "start", "end", "steward",
         "partners", "funding", "themes", "mandates", "objectives", "assets", "zone_history",
         "stories", "indicators", "position", "links")
JSON_COLUMNS = {"translations": "object", "partner_roles": "object", "zone_history": "list",
                "indicators": "list", "links": "list"}


class _Absent:
    """A field whose columns are in the sheet but empty: it is left out of the page."""


ABSENT: Any = _Absent()


@dataclass
class Spots:
    """The places values came from, by number: the validator's line numbers are these."""

    places: list[tuple[Cell | str, str]] = field(default_factory=lambda: [("", "")])

    def add(self, place: Cell | str, path: str = "") -> int:
        """A new place (a cell, or `file:line` of a page); its number."""
        self.places.append((place, path))
        return len(self.places) - 1


@dataclass
class Planned:
    """A page to write: its path, its text, and whether it replaces one."""

    path: Path
    text: str
    updated: bool


@dataclass
class Result:
    """What an import found and (when it found no error) wrote."""

    problems: list[SheetProblem | Problem] = field(default_factory=list)
    pages: list[Planned] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    partners: dict[str, dict[str, Any]] = field(default_factory=dict)
    partners_path: Path | None = None
    rows: int = 0

    @property
    def errors(self) -> list[SheetProblem | Problem]:
        """The errors among the problems."""
        return [p for p in self.problems if p.severity is Severity.ERROR]


# -- reading the tables ---------------------------------------------------------------------

def read_tables(main: Path, extra: dict[str, Path], base: Path,
                problems: list[SheetProblem]) -> dict[str, Sheet]:
    """The tables of the spreadsheet(s): initiatives from `main`, the others from its sheets
    or from `extra` files."""
    tables: dict[str, Sheet] = {}
    for sheet in _sheets(main, base, problems, "initiatives"):
        table = _table_of(sheet, problems)
        if table is not None:
            tables[table] = sheet
    for table, path in extra.items():
        found = _sheets(path, base, problems, table)
        chosen = next((s for s in found if _table_of(s, problems) == table), None) \
            or (found[0] if found else None)
        if chosen is None:
            continue
        if table in tables:
            problems.append(sheet_problem(
                Cell(chosen.file, chosen.name, 1, ""),
                f"the {table} are given twice: in {tables[table].file} and here",
                expected=f"one {table} table", found="two"))
        tables[table] = chosen
    return tables


def _sheets(path: Path, base: Path, problems: list[SheetProblem], table: str) -> list[Sheet]:
    display = display_path(path.resolve(), base) if path.is_absolute() else str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    if suffix in (".xlsx", ".xlsm"):
        sheets = read_workbook(path, display, problems)
        if len(sheets) == 1 and _table_name(sheets[0].name) not in TABLES:
            sheets[0].name = sheets[0].name or table
            return [_named(sheets[0], table)]
        return sheets
    if suffix in (".csv", ".txt", ".tsv"):
        sheet = read_csv(path, display, problems)
        return [_named(sheet, table)] if sheet is not None else []
    problems.append(sheet_problem(
        Cell(display, "", 1, ""), "this kind of file cannot be imported",
        expected="an Excel workbook (.xlsx) or a CSV file (.csv); in Excel or LibreOffice: "
                 "Save As, and choose one of these", found=repr(path.suffix or path.name)))
    return []


def _named(sheet: Sheet, table: str) -> Sheet:
    sheet.table = table
    return sheet


def _table_name(name: str) -> str:
    return header_name(name).removesuffix(".csv").removesuffix("_csv")


def _table_of(sheet: Sheet, problems: list[SheetProblem]) -> str | None:
    if sheet.table:
        return sheet.table
    name = _table_name(sheet.name)
    if name in TABLES:
        return name
    near = suggest(name, TABLES)
    if near and sheet.rows:
        problems.append(sheet_problem(
            Cell(sheet.file, sheet.name, 1, ""), "is not a sheet this import reads",
            expected="sheets named " + ", ".join(TABLES), found=repr(sheet.name),
            suggestion=near, field_path=f"sheet '{sheet.name}'"))
    return None


# -- values of cells ------------------------------------------------------------------------

@dataclass
class Reading:
    """Turns cells into front-matter values, noting where each came from."""

    spots: Spots
    problems: list[SheetProblem]
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def place(self, path: PathKey, where: Cell) -> None:
        """Say that the value at `path` comes from the cell `where`."""
        self.positions[path] = (self.spots.add(where, render_path(path)), 0)

    def text(self, value: Any) -> Any:
        """Text as it reads in the cell (a number or a date as shown)."""
        if isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        return value

    def date(self, value: Any, where: Cell) -> Any:
        """A date as the contract writes it; Excel's dates and day numbers as dates."""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        number = value
        if isinstance(value, str):
            midnight = _MIDNIGHT.match(value)
            if midnight:
                return midnight.group(1)
            number = float(value) if _FLOAT.match(value) and "." in value else (
                int(value) if _INT.match(value) else value)
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if isinstance(number, int) and 1900 <= number <= 2100:
                return number  # a year
            if _EXCEL_DAYS[0] <= number <= _EXCEL_DAYS[1]:
                day = _EXCEL_EPOCH + dt.timedelta(days=int(number))
                self.problems.append(sheet_problem(
                    where, f"the day number {describe_cell(number)} is how Excel stores a "
                    f"date; it was read as {day.isoformat()}; check it, and format the "
                    "column as dates or text so that it shows as a date",
                    expected="a date like 2024-05-17", found=describe_cell(number),
                    severity=Severity.WARNING))
                return day.isoformat()
        return value

    def number(self, value: Any) -> Any:
        """A number; text that is no number is kept, for the validator to name."""
        if isinstance(value, str):
            plain = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            if _INT.match(plain):
                return int(plain)
            if _FLOAT.match(plain):
                return _whole(float(plain))
            return value
        if isinstance(value, float) and math.isfinite(value):
            return _whole(value)
        return value

    def ids(self, value: Any) -> Any:
        """A list of ids, separated by `;` (as the CSV files write them), `,` or lines."""
        text = self.text(value)
        if not isinstance(text, str):
            return [text]
        return [part.strip() for part in _LIST.split(text) if part.strip()]

    def json(self, value: Any, where: Cell, kind: str) -> Any:
        """A JSON cell; a problem (and nothing) where it is not JSON of the right kind."""
        expected = ("a JSON list, like [{\"title\": \"...\", \"url\": \"...\"}]" if kind == "list"
                    else "a JSON object, like {\"en\": \"...\"}")
        if not isinstance(value, str):
            self.problems.append(sheet_problem(where, "is not JSON", expected=expected,
                                               found=describe_cell(value)))
            return ABSENT
        try:
            data = json.loads(value)
        except json.JSONDecodeError as exc:
            self.problems.append(sheet_problem(
                where, f"is not valid JSON: {exc.msg} at character {exc.pos + 1}",
                expected=expected, found=describe_cell(value)))
            return ABSENT
        if not isinstance(data, list if kind == "list" else dict):
            self.problems.append(sheet_problem(where, "is JSON of another kind",
                                               expected=expected, found=describe_cell(value)))
            return ABSENT
        return data


def _whole(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


# -- rows to front-matter -------------------------------------------------------------------

@dataclass
class Entry:
    """One initiative of the sheet: its id, its row, and the fields made of its cells."""

    slug: str
    row: Row
    fields: dict[str, Any]
    body: str | None


def _initiative_fields(sheet: Sheet, row: Row, language: str, r: Reading,
                       funding: list[tuple[Sheet, Row]] | None,
                       stories: list[tuple[Sheet, Row]] | None,
                       currency: str) -> dict[str, Any]:
    """The front-matter fields whose columns are in the sheet (ABSENT where empty)."""
    v = row.values
    present = set(sheet.columns)
    cell: Callable[[str], Cell] = lambda column: sheet.cell(row.number, column)  # noqa: E731
    fields: dict[str, Any] = {}
    translations: dict[str, Any] = {}
    if "translations" in v:
        found = r.json(v["translations"], cell("translations"), "object")
        translations = found if isinstance(found, dict) else {}
    for name in ("title", "summary"):
        if not present & set(FIELD_COLUMNS[name]):
            continue
        given = translations.get(name)
        text = r.text(v[name]) if name in v else None
        r.place((name,), cell(name) if name in v or not given else cell("translations"))
        if isinstance(given, dict) and given:
            value = dict(given)
            if text is not None and (language in value or text not in value.values()):
                value[language] = text
            fields[name] = value
        else:
            fields[name] = text if text is not None else ABSENT
    for name in ("facet", "zone", "status", "steward"):
        if name in present:
            r.place((name,), cell(name))
            fields[name] = r.text(v[name]) if name in v else ABSENT
    for name in ("start", "end"):
        if name in present:
            r.place((name,), cell(name))
            fields[name] = r.date(v[name], cell(name)) if name in v else ABSENT
    if "layer" in present:
        r.place(("layer",), cell("layer"))
        fields["layer"] = r.number(v["layer"]) if "layer" in v else ABSENT
    for name in ("themes", "mandates", "objectives", "assets"):
        if name in present:
            r.place((name,), cell(name))
            fields[name] = r.ids(v[name]) if name in v else ABSENT
    if present & {"partners", "partner_roles"}:
        fields["partners"] = _partners(v, cell, r)
    for name in ("zone_history", "indicators", "links"):
        if name in present:
            r.place((name,), cell(name))
            fields[name] = r.json(v[name], cell(name), "list") if name in v else ABSENT
    if present & {"position_certainty", "position_direction"}:
        r.place(("position",), cell("position_certainty"))
        r.place(("position", "certainty"), cell("position_certainty"))
        r.place(("position", "direction"), cell("position_direction"))
        if "position_certainty" in v or "position_direction" in v:
            fields["position"] = {
                key: r.number(v[column]) for key, column in
                (("certainty", "position_certainty"), ("direction", "position_direction"))
                if column in v}
        else:
            fields["position"] = ABSENT
    if funding is not None:
        fields["funding"] = _funding(funding, r, currency) or ABSENT
    if stories is not None:
        fields["stories"] = _stories(stories, r) or ABSENT
    _give_translations(fields, translations, language)
    return fields


_STEP = re.compile(r"([A-Za-z_]+)|\[([0-9]+)\]")


def _give_translations(fields: dict[str, Any], translations: dict[str, Any],
                       language: str) -> None:
    """Each text the open data keeps in several languages (`translations`, by field path)
    given back where the sheet has that text in its own language: a text the sheet changed
    is the sheet's alone."""
    for path, given in translations.items():
        if path in ("title", "summary") or not isinstance(given, dict) or not given:
            continue
        steps = [name or int(index) for name, index in _STEP.findall(path)]
        place: Any = fields
        for step in steps[:-1]:
            fits = (isinstance(place, dict) and isinstance(step, str) and step in place) or \
                (isinstance(place, list) and isinstance(step, int) and step < len(place))
            place = place[step] if fits else None
        last = steps[-1] if steps else None
        if isinstance(place, dict) and isinstance(last, str) \
                and isinstance(place.get(last), str) \
                and all(isinstance(v, str) for v in given.values()) \
                and place[last].strip() == str(given.get(language, "")).strip():
            place[last] = dict(given)


def _partners(v: dict[str, Any], cell: Callable[[str], Cell], r: Reading) -> Any:
    roles: dict[str, Any] = {}
    if "partner_roles" in v:
        found = r.json(v["partner_roles"], cell("partner_roles"), "object")
        roles = found if isinstance(found, dict) else {}
    ids = r.ids(v["partners"]) if "partners" in v else []
    r.place(("partners",), cell("partners"))
    listed = {str(i) for i in ids}
    for ident in roles:
        if ident not in listed:
            r.problems.append(sheet_problem(
                cell("partner_roles"), f"gives a role to {ident!r}, who is not in the "
                "partners column", expected="a role for a partner of the partners column",
                found=repr(ident), suggestion=suggest(ident, listed)))
    items: list[Any] = []
    for index, ident in enumerate(ids):
        if isinstance(ident, str) and ident in roles:
            items.append({"id": ident, "role": r.text(roles[ident])})
            r.place(("partners", index, "role"), cell("partner_roles"))
        else:
            items.append(ident)
    return items or ABSENT


def _funding(rows: list[tuple[Sheet, Row]], r: Reading, currency: str) -> list[Any]:
    items: list[Any] = []
    for index, (sheet, row) in enumerate(rows):
        v = row.values

        def at(column: str, sheet: Sheet = sheet, number: int = row.number) -> Cell:
            return sheet.cell(number, column)

        original = "original_amount" in v
        amount_column = "original_amount" if original else "amount"
        currency_column = "original_currency" if original else "currency"
        item: dict[str, Any] = {}
        r.place(("funding", index), sheet.at(row.number))
        for key, column in (("funder", "funder"), ("amount", amount_column),
                            ("year", "year"), ("currency", currency_column), ("kind", "kind"),
                            ("note", "note")):
            r.place(("funding", index, key), at(column))
            if column not in v:
                continue
            value = v[column]
            if key == "amount":
                item[key] = r.number(value)
            elif key == "year":
                item[key] = r.number(value)
            else:
                item[key] = r.text(value)
        if item.get("currency") == currency:
            del item["currency"]  # the portfolio's currency, as authors leave it out
        if item.get("kind") == "cash":
            del item["kind"]
        items.append(item)
    return items


def _stories(rows: list[tuple[Sheet, Row]], r: Reading) -> list[Any]:
    made: list[tuple[str, int, dict[str, Any], Sheet, Row]] = []
    for order, (sheet, row) in enumerate(rows):
        v = row.values
        item: dict[str, Any] = {}
        for key in ("date", "title", "kind", "text", "link", "partners"):
            if key not in v:
                continue
            if key == "date":
                item[key] = r.date(v[key], sheet.cell(row.number, key))
            elif key == "partners":
                item[key] = r.ids(v[key])
            else:
                item[key] = r.text(v[key])
        if item.get("kind") == "critical-event":
            del item["kind"]
        made.append((str(item.get("date", "")), order, item, sheet, row))
    made.sort(key=lambda m: (m[0], m[1]))  # oldest first, as pages tell them
    items = []
    for index, (_, _, item, sheet, row) in enumerate(made):
        r.place(("stories", index), sheet.at(row.number))
        for key in ("date", "title", "kind", "text", "link", "partners"):
            r.place(("stories", index, key), sheet.cell(row.number, key))
        items.append(item)
    return items


# -- writing YAML -----------------------------------------------------------------------------

def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        return "null"
    text = str(value)
    if "\n" in text or len(text) > 200:
        return json.dumps(text, ensure_ascii=False)
    return yaml_text(text)


def _flow(items: list[Any]) -> bool:
    return all(isinstance(i, str) and _FLOW_ID.match(i) and yaml_text(i) == i for i in items)


def yaml_lines(key: str, value: Any, indent: str = "") -> Iterator[str]:
    """`key: value` in block YAML (lists of ids in flow style, as authors write them)."""
    if isinstance(value, dict):
        yield f"{indent}{key}:"
        for sub, item in value.items():
            yield from yaml_lines(str(sub), item, indent + "  ")
    elif isinstance(value, list):
        if _flow(value):
            yield f"{indent}{key}: [{', '.join(value)}]"
            return
        yield f"{indent}{key}:"
        for item in value:
            if isinstance(item, dict) and item:
                first = True
                for sub, part in item.items():
                    lines = list(yaml_lines(str(sub), part, indent + "    "))
                    if first:
                        lines[0] = indent + "  - " + lines[0][len(indent) + 4:]
                        first = False
                    yield from lines
            elif isinstance(item, list):
                yield f"{indent}  - [{', '.join(_scalar(i) for i in item)}]"
            else:
                yield f"{indent}  - {_scalar(item)}"
    else:
        yield f"{indent}{key}: {_scalar(value)}"


def front_matter_text(fields: dict[str, Any]) -> str:
    """The YAML of a page's front-matter, fields in the order the contract lists them."""
    keys = sorted(fields, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER))
    return "".join(line + "\n" for key in keys for line in yaml_lines(key, fields[key]))


# -- updating a page --------------------------------------------------------------------------

_TOP = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")


def _blocks(front: str) -> list[list[str | None]]:
    """The front-matter's top-level fields as [key, text] (text of a key's lines, and the
    comments and blank lines after them); [None, text] for what comes before the first."""
    blocks: list[list[str | None]] = []
    for line in front.splitlines(keepends=True):
        match = _TOP.match(line)
        if match:
            blocks.append([match.group(1), line])
        elif blocks:
            blocks[-1][1] = str(blocks[-1][1]) + line
        else:
            blocks.append([None, line])
    return blocks


def updated_text(text: str, changes: dict[str, Any]) -> str:
    """A page with the given fields replaced (ABSENT: removed), the rest byte for byte."""
    lines = text.split("\n")
    end = next(n for n in range(1, len(lines)) if lines[n].rstrip() in ("---", "..."))
    front = "".join(line + "\n" for line in lines[1:end])
    blocks = _blocks(front)
    done = set()
    out = []
    for key, part in blocks:
        if key in changes:
            done.add(key)
            if changes[key] is not ABSENT:
                out.append(front_matter_text({key: changes[key]}))
        else:
            out.append(str(part))
    added = {k: v for k, v in changes.items() if k not in done and v is not ABSENT}
    if added:
        if out and not out[-1].endswith("\n"):
            out.append("\n")
        out.append(front_matter_text(added))
    return lines[0] + "\n" + "".join(out) + "\n".join(lines[end:])


# -- the import ---------------------------------------------------------------------------------

# What a field or part means when it is left out, as the validator reads it.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "": {"status": "active", "layer": 2},
    "funding": {"kind": "cash"},
    "stories": {"kind": "critical-event"},
}


# The fields that hold a date (a year alone reads as a number in YAML).
DATE_KEYS = ("date", "start", "end", "baseline_date", "target_date")


def _normal(value: Any, key: str = "", currency: str = "") -> Any:
    """A value as the validator reads it (defaults written out, a partner id as {id}, dated
    lists in date order), to tell whether a field really changes."""
    if isinstance(value, dict):
        found = {k: _normal(v, k, currency) for k, v in value.items()
                 if v not in (None, "", [])}
        defaults = dict(_DEFAULTS.get(key, {}))
        if key == "funding":
            defaults["currency"] = currency
        return {**{k: _normal(v, k) for k, v in defaults.items()}, **found}
    if isinstance(value, list):
        items = [_normal({"id": v} if key == "partners" and isinstance(v, str) else v, key,
                         currency) for v in value]
        if key in ("stories", "zone_history", "values"):
            items.sort(key=lambda item: json.dumps(item, sort_keys=True, default=str))
            items.sort(key=lambda item: str(item.get("date", "")) if isinstance(item, dict)
                       else "")
        return items
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value) if key in DATE_KEYS else float(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _changed(old: dict[str, Any], key: str, new: Any, currency: str) -> bool:
    before = old.get(key, _DEFAULTS[""].get(key))
    after = _DEFAULTS[""].get(key) if new is ABSENT else new
    return bool(_normal({key: before}, "", currency) != _normal({key: after}, "", currency))


def import_spreadsheet(options: Options, main: Path, extra: dict[str, Path] | None = None,
                       update: bool = False) -> Result:
    """Read, check and plan the pages of a spreadsheet; nothing is written here."""
    result = Result()
    sheet_problems: list[SheetProblem] = []
    tables = read_tables(main, extra or {}, options.root, sheet_problems)
    for table, sheet in tables.items():
        unknown_columns(sheet, IMPORTED[table], NOT_IMPORTED[table], sheet_problems)
    initiatives = tables.get("initiatives")
    if initiatives is None:
        raise FileNotFoundError(f"{main}: no initiatives found; the file needs a sheet named "
                                "'initiatives' (or one sheet only) with the columns of "
                                "initiatives.csv")
    sources = load(options.initiatives_dir, options.data_dir, options.root, pages=[])
    spots = Spots()
    reading = Reading(spots, sheet_problems)
    partners_path = options.data_dir / "partners.yml"
    new_partners = _new_partners(tables.get("partners"), sources.partners, reading, result)
    if new_partners:
        value = dict(sources.partners.value) if sources.partners is not None \
            and isinstance(sources.partners.value, dict) else {}
        value.update(new_partners)
        positions = dict(sources.partners.positions) if sources.partners else {}
        sources.partners = Located(value, positions)
        result.partners = new_partners
        result.partners_path = partners_path
    portfolio, site = validate(sources, options.site_name)
    site_errors = [p for p in site.items if p.severity is Severity.ERROR]
    result.problems.extend(site_errors)
    checker = page_checker(sources, options.site_name)
    currency = portfolio.info.currency
    entries = _entries(initiatives, reading, options, update, result)
    known = {e.slug for e in entries}
    grouped = {name: _grouped(tables.get(name), known, reading) for name in ("funding",
                                                                              "stories")}
    folder = options.initiatives_dir
    for entry in entries:
        funding = grouped["funding"].get(entry.slug, []) if "funding" in tables else None
        stories = grouped["stories"].get(entry.slug, []) if "stories" in tables else None
        fields = _initiative_fields(initiatives, entry.row, options.language, reading,
                                    funding, stories, currency)
        for name in ("title", "summary", "facet", "zone"):  # required: named if missing
            if (name,) not in reading.positions:
                reading.place((name,), initiatives.cell(entry.row.number, name))
        entry.fields = fields
        path = folder / f"{entry.slug}.md"
        display = display_path(path, options.root)
        front = {k: v for k, v in fields.items() if v is not ABSENT}
        positions = dict(reading.positions)
        reading.positions.clear()
        old_text: str | None = None
        if path.exists():
            old_text = path.read_text(encoding="utf-8")
            page = read_page(path, display)
            if isinstance(page, Problem):
                result.problems.append(page)
                continue
            merged = {k: v for k, v in page.data.value.items() if k not in fields}
            for key, where in page.data.positions.items():
                if key and key[0] not in fields:
                    positions[key] = (spots.add(f"{display}:{where[0]}"), 0)
            merged.update(front)
            front = merged
        body = entry.body if entry.body is not None else ""
        row_spot = spots.add(initiatives.at(entry.row.number))
        positions.setdefault((), (row_spot, 0))
        page = Page(entry.slug, display, Located(front, positions), body, row_spot)
        _, found = checker(page)
        for problem in found:
            result.problems.append(_placed(problem, spots, initiatives, entry.row))
        if old_text is None:
            text = "---\n" + front_matter_text(front) + "---\n" + \
                (body.rstrip("\n") + "\n" if body else "")
            _check_written(text, front)
            result.pages.append(Planned(path, text, False))
        else:
            old = read_page(path, display)
            assert isinstance(old, Page)
            changes = {k: v for k, v in fields.items()
                       if _changed(old.data.value, k, v, currency)}
            text = updated_text(old_text, changes)
            if entry.body is not None and old.body.strip() != entry.body.strip():
                text = text[:len(text) - len(old.body)] + entry.body.rstrip("\n") + "\n"
            if text == old_text:
                result.unchanged.append(path)
            else:
                result.pages.append(Planned(path, text, True))
    result.rows = len(initiatives.rows)
    result.problems[:0] = sheet_problems
    return result


def _check_written(text: str, front: dict[str, Any]) -> None:
    """The page's YAML reads back as the fields it was made from (else a bug of ours)."""
    body = text.split("\n---\n", 1)[0].removeprefix("---\n")
    if _normal(read_yaml(body).value) != _normal(front):
        raise RuntimeError("the page's front-matter does not read back as written")


def _placed(problem: Problem, spots: Spots, sheet: Sheet, row: Row) -> SheetProblem | Problem:
    """A validator's problem at the cell its value came from."""
    place, path = spots.places[problem.line] if 0 < problem.line < len(spots.places) \
        else (sheet.at(row.number), "")
    if isinstance(place, str):  # a field of the page that the sheet does not change
        file, _, line = place.rpartition(":")
        return Problem(file, int(line), problem.column, problem.field, problem.message,
                       problem.severity, problem.expected, problem.found, problem.suggestion)
    field_path = "" if problem.field in (path, place.column) else problem.field
    return SheetProblem(place, Problem(
        place.file, place.row, place.index, field_path, problem.message, problem.severity,
        problem.expected, problem.found, problem.suggestion))


def _entries(sheet: Sheet, r: Reading, options: Options, update: bool,
             result: Result) -> list[Entry]:
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    folder = options.initiatives_dir
    existing = {p.stem: p for p in initiative_files(folder)} if folder.is_dir() else {}
    for row in sheet.rows:
        where = sheet.cell(row.number, "id")
        given = row.values.get("id")
        slug = r.text(given) if given is not None else None
        if slug is None:
            title = row.values.get("title")
            slug = slugify(str(r.text(title))) if title is not None else ""
            if not slug:
                r.problems.append(sheet_problem(
                    where, "is required: the name of the initiative's page",
                    expected="an id such as 'bike-street' (lowercase letters, digits and "
                             "hyphens)", found="nothing"))
                continue
            r.problems.append(sheet_problem(
                where, f"is empty; the page is named {slug}.md after the title",
                severity=Severity.INFO))
        if not isinstance(slug, str) or not SLUG.match(slug) or f"{slug}.md" in NOT_INITIATIVES:
            better = slugify(str(slug))
            r.problems.append(sheet_problem(
                where, "is not an id a page can be named by",
                expected="lowercase letters, digits and hyphens, e.g. 'bike-street'",
                found=describe_cell(slug), suggestion=better or None))
            continue
        if slug in seen:
            r.problems.append(sheet_problem(
                where, f"the id {slug!r} is also in row {seen[slug]}",
                expected="each initiative once", found=repr(slug)))
            continue
        seen[slug] = row.number
        path = folder / f"{slug}.md"
        other = existing.get(slug)
        if other is not None and other.resolve() != path.resolve():
            r.problems.append(sheet_problem(
                where, f"the id {slug!r} is already used by "
                f"{display_path(other, options.root)}", expected="an id of its own",
                found=repr(slug)))
            continue
        if path.exists() and not update:
            r.problems.append(sheet_problem(
                where, f"a page for {slug!r} already exists "
                f"({display_path(path, options.root)}); it is not changed",
                expected="a new id, or --update to change the fields given in this sheet",
                found=repr(slug)))
            continue
        body = row.values.get("body")
        entries.append(Entry(slug, row, {}, None if body is None else str(r.text(body))))
    return entries


def _grouped(sheet: Sheet | None, known: set[str], r: Reading
             ) -> dict[str, list[tuple[Sheet, Row]]]:
    grouped: dict[str, list[tuple[Sheet, Row]]] = {}
    if sheet is None:
        return grouped
    for row in sheet.rows:
        ident = row.values.get("initiative")
        if ident is None:
            if str(row.values.get("layer", "")).strip() in ("1", "1.0"):
                continue  # base investment: portfolio.yml's, not a page's
            r.problems.append(sheet_problem(
                sheet.cell(row.number, "initiative"), "is required: the id of the "
                "initiative this row belongs to", expected="an id of the initiatives sheet",
                found="nothing"))
            continue
        slug = str(r.text(ident))
        if slug not in known:
            r.problems.append(sheet_problem(
                sheet.cell(row.number, "initiative"), f"the initiative {slug!r} is not in "
                "the initiatives sheet (or has problems of its own there)",
                expected="an id of the initiatives sheet", found=repr(slug),
                suggestion=suggest(slug, known)))
            continue
        grouped.setdefault(slug, []).append((sheet, row))
    return grouped


def _new_partners(sheet: Sheet | None, existing: Located | None, r: Reading,
                  result: Result) -> dict[str, dict[str, Any]]:
    """The partners of the sheet that `partners.yml` does not have yet, checked by its rules."""
    if sheet is None:
        return {}
    have = existing.value if existing is not None and isinstance(existing.value, dict) else {}
    value: dict[str, dict[str, Any]] = {}
    positions: dict[PathKey, tuple[int, int]] = {}
    for row in sheet.rows:
        ident = r.text(row.values.get("id"))
        if not isinstance(ident, str):
            r.problems.append(sheet_problem(sheet.cell(row.number, "id"), "is required",
                                            expected="a partner id", found="nothing"))
            continue
        if ident in have:
            continue  # kept as partners.yml has it
        entry = {key: r.text(row.values[column]) for key, column in
                 (("name", "name"), ("sector", "sector"), ("url", "website"),
                  ("description", "description"), ("logo", "logo")) if column in row.values}
        if ident in value:
            r.problems.append(sheet_problem(sheet.cell(row.number, "id"),
                                            f"the partner {ident!r} is given twice",
                                            expected="each partner once", found=repr(ident)))
            continue
        value[ident] = entry
        positions[(ident,)] = (r.spots.add(sheet.cell(row.number, "id")), 0)
        for key, column in (("name", "name"), ("sector", "sector"), ("url", "website"),
                            ("description", "description"), ("logo", "logo")):
            positions[(ident, key)] = (r.spots.add(sheet.cell(row.number, column), key), 0)
    if not value:
        return {}
    valid, problems = partners_of(Located(value, positions), sheet.file)
    for problem in problems.items:
        place, path = r.spots.places[problem.line]
        if isinstance(place, Cell):
            field_path = "" if problem.field.endswith("." + path) else problem.field
            result.problems.append(SheetProblem(place, Problem(
                place.file, place.row, place.index, field_path, problem.message,
                problem.severity, problem.expected, problem.found, problem.suggestion)))
    # Only those without an error join the site's partners (the others are errors already).
    return {ident: entry for ident, entry in value.items() if ident in valid}


# -- writing ------------------------------------------------------------------------------------

def partners_text(old: str, partners: dict[str, dict[str, Any]]) -> str:
    """`partners.yml` with new partners added at its end; the rest as it was."""
    text = old if not old or old.endswith("\n") else old + "\n"
    return text + "".join(line + "\n" for ident, entry in partners.items()
                          for line in yaml_lines(ident, entry))


def write_all(files: Iterable[tuple[Path, str]]) -> None:
    """Write every file through a temporary file beside it, then rename them all: a failure
    while writing leaves no file half-written and none changed."""
    made: list[tuple[Path, Path]] = []
    try:
        for path, text in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                            dir=path.parent)
            made.append((Path(name), path))
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
    except BaseException:
        for temporary, _ in made:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in made:
        os.replace(temporary, path)


def problem_order(problem: SheetProblem | Problem) -> tuple[str, str, int, int]:
    """Problems in the order of the places they name: file, sheet, row, column."""
    if isinstance(problem, SheetProblem):
        w = problem.where
        return (w.file, w.sheet, w.row, w.index)
    return (problem.path, "", problem.line, problem.column)
