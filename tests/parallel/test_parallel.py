"""The parallel build: a worker makes the generated pages and another builds a share of the
plugin's pages with the theme. The site must be the same, byte for byte, as a build in one
process, and whatever goes wrong in a worker must end in the same site or the same error."""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
import shutil
import time
import weakref
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs import utils as mkdocs_utils

from portfolio_plugin import load, validate
from portfolio_plugin.adapter import plugin as mkdocs_plugin
from portfolio_plugin.options import build_date, read_config
from portfolio_plugin.parallel import background as background_module
from portfolio_plugin.parallel import spool as spool_module
from portfolio_plugin.parallel import workers
from portfolio_plugin.parallel.background import Background
from portfolio_plugin.parallel.spool import Production, Spool
from portfolio_plugin.parallel.workers import Ends, can_fork, end, fork, map_in_two
from portfolio_plugin.pipeline import check, prepare
from portfolio_plugin.render import Chunks, Plan, make

from support import bench, built

needs_fork = pytest.mark.skipif(not can_fork(), reason="needs fork and a second core")


@pytest.fixture(autouse=True)
def small_work_is_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for a few items too, as for hundreds: the tests' sites are small."""
    monkeypatch.setattr(workers, "SPLIT_FROM", 2)


@pytest.fixture()
def no_background(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build reads the portfolio itself and forks a worker only to make the pages."""
    monkeypatch.setattr(Background, "start", classmethod(lambda cls, *a, **k: None))


# -- the production of generated pages -------------------------------------------------------

def plan_of(count: int, make: Callable[[int], str]) -> Plan:
    """A plan of `count` pages whose text `make(n)` gives, made when asked."""
    items: list[tuple[str, Any]] = [
        (f"p/{n}.md", lambda n=n: make(n)) for n in range(count)]
    return Plan(renderer=None, items=items)  # type: ignore[arg-type]


def logged(log: Path, n: int, delay: float = 0.0) -> str:
    """An item that notes which process made it."""
    time.sleep(delay)
    with log.open("a", encoding="utf-8") as out:
        out.write(f"{n} {os.getpid()}\n")
    return f"page {n}\n\n<div>block {n}</div>\n"


def makers(log: Path) -> dict[int, list[int]]:
    made: dict[int, list[int]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        n, pid = line.split()
        made.setdefault(int(n), []).append(int(pid))
    return made


def test_made_in_one_process_when_asked_to(tmp_path: Path) -> None:
    log = tmp_path / "log"
    production = Production(plan_of(5, lambda n: logged(log, n)), Spool(tmp_path / "spool"))
    assert production.start(parallel=False) is False
    assert {n: pids for n, pids in makers(log).items()} == {n: [os.getpid()] for n in range(5)}
    assert (tmp_path / "spool" / "p" / "3.md").read_text(encoding="utf-8") == (
        "page 3\n\n<!--pf:0-->")
    assert Spool(tmp_path / "spool").parts("p/3.md") == ["<div>block 3</div>"]


def test_a_file_made_in_pieces_is_written_as_they_come(tmp_path: Path) -> None:
    # A large file (portfolio.json) is handed on in pieces: each is written before the
    # next is made, so the whole file is never held; read back, it is all the pieces.
    spool = Spool(tmp_path / "spool")
    seen: list[int] = []

    def pieces() -> Iterator[bytes]:
        for n in range(3):
            if n:  # what was handed on before is in the file already
                seen.append(len((tmp_path / "spool" / "data" / "big.json").read_bytes()))
            yield b"x" * 70000
    plan = Plan(renderer=None, items=[("data/big.json",  # type: ignore[arg-type]
                                       lambda: Chunks(pieces))])
    Production(plan, spool).start(parallel=False)
    assert (tmp_path / "spool" / "data" / "big.json").read_bytes() == b"x" * 210000
    assert seen and seen[-1] >= 70000
    # Compared with what is there (`mkdocs serve`), and made at once by the CLI's path.
    assert Spool(tmp_path / "kept", compare=True).write_pieces("a.json", iter([b"1", b"2"])) \
        .read_bytes() == b"12"
    assert list(plan.made()) == [("data/big.json", b"x" * 210000, None)]


@needs_fork
def test_a_worker_makes_every_page_in_order_then_every_file_and_each_once(
        tmp_path: Path) -> None:
    log = tmp_path / "log"
    spool = Spool(tmp_path / "spool")

    def file(n: int) -> bytes:
        logged(log, n)
        return b"file %d" % n

    # Every fifth item is a file (the open data), which the engine needs only at the end.
    items: list[tuple[str, Any]] = [
        (f"f/{n}.json", partial(file, n)) if n % 5 == 2
        else (f"p/{n}.md", partial(logged, log, n, 0.005)) for n in range(40)]
    production = Production(Plan(renderer=None, items=items), spool)  # type: ignore[arg-type]
    assert production.start(parallel=True) is True
    for uri, _ in items:
        if uri.endswith(".md"):
            production.wait_for(uri)
            # Whenever the caller goes on, the page it waited for is complete on disk.
            n = uri[2:-3]
            assert spool.path(uri).read_text(encoding="utf-8").startswith(f"page {n}\n")
    production.finish()
    assert spool.path("f/37.json").read_bytes() == b"file 37"
    made = makers(log)
    assert sorted(made) == list(range(40))
    assert all(pids != [os.getpid()] and len(pids) == 1 for pids in made.values())
    order = [int(line.split()[0]) for line in log.read_text(encoding="utf-8").splitlines()]
    assert order == [n for n in range(40) if n % 5 != 2] + [n for n in range(40) if n % 5 == 2]


@needs_fork
def test_a_worker_far_enough_ahead_of_the_engine_makes_the_files_meanwhile(
        tmp_path: Path) -> None:
    log = tmp_path / "log"

    def file(n: int) -> bytes:
        logged(log, n)
        return b"file %d" % n

    # The engine asks for nothing until the end: from AHEAD pages on, the worker is ahead
    # of it, and makes the files then, not after the last page.
    count = spool_module.AHEAD + 50
    items: list[tuple[str, Any]] = [
        (f"f/{n}.json", partial(file, n)) if n in (3, 7)
        else (f"p/{n}.md", partial(logged, log, n)) for n in range(count)]
    production = Production(Plan(renderer=None, items=items),  # type: ignore[arg-type]
                            Spool(tmp_path / "spool"))
    assert production.start(parallel=True) is True
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not log.exists() or len(
            log.read_text(encoding="utf-8").splitlines()) < count):
        time.sleep(0.01)  # (asking for a page would tell the worker where the engine is)
    production.finish()
    order = [int(line.split()[0]) for line in log.read_text(encoding="utf-8").splitlines()]
    pages = [n for n in range(count) if n not in (3, 7)]
    first = next(k for k, n in enumerate(pages) if n > spool_module.AHEAD)  # engine at 0
    assert order == pages[:first] + [3, 7] + pages[first:]


def late_items(log: Path, count: int, fail_in_worker: int | None = None
               ) -> list[tuple[str, Any]]:
    """Pages, and every fifth item a file (the open data) that notes who made it."""
    parent = os.getpid()

    def file(n: int) -> bytes:
        if n == fail_in_worker and os.getpid() != parent:
            raise RuntimeError("the worker cannot make this one")
        logged(log, n)
        return b"file %d" % n

    return [(f"f/{n}.json", partial(file, n)) if n % 5 == 2
            else (f"p/{n}.md", partial(logged, log, n)) for n in range(count)]


@needs_fork
def test_late_files_are_made_in_the_site_after_the_pages_while_the_engine_goes_on(
        tmp_path: Path) -> None:
    # A whole build's files are made where the site publishes them, once every page is
    # made: the engine waits for its pages only, and MkDocs has nothing to copy.
    log, site, spool = tmp_path / "log", tmp_path / "site", Spool(tmp_path / "spool")
    items = late_items(log, 300)
    production = Production(Plan(renderer=None, items=items),  # type: ignore[arg-type]
                            spool, late=site)
    assert production.start(parallel=True) is True
    production.finish(pages=True)
    files = [uri for uri, _ in items if not uri.endswith(".md")]
    production.finish()
    assert all((site / uri).read_bytes() == b"file %s" % uri[2:-5].encode() for uri in files)
    assert not any(spool.path(uri).exists() for uri in files)
    assert all(spool.text(uri).startswith("page ") for uri, _ in items if uri.endswith(".md"))
    order = [int(line.split()[0]) for line in log.read_text(encoding="utf-8").splitlines()]
    assert order == [n for n in range(300) if n % 5 != 2] + [n for n in range(300) if n % 5 == 2]
    assert all(pids != [os.getpid()] for pids in makers(log).values())


def niceness_noted(log: Path, name: str, made: str | bytes) -> str | bytes:
    """An item that notes the priority of the process that made it."""
    with log.open("a", encoding="utf-8") as out:
        out.write(f"{name} {os.nice(0)}\n")
    return made


@needs_fork
def test_the_worker_gives_way_to_the_engine_once_it_makes_only_what_can_wait(
        tmp_path: Path) -> None:
    # Its pages at the engine's priority (the engine waits for each); its files, which the
    # engine needs only once it has written its pages, at a lower one.
    log, site = tmp_path / "log", tmp_path / "site"
    items: list[tuple[str, Any]] = [
        (f"f/{n}.json", partial(niceness_noted, log, f"file {n}", b"{}")) if n % 2
        else (f"p/{n}.md", partial(niceness_noted, log, f"page {n}", "page")) for n in range(6)]
    production = Production(Plan(renderer=None, items=items),  # type: ignore[arg-type]
                            Spool(tmp_path / "spool"), late=site)
    assert production.start(parallel=True) is True
    production.finish(pages=True)
    production.finish()
    noted = dict(line.rsplit(" ", 1) for line in log.read_text(encoding="utf-8").splitlines())
    here = os.nice(0)
    assert {noted[f"page {n}"] for n in (0, 2, 4)} == {str(here)}
    assert {noted[f"file {n}"] for n in (1, 3, 5)} == {str(min(here + workers.GIVE_WAY, 19))}


@needs_fork
def test_a_late_file_the_worker_could_not_make_is_made_here(tmp_path: Path) -> None:
    log, site = tmp_path / "log", tmp_path / "site"
    items = late_items(log, 20, fail_in_worker=12)
    production = Production(Plan(renderer=None, items=items),  # type: ignore[arg-type]
                            Spool(tmp_path / "spool"), late=site)
    production.start(parallel=True)
    production.finish(pages=True)
    production.finish()
    assert (site / "f" / "12.json").read_bytes() == b"file 12"
    assert makers(log)[12] == [os.getpid()]
    assert (site / "f" / "17.json").read_bytes() == b"file 17"


class Held:
    """Something a plan's items refer to, as pages refer to the portfolio."""


def held_plan(count: int, make: Callable[[int], str]) -> tuple[Plan, weakref.ref[Held]]:
    held = Held()
    items: list[tuple[str, Any]] = [
        (f"p/{n}.md", lambda n=n, held=held: make(n)) for n in range(count)]
    return Plan(renderer=Renderless(), items=items), weakref.ref(held)  # type: ignore[arg-type]


class Renderless:
    def close(self) -> None:
        pass

    def forget_pages(self) -> None:
        pass


@needs_fork
def test_the_caller_lets_go_of_the_plan_while_the_worker_makes_the_items(
        tmp_path: Path) -> None:
    log = tmp_path / "log"
    plan, held = held_plan(20, lambda n: logged(log, n, 0.005))
    remade: list[int] = []

    def remake() -> Plan:
        remade.append(1)
        return plan_of(20, lambda n: logged(log, n))

    production = Production(plan, Spool(tmp_path / "spool"), remake=remake)
    del plan
    assert production.start(parallel=True) is True
    # Only the worker holds what the items are made from: here it is gone at once.
    assert production.plan is None and held() is None
    production.finish()
    assert sorted(makers(log)) == list(range(20)) and remade == []
    assert all(pids != [os.getpid()] for pids in makers(log).values())


@needs_fork
def test_a_plan_the_caller_let_go_of_is_made_again_for_what_the_worker_did_not_make(
        tmp_path: Path) -> None:
    log = tmp_path / "log"
    parent = os.getpid()

    def make(n: int) -> str:
        if n == 30 and os.getpid() != parent:
            os._exit(3)  # the worker dies, say killed for its memory
        return logged(log, n)

    spool = Spool(tmp_path / "spool", packed=True)
    plan, _ = held_plan(60, make)
    remade: list[int] = []

    def remake() -> Plan:
        remade.append(1)
        return plan_of(60, make)

    production = Production(plan, spool, remake=remake)
    del plan
    assert production.start(parallel=True) is True
    for n in range(60):
        production.wait_for(f"p/{n}.md")
        assert spool.text(f"p/{n}.md") == f"page {n}\n\n<!--pf:0-->"
    production.finish()
    made = makers(log)
    assert remade == [1]
    assert sorted(made) == list(range(60)) and all(len(p) == 1 for p in made.values())
    assert [n for n, pids in made.items() if pids == [parent]] == list(range(30, 60))
    assert all(spool.parts(f"p/{n}.md") == [f"<div>block {n}</div>"] for n in range(60))
    # One pack per process that made pages, and no file per page.
    assert len(list((tmp_path / "spool").glob(".pack-*"))) == 2
    assert not (tmp_path / "spool" / "p").exists()
    spool.close()


@needs_fork
def test_a_plan_made_again_from_changed_input_stops_the_build(tmp_path: Path) -> None:
    parent = os.getpid()

    def make(n: int) -> str:
        if os.getpid() != parent:
            os._exit(3)
        return f"page {n}"

    plan, _ = held_plan(3, make)
    production = Production(plan, Spool(tmp_path / "spool"),
                            remake=lambda: plan_of(4, make))
    del plan
    production.start(parallel=True)
    with pytest.raises(OSError, match="changed while its pages were being made"):
        production.finish()
    production.stop()


@needs_fork
def test_an_item_that_fails_in_the_worker_is_made_here(tmp_path: Path) -> None:
    log = tmp_path / "log"
    parent = os.getpid()

    def make(n: int) -> str:
        if n == 3 and os.getpid() != parent:
            raise RuntimeError("the worker cannot make this one")
        return logged(log, n)

    spool = Spool(tmp_path / "spool")
    production = Production(plan_of(8, make), spool)
    production.start(parallel=True)
    production.finish()
    assert sorted(makers(log)) == list(range(8))
    assert makers(log)[3] == [parent]
    assert spool.path("p/7.md").is_file()


@needs_fork
def test_an_item_that_cannot_be_made_fails_here_with_its_own_error(tmp_path: Path) -> None:
    def make(n: int) -> str:
        if n == 2:
            raise ValueError("item 2 is broken")
        return f"page {n}"

    production = Production(plan_of(4, make), Spool(tmp_path / "spool"))
    production.start(parallel=True)
    # Raised here, where the engine reports it.
    with pytest.raises(ValueError, match="item 2 is broken"):
        for n in range(4):
            production.wait_for(f"p/{n}.md")
    production.stop()


# -- the whole build --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated portfolio of 60 initiatives with every field of the contract."""
    site: Path = bench("generate").generate(60, tmp_path_factory.mktemp("parallel") / "site",
                                            seed=5)
    return site


def configured(site: Path, parallel: bool, extra_plugins: tuple[str, ...] = ()) -> Path:
    """The site's mkdocs.yml with the plugin's `parallel` option set."""
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [*extra_plugins, "search",
                         {"portfolio": {"parallel": parallel}}]
    path = site / f"mkdocs-{'parallel' if parallel else 'serial'}-{len(extra_plugins)}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def differences(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    return sorted(name for name in set(first) | set(second)
                  if first.get(name) != second.get(name))


