"""Hostile files that git carries but a checkout cannot be trusted to keep (symlinks), or that
git cannot carry at all (FIFOs, sockets): made at run time by the tests that need them.

`SPECIAL` names each, with what the refusal says it found. See README.md in this folder.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

# kind -> (what the file is made as, words of the refusal's `found`)
SPECIAL: dict[str, tuple[str, str]] = {
    "zero": ("symlink to /dev/zero", "a symlink to /dev/zero, a device outside the site"),
    "urandom": ("symlink to /dev/urandom",
                "a symlink to /dev/urandom, a device outside the site"),
    "environ": ("symlink to /proc/self/environ",
                "a symlink to /proc/self/environ, a file outside the site"),
    "passwd": ("symlink to /etc/passwd", "a symlink to /etc/passwd, a file outside the site"),
    "fifo": ("FIFO", "a FIFO"),
    "socket": ("Unix socket", "a socket"),
}
TARGETS = {"zero": "/dev/zero", "urandom": "/dev/urandom", "environ": "/proc/self/environ",
           "passwd": "/etc/passwd"}
# Put in the environment of builds that meet `environ`: it must show up nowhere.
SECRET = "portfolio-test-secret-7f3a9c"


def make(path: Path, kind: str) -> Path:
    """Make the special file `kind` (a key of `SPECIAL`) at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind in TARGETS:
        os.symlink(TARGETS[kind], path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        # A bound Unix socket leaves its file behind once closed. (Its path must be short.)
        here = os.getcwd()
        os.chdir(path.parent)
        try:
            with socket.socket(socket.AF_UNIX) as listener:
                listener.bind(path.name)
        finally:
            os.chdir(here)
    else:
        raise ValueError(kind)
    return path


def _limited(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def bounded(func: Callable[..., T], *args: Any, timeout: float = 60.0,
            memory: int = 768 * 1024 * 1024) -> T:
    """`func(*args)` in a forked process that may take `timeout` seconds and `memory` bytes
    more than this one has: a regression that waits on a FIFO or reads /dev/zero fails the
    test (TimeoutError, MemoryError) instead of hanging it or eating the machine."""
    context = multiprocessing.get_context("fork")
    with context.Pool(1, initializer=_limited, initargs=(_vm_size() + memory,)) as pool:
        return pool.apply_async(func, args).get(timeout)
