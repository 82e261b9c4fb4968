"""Hostile YAML: each unsafe or broken file gives one clear problem naming the file, the line
and the field, within a second and in bounded memory, and never a traceback.

Checked three ways: through `load` + `validate` (timed, memory traced), through the
`portfolio validate` command (exit code 1, no traceback), and through a plain `mkdocs build`
(the broken pages are not published, valid ones are).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from portfolio_plugin.load import load
from portfolio_plugin.model import Portfolio
from portfolio_plugin.problems import Problem, Problems
from portfolio_plugin.validate import validate

VALID = "title: Valid title\nsummary: A valid summary.\nfacet: adaptive\nzone: green\n"
PARTNERS = {"city": {"name": "The City", "sector": "public"},
            "acme": {"name": "Acme AB", "sector": "business"}}
PORTFOLIO = {"name": "Hostile YAML", "organisation": "city", "currency": "SEK",
             "licence": "CC-BY-4.0"}
MAX_SECONDS = 1.0
MAX_TRACED_BYTES = 32 * 1024 * 1024
BIG = 50 * 1024 * 1024


def billion_laughs() -> str:
    """Nine levels of nine aliases each: 9**9 'lol's if anything expanded it."""
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        ref = f"*lol{level - 1}"
        lines.append(f"lol{level}: &lol{level} [{', '.join([ref] * 9)}]")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    """A hostile initiative page and the one problem it must give."""

    name: str
    content: bytes
    line: int
    field: str
    words: str  # a part of the message


def page(front: str, body: str = "Body.\n") -> bytes:
    return f"---\n{front}---\n{body}".encode()


# Line numbers count the opening '---' as line 1; VALID fills lines 2-5.
PAGE_CASES = [
    Case("alias-bomb", page(VALID + billion_laughs()), 6, "lol0", "anchors"),
    Case("alias-only", page(VALID + "stories: *missing\n"), 6, "stories", "aliases"),
    Case("deep-flow-nesting", page(VALID + "stories: " + "[" * 10_000 + "]" * 10_000 + "\n"),
         6, "stories", "nested deeper"),
    Case("deep-block-nesting",
         page(VALID + "indicators:\n" + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(300))),
         # The mapping opened on line 7 is the 2nd level; the 33rd level opens on line 38.
         38, "indicators", "nested deeper"),
    Case("tab-indentation", page(VALID + "partners:\n\t- city\n"), 7, "partners", "tab"),
    Case("duplicate-key", page(VALID + "facet: anticipatory\n"), 6, "facet", "given twice"),
    Case("duplicate-nested-key",
         page(VALID + "partners:\n  - {id: city, role: Host, role: Owner}\n"), 7,
         "partners[0].role", "given twice"),
    Case("impossible-date", page(VALID + "start: 2023-02-30\n"), 6, "start", "calendar"),
    Case("impossible-story-date",
         page(VALID + "stories:\n  - date: 2024-13-01\n    title: A story\n"), 7,
         "stories[0].date", "not a date"),
    Case("impossible-leap-day",
         page(VALID + "zone_history:\n  - {date: 2023-02-29, zone: green}\n"), 7,
         "zone_history[0].date", "calendar"),
    Case("non-utf8", page(VALID).replace(b"A valid summary", b"A caf\xe9 summary"), 3,
         "summary", "not UTF-8"),
    Case("latin1-file", page(VALID).decode().encode("utf-16"), 1, "", "not UTF-8"),
    Case("never-closes", f"---\n{VALID}Body without a closing line.\n".encode(), 1, "",
         "never closes"),
    Case("list-not-mapping", page("- title\n- summary\n"), 2, "", "must be a mapping"),
    Case("text-not-mapping", page("just some text\n"), 2, "", "must be a mapping"),
    Case("empty-file", b"", 1, "", "no front-matter"),
    Case("only-dashes", b"---\n", 1, "", "never closes"),
    Case("only-two-dashes", b"---\n---\n", 2, "", "must be a mapping"),
    Case("python-tag", page(VALID + "links: !!python/object/apply:os.system [echo hi]\n"), 6,
         "links", "tag"),
    Case("unclosed-quote", page(VALID + 'status: "active\n'), 6, "status", "invalid YAML"),
]


def make_site(root: Path, pages: dict[str, bytes], data: dict[str, bytes] | None = None) -> Path:
    """A site on disk with valid site_data (unless `data` replaces a file) and `pages`."""
    (root / "content" / "initiatives").mkdir(parents=True, exist_ok=True)
    (root / "site_data").mkdir(exist_ok=True)
    (root / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Hostile YAML
        docs_dir: content
        theme:
          name: material
          font: false
        plugins:
          - search
          - portfolio
        """), encoding="utf-8")
    files = {"portfolio.yml": yaml.safe_dump(PORTFOLIO).encode(),
             "partners.yml": yaml.safe_dump(PARTNERS).encode()}
    files.update(data or {})
    for name, content in files.items():
        (root / "site_data" / name).write_bytes(content)
    for slug, content in pages.items():
        (root / "content" / "initiatives" / f"{slug}.md").write_bytes(content)
    return root


