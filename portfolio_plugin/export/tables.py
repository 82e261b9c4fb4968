"""The CSV files: initiatives, partners, funding and stories, one row each, for spreadsheets."""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Facet, FundingKind, Initiative, Sector, Status, StoryKind, Zone
from ..render import Chunks
from .base import ExportBase, amount, translations

# Cells a spreadsheet would run as a formula start with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = "; "
BOM = "\ufeff"  # written first in every CSV file, so that spreadsheets read it as UTF-8


@dataclass(frozen=True)
class Column:
    """A column of a CSV file, as its Table Schema field (in `datapackage.json`) describes it:
    a Frictionless type, and what every value meets. What it means is said in the site's
    language by the catalogue (`opendata.col.<table>.<name>`), for the Data page and the
    data package alike."""

    name: str
    type: str = "string"  # string, integer, number, year, object or array (JSON text)
    required: bool = False
    unique: bool = False
    enum: tuple[str | int, ...] = ()
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None


def _choices(kind: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(str(member.value) for member in kind)


_ID = Column("id", required=True, unique=True)


def _money(name: str) -> Column:
    return Column(name, "number", minimum=0)


def _count(name: str) -> Column:
    return Column(name, "integer", minimum=0)


# Dates are written as precise as they were given: YYYY, YYYY-MM or YYYY-MM-DD.
_DATE = r"\d{4}(-\d{2}(-\d{2})?)?"
_CURRENCY = "[A-Z]{3}"

# The columns of each CSV file, in order: the one definition the files, the Data page and
# `datapackage.json` read.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "initiatives": (
        _ID, Column("title", required=True), Column("summary"),
        Column("facet", required=True, enum=_choices(Facet)),
        Column("zone", required=True, enum=_choices(Zone)),
        Column("status", required=True, enum=_choices(Status)),
        Column("start", pattern=_DATE), Column("end", pattern=_DATE),
        Column("layer", "integer", required=True, enum=(2, 3)), Column("steward"),
        Column("partners"), Column("funders"), Column("themes"), Column("mandates"),
        Column("objectives"), Column("assets"), _money("cash"),
        _money("in_kind"), Column("currency", pattern=_CURRENCY),
        _count("stories"), _count("critical_events"), Column("url"),
        # Added in 1.1 so that every front-matter field has a column (`portfolio import`
        # reads them back): what has no flat form is JSON text, as in portfolio.json.
        Column("translations", "object"), Column("partner_roles", "object"),
        Column("zone_history", "array"), Column("indicators", "array"),
        Column("position_certainty", "number", minimum=-1, maximum=1),
        Column("position_direction", "number", minimum=-1, maximum=1),
        Column("links", "array"),
    ),
    "partners": (
        _ID, Column("name", required=True),
        Column("sector", required=True, enum=_choices(Sector)), Column("website"),
        _count("initiatives"), Column("initiative_ids"), Column("stewards"),
        _money("cash"), _money("in_kind"),
        _money("base_investment"), Column("currency", pattern=_CURRENCY),
        Column("first_year", "year"), Column("url"),
    ),
    "funding": (
        Column("layer", "integer", required=True, enum=(1, 2, 3)), Column("initiative"),
        Column("funder"), Column("year", "year", required=True),
        Column("kind", required=True, enum=_choices(FundingKind)),
        _money("amount"), Column("currency", pattern=_CURRENCY),
        _money("original_amount"), Column("original_currency", pattern=_CURRENCY),
        Column("note"),  # added in 1.1: the author's note on the money (front-matter)
    ),
    "stories": (
        Column("date", required=True, pattern=_DATE), Column("initiative", required=True),
        Column("initiative_title"), Column("title", required=True),
        Column("kind", required=True, enum=_choices(StoryKind)), Column("text"),
        Column("link"), Column("partners"), Column("url"),
    ),
}
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(column.name for column in columns) for table, columns in COLUMNS.items()}
# What `portfolio import` reads back of each table: the columns that are front-matter (or
# partners.yml), and a few a person may add (an initiative's Markdown `body`, a funding
# `note`). The other columns are figures made from these, known and not read.
IMPORTED: dict[str, tuple[str, ...]] = {
    "initiatives": (
        "id", "title", "summary", "facet", "zone", "status", "start", "end", "layer",
        "steward", "partners", "themes", "mandates", "objectives", "assets", "translations",
        "partner_roles", "zone_history", "indicators", "position_certainty",
        "position_direction", "links", "body"),
    "funding": ("initiative", "funder", "year", "kind", "amount", "currency",
                "original_amount", "original_currency", "note"),
    "stories": ("date", "initiative", "title", "kind", "text", "link", "partners"),
    "partners": ("id", "name", "sector", "website", "description", "logo"),
}
NOT_IMPORTED: dict[str, tuple[str, ...]] = {
    table: tuple(c for c in CSV_COLUMNS[table] if c not in IMPORTED[table])
    for table in CSV_COLUMNS}
# How the tables refer to each other: (table, its columns) -> (table, columns referred to).
PRIMARY_KEYS = {"initiatives": ("id",), "partners": ("id",)}
FOREIGN_KEYS: dict[str, tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]] = {
    "initiatives": ((("steward",), "partners", ("id",)),),
    "funding": ((("initiative",), "initiatives", ("id",)), (("funder",), "partners", ("id",))),
    "stories": ((("initiative",), "initiatives", ("id",)),),
}


