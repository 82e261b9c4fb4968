"""A second core for work that splits in two: a forked worker does one half meanwhile.

Python runs one thread of code at a time, and MkDocs builds on one core; where the system
can fork and has a second core, the plugin hands part of its work to a worker process. The
results are the same, in the same order, as doing it all here; if the worker stops short,
what it did not finish is done here.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a worker costs more than it saves.
SPLIT_FROM = 200


def can_fork() -> bool:
    """Whether a worker process can help: `fork` exists and there is a second core."""
    if not hasattr(os, "fork") or sys.platform == "win32":
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores > 1


def map_in_two(func: Callable[[T], R], items: Sequence[T],
               split_from: int = SPLIT_FROM) -> Iterator[R]:
    """`func` of each item, in order; a worker computes the second half while this process
    computes the first (results travel back pickled, through a temporary file)."""
    if len(items) < split_from or not can_fork():
        yield from map(func, items)
        return
    half = len(items) // 2
    handle, name = tempfile.mkstemp(prefix="portfolio-half-")
    os.close(handle)
    try:
        pid = os.fork()
    except OSError:
        os.unlink(name)
        yield from map(func, items)
        return
    if pid == 0:  # the worker: never returns into the caller
        status = 1
        try:
            with open(name, "wb") as out:
                for item in items[half:]:
                    pickle.dump(func(item), out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    try:
        yield from map(func, items[:half])
        _, status = os.waitpid(pid, 0)
        pid = 0
        if status != 0:  # the worker stopped short: its half is done here
            yield from map(func, items[half:])
            return
        with open(name, "rb") as results:
            for _ in items[half:]:
                result: R = pickle.load(results)  # noqa: S301 - written by our own worker
                yield result
    finally:
        if pid:  # the caller stopped early
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.unlink(name)
