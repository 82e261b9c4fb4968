"""Reading files: front-matter boundaries, encodings, sizes, slugs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from corpus.special import SPECIAL, bounded, make

from portfolio_plugin.load import MAX_PAGE_BYTES, Page, load, read_page, split_front_matter
from portfolio_plugin.load.files import EXPECTED, TooLargeError, read_bytes
from portfolio_plugin.pipeline import analyse, check
from portfolio_plugin.problems import Problem

from support import VALID, Site


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


@pytest.mark.parametrize(("text", "split"), [
    ("---\na: 1\n---\nBody\n", ("a: 1", "Body\n", 4)),
    ("--- \t\na: 1\n... \nBody", ("a: 1", "Body", 4)),  # spaces or tabs end a fence
    ("---\n---\n", ("", "", 3)),  # closed on the line after it opens
    ("---\na: 1\n---", ("a: 1", "", 4)),  # the last line closes it
    ("---\na: 1\n--- x\n----\n---\nB\n---\n", ("a: 1\n--- x\n----", "B\n---\n", 6)),
])
def test_front_matter_ends_at_the_first_line_that_is_only_a_fence(
        text: str, split: tuple[str, str, int]) -> None:
    assert split_front_matter(text, "page.md") == split


@pytest.mark.parametrize(("text", "found"), [
    ("", "''"), ("...\na: 1\n...\n", "'...'"), ("----\n---\n", "'----'"),
    ("---\r\na: 1\n---\n", "'---\\r'"), ("--- a\n---\n", "'--- a'"),
])
def test_a_page_that_does_not_open_with_a_line_of_three_dashes_has_no_front_matter(
        text: str, found: str) -> None:
    problem = split_front_matter(text, "page.md")
    assert isinstance(problem, Problem) and "no front-matter" in problem.message
    assert problem.found == found


@pytest.mark.parametrize("text", ["---", "---\n", "---\na: 1\n", "---\na: 1\n---x\n",
                                  "---\na: 1\n---\r\nBody\n"])
def test_front_matter_without_a_line_that_is_only_a_fence_never_closes(text: str) -> None:
    problem = split_front_matter(text, "page.md")
    assert isinstance(problem, Problem) and "never closes" in problem.message


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


# -- only regular files inside the site (the special files: tests/corpus/special.py) -------

def checked(site: Site) -> tuple[list[str], list[Problem]]:
    """What `portfolio validate` finds: the valid slugs and the problems, found in a process
    of its own that may take little time and memory (a FIFO or /dev/zero fails, not hangs)."""
    portfolio, problems = bounded(check, site.options)
    return [i.slug for i in portfolio.initiatives], problems.sorted()


def only(problems: list[Problem], path: str) -> Problem:
    mine = [p for p in problems if p.path == path]
    assert len(mine) == 1, [str(p) for p in problems]
    return mine[0]


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_an_initiative_page_that_is_not_a_regular_file_inside_the_site_is_refused_unread(
        site: Site, kind: str) -> None:
    site.page("good", VALID)
    make(site.initiatives / f"{kind}.md", kind)
    slugs, problems = checked(site)
    assert slugs == ["good"]
    problem = only(problems, f"content/initiatives/{kind}.md")
    assert (problem.line, problem.column) == (1, 1)
    assert problem.expected == EXPECTED and problem.found == SPECIAL[kind][1]
    assert "refused" in problem.message


def test_a_symlinked_page_never_has_its_content_quoted(site: Site) -> None:
    # Before: "found 'root:x:0:0:root:/root:/bin/bash'" (its first line, as front-matter).
    make(site.initiatives / "passwd.md", "passwd")
    _, problems = checked(site)
    assert "root:" not in str(only(problems, "content/initiatives/passwd.md"))


def test_a_symlink_that_stays_inside_the_site_is_read(site: Site) -> None:
    (site.root / "drafts").mkdir()
    (site.root / "drafts" / "shared.md").write_text(VALID, encoding="utf-8")
    os.symlink("../../drafts/shared.md", site.initiatives / "linked.md")
    slugs, problems = checked(site)
    assert slugs == ["linked"] and problems == []


@pytest.mark.parametrize("kind", ["zero", "fifo", "passwd"])
def test_a_site_data_file_that_is_not_a_regular_file_inside_the_site_is_refused(
        site: Site, kind: str) -> None:
    (site.root / "site_data" / "assets.yml").unlink()
    make(site.root / "site_data" / "assets.yml", kind)
    site.page("good", VALID)
    _, problems = checked(site)
    problem = only(problems, "site_data/assets.yml")
    assert problem.expected == EXPECTED and problem.found == SPECIAL[kind][1]


def test_a_folder_symlink_loop_among_the_initiatives_is_reported(site: Site) -> None:
    site.page("good", VALID)
    os.symlink("..", site.initiatives / "loop")
    slugs, problems = checked(site)
    assert slugs == ["good"]
    problem = only(problems, "content/initiatives/loop")
    assert problem.found == "a symlink to .., a folder that contains it"
    assert "again and again" in problem.message


def test_a_folder_symlink_that_leaves_the_site_is_not_followed(
        site: Site, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "stranger.md").write_text(VALID, encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", site.initiatives / "away")
    os.mkdir(site.root / "more")
    (site.root / "more" / "inner.md").write_text(VALID, encoding="utf-8")
    os.symlink("../../more", site.initiatives / "more")  # inside the site: followed
    slugs, problems = checked(site)
    assert slugs == ["inner"]
    problem = only(problems, "content/initiatives/away")
    assert problem.found == f"a symlink to {tmp_path / 'elsewhere'}, a folder outside the site"


def test_an_initiatives_source_outside_the_site_is_not_read(
        site: Site, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "stranger.md").write_text(VALID, encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", site.root / "shared")
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - portfolio\n", "  - portfolio:\n      initiatives_source: shared\n"),
        encoding="utf-8")
    slugs, problems = checked(site)
    assert slugs == []
    assert "outside the site" in only(problems, "shared").message


def test_a_read_stops_one_byte_past_the_limit_whatever_size_the_file_system_says() -> None:
    # /proc says 0 bytes for a file that holds more: it is read up to the limit, no further.
    assert os.stat("/proc/self/environ").st_size == 0
    with pytest.raises(TooLargeError):
        read_bytes("/proc/self/environ", "/proc", limit=4)
    assert read_bytes("/proc/self/environ", "/proc", limit=1 << 20) != b""


def test_a_site_locale_file_that_leaves_the_site_is_refused(site: Site) -> None:
    site.page("good", VALID)
    make(site.root / "site_data" / "locales" / "en.yml", "passwd")
    build = bounded(analyse, site.options)
    problem = only(build.problems.sorted(), "site_data/locales/en.yml")
    assert problem.found == SPECIAL["passwd"][1]
