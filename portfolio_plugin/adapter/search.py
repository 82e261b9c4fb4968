"""Search for readers: which pages are indexed and how (for the site's own index, see
`site_index`, and for Pagefind), and Pagefind's index itself (`search: pagefind`).

Pagefind (https://pagefind.app), by its own binary (the `pagefind[bin]` package), indexes the
pages as MkDocs writes them (`PageIndex`, `parallel.indexer`), or the written site where it
cannot (under `mkdocs serve`, after `--dirty`, with a configuration of Pagefind's own): the
reader's browser then fetches only the few index chunks a query needs, not the whole index
Material's search downloads before its first result.

Each page of the site is marked in its HTML: the theme's content region (Material's
`<article>`, else `<body>`) gets `data-pagefind-body`, so navigation, sidebars, header and
footer stay out, and a `type` filter (initiative, partner, theme, portfolio, page). An
initiative page also carries its facet, zone, status, themes and partners as filters and its
summary, facet and zone as metadata (rendered with its facts, `initiative_head.html`).
Listings (the initiative list, facet and zone pages, a theme's further pages, the timeline's
years) are not indexed: every initiative, every story would be found twice, once on its page
and once in a list. Within the pages indexed, what the portfolio generates beside the
authors' text is left out too (`EXCLUDE`): the facts, tables, figures, badges, charts and
lists of other pages (a partner's initiatives, the stories of a partner, a year or a report:
each story is found on its initiative's page). A page holds the words a reader searches
for, the index is less than half as big, and a reader's query fetches smaller chunks.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import importlib.util
import json
import os
import subprocess
from pathlib import Path

from markupsafe import escape

from ..parallel.indexer import TIMEOUT, StreamingIndex, end_process

PORTFOLIO = "portfolio"
PAGEFIND = "pagefind"
MKDOCS = "mkdocs"
# The folder of the index in the site.
BUNDLE = "pagefind"
# The kinds of page the `type` filter tells apart.
KINDS = ("initiative", "partner", "theme", "portfolio", "page")


def binary() -> Path | None:
    """The Pagefind binary of the `pagefind[bin]` package, if it is installed."""
    if importlib.util.find_spec("pagefind_bin") is None:
        return None
    try:
        module = importlib.import_module("pagefind_bin")
        found = Path(module.get_executable())
    except (ImportError, OSError, AttributeError):
        return None
    return found if found.is_file() else None


def page_kind(uri: str, initiatives: dict[str, str], generated: set[str],
              output: str) -> str | None:
    """The kind of the page at `uri` for the `type` filter; None for a page not indexed."""
    if uri in initiatives:
        return "initiative"
    if uri not in generated:
        return "page"
    rest = uri[len(output) + 1:] if uri.startswith(output + "/") else uri
    if rest.rsplit("/", 1)[-1].startswith("page-"):
        return None  # a listing's further pages (a theme's): its text is on its first page
    if rest.startswith("partners/"):
        # (`partners/<id>/stories`: a partner's stories, found on their initiatives' pages)
        return "partner" if rest.count("/") == 1 else None
    if rest.startswith("themes/"):
        return "theme"
    if rest.startswith(("facets/", "zones/", "initiatives", "timeline/")):
        return None  # listings (of initiatives, of a year's stories): found on their own pages
    return "portfolio"


MATERIAL_CONTENT = '<article class="md-content__inner'
# The attribute of a generated page's content region that names its kind (a partner, a
# theme, a page of the portfolio): the stories it lists are copies, found on their
# initiatives' pages.
KIND_ATTRIBUTE = "data-pf-indexed"
LISTING_KINDS = ("partner", "theme", "portfolio")
# What Pagefind leaves out of the pages it indexes (`--exclude-selectors`): what the
# portfolio generates beside the authors' own text, and what other pages hold already.
EXCLUDE = (
    ".pf-facts", ".pf-table", ".pf-table-wrap", ".pf-figures", ".pf-subscribe", ".pf-badge",
    ".pf-shape", ".pf-story-meta", ".pf-story-partners", ".pf-assets", ".pf-chart",
    ".pf-report-chart", ".pf-legend", ".pf-years", ".pf-filter", ".pf-partner-list",
    ".pf-asset-users", ".pf-mandate-initiatives", ".pf-mandate-others", ".pf-initiative-list",
    ".pf-timeline", *(f"[{KIND_ATTRIBUTE}={kind}] .pf-stories"
                      for kind in LISTING_KINDS),
)


def mark_page(html: str, kind: str | None) -> str:
    """The page's HTML with its content region marked for Pagefind, and its kind as the
    `type` filter; a page of no kind as it was (left out of the index, since others are
    marked)."""
    if kind is None:
        return html
    start = html.find(MATERIAL_CONTENT)
    if start < 0:
        start = html.find("<body")
    if start < 0:
        return html
    end = html.find(">", start)
    if end < 0:
        return html
    kind_mark = (f'<span data-pagefind-filter="type[data-pf-type]" '
                 f'data-pf-type="{escape(kind)}"></span>')
    named = f' {KIND_ATTRIBUTE}="{escape(kind)}"' if kind in LISTING_KINDS else ""
    return f"{html[:end]} data-pagefind-body{named}>{kind_mark}{html[end + 1:]}"


def command(program: Path, site_dir: str) -> list[str]:
    """The command that indexes the built site in `site_dir` into its `pagefind/` folder."""
    return [str(program), "--site", site_dir, "--output-subdir", BUNDLE, "--silent",
            "--exclude-selectors", ", ".join(EXCLUDE)]


def index(program: Path, site_dir: str) -> str | None:
    """Index the built site; what went wrong, or None."""
    try:
        done = subprocess.run(command(program, site_dir), capture_output=True, text=True,
                              check=False, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        return (done.stderr or done.stdout).strip()[-2000:] or f"exit status {done.returncode}"
    make_stable(Path(site_dir) / BUNDLE)
    return None


# Where the binary finds a configuration of its own, which its service does not read.
CONFIG_FILES = ("pagefind.yml", "pagefind.yaml", "pagefind.toml", "pagefind.json")


def configured_outside(folder: Path) -> bool:
    """Whether Pagefind is configured beyond what the plugin says: a `pagefind.yml` (or
    `.yaml`, `.toml`, `.json`) where the build runs, or a `PAGEFIND_` variable. Only the
    binary run on the folder reads them; the site is then indexed so, to keep them."""
    return any((folder / name).is_file() for name in CONFIG_FILES) or any(
        name.startswith("PAGEFIND_") and name != "PAGEFIND_BINARY_PATH" for name in os.environ)


class PageIndex:
    """The pages of one build that Pagefind indexes, in the order MkDocs writes them (see
    `parallel.indexer`). Where the build may use a second core, Pagefind reads each page
    meanwhile; otherwise it is handed them all once the build is done, and the index is the
    same."""

    def __init__(self, program: Path, site_dir: Path, meanwhile: bool) -> None:
        self.program = program
        self.site_dir = site_dir
        self.meanwhile = meanwhile
        self.pages: list[Path] = []
        self.streaming: StreamingIndex | None = None

    def note(self, page: Path) -> None:
        """A page of the index, which MkDocs writes next."""
        self.pages.append(page)
        if self.meanwhile:
            if self.streaming is None:
                self.streaming = self._start()
            self.streaming.add(page)

    def write(self) -> str | None:
        """Write the index of the pages noted; what went wrong, or None."""
        streaming, self.streaming = self.streaming, None
        if streaming is None:
            streaming = self._start()
            for page in self.pages:
                streaming.add(page)
        failed = streaming.finish()
        if failed is None:
            make_stable(self.site_dir / BUNDLE)
        return failed

    def stop(self) -> None:
        """Stop an index being made (the build failed)."""
        if self.streaming is not None:
            self.streaming.stop()

    def _start(self) -> StreamingIndex:
        return StreamingIndex(self.program, self.site_dir, EXCLUDE, meanwhile=self.meanwhile)


def index_in_background(program: Path, site_dir: str,
                        running: subprocess.Popen[bytes] | None) -> subprocess.Popen[bytes]:
    """Under `mkdocs serve`: index the site while the reader's page reloads, stopping an
    index of an older build still running (it would write over the new one)."""
    stop_indexing(running)
    return subprocess.Popen(command(program, site_dir),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_indexing(running: subprocess.Popen[bytes] | None) -> None:
    """Stop an index still being made under `mkdocs serve`: when a rebuild starts (the index
    is of the site it replaces, and on a machine of few cores it would take a core from the
    rebuild the author waits for), or when the server stops. The rebuild indexes anew."""
    if running is not None:
        end_process(running)


# -- the same index for the same site ---------------------------------------------------------
# Pagefind 1.5 writes each filter's values, and the list of filters in its metadata, in the
# order of a hash map, which changes from run to run (Pagefind issue #638): the filter files,
# the metadata file and the entry file then differ between two builds of the same site. They
# are written again here in a fixed order (sorted), under names made from what they hold, so
# that a site builds byte for byte the same. Each is gzip'd CBOR after a `pagefind_dcd` mark.

MARK = b"pagefind_dcd"
CBOR = int | str | bytes | bool | None | list["CBOR"] | dict["CBOR", "CBOR"]


def _cbor_read(data: bytes, at: int) -> tuple[CBOR, int]:
    """The CBOR item at `at` (the kinds Pagefind writes), and where the next one starts."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        value = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise ValueError(f"CBOR item {head:#x} is not one Pagefind writes")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major == 2:
        return data[at:at + value], at + value
    if major == 3:
        return data[at:at + value].decode("utf-8"), at + value
    if major == 4:
        items: list[CBOR] = []
        for _ in range(value):
            item, at = _cbor_read(data, at)
            items.append(item)
        return items, at
    if major == 5:
        mapping: dict[CBOR, CBOR] = {}
        for _ in range(value):
            key, at = _cbor_read(data, at)
            mapping[key], at = _cbor_read(data, at)
        return mapping, at
    if major == 7 and value in (20, 21, 22):
        return {20: False, 21: True, 22: None}[value], at
    raise ValueError(f"CBOR item {head:#x} is not one Pagefind writes")


def _cbor_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError("number too large for CBOR")


def _cbor_write(item: CBOR) -> bytes:
    """CBOR as Pagefind writes it (each length in the fewest bytes)."""
    if item is None or isinstance(item, bool):
        return bytes([0xF6 if item is None else 0xF5 if item else 0xF4])
    if isinstance(item, int):
        return _cbor_head(0, item) if item >= 0 else _cbor_head(1, -1 - item)
    if isinstance(item, bytes):
        return _cbor_head(2, len(item)) + item
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _cbor_head(3, len(raw)) + raw
    if isinstance(item, list):
        return _cbor_head(4, len(item)) + b"".join(_cbor_write(i) for i in item)
    return _cbor_head(5, len(item)) + b"".join(
        _cbor_write(k) + _cbor_write(v) for k, v in item.items())


def _read_chunk(path: Path) -> CBOR:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(MARK):
        raise ValueError(f"{path.name} is not a Pagefind file")
    item, end = _cbor_read(data, len(MARK))
    if end != len(data) or _cbor_write(item) != data[len(MARK):]:
        raise ValueError(f"{path.name} does not read back as it was written")
    return item


def _chunk_bytes(item: CBOR) -> bytes:
    return gzip.compress(MARK + _cbor_write(item), compresslevel=9, mtime=0)


def _key(item: CBOR) -> str:
    return item[0] if isinstance(item, list) and isinstance(item[0], str) else ""


def make_stable(bundle: Path) -> None:
    """Write the filter and metadata files of each language of a Pagefind index in a fixed
    order, renamed after what they hold, and the entry file naming them. An index this
    version does not understand is left as Pagefind wrote it."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        for language in entry["languages"].values():
            language["hash"] = _stable_language(bundle, str(language["hash"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                          encoding="utf-8")


def _stable_language(bundle: Path, meta_hash: str) -> str:
    """One language's filters and metadata in a fixed order; the metadata's new name."""
    prefix = meta_hash.split("_", 1)[0]
    meta_path = bundle / f"pagefind.{meta_hash}.pf_meta"
    meta = _read_chunk(meta_path)
    if not isinstance(meta, list) or len(meta) < 4 or not isinstance(meta[3], list):
        raise ValueError("unknown metadata")
    filters: list[CBOR] = []
    for pair in meta[3]:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], str)):
            raise ValueError("unknown filter entry")
        old = bundle / "filter" / f"{pair[1]}.pf_filter"
        chunk = _read_chunk(old)
        if not (isinstance(chunk, list) and len(chunk) == 2 and isinstance(chunk[1], list)):
            raise ValueError("unknown filter chunk")
        chunk[1].sort(key=_key)
        data = _chunk_bytes(chunk)
        name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:7]}"
        old.unlink()
        (bundle / "filter" / f"{name}.pf_filter").write_bytes(data)
        filters.append([pair[0], name])
    filters.sort(key=_key)
    meta[3] = filters
    data = _chunk_bytes(meta)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:10]}"
    meta_path.unlink()
    (bundle / f"pagefind.{name}.pf_meta").write_bytes(data)
    return name
