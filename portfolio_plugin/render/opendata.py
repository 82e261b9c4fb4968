"""Open data: the export files (`data/portfolio.json`, its schema, CSV, feeds) and the Data page
that explains them to a journalist or a researcher."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..export import CSV_COLUMNS, FEED_LIMIT, FILES, Exporter
from ..model import licence
from . import Later, Renderer
from .charts import Link, Table
from .linked import dataset

# Top-level keys of portfolio.json, in the order the Data page explains them.
JSON_KEYS = ("schema", "portfolio", "pages", "files", "initiatives", "partners", "assets",
             "stories", "leverage", "balance", "funders", "by_facet", "by_theme", "themes",
             "mandates", "objectives")
# File key -> (format name, catalogue key of what it holds).
FORMATS = {
    "json": "JSON", "schema": "JSON Schema", "initiatives_csv": "CSV", "partners_csv": "CSV",
    "funding_csv": "CSV", "stories_csv": "CSV", "atom": "Atom", "json_feed": "JSON Feed",
    "datapackage": "Data Package",
    "template": "Excel (XLSX)",
}
CSV_FILES = (("initiatives_csv", "initiatives"), ("partners_csv", "partners"),
             ("funding_csv", "funding"), ("stories_csv", "stories"))


def data_page(r: Renderer) -> str:
    """The Markdown of the Data page."""
    t = r.t
    here = r.uri("data")
    files = Table(
        (t("opendata.file"), t("opendata.format"), t("opendata.holds")),
        tuple((Link(name, r.export_uri(name)), FORMATS[key], t(f"opendata.about.{key}"))
              for key, name in FILES.items()),
        caption=t("opendata.files_caption"))
    keys = Table(
        (t("opendata.key"), t("opendata.meaning")),
        tuple((key, t(f"opendata.json.{key}")) for key in JSON_KEYS),
        caption=t("opendata.keys_caption", file=FILES["json"]))
    columns = []
    for key, name in CSV_FILES:
        file = FILES[key]
        columns.append({
            "key": key, "file": file, "uri": r.export_uri(file),
            "about": t(f"opendata.about.{key}"),
            "table": Table((t("opendata.column"), t("opendata.meaning")),
                           tuple((column, t(f"opendata.col.{name}.{column}"))
                                 for column in CSV_COLUMNS[name]),
                           caption=t("opendata.columns_caption", file=file)),
        })
    values = {
        "files": files, "keys": keys, "columns": columns,
        "json_uri": r.export_uri(FILES["json"]), "schema_uri": r.export_uri(FILES["schema"]),
        "atom_uri": r.export_uri(FILES["atom"]), "feed_uri": r.export_uri(FILES["json_feed"]),
        "feed_limit": FEED_LIMIT, "stories": len(r.figures.stories),
        "generated": t.date(r.built.date()),
        "federated": bool(r.portfolio.info.federation),
        "jsonld": dataset(r),
        "licence": licence(r.portfolio.info.licence) if r.portfolio.info.licence else None,
        "package_uri": r.export_uri(FILES["datapackage"]),
    }
    return r.page(here, "data.md", t("opendata.title"), t("opendata.description"), **values)


def pages(r: Renderer) -> Iterator[tuple[str, Later]]:
    """The export files (bytes) and the Data page."""
    exporter = Exporter(r.portfolio, r.figures, r.options, r.t, r.built, renderer=r)
    # Each file is made, written and let go: none is kept for the rest of the build.
    yield from exporter.makers().items()
    yield r.uri("data"), partial(data_page, r)
