"""The CSV files: initiatives, partners, funding and stories, one row each, for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..render import Chunks
from .base import ExportBase, amount

# Cells a spreadsheet would run as a formula start with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = "; "


CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "initiatives": ("id", "title", "summary", "facet", "zone", "status", "start", "end",
                    "layer", "steward", "partners", "funders", "themes", "mandates",
                    "objectives", "assets", "cash", "in_kind", "currency", "stories",
                    "critical_events", "url"),
    "partners": ("id", "name", "sector", "website", "initiatives", "initiative_ids",
                 "stewards", "cash", "in_kind", "base_investment", "currency", "first_year",
                 "url"),
    "funding": ("layer", "initiative", "funder", "year", "kind", "amount", "currency",
                "original_amount", "original_currency"),
    "stories": ("date", "initiative", "initiative_title", "title", "kind", "text", "link",
                "partners", "url"),
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
                   self.currency, amount(b.money.original_amount), b.money.currency]
        for i in self.initiatives:
            for f in i.funding:
                yield [i.layer.value, i.slug, f.funder, f.year, f.kind.value,
                       amount(f.amount), self.currency, amount(f.money.original_amount),
                       f.money.currency]

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


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a leading =, +, -, @ would be a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a header row, formula-safe cells and RFC 4180 line ends."""
    return b"".join(csv_pieces(header, rows))


def csv_pieces(header: Sequence[str], rows: Iterable[Sequence[Any]],
               piece: int = 65536) -> Iterator[bytes]:
    """`csv_bytes` in pieces of about `piece` characters, made as the rows come."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
        if buffer.tell() >= piece:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")

