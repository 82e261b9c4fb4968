"""Property-based tests: whatever the front-matter or data files hold, the loader and the
validator never raise; everything wrong comes back as a `Problem` with a path and a line."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_plugin.export import amount
from portfolio_plugin.load import load
from portfolio_plugin.load.yamlsafe import Located, YamlError, read_yaml
from portfolio_plugin.options import Options, read_config
from portfolio_plugin.pipeline import run
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


# -- extreme numbers through the whole pipeline: validate -> compute -> render -> export ---

PIPELINE_SETTINGS = settings(max_examples=150, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])
BUILT = dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc)
MKDOCS = ("site_name: Numbers\nsite_url: https://numbers.example/\ndocs_dir: content\n"
          "plugins:\n  - portfolio\n")
# Numbers as an author could write them: huge and tiny, negative, near the largest float,
# beyond it, thousands of digits, NaN and infinities, and numbers in range.
NUMBER_TEXTS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.integers(min_value=0, max_value=10**15 - 1).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(min_value=1e300, max_value=1.7976931348623157e308).map(repr),
    st.floats(min_value=-1.0, max_value=1.0).map(repr),
    st.decimals(min_value=0, max_value=10**15 - 1, places=2).map(str),
    st.sampled_from([".nan", ".NaN", ".inf", "-.inf", "nan", "inf", "1e308", "-1e308",
                     "1e400", "-1e400", "5e-324", "-0", "0.0", "1e15", "999999999999999",
                     "1" + "0" * 1000, "1" + "0" * 5000, "-" + "9" * 400, "1900", "2100",
                     "2101", "3", "2"]),
)
# Where a number goes: (the field path the problem names, the range it must lie in).
NUMBER_FIELDS = {
    "funding[0].amount": (0, 10**15, False, True),
    "funding[0].year": (1900, 2100, False, False),
    "indicators[0].baseline": (-(10**15), 10**15, True, True),
    "indicators[0].target": (-(10**15), 10**15, True, True),
    "indicators[0].values[0].value": (-(10**15), 10**15, True, True),
    "position.certainty": (-1, 1, False, False),
    "position.direction": (-1, 1, False, False),
    "layer": (2, 3, False, False),
    "base_investment[0].amount": (0, 10**15, False, True),
    "base_investment[0].year": (1900, 2100, False, False),
    "exchange_rates.EUR": (0, 10**6, True, False),
}
YEAR_FIELDS = {"funding[0].year", "base_investment[0].year"}
# How a figure that is not finite would be printed: by Python, JSON, Babel or plotly.
NOT_FINITE = re.compile(r"\b(?:NaN|nan|Infinity|inf)\b|∞")


def _as_number(text: str) -> int | float | None:
    """What Python makes of a number's text: None for what is not a finite number."""
    try:
        value: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
    except (ValueError, OverflowError):
        return None if not text.lstrip("-").isdigit() else (10**5000 * (-1 if text[0] == "-"
                                                                          else 1))
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _in_range(field: str, value: int | float | None) -> bool:
    low, high, low_open, high_open = NUMBER_FIELDS[field]
    if value is None:
        return False
    if field in YEAR_FIELDS or field == "layer":
        if not isinstance(value, int):
            return False
        return value in (2, 3) if field == "layer" else low <= value <= high
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    return above and below


