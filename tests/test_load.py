"""Reading files: front-matter boundaries, encodings, sizes, slugs."""

from __future__ import annotations

import time
from pathlib import Path

from portfolio_plugin.load import MAX_PAGE_BYTES, Page, load, read_page
from portfolio_plugin.problems import Problem


def read(tmp_path: Path, data: bytes, name: str = "page.md") -> Page | Problem:
    path = tmp_path / name
    path.write_bytes(data)
    return read_page(path, name)


def test_a_page_splits_into_front_matter_and_body_with_the_body_line(tmp_path: Path) -> None:
    page = read(tmp_path, b"---\ntitle: A\nzone: green\n---\n# Body\n")
    assert isinstance(page, Page)
    assert page.data.value == {"title": "A", "zone": "green"}
    assert page.body == "# Body\n" and page.body_line == 5
    assert page.data.positions[("zone",)] == (3, 1)


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    page = read(tmp_path, "\ufeff---\ntitle: Å\n---\n".encode())
    assert isinstance(page, Page) and page.data.value == {"title": "Å"}


def test_windows_line_endings_are_read(tmp_path: Path) -> None:
    page = read(tmp_path, b"---\r\ntitle: A\r\n---\r\nBody\r\n")
    assert isinstance(page, Page) and page.data.value == {"title": "A"}


def test_bytes_that_are_not_utf8_are_refused_with_their_line(tmp_path: Path) -> None:
    problem = read(tmp_path, b"---\ntitle: ok\nsummary: caf\xe9\n---\n")
    assert isinstance(problem, Problem)
    assert problem.line == 3 and "UTF-8" in problem.message and problem.found == "byte 0xe9"


def test_front_matter_that_never_closes_is_refused(tmp_path: Path) -> None:
    problem = read(tmp_path, b"---\ntitle: A\nzone: green\n\nBody without an end\n")
    assert isinstance(problem, Problem) and "never closes" in problem.message


def test_a_page_without_front_matter_is_refused(tmp_path: Path) -> None:
    problem = read(tmp_path, b"# Just a heading\n")
    assert isinstance(problem, Problem) and "no front-matter" in problem.message
    assert problem.line == 1


def test_front_matter_that_is_a_list_is_refused(tmp_path: Path) -> None:
    problem = read(tmp_path, b"---\n- title\n- zone\n---\n")
    assert isinstance(problem, Problem)
    assert "must be a mapping" in problem.message and problem.found == "list"


def test_empty_front_matter_is_refused(tmp_path: Path) -> None:
    problem = read(tmp_path, b"---\n---\nBody\n")
    assert isinstance(problem, Problem) and problem.found == "nothing"


def test_yaml_errors_report_the_line_in_the_file(tmp_path: Path) -> None:
    problem = read(tmp_path, b"---\ntitle: A\nsummary: 'B\nzone: green\n---\n")
    assert isinstance(problem, Problem) and problem.line == 3


def test_a_duplicate_key_is_reported_at_its_line_and_the_page_still_read(
        tmp_path: Path) -> None:
    page = read(tmp_path, b"---\ntitle: A\nsummary: B\ntitle: C\n---\n")
    assert isinstance(page, Page)
    assert page.data.value == {"title": "A", "summary": "B"}
    [problem] = page.problems
    assert (problem.line, problem.field) == (4, "title") and "given twice" in problem.message


def test_an_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    with path.open("wb") as handle:
        handle.write(b"---\ntitle: x\n---\n")
        handle.seek(50 * 1024 * 1024)
        handle.write(b"x")
    start = time.perf_counter()
    problem = read_page(path, "big.md")
    assert time.perf_counter() - start < 1
    assert isinstance(problem, Problem) and "too large" in problem.message
    assert problem.expected == f"at most {MAX_PAGE_BYTES:,} bytes"


def test_file_names_that_are_not_slugs_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "initiatives"
    folder.mkdir()
    (folder / "Bad Name.md").write_text("---\ntitle: A\n---\n", encoding="utf-8")
    sources = load(folder, tmp_path / "site_data", tmp_path)
    assert "not a valid slug" in sources.problems.items[0].message
    # Still read, so that its other problems are reported with it; never published.
    assert [page.path for page in sources.pages] == ["initiatives/Bad Name.md"]
    assert sources.misnamed == {"initiatives/Bad Name.md"}


def test_the_same_slug_in_two_folders_is_refused_once(tmp_path: Path) -> None:
    folder = tmp_path / "initiatives"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    for sub in ("a", "b"):
        (folder / sub / "same.md").write_text("---\ntitle: A\n---\n", encoding="utf-8")
    sources = load(folder, tmp_path / "site_data", tmp_path)
    [problem] = sources.problems.items
    assert problem.path == "initiatives/b/same.md" and "already used" in problem.message
    assert sources.misnamed == {"initiatives/b/same.md"}


def test_an_index_page_in_the_initiatives_folder_is_not_an_initiative(tmp_path: Path) -> None:
    folder = tmp_path / "initiatives"
    folder.mkdir()
    (folder / "index.md").write_text("# All\n", encoding="utf-8")
    sources = load(folder, tmp_path / "site_data", tmp_path)
    assert not sources.pages and not sources.problems.items


def test_a_data_file_that_is_a_list_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "site_data"
    data.mkdir()
    (data / "partners.yml").write_text("- a\n- b\n", encoding="utf-8")
    sources = load(tmp_path / "none", data, tmp_path)
    assert sources.partners is None
    assert sources.problems.items[0].path == "site_data/partners.yml"
