"""A second core for work that splits in two: a forked worker does one half meanwhile.

Python runs one thread of code at a time, and MkDocs builds on one core; where the system
can fork and has a second core, the plugin hands part of its work to a worker process. The
results are the same, in the same order, as doing it all here; if the worker stops short,
what it did not finish is done here.
"""

from __future__ import annotations

import atexit
import gc
import os
import pickle
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a worker costs more than it saves (and its memory more than the
# build's whole share of it).
SPLIT_FROM = 200


def worth_splitting(count: int) -> bool:
    """Whether work of `count` items is worth a worker process."""
    return count >= SPLIT_FROM


def can_fork() -> bool:
    """Whether a worker process can help: `fork` exists and there is a second core."""
    return hasattr(os, "fork") and sys.platform != "win32" and second_core()


def second_core() -> bool:
    """Whether this process may run on more than one core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores > 1


# How much lower a worker's priority goes once what it does can wait (see `give_way`).
GIVE_WAY = 10


def give_way() -> None:
    """Lower this worker's priority, where the system allows it: what it does from now on
    (files the engine needs only at its end, pages read for an index) takes the time the
    engine's process leaves. On two cores, three busy processes would each get two thirds
    of one, and the engine's process, the one the build waits for, would go slower."""
    try:
        os.nice(GIVE_WAY)
    except (AttributeError, OSError):  # (no `nice` on this system)
        pass


def fork(work: Callable[[], None]) -> int | None:
    """Start a worker process that runs `work` and ends (status 0 if it finished, 1 if it
    raised); its pid, or None if the system would not fork.

    Objects that exist at the fork are frozen for the collector, so that the worker does not
    copy the pages of memory they live on just to look at them; in this process they are
    unfrozen again, unless the caller had frozen objects itself (then it unfreezes them).
    """
    frozen = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        if not frozen:
            gc.unfreeze()
        return None
    if pid == 0:  # the worker: never returns into the caller
        status = 1
        try:
            work()
            status = 0
        finally:  # whatever `work` raised, the caller does that work again and reports it
            os._exit(status)
    if not frozen:
        gc.unfreeze()
    return pid


def end(pid: int, kill: bool = False) -> int:
    """Wait for a worker to end (killing it first if asked); its exit status."""
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 1


class Mark:
    """A number that one process sets and another reads (made before the fork)."""

    def __init__(self) -> None:
        import multiprocessing

        self._value = multiprocessing.get_context("fork").RawValue("l", 0)

    def set(self, value: int) -> None:
        """Set the number (one word, written at once: no lock)."""
        self._value.value = value

    def get(self) -> int:
        """The number as last set."""
        return int(self._value.value)


class Ends:
    """Items 0 to `count - 1`, taken one at a time from the front or from the back by two
    processes (made before the fork): each item is taken once, under a shared lock."""

    def __init__(self, count: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._lock = context.Lock()
        self._shared = context.RawArray("l", [0, count])  # [front, back]

    @property
    def front(self) -> int:
        """How many items were taken from the front."""
        return int(self._shared[0])

    @property
    def back(self) -> int:
        """The first item taken from the back (`count` while none is)."""
        return int(self._shared[1])

    def take_front(self) -> int | None:
        """The first item nobody has taken, now taken; None when none is left."""
        with self._lock:
            n = self._shared[0]
            if n >= self._shared[1]:
                return None
            self._shared[0] = n + 1
        return int(n)

    def take_back(self) -> int | None:
        """The last item nobody has taken, now taken; None when none is left."""
        with self._lock:
            n = self._shared[1] - 1
            if n < self._shared[0]:
                return None
            self._shared[1] = n
        return int(n)


def map_in_two(func: Callable[[T], R], items: Sequence[T],
               split_from: int = SPLIT_FROM) -> Iterator[R]:
    """`func` of each item, in order; a worker computes the second half while this process
    computes the first (results travel back pickled, through a temporary file)."""
    if len(items) < split_from or not can_fork():  # (`split_from`: tests set it lower)
        yield from map(func, items)
        return
    half = len(items) // 2
    handle, name = tempfile.mkstemp(prefix="portfolio-half-")
    os.close(handle)
    # Removed at exit too: should the caller be interrupted (Ctrl-C) while it holds this
    # generator, `finally` below runs only when the generator is collected, if ever.
    remove = partial(_remove, name)
    atexit.register(remove)

    def second_half() -> None:
        with open(name, "wb") as out:
            for item in items[half:]:
                pickle.dump(func(item), out, protocol=pickle.HIGHEST_PROTOCOL)

    pid = fork(second_half)
    try:
        yield from map(func, items[:half])
        status = 1 if pid is None else end(pid)
        pid = None
        if status != 0:  # no worker, or it stopped short: its half is done here
            yield from map(func, items[half:])
            return
        with open(name, "rb") as results:
            for _ in items[half:]:
                result: R = pickle.load(results)  # noqa: S301 - written by our own worker
                yield result
    finally:
        if pid is not None:  # the caller stopped early
            end(pid, kill=True)
        atexit.unregister(remove)
        remove()


def _remove(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass
