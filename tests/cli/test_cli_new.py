"""`portfolio new initiative "Title"` as a partner types it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from portfolio_plugin.cli import main

from support import Site, fill_in


def run(site: Site, *args: str) -> int:
    return main(["-f", str(site.root / "mkdocs.yml"), *args])


def test_new_initiative_writes_the_page_named_after_the_title(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(site, "new", "initiative", "Cykelvänlig Gata") == 0
    path = site.root / "content" / "initiatives" / "cykelvanlig-gata.md"
    assert path.is_file()
    assert "cykelvanlig-gata.md" in capsys.readouterr().out


def test_the_untouched_new_page_fails_portfolio_validate_naming_each_placeholder(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(site, "new", "initiative", "Cykelvänlig Gata") == 0
    capsys.readouterr()
    assert run(site, "validate") == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": error: ")[1].split(":")[0] for line in out[:3]] == [
        "summary", "facet", "zone"]
    assert all("placeholder" in line for line in out) and len(out) == 4


def test_the_new_page_filled_in_passes_portfolio_validate(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(site, "new", "initiative", "Cykelvänlig Gata") == 0
    path = site.root / "content" / "initiatives" / "cykelvanlig-gata.md"
    path.write_text(fill_in(path.read_text(encoding="utf-8")), encoding="utf-8")
    capsys.readouterr()
    assert run(site, "validate", "--strict") == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "1 initiative(s) valid, 0 left out; 0 error(s), 0 warning(s)" in captured.err


def test_running_it_again_refuses_with_exit_code_2_and_a_clear_message(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(site, "new", "initiative", "Cykelvänlig Gata") == 0
    capsys.readouterr()
    assert run(site, "new", "initiative", "Cykelvänlig Gata") == 2
    err = capsys.readouterr().err
    assert err.startswith("portfolio: content/initiatives/cykelvanlig-gata.md already exists")
    assert "--force" in err and "Traceback" not in err


def test_force_replaces_the_page(site: Site) -> None:
    assert run(site, "new", "initiative", "Cykelvänlig Gata") == 0
    path = site.root / "content" / "initiatives" / "cykelvanlig-gata.md"
    path.write_text("broken", encoding="utf-8")
    assert run(site, "new", "initiative", "Cykelvänlig Gata", "--force") == 0
    assert path.read_text(encoding="utf-8").startswith("---\n")


def test_a_title_without_latin_letters_is_refused_with_exit_code_2(
        site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(site, "new", "initiative", "Привет") == 2
    assert "cannot make a file name" in capsys.readouterr().err


def test_the_installed_command_prints_no_traceback_when_it_refuses(site: Site) -> None:
    command = [sys.executable, "-m", "portfolio_plugin.cli", "new", "initiative", "Bike street"]
    first = subprocess.run(command, cwd=site.root, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(command, cwd=site.root, capture_output=True, text=True, check=False)
    assert second.returncode == 2
    assert "already exists" in second.stderr and "Traceback" not in second.stderr
