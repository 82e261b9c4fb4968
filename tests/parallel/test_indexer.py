"""The search index made while MkDocs writes the pages (`parallel.indexer`).

The oracle is Pagefind itself: the same built site indexed by its binary (`pagefind --site`)
must hold the same pages, the same words on the same pages and the same filters; only the
order of the pages may differ (the binary's follows the file system's listing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from portfolio_plugin.adapter import search
from portfolio_plugin.parallel import indexer
from portfolio_plugin.parallel.indexer import StreamingIndex

from support import bench, index_contents

PROGRAM = search.binary()
pytestmark = pytest.mark.skipif(PROGRAM is None, reason="pagefind[bin] is a test dependency")


def build(site: Path, out: Path, parallel: bool, *args: str) -> subprocess.CompletedProcess[str]:
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search", {"portfolio": {"parallel": parallel, "search": "pagefind"}}]
    path = site / f"mkdocs-{parallel}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(path),
                           "-d", str(out), *args], capture_output=True, text=True, env=env,
                          timeout=600, check=False)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated portfolio of 80 initiatives."""
    site: Path = bench("generate").generate(80, tmp_path_factory.mktemp("indexer") / "site",
                                            seed=11)
    return site


@pytest.fixture(scope="module")
def streamed(portfolio: Path) -> Path:
    """The site built with a second core: Pagefind indexes the pages as they are written."""
    out = portfolio / "streamed"
    result = build(portfolio, out, True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "indexes the written site instead" not in result.stderr
    return out


def test_the_index_made_while_building_holds_what_pagefind_makes_of_the_written_site(
        streamed: Path, tmp_path: Path) -> None:
    assert PROGRAM is not None
    # The binary, on the same site, into a folder of its own.
    done = subprocess.run([str(PROGRAM), "--site", str(streamed), "--output-subdir",
                           "by-binary", "--exclude-selectors", ", ".join(search.EXCLUDE)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    ours, theirs = index_contents(streamed / "pagefind"), index_contents(streamed / "by-binary")
    assert len(ours["pages"]) > 80 + 20  # initiatives, partners, themes, pages
    assert ours["pages"] == theirs["pages"]
    assert ours["words"] == theirs["words"]
    assert ours["filters"] == theirs["filters"]
    assert {("type", "initiative"), ("zone", "blue")} <= set(ours["filters"])
    # Pagefind's own scripts, styles and WebAssembly are written whole.
    fixed = {p.name for p in (streamed / "by-binary").iterdir() if p.is_file()
             and not p.name.startswith(("pagefind.", "pagefind-entry"))}
    assert "pagefind-component-ui.js" in fixed
    for name in fixed:
        assert (streamed / "pagefind" / name).read_bytes() == \
            (streamed / "by-binary" / name).read_bytes(), name


def test_a_build_without_a_second_core_makes_the_same_index_byte_for_byte(
        portfolio: Path, streamed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On one core Pagefind is handed the pages after the build, in the same order."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from portfolio_plugin.adapter import plugin as mkdocs_plugin

    monkeypatch.setattr(mkdocs_plugin, "second_core", lambda: False)
    monkeypatch.setattr(mkdocs_plugin.search, "StreamingIndex", AfterTheBuild)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = portfolio / "serial"
    build(portfolio, out, False)  # (writes mkdocs-False.yml)
    AfterTheBuild.made.clear()
    mkdocs_build(load_config(str(portfolio / "mkdocs-False.yml"), site_dir=str(out)))
    assert AfterTheBuild.made == [False]
    ours = {p.relative_to(streamed): p.read_bytes()
            for p in sorted((streamed / "pagefind").rglob("*")) if p.is_file()}
    serial = {p.relative_to(out): p.read_bytes()
              for p in sorted((out / "pagefind").rglob("*")) if p.is_file()}
    assert sorted(ours) == sorted(serial)
    assert [name for name in ours if ours[name] != serial[name]] == []


class AfterTheBuild(StreamingIndex):
    """The index, noting whether it was made meanwhile."""

    made: list[bool] = []

    def __init__(self, program: Path, site_dir: Path, exclude: Any, meanwhile: bool) -> None:
        AfterTheBuild.made.append(meanwhile)
        super().__init__(program, site_dir, exclude, meanwhile)


def program(folder: Path, script: str) -> Path:
    """A program in the place of Pagefind's, that does what `script` (shell) says."""
    path = folder / "fake-pagefind"
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("script", [
    "exit 0",  # ends at once
    "printf '%s' 'Running Pagefind in service mode,'; exit 0",  # answers what is not base64
    "printf '%s' 'bm90IGpzb24=,'; exec cat > /dev/null",  # base64 of what is not JSON
], ids=["ends", "not-base64", "not-json"])
def test_a_pagefind_that_misbehaves_is_reported_at_once_not_waited_for(
        tmp_path: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # (Were it waited for, the test fails after 20 s rather than the build's hour.)
    monkeypatch.setattr(indexer, "TIMEOUT", 20.0)
    started = time.monotonic()
    index = StreamingIndex(program(tmp_path, script), tmp_path, search.EXCLUDE,
                           meanwhile=True)
    page = tmp_path / "index.html"
    page.write_text("<html><body data-pagefind-body><p>Text</p></body></html>",
                    encoding="utf-8")
    index.add(page)
    failed = index.finish()
    assert failed is not None and "Pagefind" in failed
    assert time.monotonic() - started < 10
    assert not (tmp_path / "pagefind").exists()
    assert not any(thread.is_alive() for thread in index._threads)


def test_a_pagefind_that_cannot_be_started_is_reported(tmp_path: Path) -> None:
    fake = program(tmp_path, "exit 0")
    fake.chmod(0o644)
    index = StreamingIndex(fake, tmp_path, search.EXCLUDE, meanwhile=True)
    index.add(tmp_path / "index.html")
    assert "could not be started" in (index.finish() or "")


def test_a_build_that_stops_between_pages_leaves_no_thread_and_no_pagefind(
        tmp_path: Path) -> None:
    assert PROGRAM is not None
    page = tmp_path / "index.html"
    page.write_text("<html><body data-pagefind-body><p>Text</p></body></html>",
                    encoding="utf-8")
    index = StreamingIndex(PROGRAM, tmp_path, search.EXCLUDE, meanwhile=True)
    index.add(page)
    index.add(page)
    index.stop()
    assert not any(thread.is_alive() for thread in index._threads)
    assert index._process is not None and index._process.poll() is not None


def test_a_build_whose_pagefind_service_fails_indexes_the_written_site(
        portfolio: Path, streamed: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    class Broken(StreamingIndex):
        def __init__(self, program: Path, site_dir: Path, exclude: Any,
                     meanwhile: bool) -> None:
            super().__init__(Path("/bin/false"), site_dir, exclude, meanwhile)

    monkeypatch.setattr(search, "StreamingIndex", Broken)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = portfolio / "fallback"
    with caplog.at_level("INFO", logger="mkdocs.plugins.portfolio_plugin.adapter.plugin"):
        mkdocs_build(load_config(str(portfolio / "mkdocs-True.yml"), site_dir=str(out)))
    assert "it indexes the written site instead" in caplog.text
    # The binary's index of the same pages: the same contents, whatever their order.
    assert index_contents(out / "pagefind")["pages"] == \
        index_contents(streamed / "pagefind")["pages"]


def test_pages_are_sent_a_few_at_a_time_not_all_at_once(tmp_path: Path) -> None:
    """Pagefind keeps in memory what it has not read: the thread that sends the pages waits
    when it is far ahead (MkDocs does not: it only notes the pages)."""
    assert PROGRAM is not None
    pages = []
    for n in range(3 * indexer.AHEAD):
        page = tmp_path / f"p{n}" / "index.html"
        page.parent.mkdir()
        page.write_text(f"<html lang='en'><body data-pagefind-body><h1>Page {n}</h1>"
                        f"<p>word{n} text</p></body></html>", encoding="utf-8")
        pages.append(page)
    index = StreamingIndex(PROGRAM, tmp_path, search.EXCLUDE, meanwhile=True)
    for page in pages:
        index.add(page)
    assert index.finish() is None
    assert 0 < index.most_ahead <= indexer.AHEAD
    found = index_contents(tmp_path / "pagefind")
    assert len(found["pages"]) == len(pages)
    assert {word for word in found["words"] if word.startswith("word")} == \
        {f"word{n}" for n in range(len(pages))}


def test_a_dirty_build_indexes_every_page_of_the_site_not_only_those_it_wrote(
        portfolio: Path, streamed: Path, tmp_path: Path) -> None:
    """`mkdocs build --dirty` writes only the pages whose source changed: the written site is
    indexed, as under `mkdocs serve`."""
    out = tmp_path / "dirty"
    assert build(portfolio, out, True).returncode == 0
    page = next((portfolio / "content" / "initiatives").glob("*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    result = build(portfolio, out, True, "--dirty")
    assert result.returncode == 0, result.stderr[-3000:]
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    before = json.loads((streamed / "pagefind" / "pagefind-entry.json").read_text(
        encoding="utf-8"))
    assert [lang["page_count"] for lang in entry["languages"].values()] == \
        [lang["page_count"] for lang in before["languages"].values()]


def test_a_configuration_of_pagefind_s_own_is_kept_by_indexing_the_written_site(
        portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The binary reads `pagefind.yml` and `PAGEFIND_` variables; its service does not."""
    monkeypatch.setenv("PAGEFIND_FORCE_LANGUAGE", "fr")
    out = tmp_path / "configured"
    result = build(portfolio, out, True)
    assert result.returncode == 0, result.stderr[-3000:]
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["fr"]
