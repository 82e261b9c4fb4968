"""Reproducible builds: the same input and `SOURCE_DATE_EPOCH` give a byte-identical site.

The reference site is built twice, into different folders and with different hash seeds
(so that any order taken from a set or a dict of strings would show), and every file's hash
is compared. The build time must come from `SOURCE_DATE_EPOCH`, and no file may carry the
folder it was built in.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

EPOCH = 1731622400  # 2024-11-14 22:13:20 UTC


def build(out: Path, epoch: int = EPOCH, seed: str = "1") -> Path:
    """Build the site as it is published: mkdocs.yml, then each mkdocs.<language>.yml."""
    environment = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), PYTHONHASHSEED=seed,
                       NO_MKDOCS_2_WARNING="1")
    configs = [(ROOT / "mkdocs.yml", out)] + [
        (config, out / config.name.split(".")[1])
        for config in sorted(ROOT.glob("mkdocs.*.yml")) if len(config.name.split(".")) == 3]
    for config, target in configs:
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config),
                                 "-d", str(target)], capture_output=True, text=True,
                                timeout=900, check=False, env=environment)
        assert result.returncode == 0, result.stderr[-4000:]
    return out


def hashes(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = build(tmp_path_factory.mktemp("first") / "site", seed="1")
    second = build(tmp_path_factory.mktemp("second-folder") / "output", seed="2")
    return first, second


def test_two_builds_of_the_same_input_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = (hashes(site) for site in two_builds)
    assert len(first) > 50
    for config in ROOT.glob("mkdocs.*.yml"):  # each language's site is compared too
        assert f"{config.name.split('.')[1]}/index.html" in first
    assert sorted(first) == sorted(second), "the builds wrote different files"
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == [], f"files that differ between two builds: {differing}"


def test_the_compressed_sitemap_carries_the_source_date_not_the_build_time(
        two_builds: tuple[Path, Path]) -> None:
    sitemap = two_builds[0] / "sitemap.xml.gz"
    header = sitemap.read_bytes()[:10]
    mtime = int.from_bytes(header[4:8], "little")
    # MkDocs stamps the day of SOURCE_DATE_EPOCH: 2024-11-14 00:00 UTC.
    assert mtime == EPOCH - EPOCH % 86400 == 1731542400
    assert gzip.decompress(sitemap.read_bytes()) == (two_builds[0] / "sitemap.xml").read_bytes()


def test_the_search_index_is_the_same_in_both_builds(two_builds: tuple[Path, Path]) -> None:
    first, second = (json.loads((site / "search" / "search_index.json").read_text("utf-8"))
                     for site in two_builds)
    # Pagefind serves the readers: Material's index holds the hand-written pages only.
    assert len(first["docs"]) > 10
    assert first == second


def test_no_file_names_the_folder_it_was_built_in_or_from(
        two_builds: tuple[Path, Path]) -> None:
    site = two_builds[1]
    leaks = []
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".csv", ".js", ".txt"):
            data = path.read_bytes()
            for folder in (str(site), str(ROOT), str(Path.home())):
                if folder.encode() in data:
                    leaks.append(f"{path.relative_to(site)} names {folder}")
    assert leaks == []


def test_the_export_says_when_it_was_generated_from_source_date_epoch(
        two_builds: tuple[Path, Path]) -> None:
    exported = two_builds[0] / "data" / "portfolio.json"
    assert exported.is_file(), "data/portfolio.json is missing"
    generated = json.loads(exported.read_text("utf-8"))["portfolio"]["generated"]
    assert str(generated).startswith("2024-11-14")
