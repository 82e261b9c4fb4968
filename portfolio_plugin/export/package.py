"""`datapackage.json`: a Frictionless Data Package that describes every published file.

Each CSV file is a tabular resource whose Table Schema comes from `COLUMNS` (types and
constraints) and the catalogue (what each column means, in the site's language), the same
definitions the files and the Data page are made from; the JSON files and the feeds are
resources of their own. The package carries the portfolio's licence (`licence` in
`portfolio.yml`) and the build date, so it is as reproducible as the files it describes.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..model import licence
from .base import FILES, ExportBase, json_bytes, timestamp
from .tables import COLUMNS, FOREIGN_KEYS, PRIMARY_KEYS, Column

# File key -> (resource name, Data Package format, media type) of each described file.
RESOURCES = {
    "json": ("portfolio", "json", "application/json"),
    "schema": ("portfolio-schema", "json", "application/schema+json"),
    "initiatives_csv": ("initiatives", "csv", "text/csv"),
    "partners_csv": ("partners", "csv", "text/csv"),
    "funding_csv": ("funding", "csv", "text/csv"),
    "stories_csv": ("stories", "csv", "text/csv"),
    "atom": ("stories-atom", "xml", "application/atom+xml"),
    "json_feed": ("stories-json-feed", "json", "application/feed+json"),
    "template": ("initiatives-template", "xlsx",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
# The CSV files are tabular: each holds the table of `COLUMNS` of its resource's name.
TABLES = {key: name for key, (name, kind, _) in RESOURCES.items() if kind == "csv"}


def package_name(name: str) -> str:
    """A Data Package name (lowercase letters, digits, '-', '_', '.') from the portfolio's
    name: `Sjöby Labs` -> `sjoby-labs`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug or "portfolio"


class Package(ExportBase):
    """Makes `datapackage.json`."""

    def datapackage(self) -> bytes:
        """The Data Package descriptor of every other published file."""
        info = self.portfolio.info
        package: dict[str, Any] = {
            "profile": "data-package",
            "name": package_name(info.name),
            "title": info.name,
            "created": timestamp(self.built),
            "resources": [self._resource(key, name) for key, name in FILES.items()
                          if key in RESOURCES],
        }
        if info.description:
            package["description"] = info.description
        if self.options.site_url:
            package["homepage"] = self.options.site_url
        if info.licence:
            chosen = licence(info.licence)
            package["licenses"] = [{"name": chosen.id, "path": chosen.url,
                                    "title": chosen.name}]
        return json_bytes(package, indent=2)

    def _resource(self, key: str, name: str) -> dict[str, Any]:
        resource_name, file_format, mediatype = RESOURCES[key]
        resource: dict[str, Any] = {
            "name": resource_name, "path": name, "format": file_format,
            "mediatype": mediatype, "encoding": "utf-8",
            "description": self.t(f"opendata.about.{key}"),
            "profile": "data-resource",
            # Said outright: a reader would otherwise take `*.schema.json` for a Table Schema.
            "type": "json" if file_format == "json" else "file",
        }
        if file_format == "xlsx":  # a zip of its own: no text encoding
            del resource["encoding"]
        table = TABLES.get(key)
        if table is not None:
            resource["profile"] = "tabular-data-resource"
            resource["type"] = "table"
            resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n",
                                   "quoteChar": '"', "doubleQuote": True, "header": True}
            resource["schema"] = self._schema(table)
        return resource

    def _schema(self, table: str) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [self._field(table, column) for column in COLUMNS[table]],
            "missingValues": [""],
        }
        if table in PRIMARY_KEYS:
            schema["primaryKey"] = list(PRIMARY_KEYS[table])
        keys = FOREIGN_KEYS.get(table, ())
        if keys:
            schema["foreignKeys"] = [
                {"fields": list(fields),
                 "reference": {"resource": other, "fields": list(referred)}}
                for fields, other, referred in keys]
        return schema

    def _field(self, table: str, column: Column) -> dict[str, Any]:
        field: dict[str, Any] = {"name": column.name, "type": column.type,
                                 "description": self.t(f"opendata.col.{table}.{column.name}")}
        constraints: dict[str, Any] = {}
        if column.required:
            constraints["required"] = True
        if column.unique:
            constraints["unique"] = True
        if column.enum:
            constraints["enum"] = list(column.enum)
        if column.pattern:
            constraints["pattern"] = column.pattern
        if column.minimum is not None:
            constraints["minimum"] = column.minimum
        if column.maximum is not None:
            constraints["maximum"] = column.maximum
        if constraints:
            field["constraints"] = constraints
        return field
