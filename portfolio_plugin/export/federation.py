"""Portfolio of portfolios: reading other portfolios' published `portfolio.json`.

`federation` in `portfolio.yml` lists them by path (relative to the folder of `mkdocs.yml`) or
by http(s) URL. They are read at build time only, with the export document's own models
(`models.py`: a document of this MAJOR and any MINOR is read, and fields this version does not
know are ignored), checked for counts that disagree with their lists, and summarised into the
same small model as this portfolio, so the federation page compares like with like; the same
portfolio listed twice is shown once. A URL has one deadline for the whole request and a size
cap (`remote.py`). The last good copy of each is kept in `.portfolio-cache/federation/` beside
`mkdocs.yml` (git ignores it): while a portfolio is out of reach, a copy younger than
`federation_cache_days` stands in with a note, an older one with a warning.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import time
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..load import MAX_DATA_BYTES, display_path
from ..load.files import RefusedError, TooLargeError, inside, read_bytes, what_is
from ..model import FACETS, ZONES
from ..options import Options
from ..problems import Problem, Severity
from . import remote
from .base import PAGE_NAMES
from .models import SCHEMA_MAJOR, SCHEMA_VERSION, Layers, PortfolioDocument, document_schema
from .remote import is_url

# Defaults of the plugin's `federation_timeout` and `federation_max_bytes` (see `Options`).
TIMEOUT = Options.federation_timeout
MAX_BYTES = Options.federation_max_bytes
# The cache: a folder beside mkdocs.yml that git ignores (it holds its own .gitignore), never
# in site_data/, which is the site's source (and watched by `mkdocs serve`).
CACHE_ROOT = ".portfolio-cache"
CACHE_DIR = "federation"
REFUSED_WORDS = "it is refused"  # how a refused path's message begins (an error)
_NOT_NAME = re.compile(r"[^A-Za-z0-9]+")
# Numbers another portfolio publishes are bounded as this one's are: its sums of amounts
# (each below 10^15) stay far below this, and any figure below it prints (`1e400` would be
# infinity, `1e308` a number of 309 digits no format can round).
MAX_NUMBER = 10**24


@dataclass(frozen=True)
class LayerYear:
    """The layer model of one year (or in total, `year` None) of a portfolio."""

    year: int | None
    layer1: float
    layer2: float
    layer3: float
    layer4: int
    leverage: float | None


@dataclass(frozen=True)
class PartnerEntry:
    """A partner of a portfolio, as published."""

    id: str
    name: str
    initiatives: int


@dataclass(frozen=True)
class PortfolioSummary:
    """What the federation page shows of one portfolio."""

    name: str
    currency: str
    generated: str
    source: str
    local: bool
    # (page name, address): docs paths for this portfolio, absolute URLs for others.
    pages: tuple[tuple[str, str], ...]
    initiatives: int
    partners: tuple[PartnerEntry, ...]
    balance: tuple[tuple[str, str, int, float], ...]  # facet, zone, count, cash funding
    years: tuple[LayerYear, ...]
    total: LayerYear
    cached: bool = False
    # Other sources that publish the same portfolio (listed more than once, shown once).
    also: tuple[str, ...] = ()

    def cell(self, facet: str, zone: str) -> tuple[int, float]:
        """Count and funding of one facet and zone."""
        for f, z, count, funding in self.balance:
            if f == facet and z == zone:
                return count, funding
        return 0, 0.0

    def leverage(self, year: int) -> float | None:
        """The leverage ratio of one year, if any."""
        for row in self.years:
            if row.year == year:
                return row.leverage
        return None


@dataclass(frozen=True)
class SharedPartner:
    """A partner found in more than one portfolio (same id, or same name)."""

    name: str
    # (portfolio index, partner id, number of initiatives) for each portfolio it is in.
    members: tuple[tuple[int, str, int], ...]

    def in_portfolio(self, index: int) -> tuple[str, int] | None:
        """The partner's id and initiative count in one portfolio, if it is there."""
        for i, pid, count in self.members:
            if i == index:
                return pid, count
        return None