def check(root: Path) -> tuple[Portfolio, Problems, float, int]:
    """Load and validate, timing it and tracing the memory it takes."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        sources = load(root / "content" / "initiatives", root / "site_data", root)
        portfolio, problems = validate(sources)
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return portfolio, problems, elapsed, peak


def the_problem(problems: Problems, path: str) -> Problem:
    mine = [p for p in problems if p.path == path]
    assert len(mine) == 1, [str(p) for p in problems]
    return mine[0]


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda c: c.name)
def test_a_hostile_page_gives_one_clear_problem_fast_and_in_bounded_memory(
        tmp_path: Path, case: Case) -> None:
    root = make_site(tmp_path, {case.name: case.content, "valid-neighbour": page(VALID)})
    portfolio, problems, elapsed, peak = check(root)
    problem = the_problem(problems, f"content/initiatives/{case.name}.md")
    assert problem.line == case.line, str(problem)
    assert problem.field == case.field, str(problem)
    assert case.words in problem.message, str(problem)
    assert problem.column >= 1
    assert [i.slug for i in portfolio.initiatives] == ["valid-neighbour"]
    assert case.name in portfolio.left_out
    assert elapsed < MAX_SECONDS, f"{elapsed:.2f} s"
    assert peak < MAX_TRACED_BYTES, f"{peak / 1e6:.1f} MB"


def test_a_50_mb_page_is_refused_without_being_read(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"valid-neighbour": page(VALID)})
    with (root / "content" / "initiatives" / "huge.md").open("wb") as out:
        out.write(b"---\n" + VALID.encode() + b"body: |\n")
        out.write(b"  " + b"x" * 1023 + b"\n")
        out.truncate(BIG)
    portfolio, problems, elapsed, peak = check(root)
    problem = the_problem(problems, "content/initiatives/huge.md")
    assert "too large" in problem.message and problem.line == 1
    assert problem.found == f"{BIG:,} bytes"
    assert elapsed < MAX_SECONDS and peak < 1024 * 1024
    assert [i.slug for i in portfolio.initiatives] == ["valid-neighbour"]


def test_a_50_mb_data_file_is_refused_without_being_read(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"valid-neighbour": page(VALID)})
    with (root / "site_data" / "assets.yml").open("wb") as out:
        out.write(b"big:\n  name: Big\n  kind: dataset\n  description: |\n")
        out.truncate(BIG)
    _, problems, elapsed, peak = check(root)
    problem = the_problem(problems, "site_data/assets.yml")
    assert "too large" in problem.message and problem.line == 1
    assert elapsed < MAX_SECONDS and peak < 1024 * 1024


def test_a_page_just_under_the_size_limit_is_read_in_under_a_second(tmp_path: Path) -> None:
    stories = "".join(f"  - {{date: 2024-01-01, title: Story {n}, text: {'word ' * 20}}}\n"
                      for n in range(6_000))
    content = page(VALID + "stories:\n" + stories)
    assert 800_000 < len(content) < 1024 * 1024
    root = make_site(tmp_path, {"many-stories": content})
    start = time.perf_counter()
    portfolio, problems = validate(load(root / "content" / "initiatives", root / "site_data",
                                        root))
    elapsed = time.perf_counter() - start
    assert not problems.errors, [str(p) for p in problems][:3]
    assert len(portfolio.initiatives[0].stories) == 6_000
    assert elapsed < MAX_SECONDS, f"{elapsed:.2f} s"


def test_a_byte_order_mark_is_skipped_and_the_page_read_as_written(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"bom": b"\xef\xbb\xbf" + page(VALID)})
    portfolio, problems, _, _ = check(root)
    assert list(problems) == []
    assert portfolio.initiatives[0].title.get("en") == "Valid title"


def test_unquoted_yes_no_on_off_where_text_is_expected_are_that_text(tmp_path: Path) -> None:
    front = textwrap.dedent("""\
        title: no
        summary: on
        facet: adaptive
        zone: green
        partners:
          - {id: acme, role: off}
        stories:
          - {date: 2024-05-01, title: yes, text: No}
        zone_history:
          - {date: 2024, zone: green, note: OFF}
        links:
          - {title: Yes, url: "https://example.org/"}
        indicators:
          - {name: on, unit: no, values: [{date: 2024, value: 1}]}
        """)
    partners = dict(PARTNERS, acme={"name": "yes", "sector": "business"})
    data = {"partners.yml": yaml.safe_dump(partners).replace("'yes'", "yes").encode(),
            "portfolio.yml": (yaml.safe_dump(PORTFOLIO) + "themes:\n  t1: {title: no}\n"
                              "mandates:\n  m1: {title: off, level: local}\n").encode()}
    assert b"name: yes" in data["partners.yml"]
    root = make_site(tmp_path, {"booleans": page(front + "themes: [t1]\nmandates: [m1]\n")},
                     data)
    portfolio, problems, _, _ = check(root)
    assert list(problems) == [], [str(p) for p in problems]
    initiative = portfolio.initiatives[0]
    assert initiative.title.get("en") == "no"
    assert initiative.summary.get("en") == "on"
    assert initiative.partners[0].role == "off"
    assert (initiative.stories[0].title, initiative.stories[0].text) == ("yes", "No")
    assert initiative.zone_history[0].note == "OFF"
    assert initiative.links[0].title == "Yes"
    assert (initiative.indicators[0].name, initiative.indicators[0].unit) == ("on", "no")
    assert portfolio.partner("acme") is not None
    assert portfolio.partner("acme").name == "yes"  # type: ignore[union-attr]
    assert [t.title for t in portfolio.info.themes] == ["no"]
    assert [m.title for m in portfolio.info.mandates] == ["off"]


DATA_CASES = [
    ("partners.yml", b"city:\n  name: The City\n  sector: public\ncity:\n  name: Again\n", 4,
     "city", "given twice"),
    ("partners.yml", billion_laughs().encode(), 1, "lol0", "anchors"),
    ("partners.yml", b"city:\n\tname: The City\n", 2, "city", "tab"),
    ("partners.yml", b"- city\n- acme\n", 1, "", "must be a mapping"),
    ("partners.yml", b"city:\n  name: Caf\xe9\n  sector: public\n", 2, "city", "not UTF-8"),
    ("portfolio.yml", b"name: X\nthemes: " + b"{a: " * 5_000 + b"1" + b"}" * 5_000 + b"\n", 2,
     "themes", "nested deeper"),
    ("assets.yml", b"lab: {name: Lab, kind: testbed, owner: city, kind: dataset}\n", 1,
     "lab.kind", "given twice"),
]


@pytest.mark.parametrize(("name", "content", "line", "field", "words"), DATA_CASES,
                         ids=[f"{c[0]}-{c[4]}" for c in DATA_CASES])
def test_a_hostile_data_file_gives_a_clear_problem(
        tmp_path: Path, name: str, content: bytes, line: int, field: str, words: str) -> None:
    root = make_site(tmp_path, {"valid-neighbour": page(VALID)}, {name: content})
    _, problems, elapsed, peak = check(root)
    problem = the_problem(problems, f"site_data/{name}")
    assert (problem.line, problem.field) == (line, field), str(problem)
    assert words in problem.message, str(problem)
    assert elapsed < MAX_SECONDS and peak < MAX_TRACED_BYTES


def test_an_empty_or_bom_only_data_file_reads_as_empty(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"valid-neighbour": page(VALID)},
                     {"assets.yml": b"", "portfolio.yml": b"\xef\xbb\xbf"})
    portfolio, problems, _, _ = check(root)
    assert list(problems) == []
    assert portfolio.assets == () and len(portfolio.initiatives) == 1


def portfolio_command() -> list[str]:
    """The installed `portfolio` console script, beside this Python."""
    script = Path(sys.executable).parent / "portfolio"
    found = str(script) if script.exists() else shutil.which("portfolio")
    assert found, "the portfolio command is not installed (pip install -e .)"
    return [found]


def run_validate(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([*portfolio_command(), "-f", str(root / "mkdocs.yml"), "validate",
                           *extra], capture_output=True, text=True, timeout=60, check=False,
                          env=environment)


def test_the_validate_command_reports_every_hostile_page_without_a_traceback(
        tmp_path: Path) -> None:
    pages = {case.name: case.content for case in PAGE_CASES}
    pages["valid-neighbour"] = page(VALID)
    root = make_site(tmp_path, pages)
    with (root / "content" / "initiatives" / "huge.md").open("wb") as out:
        out.write(b"---\n")
        out.truncate(BIG)
    start = time.perf_counter()
    result = run_validate(root)
    elapsed = time.perf_counter() - start
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for case in PAGE_CASES:
        prefix = f"content/initiatives/{case.name}.md:{case.line}:"
        matching = [line for line in lines if line.startswith(prefix)]
        assert matching, f"no line starts with {prefix}"
        assert ": error: " in matching[0]
        if case.field:
            assert f": error: {case.field}: " in matching[0], matching[0]
    assert any(line.startswith("content/initiatives/huge.md:1:") for line in lines)
    assert "1 initiative(s) valid" in result.stderr
    assert elapsed < 10, f"{elapsed:.1f} s for the whole command"


@pytest.mark.parametrize("fmt", ["json", "github"])
def test_the_validate_command_formats_hostile_problems_without_a_traceback(
        tmp_path: Path, fmt: str) -> None:
    root = make_site(tmp_path, {c.name: c.content for c in PAGE_CASES[:6]},
                     {"partners.yml": DATA_CASES[0][1]})
    result = run_validate(root, "--format", fmt)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    if fmt == "json":
        import json

        problems = json.loads(result.stdout)
        assert {p["path"] for p in problems} >= {"site_data/partners.yml",
                                                  "content/initiatives/alias-bomb.md"}
        assert all(p["line"] >= 1 for p in problems)
    else:
        assert "::error file=site_data/partners.yml,line=4," in result.stdout


def test_a_plain_build_publishes_the_valid_page_and_none_of_the_hostile_ones(
        tmp_path: Path) -> None:
    pages = {case.name: case.content for case in PAGE_CASES}
    pages["valid-neighbour"] = page(VALID)
    root = make_site(tmp_path, pages)
    out = tmp_path / "built"
    environment = dict(os.environ, SOURCE_DATE_EPOCH="1731622400", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f",
                             str(root / "mkdocs.yml"), "-d", str(out)], capture_output=True,
                            text=True, timeout=300, check=False, env=environment)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert (out / "initiatives" / "valid-neighbour" / "index.html").is_file()
    published = {p.parent.name for p in (out / "initiatives").glob("*/index.html")}
    assert published == {"valid-neighbour"}
    for html in out.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "lol0" not in text and "&amp;lol" not in text, html
    strict = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                             str(root / "mkdocs.yml"), "-d", str(tmp_path / "strict")],
                            capture_output=True, text=True, timeout=300, check=False,
                            env=environment)
    assert strict.returncode != 0
    assert "Traceback" not in strict.stderr