@pytest.fixture(scope="module")
def serial(portfolio: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return built(configured(portfolio, parallel=False), tmp_path_factory.mktemp("serial"))


@needs_fork
def test_a_parallel_build_is_the_same_site_byte_for_byte(
        portfolio: Path, serial: dict[str, bytes], tmp_path: Path) -> None:
    site = built(configured(portfolio, parallel=True), tmp_path / "out")
    assert differences(site, serial) == []
    assert "search/search_index.json" in site
    assert len([n for n in site if n.startswith("initiatives/")]) == 60


@pytest.mark.parametrize("parallel", [True, False])
def test_a_whole_builds_files_are_made_in_the_site_and_none_is_copied(
        portfolio: Path, serial: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    # MkDocs is not even asked to copy them: the worker may still be making them.
    copied: list[str] = []
    copy_file = mkdocs_utils.copy_file

    def recorded(source: str, output: str) -> None:
        copied.append(output)
        copy_file(source, output)

    monkeypatch.setattr(mkdocs_utils, "copy_file", recorded)
    site = built(configured(portfolio, parallel=parallel), tmp_path / "out")
    assert differences(site, serial) == []
    data = [name for name in site if name.startswith("data/")]
    assert len(data) > 100
    assert [path for path in copied if "/data/" in path] == []


@needs_fork
def test_the_build_lets_go_of_the_portfolio_while_a_worker_makes_the_pages(
        portfolio: Path, serial: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, no_background: None) -> None:

    prepared: list[weakref.ref[Any]] = []
    alive_at_nav: list[bool] = []
    original_prepare, original_nav = mkdocs_plugin.prepare, mkdocs_plugin.PortfolioPlugin.on_nav

    def watched_prepare(*args: Any, **kwargs: Any) -> Any:
        build, plan = original_prepare(*args, **kwargs)
        prepared.append(weakref.ref(build.portfolio))
        return build, plan

    def on_nav(self: Any, nav: Any, config: Any, files: Any) -> Any:
        alive_at_nav.append(prepared[0]() is not None)
        return original_nav(self, nav, config, files)

    monkeypatch.setattr(mkdocs_plugin, "prepare", watched_prepare)
    monkeypatch.setattr(mkdocs_plugin.PortfolioPlugin, "on_nav", on_nav)
    site = built(configured(portfolio, parallel=True), tmp_path / "out")
    assert differences(site, serial) == []
    # Freed by the time MkDocs reads the pages, and never made again here.
    assert alive_at_nav == [False] and len(prepared) == 1


@needs_fork
def test_pages_the_making_worker_did_not_make_are_made_here_from_the_input_again(
        portfolio: Path, serial: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, no_background: None) -> None:

    parent = os.getpid()
    original_make, original_prepare = spool_module.make, mkdocs_plugin.prepare
    made_elsewhere = 0
    prepared: list[int] = []

    def dying(value: Any) -> Any:
        nonlocal made_elsewhere
        if os.getpid() != parent:
            made_elsewhere += 1
            if made_elsewhere > 25:
                os._exit(9)
        return original_make(value)

    def counted_prepare(*args: Any, **kwargs: Any) -> Any:
        prepared.append(1)
        return original_prepare(*args, **kwargs)

    monkeypatch.setattr(spool_module, "make", dying)
    monkeypatch.setattr(mkdocs_plugin, "prepare", counted_prepare)
    site = built(configured(portfolio, parallel=True), tmp_path / "out")
    assert len(prepared) == 2  # the build's own, then once more for the rest of the pages
    assert differences(site, serial) == []


def test_the_build_lets_go_of_its_pages_text_only_where_no_other_plugin_may_read_it(
        portfolio: Path, serial: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:

    seen: list[Any] = []
    original = mkdocs_plugin.PortfolioPlugin.on_env

    def on_env(self: Any, env: Any, config: Any, files: Any) -> Any:
        seen.append(files)
        return original(self, env, config, files)

    monkeypatch.setattr(mkdocs_plugin.PortfolioPlugin, "on_env", on_env)

    def texts(files: Any) -> set[tuple[bool, bool]]:
        return {(bool(f.page.markdown), bool(f.page.content)) for f in files.documentation_pages()
                if f.src_uri.startswith("initiatives/")}

    site = built(configured(portfolio, parallel=True), tmp_path / "alone")
    assert differences(site, serial) == []
    assert texts(seen[-1]) == {(False, False)}  # neither is held once the page is built
    # A hook may read any page's text when the build ends: then all is kept.
    hook = portfolio / "reads_pages.py"
    hook.write_text("def on_post_build(config):\n    pass\n", encoding="utf-8")
    config = yaml.safe_load(configured(portfolio, parallel=True).read_text(encoding="utf-8"))
    config["hooks"] = [str(hook)]
    with_hook = portfolio / "mkdocs-hook.yml"
    with_hook.write_text(yaml.safe_dump(config), encoding="utf-8")
    site = built(with_hook, tmp_path / "hooked")
    assert differences(site, serial) == []
    assert texts(seen[-1]) == {(True, True)}


@needs_fork
def test_a_portfolio_that_changed_before_the_build_could_make_what_a_worker_left_stops_it(
        portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        no_background: None, caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.exceptions import Abort


    parent = os.getpid()
    original_make, original_remake = spool_module.make, mkdocs_plugin._remake

    def dying(value: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)
        return original_make(value)

    def changed(*args: Any) -> Plan:  # as if an initiative had been added meanwhile
        plan = original_remake(*args)
        plan.items.append(("initiatives/added-meanwhile.md", "# Added"))
        return plan

    monkeypatch.setattr(spool_module, "make", dying)
    monkeypatch.setattr(mkdocs_plugin, "_remake", changed)
    with pytest.raises(Abort):  # MkDocs reports the plugin's error, without a traceback
        built(configured(portfolio, parallel=True), tmp_path / "out")
    assert "portfolio: cannot make the generated pages: the portfolio changed while its " \
        "pages were being made" in caplog.text


# -- reading pages in two halves --------------------------------------------------------------

def tagged(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@needs_fork
def test_map_in_two_gives_every_result_in_order_half_of_them_from_a_worker() -> None:
    results = list(map_in_two(tagged, list(range(300))))
    assert [value for value, _ in results] == [n * n for n in range(300)]
    pids = {pid for _, pid in results}
    assert pids - {os.getpid()}, "no result came from a worker"
    assert {pid for _, pid in results[:150]} == {os.getpid()}


@needs_fork
def test_map_in_two_does_the_half_of_a_failing_worker_here() -> None:
    parent = os.getpid()

    def fragile(n: int) -> int:
        if n == 250 and os.getpid() != parent:
            raise RuntimeError("the worker fails")
        return n + 1

    assert list(map_in_two(fragile, list(range(300)))) == [n + 1 for n in range(300)]


def checked_here_and(options: Any) -> tuple[Any, Any, list[str]]:
    """`check`, and the slugs of the pages this process checked itself."""
    checked_here: list[str] = []
    original = validate._checked

    def counted(page: load.Page, ctx: Any) -> Any:
        checked_here.append(page.slug)
        return original(page, ctx)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validate, "_checked", counted)
        portfolio, problems = check(options, reader=map_in_two)
    return portfolio, problems, checked_here


@needs_fork
def test_pages_read_in_two_halves_validate_exactly_as_read_in_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = bench("generate").generate(240, tmp_path / "site", seed=9)
    folder = site / "content" / "initiatives"
    (folder / "zz-broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n",
                                         encoding="utf-8")
    # In the worker's half: read, then found wrong by the checks the worker runs.
    last = sorted(folder.glob("*.md"))[-2]
    last.write_text(last.read_text(encoding="utf-8").replace("zone: ", "zone: purple-", 1),
                    encoding="utf-8")
    options = read_config(site / "mkdocs.yml")
    portfolio, problems, checked_here = checked_here_and(options)
    # The worker checked its half: only the first half was checked in this process.
    assert 100 < len(checked_here) < 141 and last.stem not in checked_here
    alone, alone_problems = check(options)  # read in one process
    assert portfolio == alone
    assert [str(p) for p in problems.sorted()] == [str(p) for p in alone_problems.sorted()]
    assert len(portfolio.initiatives) == 239 and len(problems.errors) == 2
    assert portfolio.left_out == (last.stem, "zz-broken")
    assert any(p.path.endswith(last.name) and p.field == "zone" for p in problems.errors)


def test_parallel_false_never_forks(portfolio: Path, serial: dict[str, bytes], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise AssertionError("a build with `parallel: false` forked")

    big = bench("generate").generate(220, tmp_path / "big", seed=4)
    config = yaml.safe_load((big / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search", {"portfolio": {"parallel": False}}]
    (big / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setattr(os, "fork", no_fork)
    portfolio_read, problems = check(read_config(big / "mkdocs.yml"))  # 220 pages: no halves
    assert len(portfolio_read.initiatives) == 220 and not problems.items
    site = built(configured(portfolio, parallel=False), tmp_path / "out")
    assert differences(site, serial) == []


def test_a_small_portfolio_is_built_in_one_process(
        portfolio: Path, serial: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Below a few hundred pages a worker costs more memory than the whole portfolio, and
    # saves no time worth having.
    def no_fork() -> int:
        raise AssertionError("a build of 60 initiatives forked")

    monkeypatch.setattr(workers, "SPLIT_FROM", 200)
    monkeypatch.setattr(os, "fork", no_fork)
    site = built(configured(portfolio, parallel=True), tmp_path / "out")
    assert differences(site, serial) == []


# -- the garbage collector around workers and the portfolio ------------------------------------

@needs_fork
def test_fork_leaves_the_collector_frozen_only_if_the_caller_froze_it() -> None:
    gc.unfreeze()
    pid = fork(lambda: None)
    assert pid is not None and end(pid) == 0
    assert gc.get_freeze_count() == 0
    kept = [[n] for n in range(100)]
    gc.freeze()
    try:
        pid = fork(lambda: None)
        assert pid is not None and end(pid) == 0
        assert gc.get_freeze_count() > 0  # the caller's freeze stands until it unfreezes
    finally:
        gc.unfreeze()
    assert kept


def test_a_closed_plan_lets_the_portfolio_go_while_the_collector_is_frozen(
        portfolio: Path) -> None:
    """The plugin freezes what exists once the plan is made, until the build ends; the plan
    must not keep the portfolio alive through a frozen cycle (renderer <-> templates)."""
    gc.collect()
    build, plan = prepare(read_config(portfolio / "mkdocs.yml"))
    gc.freeze()
    try:
        for _, item in plan.items:
            make(item)
        gone = weakref.ref(build.portfolio)
        plan.close()
        del build, plan, item
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_a_build_leaves_the_collector_as_it_found_it(portfolio: Path, tmp_path: Path) -> None:
    gc.unfreeze()
    assert gc.isenabled()
    built(configured(portfolio, parallel=True), tmp_path / "out")
    assert gc.isenabled() and gc.get_freeze_count() == 0


# -- the portfolio in a background worker ----------------------------------------------------

@pytest.fixture(scope="module")
def checked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """240 initiatives, one of them unreadable and one invalid."""
    site: Path = bench("generate").generate(240, tmp_path_factory.mktemp("early") / "site", seed=3)
    # An address: without it the build adds a warning (the feeds need it) that `check` has not.
    config = site / "mkdocs.yml"
    config.write_text("site_url: https://early.example/\n" + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    folder = site / "content" / "initiatives"
    (folder / "zz-broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    first = sorted(folder.glob("*.md"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("zone: ", "zone: purple-", 1),
                     encoding="utf-8")
    return site


def alone(options: Any) -> tuple[Any, list[str]]:
    portfolio, problems = check(options)  # read in one process
    return portfolio, [str(p) for p in problems.sorted()]


def made_alone(options: Any, folder: Path) -> dict[str, tuple[str, list[str]] | bytes]:
    """Every item of the site's plan, made in this process alone."""
    spool = Spool(folder)
    _, plan = prepare(dataclasses.replace(options, parallel=False),
                      built=build_date())
    Production(plan, spool).start(parallel=False)
    return spooled(spool, plan.uris())


def spooled(spool: Spool, uris: list[str]) -> dict[str, tuple[str, list[str]] | bytes]:
    return {uri: (spool.text(uri), spool.parts(uri)) if uri.endswith(".md")
            else spool.path(uri).read_bytes() for uri in uris}


def remake_here(options: Any, built: Any) -> Plan:
    return prepare(options, built=built)[1]


@pytest.fixture()
def dated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@needs_fork
def test_a_background_worker_checks_and_makes_the_portfolio_exactly_as_one_process(
        checked_site: Path, tmp_path: Path, dated: None) -> None:
    options = read_config(checked_site / "mkdocs.yml")
    spool = Spool(tmp_path / "spool", packed=True)
    background = Background.start(options, spool, words=("nav.section",))
    assert background is not None
    summary = background.summary()
    assert summary is not None
    # This process read and checked some pages, the worker the others.
    assert 0 < background._ends.front < 241
    expected, expected_problems = alone(options)
    assert [str(p) for p in summary.problems.sorted()] == expected_problems
    assert len(summary.problems.errors) == 2 and "zz-broken" in summary.left_out
    assert summary.left_out == expected.left_out and summary.words == {
        "nav.section": "Portfolio"}
    production = background.production(summary, spool,
                                       partial(remake_here, options, summary.built))
    production.finish()
    assert production.plan is None  # made by the worker alone
    assert not os.path.exists(background._share) and not os.path.exists(background._summary)
    assert spooled(spool, summary.uris) == made_alone(options, tmp_path / "alone")
    spool.close()


def test_checked_initiatives_pickle_as_their_fields_and_come_back_equal(
        checked_site: Path) -> None:
    # How the build's process hands its pages over: each value as its class and the values
    # of its fields (a slotted dataclass's own way sets them one by one, twice as slow).
    portfolio, _ = alone(read_config(checked_site / "mkdocs.yml"))
    sample = portfolio.initiatives[:50]
    back = pickle.loads(pickle.dumps(sample, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == sample and [hash(i) for i in back] == [hash(i) for i in sample]
    first = sample[0]
    hash(first)  # computed once and kept, but never pickled: hashes differ between runs
    cls, values = first.__reduce__()
    assert cls is type(first) and len(values) == len(
        [f for f in dataclasses.fields(first) if f.init])
    assert cls(*values) == first
    for value in (first.partners[0], first.title, first.start, first.funding[0],
                  first.funding[0].money, first.stories[0]):
        cls, values = value.__reduce__()
        assert cls is type(value) and cls(*values) == value


@needs_fork
def test_the_build_reads_from_the_start_while_a_slow_background_worker_reads_from_the_end(
        checked_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    original = background_module.read_one
    taken_here: list[str] = []

    def paced(wanted: Any, *args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            time.sleep(0.004)
        else:
            taken_here.append(wanted[0])
        return original(wanted, *args, **kwargs)

    monkeypatch.setattr(background_module, "read_one", paced)
    options = read_config(checked_site / "mkdocs.yml")
    background = Background.start(options, Spool(tmp_path / "spool"))
    assert background is not None
    summary = background.summary()
    assert summary is not None
    assert 100 < len(taken_here) < 241  # both read pages: this process the first ones
    assert taken_here == [w[0] for w in background.wanted][:len(taken_here)]
    assert [str(p) for p in summary.problems.sorted()] == alone(options)[1]
    background.stop()


@needs_fork
def test_site_data_is_read_and_checked_once_by_a_build_with_a_background_worker(
        checked_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file of `site_data/` is read once and checked once, in whichever process: the
    build's process and the worker both check pages with it, and the worker validates the
    whole portfolio with it."""
    log = tmp_path / "log"
    read, checked = load.read_data_file, validate._site

    def note(what: str) -> None:
        with open(log, "a", encoding="utf-8") as out:  # both processes append
            out.write(f"{os.getpid()} {what}\n")

    def reading(path: Path, *args: Any, **kwargs: Any) -> Any:
        note(f"read {path.name}")
        return read(path, *args, **kwargs)

    def checking(*args: Any, **kwargs: Any) -> Any:
        note("check")
        return checked(*args, **kwargs)

    monkeypatch.setattr(load, "read_data_file", reading)
    monkeypatch.setattr(validate, "_site", checking)
    options = read_config(checked_site / "mkdocs.yml")
    background = Background.start(options, Spool(tmp_path / "spool"))
    assert background is not None
    summary = background.summary()  # the worker has validated the portfolio by now
    assert summary is not None
    background.stop()
    done = sorted(line.split(" ", 1)[1] for line in log.read_text().splitlines())
    files = sorted(f"read {f.name}" for f in (checked_site / "site_data").glob("*.yml"))
    assert files and done == sorted([*files, "check"])
    # And what the worker found is what one process finds.
    assert [str(p) for p in summary.problems.sorted()] == alone(options)[1]


@needs_fork
def test_a_background_worker_is_not_used_when_the_pages_changed_meanwhile(
        checked_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(checked_site, site)
    options = read_config(site / "mkdocs.yml")
    background = Background.start(options, Spool(tmp_path / "spool"))
    assert background is not None
    added = site / "content" / "initiatives" / "zz-added.md"
    added.write_text((site / "content" / "initiatives" / "zz-broken.md").read_text(
        encoding="utf-8"), encoding="utf-8")
    assert background.summary() is None
    background.stop()
    assert background.worker is None and not os.path.exists(background._share)


@needs_fork
def test_a_background_worker_that_stops_before_its_summary_leaves_everything_to_the_build(
        checked_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    original = background_module.read_one

    def failing(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("the worker fails")
        return original(*args, **kwargs)

    monkeypatch.setattr(background_module, "read_one", failing)
    options = read_config(checked_site / "mkdocs.yml")
    background = Background.start(options, Spool(tmp_path / "spool"))
    assert background is not None
    assert background.summary() is None
    background.stop()


@needs_fork
def test_a_build_with_a_background_worker_is_the_same_site_as_one_in_one_process(
        checked_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Background] = []
    original = Background.start

    def recorded(*args: Any, **kwargs: Any) -> Background | None:
        background = original(*args, **kwargs)
        if background is not None:
            started.append(background)
        return background

    monkeypatch.setattr(Background, "start", classmethod(
        lambda cls, *args, **kwargs: recorded(*args, **kwargs)))
    site = built(configured(checked_site, parallel=True), tmp_path / "parallel")
    assert len(started) == 1
    serial_site = built(configured(checked_site, parallel=False), tmp_path / "serial")
    assert len(started) == 1
    assert differences(site, serial_site) == []
    # And when the worker stops before its summary, the build does it all itself.
    parent = os.getpid()
    read = background_module.read_one

    def failing(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            os._exit(5)
        return read(*args, **kwargs)

    monkeypatch.setattr(background_module, "read_one", failing)
    assert differences(built(configured(checked_site, parallel=True), tmp_path / "failed"),
                       serial_site) == []
    assert len(started) == 2


def test_pages_get_files_of_their_own_where_packs_cannot_be_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "pread")
    spool = Spool(tmp_path / "spool", packed=True)
    production = Production(plan_of(3, lambda n: logged(tmp_path / "log", n)), spool)
    production.start(parallel=False)
    assert not spool.packed and not spool.where
    assert spool.text("p/2.md") == "page 2\n\n<!--pf:0-->"
    assert spool.parts("p/2.md") == ["<div>block 2</div>"]


@needs_fork
def test_two_processes_taking_from_both_ends_take_each_item_once(tmp_path: Path) -> None:
    ends = Ends(500)
    log = tmp_path / "back"

    def back() -> None:
        with log.open("w", encoding="utf-8") as out:
            while (n := ends.take_back()) is not None:
                out.write(f"{n}\n")

    pid = fork(back)
    assert pid is not None
    front = []
    while (n := ends.take_front()) is not None:
        front.append(n)
    assert end(pid) == 0
    taken = [int(line) for line in log.read_text(encoding="utf-8").split()]
    assert front == list(range(len(front))) and taken == sorted(taken, reverse=True)
    assert sorted(front + taken) == list(range(500))
    assert ends.front == ends.back == len(front)
