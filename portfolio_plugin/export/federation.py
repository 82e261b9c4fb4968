"""Portfolio of portfolios: reading other portfolios' published `portfolio.json`.

`federation` in `portfolio.yml` lists them by path (relative to the folder of `mkdocs.yml`) or
by http(s) URL. They are read at build time only, with the export document's own models
(`models.py`: a document of this MAJOR and any MINOR is read, and fields this version does not
know are ignored), and summarised into the same small model as this portfolio, so the
federation page compares like with like. The last good copy of each is kept in
`<site_data>/.federation-cache/`: a portfolio that cannot be reached (or publishes something
invalid) is a warning, and its cached copy is used instead.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..load import MAX_DATA_BYTES, display_path
from ..load.files import RefusedError, TooLargeError, inside, read_bytes, what_is
from ..model import FACETS, ZONES
from ..options import Options
from ..problems import Problem, Severity
from .base import PAGE_NAMES
from .models import SCHEMA_MAJOR, SCHEMA_VERSION, Layers, PortfolioDocument, document_schema

TIMEOUT = 5.0
MAX_BYTES = 50 * 1024 * 1024
CACHE_DIR = ".federation-cache"
REFUSED_WORDS = "it is refused"  # how a refused path's trouble begins (an error, not a warning)
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


def is_url(source: str) -> bool:
    """A source given as an http(s) URL rather than a path."""
    return source.lower().startswith(("http://", "https://"))


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


_FIELD_NAMES: frozenset[str] = frozenset()


def _where(loc: Sequence[int | str], quote: bool) -> str:
    """The field path of a problem; without `quote`, keys that are not field names (ids,
    language codes, anything the document chose) are not shown."""
    global _FIELD_NAMES
    if not _FIELD_NAMES:
        _FIELD_NAMES = _names()
    parts = [str(part) if quote or isinstance(part, int) or part in _FIELD_NAMES else "(a key)"
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


def fetch(url: str, timeout: float = TIMEOUT) -> bytes:
    """The bytes at an http(s) URL; raises `UnreadableError` with a short reason."""
    if not is_url(url):
        raise UnreadableError("only http and https addresses are read")
    import urllib.error
    import urllib.request  # only a portfolio that federates others by URL needs it

    request = urllib.request.Request(url, headers={  # noqa: S310 - http(s) checked above
        "Accept": "application/json", "User-Agent": "portfolio-plugin"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data: bytes = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise UnreadableError(f"the server answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise UnreadableError(f"it cannot be reached ({exc.reason})") from None
    except (OSError, ValueError) as exc:
        raise UnreadableError(f"it cannot be reached ({exc})") from None
    if len(data) > MAX_BYTES:
        raise UnreadableError(f"it is larger than {MAX_BYTES:,} bytes")
    return data


class RefusedFileError(UnreadableError):
    """A local path that is not read at all: not a regular file, or a symlink leaving the site."""

    def __init__(self, found: str) -> None:
        super().__init__(f"{REFUSED_WORDS}: only regular files are read, and symlinks only "
                         f"inside the site (found {found})")


def read_path(path: Path, site: Path) -> bytes:
    """The bytes of a local file, a regular file read as written or through symlinks that stay
    inside `site` (the site's folder, real), at most `MAX_BYTES` of them; raises
    `UnreadableError` with a short reason (`RefusedFileError` before opening anything else).
    """
    try:
        return read_bytes(path, site, MAX_BYTES, as_written=True)
    except RefusedError as exc:
        raise RefusedFileError(exc.found) from None
    except TooLargeError:
        raise UnreadableError(f"it is larger than {MAX_BYTES:,} bytes") from None
    except OSError as exc:
        raise UnreadableError(f"the file cannot be read ({exc.strerror})") from None


def cache_path(options: Options, source: str) -> Path:
    """Where the last good copy of a federated portfolio is kept."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]
    readable = _NOT_NAME.sub("-", source).strip("-")[-60:].strip("-").lower()
    return options.data_dir / CACHE_DIR / f"{readable}-{digest}.json"


def _store(path: Path, raw: bytes, site: Path) -> None:
    # Written only when it changed, so `mkdocs serve` (which watches site_data/) does not
    # rebuild forever; a folder that cannot be written only means there is no fallback.
    # Never through a symlink (it would write over a file anywhere): one in its place is
    # replaced, and a cache folder outside the site is not written at all.
    try:
        if os.path.lexists(path):
            if what_is(path, site) is None and read_bytes(path, site, MAX_BYTES) == raw:
                return
            if os.path.islink(path) or not path.is_file():
                os.unlink(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not inside(os.path.realpath(path.parent), os.fspath(site)):
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(path, flags, 0o644)
        with os.fdopen(descriptor, "wb") as out:
            out.write(raw)
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


def read_one(options: Options, source: str) -> tuple[PortfolioSummary | None, str | None]:
    """One federated portfolio (or its cached copy), and what went wrong, if anything."""
    cache = cache_path(options, source)
    site = Path(os.path.realpath(options.root))
    try:
        if is_url(source):
            raw = fetch(source)
            document = parse(raw)
        else:
            path = options.root / source
            raw = read_path(path, site)
            # Another site's file, outside this one: its content is never quoted.
            document = parse(raw, quote=inside(os.path.realpath(path), os.fspath(site)))
    except RefusedFileError as exc:
        return None, f"{exc}; it is left out"
    except UnreadableError as exc:
        reason = str(exc)
    else:
        _store(cache, raw, site)
        return summarise(document, source), None
    try:
        document = parse(read_path(cache, site))
    except UnreadableError:
        return None, f"{reason}; no earlier copy is cached, so it is left out"
    summary = summarise(document, source, cached=True)
    return summary, (f"{reason}; using the last good copy, generated "
                     f"{document.portfolio.generated}")


def gather(options: Options, sources: Iterable[str]
           ) -> tuple[tuple[PortfolioSummary, ...], list[Problem]]:
    """Every federated portfolio that could be read, and a warning for each that could not."""
    display = display_path(options.data_dir / "portfolio.yml", options.root)
    summaries = []
    problems = []
    for index, source in enumerate(sources):
        summary, trouble = read_one(options, source)
        if summary is not None:
            summaries.append(summary)
        if trouble:
            # Out of reach is a warning (the cached copy stands in); refused is an error.
            refused = summary is None and trouble.startswith(REFUSED_WORDS)
            problems.append(Problem(display, _line_of(options, source), 1,
                                    f"federation[{index}]", f"{source}: {trouble}",
                                    severity=Severity.ERROR if refused else Severity.WARNING))
    return tuple(summaries), problems