class Tables(ExportBase):
    """Makes the CSV files."""

    def initiatives_csv(self) -> Chunks:
        """One row per initiative."""
        return Chunks(lambda: csv_pieces(CSV_COLUMNS["initiatives"], self._initiative_rows()))

    def _initiative_rows(self) -> Iterator[list[Any]]:
        for i in self.initiatives:
            funders = dict.fromkeys(f.funder for f in i.funding)
            yield [
                i.slug, self.text(i.title), self.text(i.summary), i.facet.value, i.zone.value,
                i.status.value, i.start.iso() if i.start else "", i.end.iso() if i.end else "",
                i.layer.value, i.steward or "", SEPARATOR.join(p.id for p in i.partners),
                SEPARATOR.join(funders), SEPARATOR.join(i.themes), SEPARATOR.join(i.mandates),
                SEPARATOR.join(i.objectives), SEPARATOR.join(i.assets), amount(i.cash),
                amount(i.in_kind), self.currency, len(i.stories),
                sum(1 for s in i.stories if s.kind.value == "critical-event"),
                self.absolute(self.options.initiative_uri(i.slug)),
                *self._front_matter_cells(i),
            ]

    def _front_matter_cells(self, i: Initiative) -> list[Any]:
        """The columns of the fields that have no flat form, as `portfolio.json` gives them."""
        roles = {p.id: p.role for p in i.partners if p.role is not None}
        return [
            json_cell(translations(i)),
            json_cell(roles),
            json_cell([_given_only({"date": z.date.iso(), "zone": z.zone.value,
                                    "note": z.note}) for z in i.zone_history]),
            json_cell([_given_only({
                "id": n.id, "name": n.name, "unit": n.unit, "baseline": _given(n.baseline),
                "baseline_date": n.baseline_date.iso() if n.baseline_date else None,
                "target": _given(n.target),
                "target_date": n.target_date.iso() if n.target_date else None,
                "values": [{"date": v.date.iso(), "value": number(v.value)}
                           for v in n.values]}) for n in i.indicators]),
            number(i.position.certainty) if i.position else "",
            number(i.position.direction) if i.position else "",
            json_cell([{"title": link.title, "url": link.url} for link in i.links]),
        ]

    def partners_csv(self) -> Chunks:
        """One row per partner."""
        return Chunks(lambda: csv_pieces(CSV_COLUMNS["partners"], self._partner_rows()))

    def _partner_rows(self) -> Iterator[list[Any]]:
        for partner in sorted(self.portfolio.partners, key=lambda p: p.id):
            figures = self.figures.partner(partner.id)
            slugs = sorted(slug for slug, _ in figures.initiatives) if figures else []
            yield [
                partner.id, partner.name, partner.sector.value, partner.url or "", len(slugs),
                SEPARATOR.join(slugs), SEPARATOR.join(sorted(figures.stewards) if figures else []),
                amount(figures.cash) if figures else 0,
                amount(figures.in_kind) if figures else 0,
                amount(figures.base_investment) if figures else 0, self.currency,
                "" if figures is None or figures.first_year is None else figures.first_year,
                self.absolute(self.r.partner_uri(partner.id)),
            ]

    def funding_csv(self) -> Chunks:
        """One row per amount of money: base investment (layer 1), then initiative funding."""
        return Chunks(lambda: csv_pieces(CSV_COLUMNS["funding"], self._funding_rows()))

    def _funding_rows(self) -> Iterator[list[Any]]:
        for b in sorted(self.portfolio.info.base_investment,
                        key=lambda b: (b.year, b.funder or "")):
            yield [1, "", b.funder or "", b.year, "cash", amount(b.money.amount),
                   self.currency, amount(b.money.original_amount), b.money.currency, ""]
        for i in self.initiatives:
            for f in i.funding:
                yield [i.layer.value, i.slug, f.funder, f.year, f.kind.value,
                       amount(f.amount), self.currency, amount(f.money.original_amount),
                       f.money.currency, f.note]

    def stories_csv(self) -> Chunks:
        """One row per story, newest first."""
        return Chunks(lambda: csv_pieces(CSV_COLUMNS["stories"], self._story_rows()))

    def _story_rows(self) -> Iterator[list[Any]]:
        for s in self.figures.stories:
            initiative = self.r.initiative(s.initiative)
            yield [
                s.date.iso(), s.initiative, self.text(initiative.title) if initiative else "",
                s.title, s.kind.value, s.text, s.link or "", SEPARATOR.join(s.partners),
                self.absolute(self.options.initiative_uri(s.initiative)),
            ]


def json_cell(value: Any) -> str:
    """A cell of JSON text (compact, keys in their order), empty for nothing."""
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def number(value: float | None) -> int | float | str:
    """A number as written by its author: `180`, not `180.0`; empty for nothing."""
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def _given_only(item: dict[str, Any]) -> dict[str, Any]:
    """The parts of an item its author gave (an empty note or unit is not written)."""
    return {key: value for key, value in item.items() if value not in ("", None, [])}


def _given(value: float | None) -> int | float | None:
    return None if value is None else number(value)  # type: ignore[return-value]


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a leading =, +, -, @ would be a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark, a header row, formula-safe cells and RFC 4180 line
    ends. The mark is what makes Excel read the file as UTF-8 (else å, ä and ö come out
    garbled); Python reads it with `encoding="utf-8-sig"`, Frictionless on its own."""
    return b"".join(csv_pieces(header, rows))


def csv_pieces(header: Sequence[str], rows: Iterable[Sequence[Any]],
               piece: int = 65536) -> Iterator[bytes]:
    """`csv_bytes` in pieces of about `piece` characters, made as the rows come."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
        if buffer.tell() >= piece:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")

