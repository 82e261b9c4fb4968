"""The written pages read by a worker while the engine writes more (`parallel.reader`), and
the site's own search index made that way: the same files as one made in the build's
process, and the written site indexed instead when the worker stops short."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from portfolio_plugin.adapter import site_index
from portfolio_plugin.parallel import workers
from portfolio_plugin.parallel.reader import PageReader
from portfolio_plugin.parallel.workers import can_fork

from support import bench, built, i18n_site

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs fork and a second core")


class Kept:
    """What a worker read, written to `out` when it finishes (its memory is its own)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.read: list[list[str]] = []

    def __call__(self, path: Path, name: str) -> None:
        self.read.append([name, path.read_text(encoding="utf-8")])

    def finish(self) -> None:
        self.out.write_text(json.dumps(self.read), encoding="utf-8")


def reader_into(out: Path) -> PageReader:
    kept = Kept(out)
    return PageReader(kept, kept.finish)


def test_each_page_is_read_once_written_and_the_last_when_the_pages_end(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    reader = reader_into(out)
    assert reader.start()
    for n in range(30):
        page = tmp_path / f"page {n}\nnew line.html"  # (any name a file system allows)
        reader.add(page, f"name {n}")
        page.write_text(f"text of {n}", encoding="utf-8")  # written after it is named
    assert not out.exists()
    assert reader.end()
    assert json.loads(out.read_text(encoding="utf-8")) == \
        [[f"name {n}", f"text of {n}"] for n in range(30)]


def test_the_reader_gives_way_to_the_engine(tmp_path: Path) -> None:
    # The engine waits for the index only once it has written its pages.
    out = tmp_path / "nice.json"

    def noted(path: Path, name: str) -> None:
        out.write_text(json.dumps(os.nice(0)), encoding="utf-8")

    reader = PageReader(noted, lambda: None)
    assert reader.start()
    (tmp_path / "a.html").write_text("a", encoding="utf-8")
    reader.add(tmp_path / "a.html", "a")
    assert reader.end()
    assert json.loads(out.read_text(encoding="utf-8")) == \
        min(os.nice(0) + workers.GIVE_WAY, 19)


def test_a_page_the_engine_did_not_write_is_left_out(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    reader = reader_into(out)
    assert reader.start()
    for n in range(3):
        reader.add(tmp_path / f"{n}.html", str(n))
        if n != 1:
            (tmp_path / f"{n}.html").write_text(str(n), encoding="utf-8")
    assert reader.end()
    assert json.loads(out.read_text(encoding="utf-8")) == [["0", "0"], ["2", "2"]]


def test_a_stopped_reader_finishes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    reader = reader_into(out)
    assert reader.start()
    (tmp_path / "a.html").write_text("a", encoding="utf-8")
    reader.add(tmp_path / "a.html", "a")
    reader.stop()
    assert not out.exists()
    assert not reader.end()


def test_a_worker_that_fails_to_read_says_so_and_finishes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "results.json"

    def fails(path: Path, name: str) -> None:
        raise ValueError(name)

    reader = PageReader(fails, Kept(out).finish)
    assert reader.start()
    (tmp_path / "a.html").write_text("a", encoding="utf-8")
    reader.add(tmp_path / "a.html", "a")
    assert not reader.end()
    assert not out.exists()


# -- the site's own index, made by the worker -------------------------------------------------

@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site: Path = bench("generate").generate(40, tmp_path_factory.mktemp("reader") / "site",
                                            seed=11)
    return site


def index_files(config: Path, out: Path, parallel: bool) -> dict[str, bytes]:
    """Build with the plugin's `parallel` option; the files of the site's own index."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["plugins"] = [{"portfolio": {"parallel": parallel}} if plugin == "portfolio"
                           else plugin for plugin in settings["plugins"]]
    path = config.with_name(f"mkdocs-{parallel}.yml")
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    prefix = site_index.FOLDER + "/"
    return {name[len(prefix):]: data for name, data in built(path, out).items()
            if name.startswith(prefix)}


@pytest.fixture(scope="module")
def in_one_process(portfolio: Path, tmp_path_factory: pytest.TempPathFactory
                   ) -> dict[str, bytes]:
    return index_files(portfolio / "mkdocs.yml", tmp_path_factory.mktemp("one"), False)


def test_the_worker_reads_every_page_and_this_process_none(
        portfolio: Path, in_one_process: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "SPLIT_FROM", 10)
    here: list[str] = []  # (what the worker appends stays in the worker)
    read_page, snowball = site_index.read_page, site_index._snowball

    def counted(*args: Any) -> site_index.Page:
        here.append("read a page")
        return read_page(*args)

    def stemmer(name: str | None) -> Any:
        here.append("loaded a stemmer")  # (all of Snowball's languages: 3 MB)
        return snowball(name)

    monkeypatch.setattr(site_index, "read_page", counted)
    monkeypatch.setattr(site_index, "_snowball", stemmer)
    files = index_files(portfolio / "mkdocs.yml", tmp_path / "out", True)
    assert here == []
    assert files == in_one_process
    assert json.loads(files["index.json"])["pages"] > 40  # (the initiatives and more)


def test_a_worker_that_stops_short_leaves_the_index_to_the_written_site(
        portfolio: Path, in_one_process: dict[str, bytes], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "SPLIT_FROM", 10)

    def fails(self: site_index.Gathered, path: Path, url: str, kind: str) -> None:
        raise OSError("the disk went away")

    monkeypatch.setattr(site_index.Gathered, "add_file", fails)
    assert index_files(portfolio / "mkdocs.yml", tmp_path / "out", True) == in_one_process


def test_each_language_of_an_i18n_site_gets_its_index_from_its_own_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "SPLIT_FROM", 1)
    config = i18n_site(tmp_path, "i18n first")
    started = []
    start = PageReader.start

    def counted(self: PageReader) -> bool:
        started.append(self)
        return start(self)

    monkeypatch.setattr(PageReader, "start", counted)
    files = index_files(config, tmp_path / "parallel", True)
    assert len(started) == 2  # (one build of each language)
    assert files == index_files(config, tmp_path / "serial", False)
    assert {name.split("/")[0] for name in files} == {"en", "sv"}