class UnreadableError(Exception):
    """A federated portfolio that could not be read; the message says why."""

    def __init__(self, message: str, outage: bool = False) -> None:
        super().__init__(message)
        # Out of reach for now (a server down, slow, or saying so), rather than wrong.
        self.outage = outage


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _bounded(text: str) -> int | float:
    """A JSON number below `MAX_NUMBER`, else a ValueError (turned into `UnreadableError`)."""
    shown = text if len(text) <= 24 else text[:21] + "..."
    if len(text) > 400:  # not even read: thousands of digits are slow to make an int of
        raise ValueError(f"the number {shown} is out of range: below 10^24")
    value: int | float = float(text) if any(c in text for c in ".eE") else int(text)
    if not math.isfinite(value) or abs(value) >= MAX_NUMBER:
        raise ValueError(f"the number {shown} is out of range: below 10^24")
    return value


class OtherMajorError(UnreadableError):
    """A document of another MAJOR version of the format: not read at all."""


_VERSION = re.compile(r"^([0-9]+)\.([0-9]+)$")


@functools.cache
def _names() -> frozenset[str]:
    """Every field name of the document (the parts of a path that are never content)."""
    names: set[str] = set()

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            names.update(schema.get("properties", {}))
            for value in schema.values():
                walk(value)
        elif isinstance(schema, list):
            for value in schema:
                walk(value)

    walk(document_schema())
    return frozenset(names)


def _where(loc: Sequence[int | str], quote: bool) -> str:
    """The field path of a problem; without `quote`, keys that are not field names (ids,
    language codes, anything the document chose) are not shown."""
    parts = [str(part) if quote or isinstance(part, int) or part in _names() else "(a key)"
             for part in loc]
    return "/".join(parts) or "(top level)"


def version_of(data: Any) -> tuple[int, int] | None:
    """The MAJOR and MINOR of a document's `schema`, if it has a readable one."""
    found = data.get("schema") if isinstance(data, dict) else None
    match = _VERSION.match(found) if isinstance(found, str) else None
    return (int(match[1]), int(match[2])) if match else None


