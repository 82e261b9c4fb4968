"""Which files may be read or published: regular files inside the site, and nothing else.

Partners contribute by pull request, and git carries symlinks: a page named `*.md` may be a
symlink to `/dev/zero`, to `/proc/self/environ` or to `/etc/passwd`, or a FIFO that never
ends. Each file is looked at (`lstat`, `stat`) before it is opened, and refused if it is not
a regular file whose real place is inside the site's folder; what is opened is checked again
(`fstat`), and never more than the size limit and one byte is read, whatever the file system
says its size is. A refused file's content is never read, so no message can quote it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..problems import Problem

EXPECTED = "a regular file inside the site"
REFUSED = "the file is refused: only regular files inside the site are read or published"
FOLDER_EXPECTED = "a folder inside the site that does not contain itself"
FOLDER_REFUSED = ("the folder is not read: following it leaves the site, or leads back into "
                  "a folder it is in, again and again")
# Opened without waiting (a FIFO swapped in after the check), never as a terminal.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class RefusedError(Exception):
    """A file that is not read: `found` says what it is (the expected is `EXPECTED`)."""

    def __init__(self, found: str) -> None:
        super().__init__(found)
        self.found = found


class TooLargeError(Exception):
    """A file larger than the limit; `size` in bytes if the file system said so."""

    def __init__(self, size: int | None) -> None:
        super().__init__(size)
        self.size = size


def inside(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or below it (both absolute and real)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def kind(mode: int) -> str:
    """What a file is, in words, from its mode."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


# Real paths of folders, by their path as given: kept by a caller for one run, so that the
# files of one folder do not each resolve every folder above them.
Folders = dict[str, str]


def what_is(path: Path | str, site: Path | str, as_written: bool = False,
            folders: Folders | None = None) -> str | None:
    """None if `path` is a regular file that may be read; else what it is (a `found`).

    `site` is the site's folder, real (resolved). A symlink may lead anywhere inside it. With
    `as_written`, a path written outside the site (another site's published file, for
    federation) is read too, provided no symlink takes it elsewhere than written. Raises
    `OSError` if there is nothing at `path`.
    """
    name = os.fspath(path)
    status = os.lstat(name)
    if stat.S_ISLNK(status.st_mode) or folders is None:
        real = os.path.realpath(name)
    else:
        folder, base = os.path.split(os.path.abspath(name))
        real_folder = folders.get(folder)
        if real_folder is None:
            real_folder = folders[folder] = os.path.realpath(folder)
        real = os.path.join(real_folder, base)
    allowed = inside(real, os.fspath(site)) or (
        as_written and real == os.path.normpath(os.path.abspath(name)))
    if stat.S_ISLNK(status.st_mode):
        target = os.readlink(name)
        try:
            status = os.stat(name)
        except OSError as exc:
            if exc.errno == getattr(os, "ELOOP", -1) or not os.path.lexists(real):
                return f"a symlink to nothing that can be read, {target}"
            raise
        if not allowed:
            return f"a symlink to {target}, {kind(status.st_mode)} outside the site"
    elif not allowed:
        return f"{kind(status.st_mode)} reached through a symlink that leaves the site"
    if not stat.S_ISREG(status.st_mode):
        return kind(status.st_mode)
    return None


def read_bytes(path: Path | str, site: Path | str, limit: int, as_written: bool = False,
               folders: Folders | None = None) -> bytes:
    """The bytes of a regular file inside the site (see `what_is`), at most `limit` of them.

    Raises `RefusedError` before opening anything else, `TooLargeError` for a file over the
    limit (read no further than one byte past it, whatever its size seemed), `OSError` if it
    cannot be read.
    """
    found = what_is(path, site, as_written, folders)
    if found is not None:
        raise RefusedError(found)
    before = os.stat(path)
    if before.st_size > limit:
        raise TooLargeError(before.st_size)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):  # swapped in since it was looked at
            raise RefusedError(kind(opened.st_mode))
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise RefusedError("a file that was replaced while it was opened")
        chunks = []
        left = limit + 1
        # What the file system says first (os.read holds as much as it is asked for), then
        # a little at a time: a file that says 0 bytes (/proc) may hold more.
        size = before.st_size + 1
        while left > 0:
            chunk = os.read(descriptor, min(left, size))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
            size = 64 * 1024
    finally:
        os.close(descriptor)
    if left <= 0:
        raise TooLargeError(None)
    return b"".join(chunks)


def refusal(display: str, found: str) -> Problem:
    """The problem of a file that is not read or published, as every stage words it."""
    return Problem(display, 1, 1, "", REFUSED, expected=EXPECTED, found=found)


def refused_files(paths: Iterable[str], site: Path, base: Path,
                  within: Iterable[Path]) -> dict[str, Problem]:
    """Of the files at `paths` (absolute) that are in one of the folders `within` (the site's
    own: its `docs_dir`, its theme overrides), those that must not be read or published (a
    symlink leaving the site, a device, a FIFO, a socket), each with its problem; paths are
    shown relative to `base`. Others (a theme's installed files) are not looked at."""
    from . import display_path

    real_site = os.path.realpath(site)
    own = [os.fspath(folder) for folder in within]
    folders: Folders = {}
    refused = {}
    for path in paths:
        if not any(inside(path, folder) for folder in own):
            continue
        try:
            found = what_is(path, real_site, folders=folders)
        except OSError as exc:
            found = f"a file that cannot be looked at ({exc.strerror})"
        if found is not None:
            refused[path] = refusal(display_path(Path(path), base), found)
    return refused


def walk(folder: Path, site: Path, base: Path,
         problems: list[Problem]) -> Iterator[tuple[str, list[str]]]:
    """(folder, file names) of `folder` and below, sorted, as MkDocs walks a `docs_dir`
    (following folder symlinks), but not into a folder symlink that leaves the site or leads
    back to a folder the walk is in (which MkDocs would walk again and again): a problem for
    each of those instead."""
    from . import display_path

    real_site = os.path.realpath(site)
    chains: dict[str, tuple[str, ...]] = {os.fspath(folder): (os.path.realpath(folder),)}
    for root, dirs, files in os.walk(folder, followlinks=True):
        chain = chains.pop(root, (os.path.realpath(root),))
        dirs.sort()
        kept = []
        for name in dirs:
            path = os.path.join(root, name)
            real = os.path.realpath(path)
            found = None
            if not inside(real, real_site):
                found = f"a symlink to {os.readlink(path)}, a folder outside the site" \
                    if os.path.islink(path) else "a folder outside the site"
            elif any(inside(link, real) for link in chain):
                found = f"a symlink to {os.readlink(path)}, a folder that contains it" \
                    if os.path.islink(path) else "a folder that contains itself"
            if found is None:
                chains[path] = (*chain, real)
                kept.append(name)
            else:
                problems.append(Problem(
                    display_path(Path(path), base), 1, 1, "", FOLDER_REFUSED,
                    expected=FOLDER_EXPECTED, found=found))
        dirs[:] = kept
        yield root, sorted(files)


def folder_problems(folder: Path, site: Path, base: Path) -> list[Problem]:
    """The folder symlinks of `folder` that leave the site or loop (see `walk`)."""
    problems: list[Problem] = []
    for _ in walk(folder, site, base, problems):
        pass
    return problems
