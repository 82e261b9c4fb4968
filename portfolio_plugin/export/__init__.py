"""The open interface: the whole portfolio as data files any program (or spreadsheet) can read.

`data/portfolio.json` (described by `data/portfolio.schema.json`, see `document.py`), CSV files
beside it (`tables.py`), feeds of the stories (`feeds.py`) and `datapackage.json`, which
describes them all (`package.py`). Every figure comes from
`compute/`, the same figures the pages show. The bytes depend only on the input and the build
date (`SOURCE_DATE_EPOCH`), never on the order files were read in: keys are sorted and every
list has a stable order. This module only names the files and what other packages import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..compute import Figures
from ..i18n import Translator
from ..model import Portfolio
from ..options import Options
from ..render import Chunks
from .base import FILES, PAGE_NAMES, amount, json_bytes, ratio, timestamp
from .document import Document, export_document, export_schema
from .feeds import FEED_LIMIT, Feed, Feeds, feed_problems, xml_text
from .models import SCHEMA_VERSION
from .package import Package
from .tables import CSV_COLUMNS, SEPARATOR, Tables, csv_bytes, csv_pieces, spreadsheet_cell
from .template import Template

__all__ = [
    "CSV_COLUMNS", "FEED_LIMIT", "FILES", "Feed", "PAGE_NAMES", "SCHEMA_VERSION", "SEPARATOR",
    "Exporter", "amount", "csv_bytes", "csv_pieces", "export_document", "export_files",
    "export_schema", "feed_problems", "json_bytes", "ratio", "spreadsheet_cell", "timestamp",
    "xml_text",
]


class Exporter(Document, Tables, Feeds, Package, Template):
    """Builds the export files of one portfolio; `files()` gives them all."""

    def files(self, document: dict[str, Any] | None = None) -> dict[str, bytes]:
        """Every export file by site path (under the exports folder)."""
        files = {}
        for uri, make in self.makers(
                (lambda: document) if document is not None else None).items():
            made = make()
            files[uri] = made.whole() if isinstance(made, Chunks) else made
        return files

    def makers(self, document: Callable[[], dict[str, Any]] | None = None
               ) -> dict[str, Callable[[], bytes | Chunks]]:
        """Every export file by site path, as a function that makes it (`portfolio.json`
        in pieces, unless made from a given document)."""
        made: dict[str, Callable[[], bytes | Chunks]] = {
            "json": (lambda: json_bytes(document())) if document is not None
            else (lambda: Chunks(self.document_pieces)),
            "schema": lambda: json_bytes(export_schema(), indent=2),
            "initiatives_csv": self.initiatives_csv,
            "partners_csv": self.partners_csv,
            "funding_csv": self.funding_csv,
            "stories_csv": self.stories_csv,
            "atom": self.atom,
            "json_feed": self.json_feed,
            "datapackage": self.datapackage,
            "template": self.template,
        }
        files = {self.r.export_uri(FILES[key]): make for key, make in made.items()}
        files.update(self.feed_makers())
        return files


def export_files(portfolio: Portfolio, figures: Figures, options: Options,
                 translator: Translator, built: dt.datetime) -> dict[str, bytes]:
    """Every open-data file by site path, e.g. `data/portfolio.json`."""
    return Exporter(portfolio, figures, options, translator, built).files()

