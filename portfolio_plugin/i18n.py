"""Every word the plugin puts on a page, in the site's language, and locale-aware formatting.

Messages live in `locales/<language>/*.yml` (flat `key: text` mappings); a site can add a
language or change a word with its own `site_data/locales/<language>.yml`. Missing keys fall
back to English, so a partial catalogue still builds.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import (
    NumberPattern,
    format_compact_currency,
    format_decimal,
    get_currency_symbol,
    parse_pattern,
)
from markupsafe import escape

from .load import MAX_DATA_BYTES, display_path, read_text
from .model import Foreign, Mixed, PartialDate
from .problems import Problem

K = TypeVar("K")

# Letters that some alphabets sort after z, in their order.
_AFTER_Z = {"sv": "åäö", "fi": "åäö", "et": "õäöü", "da": "æøå", "nb": "æøå", "nn": "æøå",
            "no": "æøå", "de": "", "en": ""}


def _read_catalogue(text: str) -> dict[str, str]:
    # libyaml's reader where installed: the catalogues are large, and read on every build.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}  # noqa: S506
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def package_catalogue(language: str) -> dict[str, str]:
    """The messages the package ships for a language (empty if none)."""
    folder = resources.files("portfolio_plugin") / "locales" / language
    messages: dict[str, str] = {}
    if not folder.is_dir():
        return messages
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yml"):
            messages.update(_read_catalogue(entry.read_text(encoding="utf-8")))
    return messages


def available_languages() -> tuple[str, ...]:
    """The languages the package ships a catalogue for."""
    folder = resources.files("portfolio_plugin") / "locales"
    return tuple(sorted(e.name for e in folder.iterdir() if e.is_dir()))


@dataclass
class Translator:
    """Messages and formats for one language."""

    language: str = "en"
    messages: Mapping[str, str] = field(default_factory=dict)
    fallback: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def for_language(cls, language: str, site_locales: Path | None = None,
                     site: Path | None = None,
                     problems: list[Problem] | None = None) -> Translator:
        """The package's catalogue for a language, with a site's own additions on top.

        The site's file is read only if it is a regular file inside `site` (by default its
        own folder); a problem in `problems` if it is refused.
        """
        messages = package_catalogue(language)
        if site_locales is not None:
            own = site_locales / f"{language}.yml"
            if os.path.lexists(own):
                text, problem = read_text(own, display_path(own, site or site_locales),
                                          MAX_DATA_BYTES, site)
                if text is not None:
                    messages.update(_read_catalogue(text))
                elif problem is not None and problems is not None:
                    problems.append(problem)
        return cls(language, messages, package_catalogue("en"))

    @cached_property
    def locale(self) -> Locale:
        """Babel's locale for the language (English if Babel does not know it)."""
        try:
            return Locale.parse(self.language.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            return Locale.parse("en")

    def __call__(self, key: str, **values: object) -> str:
        """The message for a key, with `{name}` placeholders filled in."""
        text = self.messages.get(key) or self.fallback.get(key) or key
        if values:
            try:
                made = text.format(**values)
                if any(isinstance(v, Foreign | Mixed) for v in values.values()):
                    # As HTML, a text filled in in another language keeps its mark.
                    return Mixed(made, str(escape(text).format(**values)))
                return made
            except (KeyError, IndexError, ValueError):
                return text
        return text

    def collate(self, text: str) -> str:
        """A sort key that orders text as the language's readers expect.

        Accents are ignored (é sorts with e), except for letters a language's alphabet adds
        after z: Swedish, Finnish and others put å, ä and ö there; Danish and Norwegian
        put æ, ø and å there.
        """
        return self._remembered("collated", text, self._collate)

    def _collate(self, text: str) -> str:
        folded = text.casefold()
        after_z = _AFTER_Z.get(self.language.split("-")[0].split("_")[0], "")
        out = []
        for ch in folded:
            if ch in after_z:
                out.append("\U0010fff0" + chr(0x10FFF1 + after_z.index(ch)))
            else:
                out.append("".join(c for c in unicodedata.normalize("NFKD", ch)
                                   if not unicodedata.combining(c)))
        return "".join(out)

    def _remembered(self, table: str, key: K, make: Callable[[K], str]) -> str:
        """`make(key)`, formatted once per key and kept in the named table: the same words
        and figures recur on thousands of pages."""
        tables: dict[str, dict[Any, str]] = self.__dict__.setdefault("_tables", {})
        known = tables.setdefault(table, {})
        found = known.get(key)
        if found is None:
            found = known[key] = make(key)
        return found

    def number(self, value: float, digits: int = 0) -> str:
        """A number with the locale's grouping and decimal signs."""
        return self._remembered("numbers", (value, digits), lambda _: format_decimal(
            value, format="#,##0" + ("." + "0" * digits if digits else ""),
            locale=self.locale))

    def money(self, value: float, currency: str, compact: bool = False) -> str:
        """An amount in a currency, whole units (or compact: 12 M SEK)."""
        return self._remembered("amounts", (value, currency, compact),
                                lambda _: self._format_money(value, currency, compact))

    def _format_money(self, value: float, currency: str, compact: bool) -> str:
        if compact and abs(value) >= 10_000:
            text = format_compact_currency(value, currency, locale=self.locale,
                                           fraction_digits=1)
        else:
            text = str(self._money.apply(round(value), self.locale, currency=currency,
                                         currency_digits=False))
        return _currency_spaced(text, get_currency_symbol(currency, locale=self.locale))

    @cached_property
    def _money(self) -> NumberPattern:
        # Parsed once: Babel parses the pattern again on every call otherwise.
        return parse_pattern(self._money_pattern())

    def _money_pattern(self) -> str:
        pattern = self.locale.currency_formats["standard"].pattern
        # Whole units: drop the decimals of the locale's pattern.
        return str(pattern).split(";")[0].replace(".00", "")

    def ratio(self, value: float | None) -> str:
        """A leverage ratio such as 3.4x, or a dash where there is none."""
        if value is None:
            return "–"
        return format_decimal(value, format="#,##0.0", locale=self.locale) + "×"

    def date(self, value: PartialDate | dt.date | None) -> str:
        """A date as precise as it was given: 2024, May 2024, 3 May 2024."""
        if value is None:
            return ""
        return self._remembered("dates", value, self._date)

    def _date(self, value: PartialDate | dt.date) -> str:
        if isinstance(value, dt.date):
            return format_date(value, "long", locale=self.locale)
        day = dt.date(*value.key)
        if value.month is None:
            return str(value.year)
        if value.day is None:
            return format_skeleton("yMMMM", day, locale=self.locale)
        return format_date(day, "long", locale=self.locale)

    def percent(self, value: float) -> str:
        """A share as a percentage."""
        return format_decimal(value * 100, format="#,##0", locale=self.locale) + " %"


def _currency_spaced(text: str, symbol: str) -> str:
    """CLDR's currency spacing, which Babel leaves out: a symbol that is a word (`SEK`, where
    the locale has no sign of its own for the currency) stands apart from the digits by a
    no-break space, `SEK 2,000,000` and not `SEK2,000,000`; a sign (`€`, `$`) stays as it is."""
    if not symbol[-1:].isalpha() or symbol not in text:
        return text
    word = re.escape(symbol)
    text = re.sub(rf"{word}(?=\d)", f"{symbol}\u00a0", text)
    return re.sub(rf"(?<=\d){word}", f"\u00a0{symbol}", text)
