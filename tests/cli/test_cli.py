"""The `portfolio` command's open-data parts: `export`, `schema export` and `generate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def test_generate_writes_pages_data_and_assets(tmp_path: Path) -> None:
    config = write_site(tmp_path / "site")
    out = tmp_path / "out"
    assert main(["generate", "-f", str(config), "--out", str(out)]) == 0
    for path in ("initiatives/alpha.md", "portfolio/data.md", "data/portfolio.json",
                 "data/stories.xml", "assets/portfolio/portfolio.js",
                 "assets/portfolio/plotly.min.js"):
        assert (out / path).is_file(), path
    # Without a theme folder to put it in, pages use the theme's own template.
    assert "template:" not in (out / "portfolio" / "data.md").read_text(encoding="utf-8")


def test_generate_puts_the_page_template_into_the_theme_folder(tmp_path: Path) -> None:
    config = write_site(tmp_path / "site")
    out = tmp_path / "out"
    theme = tmp_path / "overrides"
    assert main(["generate", "-f", str(config), "--out", str(out),
                 "--overrides", str(theme)]) == 0
    assert (theme / "portfolio.html").read_text(encoding="utf-8").startswith("{#")
    assert 'template: "portfolio.html"' in (out / "portfolio" / "data.md").read_text(
        encoding="utf-8")


def test_a_missing_configuration_is_a_message_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "-f", str(tmp_path / "none.yml"), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot read the configuration" in err and "Traceback" not in err
