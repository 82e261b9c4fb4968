"""`licence` in site_data/portfolio.yml: the SPDX id of the open data's licence. A common one
is kept as it is; another id of the right shape is kept with a warning and a did-you-mean; a
malformed one is an error; none is a warning at portfolio.yml (DESIGN.md, site_data/)."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from portfolio_plugin.model import LICENCES, Portfolio, licence
from portfolio_plugin.pipeline import check
from portfolio_plugin.problems import Problem, Problems, Severity
from portfolio_plugin.validate.contract import SCHEMAS

from support import PORTFOLIO, Site


def run(site: Site, **changes: Any) -> tuple[Portfolio, Problems]:
    data = {k: v for k, v in PORTFOLIO.items() if k != "licence"}
    data.update({k: v for k, v in changes.items() if v is not None})
    site.data("portfolio.yml", data)
    return check(site.options)


def licence_problems(problems: Problems) -> list[Problem]:
    return [p for p in problems if p.field == "licence"]


@pytest.mark.parametrize("spdx_id", sorted(LICENCES))
def test_a_common_open_data_licence_is_kept_without_a_problem(site: Site, spdx_id: str) -> None:
    portfolio, problems = run(site, licence=spdx_id)
    assert not problems.items, [str(p) for p in problems]
    assert portfolio.info.licence == spdx_id


def test_a_licence_id_is_read_without_regard_to_case(site: Site) -> None:
    portfolio, problems = run(site, licence="cc-by-sa-4.0")
    assert not problems.items, [str(p) for p in problems]
    assert portfolio.info.licence == "CC-BY-SA-4.0"


def test_an_unknown_licence_id_is_kept_with_a_warning_and_the_closest_known_one(
        site: Site) -> None:
    portfolio, problems = run(site, licence="CC-BY-4")
    (problem,) = licence_problems(problems)
    assert problem.severity is Severity.WARNING
    assert problem.path == "site_data/portfolio.yml"
    lines = (site.root / "site_data" / "portfolio.yml").read_text("utf-8").splitlines()
    written = next(n for n, line in enumerate(lines, 1) if line.startswith("licence:"))
    assert (problem.line, problem.column) == (written, 1)
    assert problem.found == "'CC-BY-4'" and problem.suggestion == "CC-BY-4.0"
    assert "CC0-1.0" in (problem.expected or "")
    assert portfolio.info.licence == "CC-BY-4"


def test_a_plausible_spdx_id_the_plugin_does_not_list_is_a_warning_not_an_error(
        site: Site) -> None:
    portfolio, problems = run(site, licence="GPL-2.0+")
    assert [p.severity for p in licence_problems(problems)] == [Severity.WARNING]
    assert portfolio.info.licence == "GPL-2.0+"


@pytest.mark.parametrize(("written", "suggestion"), [
    ("CC BY 4.0", "CC-BY-4.0"), ("Creative Commons", None), ("-ODbL", "ODbL-1.0"),
])
def test_a_licence_that_is_not_an_spdx_id_is_an_error(site: Site, written: str,
                                                      suggestion: str | None) -> None:
    portfolio, problems = run(site, licence=written)
    (problem,) = licence_problems(problems)
    assert problem.severity is Severity.ERROR
    assert "SPDX" in problem.message and problem.found == repr(written)
    assert problem.suggestion == suggestion
    assert portfolio.info.licence is None


def test_a_licence_that_is_not_text_is_an_error(site: Site) -> None:
    _, problems = run(site, licence=["CC-BY-4.0"])
    (problem,) = licence_problems(problems)
    assert problem.severity is Severity.ERROR and problem.found == "a list"


def test_without_a_licence_the_build_warns_at_portfolio_yml(site: Site) -> None:
    portfolio, problems = run(site)
    (problem,) = problems.items
    assert (problem.path, problem.line, problem.column, problem.field) == (
        "site_data/portfolio.yml", 1, 1, "licence")
    assert problem.severity is Severity.WARNING
    assert problem.expected == "an SPDX licence id such as CC-BY-4.0"
    assert problem.found == "nothing"
    assert portfolio.info.licence is None


def test_a_site_without_portfolio_yml_is_not_told_about_a_licence(site: Site) -> None:
    (site.root / "site_data" / "portfolio.yml").unlink()
    _, problems = check(site.options)
    assert licence_problems(problems) == []


def test_a_common_licence_has_a_name_and_the_address_of_its_text() -> None:
    assert licence("ODbL-1.0").name == "Open Data Commons Open Database License v1.0"
    assert licence("ODbL-1.0").url.startswith("https://opendatacommons.org/")
    assert licence("NLOD-2.0").url == "https://data.norge.no/nlod/en/2.0"
    assert licence("Made-Up-1.0").url == "https://spdx.org/licenses/Made-Up-1.0.html"


@pytest.mark.parametrize(("written", "valid"), [
    ("CC-BY-4.0", True), ("GPL-2.0+", True), ("CC BY 4.0", False), ("", False),
])
def test_the_portfolio_schema_knows_the_licence_field(written: str, valid: bool) -> None:
    schema = SCHEMAS["portfolio"]()
    assert "licence" in schema["properties"]
    assert Draft202012Validator(schema).is_valid({"licence": written}) is valid


def test_an_empty_portfolio_yml_is_not_told_about_a_licence(site: Site) -> None:
    (site.root / "site_data" / "portfolio.yml").write_bytes(b"\xef\xbb\xbf")
    _, problems = check(site.options)
    assert licence_problems(problems) == []