def parse(raw: bytes, quote: bool = True) -> PortfolioDocument:
    """A published `portfolio.json`, read with the export document's models; raises
    `UnreadableError` (`OtherMajorError` for a document of another MAJOR version).

    Any MINOR of this MAJOR is read; fields this version does not know are ignored. Without
    `quote` (a file outside the site), an error says where, never what is there.
    """
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_refuse_constant,
                          parse_float=_bounded, parse_int=_bounded)
    except UnicodeDecodeError:
        raise UnreadableError("it is not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        raise UnreadableError(f"it is not valid JSON ({exc})") from None
    version = version_of(data)
    if version is not None and version[0] != SCHEMA_MAJOR:
        raise OtherMajorError(
            f"it is written in version {version[0]}.{version[1]} of the portfolio.json format, "
            f"and this site reads version {SCHEMA_MAJOR}.x only (it writes {SCHEMA_VERSION})")
    try:
        return PortfolioDocument.model_validate(data)
    except ValidationError as exc:
        errors = sorted(exc.errors(include_url=False, include_input=False),
                        key=lambda e: [str(part) for part in e["loc"]])
        first = errors[0]
        where = _where(first["loc"], quote)
        message = first["msg"] if len(first["msg"]) <= 160 else first["msg"][:157] + "..."
        if not quote:
            message = f"a value that breaks the rule {first['type']!r}"
        more = f" and {len(errors) - 1} more problem(s)" if len(errors) > 1 else ""
        raise UnreadableError(f"it does not match the portfolio.json schema: {where}: "
                              f"{message}{more}") from None


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes at an http(s) URL, within one deadline and a size cap (see `remote.py`);
    raises `UnreadableError` with a short reason."""
    try:
        return remote.fetch(url, timeout, max_bytes)
    except remote.FetchError as exc:
        raise UnreadableError(str(exc), outage=exc.outage) from None


class RefusedFileError(UnreadableError):
    """A local path that is not read at all: not a regular file, or a symlink leaving the site."""

    def __init__(self, found: str) -> None:
        super().__init__(f"{REFUSED_WORDS}: only regular files are read, and symlinks only "
                         f"inside the site (found {found})")


def read_path(path: Path, site: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a local file, a regular file read as written or through symlinks that stay
    inside `site` (the site's folder, real), at most `max_bytes` of them; raises
    `UnreadableError` with a short reason (`RefusedFileError` before opening anything else).
    """
    try:
        return read_bytes(path, site, max_bytes, as_written=True)
    except RefusedError as exc:
        raise RefusedFileError(exc.found) from None
    except TooLargeError:
        raise UnreadableError(f"it is larger than {max_bytes:,} bytes") from None
    except OSError as exc:
        raise UnreadableError(f"the file cannot be read ({exc.strerror})") from None


def cache_folder(options: Options) -> Path:
    """The folder of the last good copies of federated portfolios."""
    return options.root / CACHE_ROOT / CACHE_DIR


def cache_path(options: Options, source: str) -> Path:
    """Where the last good copy of a federated portfolio is kept."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
    readable = _NOT_NAME.sub("-", source).strip("-")[-60:].strip("-").lower()
    return cache_folder(options) / f"{readable}-{digest}.json"


def _write_new(path: Path, data: bytes) -> None:
    """Write a file (never through a symlink in its place)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o644)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def _store(path: Path, raw: bytes, site: Path, max_bytes: int = MAX_BYTES) -> None:
    # Written only when it changed (else only marked fresh), so that nothing rebuilds for
    # it; a folder that cannot be written only means there is no fallback. Never through a
    # symlink (it would write over a file anywhere): one in its place is replaced, and a
    # cache folder outside the site is not written at all.
    try:
        if os.path.lexists(path):
            if what_is(path, site) is None and read_bytes(path, site, max_bytes) == raw:
                os.utime(path, follow_symlinks=False)
                return
            if os.path.islink(path) or not path.is_file():
                os.unlink(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not inside(os.path.realpath(path.parent), os.fspath(site)):
            return
        ignore = path.parent.parent / ".gitignore"
        if not os.path.lexists(ignore):
            _write_new(ignore, b"# Made by the portfolio plugin: copies of other portfolios.\n*\n")
        _write_new(path, raw)
    except (OSError, RefusedError, TooLargeError):
        pass


def home_of(document: PortfolioDocument, source: str) -> str | None:
    """The absolute address of a published site's root, if it can be known."""
    site_url = document.portfolio.site_url
    if isinstance(site_url, str) and is_url(site_url):
        return site_url.rstrip("/") + "/"
    json_path = document.files.json_.lstrip("/")
    if is_url(source):
        parsed = urllib.parse.urlsplit(source)
        if parsed.path.endswith("/" + json_path):
            root = parsed.path[: -len(json_path)]
            return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, root, "", ""))
    return None


def _web_address(home: str, relative: str) -> str | None:
    """A page of the published site: http(s) on the site's own host, or nothing."""
    address = urllib.parse.urljoin(home, relative)
    parsed = urllib.parse.urlsplit(address)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    if parsed.netloc != urllib.parse.urlsplit(home).netloc:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in address):
        return None
    return address


def summarise(document: PortfolioDocument, source: str = "", local: bool = False,
              cached: bool = False, page_paths: Mapping[str, str] | None = None
              ) -> PortfolioSummary:
    """The federation page's view of a (validated) `portfolio.json` document.

    For this portfolio (`local`), `page_paths` gives the docs paths of its pages; for others
    the page addresses are made absolute from the site's address, where that is known.
    """
    pages: list[tuple[str, str]] = []
    if local and page_paths is not None:
        pages = [(name, page_paths[name]) for name in PAGE_NAMES if name in page_paths]
    else:
        home = home_of(document, source)
        if home:
            for name in PAGE_NAMES:
                relative = getattr(document.pages, name, None)
                address = _web_address(home, relative) if isinstance(relative, str) else None
                if address:
                    pages.append((name, address))
    cells = []
    for facet in FACETS:
        for zone in ZONES:
            cell = document.balance.get(facet, {}).get(zone)
            cells.append((facet.value, zone.value, cell.count if cell else 0,
                          cell.funding if cell else 0.0))

    def layers(row: Layers, year: int | None = None) -> LayerYear:
        return LayerYear(year, row.layer1, row.layer2, row.layer3, row.layer4, row.leverage)

    info = document.portfolio
    return PortfolioSummary(
        name=info.name, currency=info.currency, generated=info.generated, source=source,
        local=local, pages=tuple(pages), initiatives=len(document.initiatives),
        partners=tuple(PartnerEntry(p.id, p.name, len(p.initiatives))
                       for p in document.partners),
        balance=tuple(cells),
        years=tuple(layers(row, row.year) for row in document.leverage.years),
        total=layers(document.leverage.total),
        cached=cached,
    )


