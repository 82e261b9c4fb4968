"""Reading files into positioned data: initiative pages and the `site_data/` files.

Nothing here knows what the fields mean; it only turns bytes into `Located` values, refusing
what cannot be read safely, and says where every problem is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from ..problems import Problem, Problems, Severity
from .files import (
    FOLDER_EXPECTED,
    Folders,
    RefusedError,
    TooLargeError,
    inside,
    read_bytes,
    refusal,
    walk,
)
from .yamlsafe import MAX_NODES, Located, YamlError, path_text, read_yaml

MAX_PAGE_BYTES = 1024 * 1024
MAX_DATA_BYTES = 16 * 1024 * 1024
# Keys and values of a data file: 16 times a page's, as its size.
MAX_DATA_NODES = 16 * MAX_NODES
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# A translation of an initiative's body: `<slug>.<lang>.md` beside `<slug>.md` (the suffix
# convention of mkdocs-static-i18n), by its file name's stem.
TRANSLATION = re.compile(r"([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)\Z")
# Front-matter opens with a line `---`, and closes with a line `---` or `...` (spaces or
# tabs may end either line).
_OPENING = re.compile(r"---[ \t]*(?:\n|\Z)")
_CLOSING = re.compile(r"\n(?:---|\.\.\.)[ \t]*(?=\n|\Z)")
# A key written at the start of a line: `key:`, `"key":` or `'key':`.
_TOP_KEY = re.compile(
    r"""(?:"([^"]+)"|'([^']+)'|([^\s#:'"?\-{}\[\]&*!|>%@`,][^:#]*?))\s*:(?:\s|\Z)""")
# Files in the initiatives folder that are not initiatives.
NOT_INITIATIVES = {"index.md", "README.md"}


@dataclass(frozen=True)
class Page:
    """An initiative page as read: its front-matter, its body and where each starts."""

    slug: str
    path: str
    data: Located
    body: str
    body_line: int
    # What was refused without stopping the reading (a key given twice): the page is left
    # out, and the rest of it is still checked.
    problems: tuple[Problem, ...] = ()
    # Where the body was read from when it is a translation (`<slug>.<lang>.md`).
    body_path: str | None = None


@dataclass(frozen=True)
class Checked:
    """A page already turned into what `Sources.check` makes of it, where it was read."""

    slug: str
    value: Any
    path: str = ""


@dataclass
class Sources:
    """Everything read from disk for one run."""

    pages: list[Page] = field(default_factory=list)
    portfolio: Located | None = None
    partners: Located | None = None
    assets: Located | None = None
    portfolio_path: str = "site_data/portfolio.yml"
    partners_path: str = "site_data/partners.yml"
    assets_path: str = "site_data/assets.yml"
    problems: Problems = field(default_factory=Problems)
    # The site's folder (real): only files inside it are read.
    site: Path | None = None
    # Real paths of the folders read from, found once for the run (see `files.what_is`).
    folders: Folders = field(default_factory=dict)
    # Slugs whose page could not be read at all.
    unreadable: list[str] = field(default_factory=list)
    # Pages whose file name is refused (not a slug, or a slug already used): read and checked
    # all the same, so that every problem of the file is reported, but left out.
    misnamed: set[str] = field(default_factory=set)
    # Pages still to be read, when loading streams them to the validator one by one.
    stream: Iterator[Page | Checked] | None = None
    # What the validator makes of one page. Set before the stream is read, it is done where
    # each page is read (by the worker, for the worker's half), and the stream yields
    # `Checked` results rather than pages: the worker sends back the result, not the page.
    check: Callable[[Page], Any] | None = None

    def all_pages(self) -> Iterator[Page | Checked]:
        """The pages read so far, then those still to be read (each read once)."""
        yield from self.pages
        if self.stream is not None:
            yield from self.stream


def _problem(path: str, message: str, line: int = 1, column: int = 1, found: str | None = None,
             field_name: str = "", expected: str | None = None) -> Problem:
    return Problem(path, line, column, field_name, message, expected=expected, found=found)


def read_text(path: Path, display: str, max_bytes: int,
              site: Path | None = None) -> tuple[str | None, Problem | None]:
    """The file's text as UTF-8, without a byte-order mark; or why it cannot be read.

    Only a regular file inside `site` (by default the file's own folder) is read, and no
    more than `max_bytes` of it (see `files`).
    """
    raw, problem = _read_raw(path, display, max_bytes, site)
    if raw is None:
        return None, problem
    return _decode(raw, display)


def _decode(raw: bytes, display: str) -> tuple[str | None, Problem | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, _problem(
            display, "the file is not UTF-8 text", line, column,
            expected="UTF-8", found=f"byte 0x{raw[exc.start]:02x}")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _read_raw(path: Path, display: str, max_bytes: int, site: Path | None,
              folders: Folders | None = None) -> tuple[bytes | None, Problem | None]:
    try:
        real_site = site if site is not None else Path(os.path.realpath(path.parent))
        return read_bytes(path, real_site, max_bytes, folders=folders), None
    except RefusedError as exc:
        return None, refusal(display, exc.found)
    except TooLargeError as exc:
        return None, _problem(
            display, "the file is too large to read safely",
            expected=f"at most {max_bytes:,} bytes",
            found=f"{exc.size:,} bytes" if exc.size is not None else "more than that")
    except OSError as exc:
        return None, _problem(display, f"cannot read the file: {exc.strerror}")


def field_at(text: str, line: int) -> str:
    """The top-level field whose lines hold `line` (1-based, within `text`), or ''.

    YAML errors are found by the parser, which knows lines, not fields; the field is the
    nearest key written at the start of a line at or above the error.
    """
    for candidate in reversed(text.split("\n")[:max(line, 0)]):
        if not candidate or candidate[0].isspace() or candidate[0] in "#":
            continue
        match = _TOP_KEY.match(candidate)
        return next((g for g in match.groups() if g), "").strip() if match else ""
    return ""


def _yaml_problem(display: str, exc: YamlError, text: str, first_line: int = 1) -> Problem:
    """A YAML refusal as a problem: at the path the reader names, else at the field the line
    is in."""
    problem = _problem(display, exc.message, exc.line, exc.column, found=exc.found,
                       expected=exc.expected)
    if exc.path:
        return replace(problem, field=path_text(exc.path))
    return _with_field(problem, text, first_line)


def _with_field(problem: Problem, text: str, first_line: int = 1) -> Problem:
    """The problem, naming the field at its line (`text` starts at line `first_line`)."""
    name = field_at(text, problem.line - first_line + 1)
    return replace(problem, field=name) if name and not problem.field else problem


def split_front_matter(text: str, display: str) -> tuple[str, str, int] | Problem:
    """Split a page into front-matter YAML, body, and the body's first line number.

    The fences are searched for, rather than the page split into lines and joined again:
    less than half the time (0.29 s to 0.13 s at 20,000 initiatives).
    """
    opening = _OPENING.match(text)
    if opening is None:
        return _problem(
            display, "the page has no front-matter; it must start with a line '---'",
            expected="'---' on line 1", found=repr(text.partition("\n")[0][:40]))
    # (from the opening line's newline, which comes before a closing line right after it)
    closing = _CLOSING.search(text, opening.end() - 1)
    if closing is None:
        return _problem(
            display, "the front-matter never closes; end it with a line '---'",
            expected="a closing '---'", found="the end of the file")
    end = closing.start()
    return text[opening.end():end], text[closing.end() + 1:], text.count("\n", 0, end + 1) + 2


def read_page(path: Path, display: str, max_bytes: int = MAX_PAGE_BYTES,
              site: Path | None = None, folders: Folders | None = None,
              translation: Path | None = None) -> Page | Problem:
    """Read one initiative page; a problem if it cannot be read at all (see `read_text`).

    With a `translation` (`<slug>.<lang>.md` in the build's language), the body is read
    from it; where it cannot be read, the page's own body is kept and the problem said.
    """
    page = _read_page(path, display, max_bytes, site, folders)
    if translation is None or isinstance(page, Problem):
        return page
    return _translated(page, translation, max_bytes, site, folders)


def _translated(page: Page, translation: Path, max_bytes: int, site: Path | None,
                folders: Folders | None) -> Page:
    """The page with its body read from its translation."""
    shown = str(PurePosixPath(page.path).with_name(translation.name))
    raw, problem = _read_raw(translation, shown, max_bytes, site, folders)
    text = None
    if raw is not None:
        text, problem = _decode(raw, shown)
    if text is None:
        assert problem is not None
        return replace(page, problems=(*page.problems, replace(problem,
                                                               severity=Severity.WARNING)))
    line = 1
    if _OPENING.match(text):
        split = split_front_matter(text, shown)
        if not isinstance(split, Problem):
            text, line = split[1], split[2]
            warning = Problem(shown, 1, 1, "", "a translation's front-matter is not read",
                              Severity.WARNING,
                              expected=f"the body only; translated texts in {page.path} "
                                       "(title: {en: ..., sv: ...})",
                              found="front-matter")
            return replace(page, body=text, body_line=line, body_path=shown,
                           problems=(*page.problems, warning))
    return replace(page, body=text, body_line=line, body_path=shown)


def _read_page(path: Path, display: str, max_bytes: int, site: Path | None,
               folders: Folders | None) -> Page | Problem:
    raw, problem = _read_raw(path, display, max_bytes, site, folders)
    if raw is None:
        assert problem is not None
        return problem
    text, problem = _decode(raw, display)
    if problem is not None:
        if problem.found and problem.found.startswith("byte "):  # not UTF-8: which field?
            split = split_front_matter(raw.decode("utf-8", "replace"), display)
            if not isinstance(split, Problem) and problem.line < split[2] - 1:
                problem = _with_field(problem, split[0], first_line=2)
        return problem
    assert text is not None
    split = split_front_matter(text, display)
    if isinstance(split, Problem):
        return split
    front, body, body_line = split
    try:
        located = read_yaml(front, line_offset=1)
    except YamlError as exc:
        return _yaml_problem(display, exc, front, first_line=2)
    if not isinstance(located.value, dict):
        kind = "nothing" if located.value is None else type(located.value).__name__
        return _problem(display, "the front-matter must be a mapping of fields",
                        2, 1, expected="a mapping (field: value)", found=kind)
    return Page(path.stem, display, located, body, body_line,
                tuple(_yaml_problem(display, error, front, 2) for error in located.errors))


def read_data_file(path: Path, display: str, max_bytes: int = MAX_DATA_BYTES,
                   site: Path | None = None) -> Located | Problem:
    """Read one `site_data/` file; an empty file reads as an empty mapping."""
    raw, problem = _read_raw(path, display, max_bytes, site)
    if raw is None:
        assert problem is not None
        return problem
    text, problem = _decode(raw, display)
    if problem is not None:
        if problem.found and problem.found.startswith("byte "):  # not UTF-8: which entry?
            problem = _with_field(problem, raw.decode("utf-8", "replace"))
        return problem
    assert text is not None
    try:
        located = read_yaml(text, max_nodes=MAX_DATA_NODES)
    except YamlError as exc:
        return _yaml_problem(display, exc, text)
    if located.value is None:
        located.value = {}
    if not isinstance(located.value, dict):
        return _problem(display, "the file must be a mapping", expected="a mapping",
                        found=type(located.value).__name__)
    return located


def initiative_files(folder: Path, site: Path | None = None,
                     problems: list[Problem] | None = None,
                     base: Path | None = None) -> list[Path]:
    """Markdown files of the initiatives folder, in a stable order.

    Folder symlinks are followed (as MkDocs follows them) while they stay inside `site` (by
    default the folder itself) and do not loop; a problem for each that does not, and for an
    initiatives folder that is itself outside the site (then nothing is read).
    """
    if not folder.is_dir():
        return []
    real_site = Path(os.path.realpath(site if site is not None else folder))
    base = base if base is not None else real_site
    found_problems = problems if problems is not None else []
    real = os.path.realpath(folder)
    if not inside(real, os.fspath(real_site)):
        found_problems.append(Problem(
            display_path(folder, base), 1, 1, "",
            "the initiatives folder is not read: it is outside the site",
            expected=FOLDER_EXPECTED, found=f"a folder at {real}"))
        return []
    found = []
    for root, files in walk(folder, real_site, base, found_problems):
        parent = Path(root)
        for name in files:
            if name.endswith(".md") and name not in NOT_INITIATIVES:
                found.append(parent / name)
    return found


def display_path(path: Path, base: Path) -> str:
    """A path as users see it: relative to the project, with forward slashes."""
    try:
        return path.relative_to(base).as_posix()  # the common case: no need to resolve
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


PageCache = dict[str, tuple[int, int, "Page | Problem"]]


def _read_page_cached(path: Path, display: str, max_bytes: int, cache: PageCache | None,
                      sources: Sources, translation: Path | None = None) -> Page | Problem:
    site, folders = sources.site, sources.folders
    if cache is None:
        return read_page(path, display, max_bytes, site, folders, translation)
    try:
        stat = path.stat()
        # An edit of the translation counts as an edit of the page.
        also = translation.stat() if translation is not None else None
    except OSError:
        return read_page(path, display, max_bytes, site, folders, translation)
    changed = stat.st_mtime_ns + (also.st_mtime_ns if also else 0)
    size = stat.st_size + (also.st_size + 1 if also else 0)
    known = cache.get(display)
    if known is not None and known[0] == changed and known[1] == size:
        return known[2]
    result = read_page(path, display, max_bytes, site, folders, translation)
    cache[display] = (changed, size, result)
    return result


# (slug, path, display path, translation of its body to read instead) of a page to read
Wanted = tuple[str, Path, str, Path | None]
PageResult = Page | Checked | Problem
# How the pages are read: `reader(read_one, wanted)` gives `read_one` of each wanted page,
# in order. `map` by default; a caller that can use a second core passes its own.
Reader = Callable[[Callable[[Wanted], PageResult], list[Wanted]], Iterable[PageResult]]


@dataclass
class GivenPages:
    """Every page's result, read and checked elsewhere, as a `Reader`: used only if the
    pages to read are still `wanted`, else the pages are read here. With `data`, the
    files of `site_data/` as they were read there too (`load` does not read them again), and
    with `site`, what the validator made of them (`validate.SiteCheck`)."""

    wanted: list[Wanted]
    results: list[PageResult]
    data: Sources | None = None
    site: Any = None

    def __call__(self, read: Callable[[Wanted], PageResult],
                 wanted: list[Wanted]) -> Iterator[PageResult]:
        if wanted != self.wanted:
            yield from map(read, wanted)
            return
        results, self.results = self.results, []  # each given once
        yield from results


def wanted_pages(initiatives_dir: Path, base: Path, language: str = "") -> list[Wanted]:
    """Each initiative page that `load` reads (see `Wanted`), in order."""
    return _pages_to_read(Sources(), initiative_files(initiatives_dir, base, base=base), base,
                          language)


def load(initiatives_dir: Path, data_dir: Path, base: Path,
         pages: Iterable[Path] | None = None, max_page_bytes: int = MAX_PAGE_BYTES,
         cache: PageCache | None = None, stream: bool = False,
         reader: Reader | None = None, language: str = "") -> Sources:
    """Read the initiative pages and the three data files; report what cannot be read.

    With a `cache` (kept by a long-running caller such as `mkdocs serve`), pages whose file
    has not changed since the last call are not read again. With `stream`, pages are read
    as the validator asks for them (`Sources.all_pages`), so that what was read of one page
    is freed before the next is read. A `reader` (without a cache) says how the pages are
    read, by default one after the other here.
    """
    sources = Sources(site=Path(os.path.realpath(base)))
    given = reader.data if isinstance(reader, GivenPages) else None
    for attr, name in (("portfolio", "portfolio.yml"), ("partners", "partners.yml"),
                       ("assets", "assets.yml")):
        if given is not None:
            setattr(sources, attr, getattr(given, attr))
            setattr(sources, f"{attr}_path", getattr(given, f"{attr}_path"))
            continue
        path = data_dir / name
        display = display_path(path, base)
        setattr(sources, f"{attr}_path", display)
        if not path.exists():
            continue
        result = read_data_file(path, display, site=sources.site)
        if isinstance(result, Problem):
            sources.problems.add(result)
        else:
            # A key given twice is an error; the first value is kept, and the rest checked.
            sources.problems.extend(_yaml_problem(display, error, "") for error in result.errors)
            setattr(sources, attr, result)
    if given is not None:
        sources.problems.extend(given.problems.items)
    if pages is None:
        found: list[Problem] = []
        paths: Iterable[Path] = initiative_files(initiatives_dir, sources.site, found, base)
        sources.problems.extend(found)
    else:
        paths = pages
    reading = _read_pages(sources, paths, base, max_page_bytes, cache, reader, language)
    if stream:
        sources.stream = reading
    else:
        sources.pages.extend(page for page in reading if isinstance(page, Page))
    return sources


def _read_pages(sources: Sources, paths: Iterable[Path], base: Path, max_page_bytes: int,
                cache: PageCache | None, reader: Reader | None = None, language: str = ""
                ) -> Iterator[Page | Checked]:
    wanted = _pages_to_read(sources, paths, base, language)
    read = partial(read_one, max_page_bytes=max_page_bytes, sources=sources)
    results: Iterable[PageResult]
    if cache is not None or reader is None:
        results = (_read_page_cached(path, display, max_page_bytes, cache, sources, translation)
                   for _, path, display, translation in wanted)
    else:
        results = reader(read, wanted)
    for (slug, *_), page in zip(wanted, results, strict=True):
        if isinstance(page, Problem):
            sources.problems.add(page)
            sources.unreadable.append(slug)
        else:
            yield page


def read_one(wanted: Wanted, max_page_bytes: int,
             sources: Sources) -> Page | Checked | Problem:
    """One page as read, or as checked if the sources say how (`Sources.check`)."""
    page = read_page(wanted[1], wanted[2], max_page_bytes, sources.site, sources.folders,
                     wanted[3])
    if isinstance(page, Page) and sources.check is not None:
        return Checked(page.slug, sources.check(page), page.path)
    return page


def _pages_to_read(sources: Sources, paths: Iterable[Path], base: Path,
                   language: str = "") -> list[Wanted]:
    """Each page to read (see `Wanted`); a problem for each that is not. A translation
    (`<slug>.<lang>.md` beside `<slug>.md`) is not a page: the one into `language` is read
    as its page's body."""
    paths = list(paths)
    names: set[tuple[Path, str]] | None = None  # made once a translation is found
    translations: dict[tuple[Path, str], Path] = {}
    pages = []
    for path in paths:
        found = TRANSLATION.match(path.stem)
        if found is None:
            pages.append(path)
            continue
        if names is None:
            names = {(other.parent, other.name) for other in paths}
        if (path.parent, f"{found.group(1)}.md") not in names:
            sources.problems.add(Problem(
                display_path(path, base), 1, 1, "",
                f"a translation of an initiative that is not there: {found.group(1)}.md",
                Severity.WARNING, expected=f"{found.group(1)}.md beside it",
                found="no such page"))
        elif found.group(2) == language:
            translations[(path.parent, found.group(1))] = path
    wanted = []
    seen: dict[str, str] = {}
    for path in pages:
        display = display_path(path, base)
        slug = path.stem
        if not SLUG.match(slug):
            sources.problems.add(_problem(
                display, "the file name is not a valid slug",
                expected="lowercase letters, digits and hyphens, like 'city-bike-pilot.md'",
                found=repr(path.name)))
            sources.misnamed.add(display)
        elif slug in seen:
            sources.problems.add(_problem(
                display, f"the slug {slug!r} is already used by {seen[slug]}",
                expected="a unique file name", found=repr(slug)))
            sources.misnamed.add(display)
        else:
            seen[slug] = display
        wanted.append((slug, path, display,
                       translations.get((path.parent, slug)) if translations else None))
    return wanted
