"""What every export file shares: the portfolio, its figures, addresses of pages and files,
and how numbers, dates and JSON are written."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..compute import Figures
from ..i18n import Translator
from ..model import Initiative, Portfolio, Text
from ..options import Options
from ..render import Renderer
from ..render.urls import relative_url
from .models import Pages, amount, ratio

__all__ = ["FILES", "PAGE_NAMES", "ExportBase", "amount", "json_bytes", "ratio", "timestamp"]

# The generated pages other portfolios may link to, by name (see `Renderer.uri`): those of
# `pages` in the document (`federation` only where the portfolio federates others).
PAGE_NAMES = tuple(name for name in Pages.model_fields if name != "federation")
# The published files, by their name in `files` of portfolio.json.
FILES = {
    "json": "portfolio.json",
    "schema": "portfolio.schema.json",
    "initiatives_csv": "initiatives.csv",
    "partners_csv": "partners.csv",
    "funding_csv": "funding.csv",
    "stories_csv": "stories.csv",
    "atom": "stories.xml",
    "json_feed": "stories.json",
    "datapackage": "datapackage.json",
    "template": "initiatives-template.xlsx",
}


def timestamp(moment: dt.datetime) -> str:
    """RFC 3339 in UTC, to the second."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_bytes(data: Any, indent: int | None = None) -> bytes:
    """Stable JSON: sorted keys, UTF-8, final newline; compact unless an indent is given.

    Compact by default: at thousands of initiatives, indenting makes the file a third larger
    and (with Python's pure-Python indenting encoder) several times slower to write.
    """
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=True,
                      separators=separators)
    return (text + "\n").encode("utf-8")



class ExportBase:
    """The portfolio, its figures and the addresses every export file links with."""

    def __init__(self, portfolio: Portfolio, figures: Figures, options: Options,
                 translator: Translator, built: dt.datetime,
                 renderer: Renderer | None = None) -> None:
        self.portfolio = portfolio
        self.figures = figures
        self.options = options
        self.t = translator
        self.built = built
        # The site's renderer when the files are made with its pages (one set of templates).
        self.r = renderer or Renderer(portfolio, figures, options, translator, built)
        self.currency = portfolio.info.currency
        self.initiatives = sorted(portfolio.initiatives, key=lambda i: i.slug)

    # -- addresses ----------------------------------------------------------------------
    def page(self, uri: str) -> str:
        """The site-relative URL of a docs path."""
        return self.r.site_url(uri)

    def absolute(self, uri: str) -> str:
        """The absolute URL of a docs path when the site's address is known, else relative."""
        url = self.page(uri)
        if self.options.site_url:
            return self.options.site_url.rstrip("/") + "/" + url
        return url

    def from_path(self, path: str, uri: str) -> str:
        """A link from the file at docs path `path` to a page: absolute if possible, else
        relative."""
        if self.options.site_url:
            return self.absolute(uri)
        return relative_url(path, uri, self.options.directory_urls)

    def text(self, value: Text) -> str:
        """Text in the site's language."""
        return value.get(self.t.language)


def translations(i: Initiative) -> dict[str, dict[str, str]]:
    """The texts of an initiative given in several languages, by field path (`title`,
    `stories[0].text`, ...), each by language code: what the open data keeps of the
    languages a page is not shown in, so that `portfolio import` can give them back."""
    return {path: {lang: text for lang, text in value.values if lang}
            for path, value in i.translations}