def shared_partners(portfolios: Sequence[PortfolioSummary]) -> tuple[SharedPartner, ...]:
    """Partners that appear in two or more portfolios, matched by id or by name (any case)."""
    nodes = [(index, p) for index, s in enumerate(portfolios) for p in s.partners]
    parent = list(range(len(nodes)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    first: dict[str, int] = {}
    for n, (_, partner) in enumerate(nodes):
        for key in ("id:" + partner.id, "name:" + " ".join(partner.name.casefold().split())):
            if key in first:
                parent[root(n)] = root(first[key])
            else:
                first[key] = n
    groups: dict[int, list[int]] = {}
    for n in range(len(nodes)):
        groups.setdefault(root(n), []).append(n)
    result = []
    for members in groups.values():
        indexes = {nodes[n][0] for n in members}
        if len(indexes) < 2:
            continue
        seen: dict[int, tuple[int, str, int]] = {}
        for n in members:
            index, partner = nodes[n]
            if index not in seen:
                seen[index] = (index, partner.id, partner.initiatives)
        name = nodes[min(members)][1].name  # the first portfolio's name for it
        result.append(SharedPartner(name, tuple(sorted(seen.values()))))
    result.sort(key=lambda s: (s.name.casefold(), s.name))
    return tuple(result)


def _line_of(options: Options, source: str) -> int:
    try:
        text = read_bytes(options.data_dir / "portfolio.yml", os.path.realpath(options.root),
                          MAX_DATA_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, RefusedError, TooLargeError):
        return 1
    for number, line in enumerate(text.splitlines(), 1):
        if source in line:
            return number
    return 1


@dataclass(frozen=True)
class Outcome:
    """One federated portfolio as read (or its cached copy, or nothing), and what to say."""

    summary: PortfolioSummary | None
    document: PortfolioDocument | None = None
    # (severity, message), in the order they are said.
    notes: tuple[tuple[Severity, str], ...] = ()


def read_one(options: Options, source: str) -> Outcome:
    """One federated portfolio (or its cached copy), and what went wrong, if anything.

    An outage (a server down, slow, or answering an error) with a cached copy younger than
    `federation_cache_days` is information: the copy stands in. An older copy, or a document
    that is wrong, is a warning; a path that is refused is an error.
    """
    cache = cache_path(options, source)
    site = Path(os.path.realpath(options.root))
    try:
        if is_url(source):
            raw = fetch(source, options.federation_timeout, options.federation_max_bytes)
            document = parse(raw)
        else:
            path = options.root / source
            raw = read_path(path, site, options.federation_max_bytes)
            # Another site's file, outside this one: its content is never quoted.
            document = parse(raw, quote=inside(os.path.realpath(path), os.fspath(site)))
    except RefusedFileError as exc:
        return Outcome(None, notes=((Severity.ERROR, f"{exc}; it is left out"),))
    except UnreadableError as exc:
        reason, outage = str(exc), exc.outage
    else:
        _store(cache, raw, site, options.federation_max_bytes)
        summary, corrections = consistent(document, source)
        return Outcome(summary, document,
                       tuple((Severity.WARNING, text) for text in corrections))
    try:
        document = parse(read_path(cache, site, options.federation_max_bytes))
        age = max(0.0, time.time() - os.stat(cache, follow_symlinks=False).st_mtime)
    except (UnreadableError, OSError):
        return Outcome(None, notes=((Severity.WARNING, f"{reason}; no earlier copy is "
                                     "cached, so it is left out"),))
    summary, corrections = consistent(document, source, cached=True)
    days = options.federation_cache_days
    fresh = outage and age <= days * 86400
    said = (f"{reason}; using the copy saved {_age(age)} ago, generated "
            f"{document.portfolio.generated}")
    if outage and not fresh:
        said += f" (older than {days:g} day(s))"
    return Outcome(summary, document,
                   ((Severity.INFO if fresh else Severity.WARNING, said),
                    *((Severity.WARNING, text) for text in corrections)))


def _age(seconds: float) -> str:
    if seconds < 2 * 3600:
        return f"{max(1, round(seconds / 60))} minute(s)"
    if seconds < 2 * 86400:
        return f"{round(seconds / 3600)} hour(s)"
    return f"{round(seconds / 86400)} day(s)"


def consistent(document: PortfolioDocument, source: str = "", cached: bool = False
               ) -> tuple[PortfolioSummary, list[str]]:
    """The summary of another portfolio's document, its counts made to agree with its lists,
    and what was corrected.

    A document trimmed by hand (or made wrong) may count more initiatives in its balance than
    it lists, or name initiatives its lists do not hold: the federation page would draw a
    share of 250 %. The lists are what the document shows, so the counts follow them.
    """
    summary = summarise(document, source, cached=cached)
    corrections = []
    listed = {i.id for i in document.initiatives}
    counted = sum(count for _, _, count, _ in summary.balance)
    if counted != len(document.initiatives):
        cells: dict[tuple[str, str], tuple[int, float]] = {}
        for i in document.initiatives:
            count, funding = cells.get((i.facet.value, i.zone.value), (0, 0.0))
            cells[i.facet.value, i.zone.value] = (count + 1, funding + i.cash)
        balance = tuple((f, z, *cells.get((f, z), (0, 0.0))) for f, z, _, _ in summary.balance)
        summary = replace(summary, balance=balance)
        corrections.append(f"its balance counts {counted} initiative(s) but it lists "
                           f"{len(document.initiatives)}; the balance is counted from the "
                           "listed initiatives")
    strays = [p for p in document.partners if not set(p.initiatives) <= listed]
    if strays:
        partners = tuple(PartnerEntry(p.id, p.name, len(set(p.initiatives) & listed))
                         for p in document.partners)
        summary = replace(summary, partners=partners)
        corrections.append(f"{len(strays)} partner(s) name initiatives it does not list; only "
                           "the listed initiatives are counted")
    return summary, corrections


def same_portfolio(document: PortfolioDocument) -> tuple[str, ...]:
    """What makes two documents the same portfolio: its name and its site's address, or
    (without an address) its name and the ids of its initiatives."""
    info = document.portfolio
    if info.site_url:
        return ("site", info.name, info.site_url.rstrip("/"))
    return ("ids", info.name, *sorted(i.id for i in document.initiatives))


def gather(options: Options, sources: Iterable[str]
           ) -> tuple[tuple[PortfolioSummary, ...], list[Problem]]:
    """Every federated portfolio that could be read (each once), and a problem for each
    that could not, or was read with trouble."""
    display = display_path(options.data_dir / "portfolio.yml", options.root)
    summaries: list[PortfolioSummary] = []
    seen: dict[tuple[str, ...], int] = {}  # same portfolio -> its place in `summaries`
    first_source: dict[str, int] = {}
    problems = []

    def note(index: int, source: str, severity: Severity, text: str) -> None:
        problems.append(Problem(display, _line_of(options, source), 1, f"federation[{index}]",
                                f"{source}: {text}", severity=severity))

    for index, source in enumerate(sources):
        if source in first_source:  # the same source twice: read once
            note(index, source, Severity.INFO,
                 f"listed again (as federation[{first_source[source]}]); shown once")
            continue
        first_source[source] = index
        outcome = read_one(options, source)
        for severity, text in outcome.notes:
            note(index, source, severity, text)
        if outcome.summary is None or outcome.document is None:
            continue
        key = same_portfolio(outcome.document)
        if key in seen:
            place = seen[key]
            kept = summaries[place]
            summaries[place] = replace(kept, also=(*kept.also, source))
            note(index, source, Severity.INFO,
                 f"the same portfolio as {kept.source} ({kept.name}); shown once")
            continue
        seen[key] = len(summaries)
        summaries.append(outcome.summary)
    return tuple(summaries), problems
