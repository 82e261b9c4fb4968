"""The `portfolio` command's open-data parts: `export`, `schema export` and `generate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from portfolio_plugin.cli import main
from portfolio_plugin.export import FILES, export_schema
from portfolio_plugin.export.federation import CACHE_ROOT

from support import EPOCH, mkdocs_build, write_site


@pytest.fixture(autouse=True)
def epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def test_export_writes_the_same_bytes_as_the_built_site(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    config = write_site(tmp_path / "site", "https://testvik.example/")
    mkdocs_build(config, tmp_path / "built")
    assert main(["export", "-f", str(config), "--out", str(tmp_path / "out")]) == 0
    # 10 files of the whole site, and Atom and JSON feeds of 3 initiatives and 4 partners.
    assert "wrote 24 file(s)" in capsys.readouterr().out
    out = tmp_path / "out"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert [name for name in written if not name.startswith("feeds/")] == sorted(FILES.values())
    for name in written:
        assert (tmp_path / "out" / name).read_bytes() == \
            (tmp_path / "built" / "data" / name).read_bytes(), name


def test_export_honours_the_exports_option(tmp_path: Path) -> None:
    config = write_site(tmp_path / "site")
    text = config.read_text(encoding="utf-8").replace(
        "plugins: [portfolio]", "plugins:\n  - portfolio:\n      exports: open/data")
    config.write_text(text, encoding="utf-8")
    assert main(["export", "-f", str(config), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "portfolio.json").is_file()
    document = json.loads((tmp_path / "out" / "portfolio.json").read_text(encoding="utf-8"))
    assert document["files"]["json"] == "open/data/portfolio.json"


def test_export_reads_no_other_portfolio(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = write_site(tmp_path / "site", federation=["http://127.0.0.1:9/portfolio.json"])
    assert main(["export", "-f", str(config), "--out", str(tmp_path / "out")]) == 0
    assert "federation" not in capsys.readouterr().err
    assert not (tmp_path / "site" / CACHE_ROOT).exists()


def test_schema_export_prints_the_schema_of_portfolio_json(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "export"]) == 0
    assert json.loads(capsys.readouterr().out) == export_schema()


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generate_writes_a_folder_that_an_engine_builds_as_it_is(tmp_path: Path) -> None:
    config = write_site(tmp_path / "site")
    (tmp_path / "site" / "overrides").mkdir()
    (tmp_path / "site" / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n', encoding="utf-8")
    text = config.read_text(encoding="utf-8").replace(
        "theme:\n  name: material\n", "theme:\n  name: material\n  custom_dir: overrides\n")
    config.write_text(text + "extra:\n  analytics: !ENV [ANALYTICS, none]\n"
                      "hooks: [hooks/site.py]\n", encoding="utf-8")
    out = tmp_path / "build" / "zensical"
    assert main(["generate", "-f", str(config), "--out", str(out)]) == 0
    for path in ("docs/index.md", "docs/initiatives/alpha.md", "docs/portfolio/data.md",
                 "docs/data/portfolio.json", "docs/data/stories.xml",
                 "docs/assets/portfolio/portfolio.js", "docs/assets/portfolio/plotly.min.js",
                 "overrides/portfolio.html", "overrides/main.html"):
        assert (out / path).is_file(), path
    written = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "extra:\n  analytics: !ENV\n  - ANALYTICS\n  - none\n" in written  # tags kept
    settings = yaml.load(written, Loader=yaml.BaseLoader)
    assert settings["docs_dir"] == "docs" and settings["theme"]["custom_dir"] == "overrides"
    assert settings["plugins"] == []  # the site listed the portfolio plugin alone
    assert settings["hooks"] == ["../../site/hooks/site.py"]  # the site's, from the folder
    assert settings["extra_css"] == ["assets/portfolio/portfolio.css"]
    assert settings["extra_javascript"] == ["assets/portfolio/portfolio.js"]
    assert 'template: "portfolio.html"' in (out / "docs" / "portfolio" / "data.md").read_text(
        encoding="utf-8")
    # The initiative page is the rendered one (facts above the author's text).
    alpha = (out / "docs" / "initiatives" / "alpha.md").read_text(encoding="utf-8")
    assert 'class="pf-initiative-head"' in alpha


def test_generate_writes_links_for_the_engine_that_builds_the_folder(tmp_path: Path) -> None:
    config = write_site(tmp_path / "site")
    assert main(["generate", "-f", str(config), "--out", str(tmp_path / "z")]) == 0
    assert main(["generate", "-f", str(config), "--out", str(tmp_path / "m"),
                 "--engine", "mkdocs"]) == 0
    for engine, partner, chart in (("z", "../portfolio/partners/city.md",
                                    "../../initiatives/alpha/"),
                                   ("m", "../../portfolio/partners/city/",
                                    "../../initiatives/alpha/")):
        alpha = (tmp_path / engine / "docs" / "initiatives" / "alpha.md").read_text(
            encoding="utf-8")
        assert f'href="{partner}"' in alpha, engine
        # Links that a script reads are URLs for either engine: none rewrites them.
        facet_map = (tmp_path / engine / "docs" / "portfolio" / "facet-map.md").read_text(
            encoding="utf-8")
        assert f'"{chart}"' in facet_map, engine
    # Material's inline scripts from files, as the plugin gives them, for MkDocs only:
    # Zensical's theme has scripts of its own.
    assert (tmp_path / "m" / "overrides" / "partials" / "javascripts" / "base.html").is_file()
    assert not (tmp_path / "z" / "overrides" / "partials").exists()


def test_generate_leaves_the_initiative_sources_out(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = write_site(tmp_path / "site")
    (tmp_path / "site" / "docs" / "initiatives" / "broken.md").write_text(
        "---\ntitle: Broken\nsecret: raw front-matter\n---\nBody.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", "-f", str(config), "--out", str(out)]) == 0
    assert "broken.md" in capsys.readouterr().err
    assert not (out / "docs" / "initiatives" / "broken.md").exists()
    assert not any(b"raw front-matter" in data for data in files_of(out).values())


def test_generate_strict_writes_nothing_when_the_portfolio_has_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_site(tmp_path / "site")
    out = tmp_path / "out"
    assert main(["generate", "-f", str(config), "--out", str(out)]) == 0
    before = files_of(out)
    (tmp_path / "site" / "docs" / "initiatives" / "broken.md").write_text(
        "---\ntitle: Broken\n---\n", encoding="utf-8")
    assert main(["generate", "--strict", "-f", str(config), "--out", str(out)]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert files_of(out) == before  # the previous folder, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]  # nothing left over


def test_generate_is_reproducible_and_replaces_its_own_folder(tmp_path: Path) -> None:
    config = write_site(tmp_path / "site")
    out = tmp_path / "out"
    assert main(["generate", "-f", str(config), "--out", str(out)]) == 0
    first = files_of(out)
    (out / "site").mkdir()
    (out / "site" / "stale.html").write_text("old build", encoding="utf-8")
    assert main(["generate", "-f", str(config), "--out", str(out)]) == 0
    assert files_of(out) == first


def test_generate_copies_no_symlink_that_leaves_the_site(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_site(tmp_path / "site")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the site", encoding="utf-8")
    (tmp_path / "site" / "docs" / "notes.txt").symlink_to(secret)
    out = tmp_path / "out"
    assert main(["generate", "--strict", "-f", str(config), "--out", str(out)]) == 1
    assert "docs/notes.txt:1:1: error:" in capsys.readouterr().err and not out.exists()
    assert main(["generate", "-f", str(config), "--out", str(out)]) == 0
    assert not (out / "docs" / "notes.txt").exists() and (out / "docs" / "index.md").is_file()


@pytest.mark.parametrize("where", ["mine", "docs", "."])
def test_generate_refuses_a_folder_it_did_not_write(
        tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_site(tmp_path / "site")
    out = tmp_path / "site" / where
    if where == "mine":
        out.mkdir()
        (out / "notes.md").write_text("mine", encoding="utf-8")
    before = files_of(tmp_path / "site")
    assert main(["generate", "-f", str(config), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"portfolio: {out}:" in err and "Traceback" not in err
    assert files_of(tmp_path / "site") == before


def test_a_missing_configuration_is_a_message_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "-f", str(tmp_path / "none.yml"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot read the configuration" in err and "Traceback" not in err