def number_site(root: Path, field: str, text: str) -> Options:
    """A site whose one initiative (or portfolio.yml) holds `text` where `field` is."""
    def at(name: str, default: str) -> str:
        return text if field == name else default

    (root / "content" / "initiatives").mkdir(parents=True, exist_ok=True)
    (root / "content" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    data = root / "site_data"
    data.mkdir(exist_ok=True)
    (data / "partners.yml").write_text(PARTNERS, encoding="utf-8")
    (data / "assets.yml").write_text("", encoding="utf-8")
    (data / "portfolio.yml").write_text(
        "name: Numbers\norganisation: city\ncurrency: SEK\nlicence: CC0-1.0\n"
        f"exchange_rates: {{EUR: {at('exchange_rates.EUR', '1')}}}\n"
        f"base_investment:\n  - {{year: {at('base_investment[0].year', '2024')}, "
        f"amount: {at('base_investment[0].amount', '1000')}, funder: city}}\n",
        encoding="utf-8")
    (root / "content" / "initiatives" / "numbers.md").write_text(
        "---\ntitle: Numbers\nsummary: Extreme numbers.\nfacet: adaptive\nzone: green\n"
        f"layer: {at('layer', '2')}\n"
        f"funding:\n  - {{funder: acme, amount: {at('funding[0].amount', '500')}, "
        f"year: {at('funding[0].year', '2024')}, currency: EUR}}\n"
        "indicators:\n  - name: Trips\n"
        f"    baseline: {at('indicators[0].baseline', '0')}\n"
        f"    target: {at('indicators[0].target', '10')}\n"
        f"    values: [{{date: 2024, value: {at('indicators[0].values[0].value', '5')}}}]\n"
        f"position: {{certainty: {at('position.certainty', '0.5')}, "
        f"direction: {at('position.direction', '-0.5')}}}\n"
        "---\nBody.\n", encoding="utf-8")
    return read_config(root / "mkdocs.yml")


def _exported(document: dict[str, Any], field: str) -> Any:
    """The value `field` has in `data/portfolio.json`."""
    info = document["portfolio"]
    initiative = document["initiatives"][0]
    where = {
        "funding[0].amount": lambda: initiative["funding"][0]["original_amount"],
        "funding[0].year": lambda: initiative["funding"][0]["year"],
        "indicators[0].baseline": lambda: initiative["indicators"][0]["baseline"],
        "indicators[0].target": lambda: initiative["indicators"][0]["target"],
        "indicators[0].values[0].value":
            lambda: initiative["indicators"][0]["values"][0]["value"],
        "position.certainty": lambda: initiative["position"]["certainty"],
        "position.direction": lambda: initiative["position"]["direction"],
        "layer": lambda: initiative["layer"],
        "base_investment[0].amount": lambda: info["base_investment"][0]["original_amount"],
        "base_investment[0].year": lambda: info["base_investment"][0]["year"],
        "exchange_rates.EUR": lambda: info["exchange_rates"]["EUR"],
    }
    return where[field]()


@PIPELINE_SETTINGS
@given(field=st.sampled_from(sorted(NUMBER_FIELDS)), text=NUMBER_TEXTS)
def test_extreme_numbers_are_located_errors_or_exported_as_written(
        tmp_path_factory: pytest.TempPathFactory, field: str, text: str) -> None:
    root = tmp_path_factory.mktemp("numbers")
    build = run(number_site(root, field, text), built=BUILT)  # any exception fails
    value = _as_number(text)
    errors = build.problems.errors
    if not _in_range(field, value):
        # A refused rate leaves the money in that currency without one, said at its own line.
        also = {"funding[0].currency"} if field == "exchange_rates.EUR" else set()
        assert errors and errors[0].field == field, [str(p) for p in errors]
        assert {p.field for p in errors[1:]} <= also, [str(p) for p in errors]
        problem = errors[0]
        assert problem.line > 1 and problem.column >= 1 and problem.expected, str(problem)
        assert problem.found and len(problem.found) < 80, str(problem)
        return
    assert value is not None
    # In range: the only refusal left is a funding amount that leaves it once converted.
    if field == "exchange_rates.EUR" and 500 * value >= 10**15:
        assert [p.field for p in errors] == ["funding[0].amount"]
        return
    assert not errors, [str(p) for p in errors]
    document = json.loads(build.rendered.files["data/portfolio.json"])
    exported = _exported(document, field)
    if field.endswith("amount"):
        assert exported == amount(value)  # to the cent, as every amount is published
    else:
        assert exported == value
    assert build.rendered.pages  # the pages were made too


def test_thousands_of_amounts_at_the_top_of_the_range_stay_finite_on_every_page(
        tmp_path: Path) -> None:
    root = tmp_path
    options = number_site(root, "funding[0].amount", "999999999999999")
    lines = "".join(f"  - {{funder: acme, amount: 999999999999999, year: {year}}}\n"
                    for year in (2023, 2024) for _ in range(50))
    for n in range(20):  # 20 initiatives of 100 amounts each: 2,000 amounts near 10^15
        (root / "content" / "initiatives" / f"big-{n}.md").write_text(
            f"---\ntitle: Big {n}\nsummary: S.\nfacet: adaptive\nzone: blue\n"
            f"layer: {2 + n % 2}\nfunding:\n{lines}---\n", encoding="utf-8")
    # A base investment of one cent: the leverage is about 10^20.
    (root / "site_data" / "portfolio.yml").write_text(
        "name: Big\norganisation: city\ncurrency: SEK\nlicence: CC0-1.0\n"
        "exchange_rates: {EUR: 1}\n"
        "base_investment: [{year: 2024, amount: 0.01, funder: city}]\n", encoding="utf-8")
    build = run(options, built=BUILT)
    assert not build.problems.errors, [str(p) for p in build.problems.errors]
    document = json.loads(build.rendered.files["data/portfolio.json"])
    total = document["leverage"]["total"]
    # The 2,000 amounts and the first page's own one.
    assert total["layer2"] + total["layer3"] == pytest.approx(2001 * 999999999999999,
                                                              rel=1e-9)
    assert math.isfinite(total["leverage"]) and total["leverage"] > 10**20
    assert len(build.rendered.pages) > 20
    for uri, text in [*build.rendered.pages.items(),
                      *((u, d.decode("utf-8")) for u, d in build.rendered.files.items()
                        if u.startswith("data/") and u.endswith((".json", ".csv", ".xml")))]:
        assert not NOT_FINITE.search(text), (uri, NOT_FINITE.search(text))


def test_a_base_investment_below_a_cent_gives_no_ratio_rather_than_one_that_cannot_print(
        tmp_path: Path) -> None:
    build = run(number_site(tmp_path, "base_investment[0].amount", "1.1e-166"), built=BUILT)
    assert not build.problems.items, [str(p) for p in build.problems]
    document = json.loads(build.rendered.files["data/portfolio.json"])
    assert document["leverage"]["total"]["leverage"] is None
    assert document["portfolio"]["base_investment"][0]["original_amount"] == 0
