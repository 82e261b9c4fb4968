"""Property-based tests: whatever the front-matter or data files hold, the loader and the
validator never raise; everything wrong comes back as a `Problem` with a path and a line."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_plugin.load import load
from portfolio_plugin.load.yamlsafe import Located, YamlError, read_yaml
from portfolio_plugin.problems import Problem, Problems
from portfolio_plugin.validate import INITIATIVE_FIELDS, validate

SETTINGS = settings(max_examples=100, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Characters that steer a YAML parser: indicators, quotes, indentation, line breaks.
YAML_ALPHABET = st.sampled_from(
    list(":-?[]{},#&*!|>'\"%@` \t\n\r\ufeff\\") + list("abcnoyestrufl0123456789.") +
    ["title", "summary", "facet", "zone", "partners", "stories", "---", "...", "no", "on",
     "2023-02-30", "!!python/object", "&a", "*a", "<<", "\x00", "\x85", "\u2028", "é"])
YAML_TEXT = st.lists(YAML_ALPHABET, max_size=80).map("".join)

FIELD_NAMES = st.one_of(st.sampled_from(INITIATIVE_FIELDS), st.text(max_size=12))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["no", "yes", "on", "off", "2023-02-30", "2024-05", "2024", "green",
                     "adaptive", "javascript:alert(1)", "https://example.org/", "city",
                     "<script>alert(1)</script>", "1e400", "-0", ".inf", "~"]))
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(FIELD_NAMES, children, max_size=4)),
    max_leaves=20)
FRONT_MATTERS = st.dictionaries(FIELD_NAMES, VALUES, max_size=len(INITIATIVE_FIELDS) + 2)
DATA_FILES = st.dictionaries(st.text(min_size=1, max_size=10),
                             st.dictionaries(FIELD_NAMES, VALUES, max_size=5), max_size=4)

PARTNERS = "city: {name: The City, sector: public}\nacme: {name: Acme, sector: business}\n"
PORTFOLIO = "name: Properties\norganisation: city\ncurrency: SEK\nexchange_rates: {EUR: 11}\n"


def site(root: Path) -> Path:
    (root / "content" / "initiatives").mkdir(parents=True, exist_ok=True)
    (root / "site_data").mkdir(exist_ok=True)
    (root / "site_data" / "partners.yml").write_text(PARTNERS, encoding="utf-8")
    (root / "site_data" / "portfolio.yml").write_text(PORTFOLIO, encoding="utf-8")
    (root / "site_data" / "assets.yml").write_text("", encoding="utf-8")
    return root


def check(root: Path) -> Problems:
    """Load and validate; any exception fails the property."""
    sources = load(root / "content" / "initiatives", root / "site_data", root)
    portfolio, problems = validate(sources)
    assert len(portfolio.initiatives) + len(portfolio.left_out) <= 1
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path.startswith(("content/", "site_data/")), problem
        assert problem.line >= 1 and problem.column >= 1, problem
        assert isinstance(problem.field, str) and problem.message, problem
        str(problem)
        problem.as_json()
        problem.as_github()
    return problems


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_page(root: Path, content: bytes) -> None:
    (root / "content" / "initiatives" / "random.md").write_bytes(content)


@SETTINGS
@given(text=YAML_TEXT)
def test_random_yaml_text_as_front_matter_gives_only_problems(tmp_path: Path, text: str) -> None:
    root = site(tmp_path)
    write_page(root, f"---\n{text}\n---\nBody.\n".encode("utf-8", "surrogatepass"))
    check(root)


@SETTINGS
@given(text=st.text(max_size=200))
def test_any_unicode_text_as_front_matter_gives_only_problems(tmp_path: Path, text: str) -> None:
    root = site(tmp_path)
    write_page(root, ("---\n" + text + "\n---\n").encode("utf-8", "surrogatepass"))
    check(root)


@SETTINGS
@given(front=FRONT_MATTERS)
def test_random_mappings_of_fields_give_only_problems(tmp_path: Path,
                                                      front: dict[str, Any]) -> None:
    root = site(tmp_path)
    write_page(root, f"---\n{dump(front)}---\nBody.\n".encode("utf-8", "surrogatepass"))
    check(root)


@SETTINGS
@given(front=FRONT_MATTERS, base=st.fixed_dictionaries({
    "title": st.just("A title"), "summary": st.just("A summary."),
    "facet": st.just("adaptive"), "zone": st.just("green")}))
def test_random_fields_beside_valid_required_ones_give_only_problems(
        tmp_path: Path, front: dict[str, Any], base: dict[str, Any]) -> None:
    root = site(tmp_path)
    write_page(root, f"---\n{dump({**base, **front})}---\n".encode("utf-8", "surrogatepass"))
    check(root)


@SETTINGS
@given(content=st.binary(max_size=300))
def test_random_bytes_as_a_page_give_only_problems(tmp_path: Path, content: bytes) -> None:
    root = site(tmp_path)
    write_page(root, content)
    check(root)


@SETTINGS
@given(content=st.binary(max_size=200))
def test_random_bytes_inside_front_matter_give_only_problems(tmp_path: Path,
                                                             content: bytes) -> None:
    root = site(tmp_path)
    write_page(root, b"---\ntitle: T\n" + content + b"\n---\n")
    check(root)


@SETTINGS
@given(partners=DATA_FILES, assets=DATA_FILES, portfolio=st.dictionaries(FIELD_NAMES, VALUES,
                                                                         max_size=8))
def test_random_data_files_give_only_problems(tmp_path: Path, partners: dict[str, Any],
                                              assets: dict[str, Any],
                                              portfolio: dict[str, Any]) -> None:
    root = site(tmp_path)
    data = root / "site_data"
    (data / "partners.yml").write_text(dump(partners), encoding="utf-8", errors="surrogatepass")
    (data / "assets.yml").write_text(dump(assets), encoding="utf-8", errors="surrogatepass")
    (data / "portfolio.yml").write_text(dump(portfolio), encoding="utf-8",
                                        errors="surrogatepass")
    write_page(root, b"---\ntitle: T\nsummary: S\nfacet: adaptive\nzone: green\n"
                     b"partners: [city, acme]\n---\n")
    check(root)


@SETTINGS
@given(text=st.one_of(YAML_TEXT, st.text(max_size=100)))
def test_the_yaml_reader_raises_nothing_but_its_own_error(text: str) -> None:
    try:
        located = read_yaml(text, line_offset=3)
    except YamlError as error:
        assert error.line >= 4 and error.column >= 1
        return
    assert isinstance(located, Located)
    _assert_plain(located.value)
    for line, column in located.positions.values():
        assert line >= 4 and column >= 1


def _assert_plain(value: Any) -> None:
    """Only plain values come out: no object a YAML tag could have built."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            _assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            _assert_plain(item)
    else:
        assert value is None or isinstance(value, (bool, int, float, str)), type(value)
        if isinstance(value, float):
            assert math.isfinite(value)
