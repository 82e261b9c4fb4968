"""Portfolio of portfolios: reading other portfolios' portfolio.json, checking it, caching the
last good copy, and the page that sets the portfolios side by side."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus.special import SPECIAL, bounded, make

from portfolio_plugin.export import export_files
from portfolio_plugin.export.federation import (
    CACHE_DIR,
    CACHE_ROOT,
    LayerYear,
    PartnerEntry,
    PortfolioSummary,
    cache_folder,
    cache_path,
    gather,
    shared_partners,
)
from portfolio_plugin.i18n import Translator
from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import analyse, run
from portfolio_plugin.problems import Severity

from support import (
    EPOCH,
    FIRST_URL,
    first_document,
    mkdocs_build,
    write_second,
    write_site,
)

# -- two real sites ------------------------------------------------------------------------

def test_a_second_site_sets_the_first_beside_itself(tmp_path: Path) -> None:
    first = write_site(tmp_path / "first", FIRST_URL)
    mkdocs_build(first, tmp_path / "first" / "site")
    published = tmp_path / "first" / "site" / "data" / "portfolio.json"
    assert json.loads(published.read_text(encoding="utf-8"))["portfolio"]["name"] == \
        "Testvik Platform"

    second = write_second(tmp_path / "second", ["../first/site/data/portfolio.json"])
    mkdocs_build(second, tmp_path / "second" / "site")
    page = (tmp_path / "second" / "site" / "portfolio" / "federation" / "index.html").read_text(
        encoding="utf-8")
    # Both portfolios, each with its own leverage: 0.2 (1,000 / 5,000 EUR) and 0.5 (by hand).
    assert "Sjöby Labs" in page and "Testvik Platform" in page
    assert "0.2×" in page and "0.5×" in page
    # Links to the first portfolio's own pages, made absolute from its site address.
    assert f'href="{FIRST_URL}portfolio/"' in page
    assert f'href="{FIRST_URL}portfolio/leverage/"' in page
    # Shared partners: "uni" by id, Nordic Firm AB by name in another case; no others.
    shared = page[page.index('class="pf-table pf-federation-shared"'):]
    shared = shared[:shared.index("</table>")]
    assert "Sjöby University" in shared and "NORDIC FIRM AB" in shared
    assert "Solo Org" not in shared and "Testvik City" not in shared
    assert "2 initiative(s)" in shared  # the firm is in alpha and beta of the first
    # Feed readers find the stories from the page (and Material fetches nothing for them).
    assert '<link rel="alternate feed" type="application/atom+xml" ' \
        'title="Stories of Sjöby Labs (Atom)" href="../../data/stories.xml">' in page
    # The last good copy is kept in a cache folder beside mkdocs.yml that git ignores, never
    # in site_data/ (the site's source).
    cache = tmp_path / "second" / CACHE_ROOT
    cached = list((cache / CACHE_DIR).glob("*.json"))
    assert len(cached) == 1
    assert cached[0].read_bytes() == published.read_bytes()
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert not list((tmp_path / "second" / "site_data").glob("**/*.json"))
    # And the second site's own export says it federates.
    own = json.loads((tmp_path / "second" / "site" / "data" / "portfolio.json").read_text(
        encoding="utf-8"))
    assert own["pages"]["federation"] == "portfolio/federation/"


def test_no_federation_page_without_federation(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build = run(read_config(write_site(tmp_path)))
    assert "portfolio/federation.md" not in build.rendered.pages


def test_the_federation_page_compares_balance_and_leverage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "first.json").write_bytes(first_document(tmp_path / "first", monkeypatch))
    build = run(read_config(write_second(tmp_path / "second", ["../first.json"])))
    assert not build.problems.items, [str(p) for p in build.problems]
    page = build.rendered.pages["portfolio/federation.md"]
    row = page[page.index("Mission-oriented, Green zone"):]
    row = row[:row.index("</tr>")]
    # The second has no mission-oriented work; the first has alpha with SEK 350,000 cash.
    assert [cell.split("<")[0] for cell in re.split('<td class="pf-num"[^>]*>', row)[1:]] \
        == ["0", "1 "]
    assert Translator.for_language("en").money(350000, "SEK") in row
    leverage = page[page.index('class="pf-table pf-federation-leverage"'):]
    leverage = re.sub(r' data-label="[^"]*"', "", leverage[:leverage.index("</table>")])
    assert "<th scope=\"row\">2024</th><td class=\"pf-num\">–</td><td class=\"pf-num\">–</td>" \
        in leverage  # neither has base investment in 2024
    assert "<th scope=\"row\">2022</th><td class=\"pf-num\">–</td><td class=\"pf-num\">0.2×" \
        in leverage


# -- reading, checking, caching -------------------------------------------------------------

def test_an_invalid_document_is_a_warning_and_is_left_out(tmp_path: Path) -> None:
    broken = {"schema": "1.0", "portfolio": {"name": "Broken"}}
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    (tmp_path / "not.json").write_text("{not json", encoding="utf-8")
    options = read_config(write_second(tmp_path / "second", ["../broken.json", "../not.json"]))
    summaries, problems = gather(options, options.root and ("../broken.json", "../not.json"))
    assert summaries == ()
    assert [p.severity for p in problems] == [Severity.WARNING, Severity.WARNING]
    assert "does not match the portfolio.json schema" in problems[0].message
    assert "not valid JSON" in problems[1].message
    assert problems[0].path == "site_data/portfolio.yml"
    assert problems[0].field == "federation[0]"
    assert problems[0].line == 7  # the line of the entry in portfolio.yml
    assert "left out" in problems[0].message


def test_a_missing_file_without_a_cached_copy_is_left_out(tmp_path: Path) -> None:
    options = read_config(write_second(tmp_path, ["nowhere/portfolio.json"]))
    summaries, problems = gather(options, ["nowhere/portfolio.json"])
    assert summaries == ()
    assert "cannot be read" in problems[0].message and "left out" in problems[0].message


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[http.server.ThreadingHTTPServer, str]]:
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(_Quiet, directory=str(served))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_an_unreachable_url_is_a_warning_and_the_cached_copy_is_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        server: tuple[http.server.ThreadingHTTPServer, str]) -> None:
    httpd, base = server
    document = first_document(tmp_path / "first", monkeypatch)
    target = tmp_path / "served" / "data" / "portfolio.json"
    target.parent.mkdir()
    target.write_bytes(document)
    url = base + "data/portfolio.json"
    options = read_config(write_second(tmp_path / "second", [url]))

    summaries, problems = gather(options, [url])
    assert problems == []
    assert summaries[0].name == "Testvik Platform" and not summaries[0].cached
    cache = list(cache_folder(options).glob("*.json"))
    assert [c.read_bytes() for c in cache] == [document]

    httpd.shutdown()
    httpd.server_close()
    summaries, problems = gather(options, [url])
    assert len(problems) == 1
    problem = problems[0]
    # A copy younger than federation_cache_days (7 by default) stands in: information only.
    assert problem.severity is Severity.INFO
    assert "cannot be reached" in problem.message
    assert "using the copy saved 1 minute(s) ago, generated 2023-11-14T22:13:20Z" \
        in problem.message
    assert url in problem.message
    assert summaries[0].cached and summaries[0].name == "Testvik Platform"
    assert summaries[0].total.leverage == 0.5

    # An older copy still stands in, with a warning.
    eight_days_ago = time.time() - 8 * 86400
    os.utime(cache[0], (eight_days_ago, eight_days_ago))
    summaries, problems = gather(options, [url])
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "saved 8 day(s) ago" in problems[0].message
    assert "(older than 7 day(s))" in problems[0].message and summaries[0].cached


def test_a_url_without_a_site_address_links_to_pages_beside_the_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        server: tuple[http.server.ThreadingHTTPServer, str]) -> None:
    _, base = server
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    options = read_config(write_site(tmp_path / "first"))  # no site_url
    build = analyse(options)
    files = export_files(build.portfolio, build.figures, options, build.translator, build.built)
    target = tmp_path / "served" / "team" / "data" / "portfolio.json"
    target.parent.mkdir(parents=True)
    target.write_bytes(files["data/portfolio.json"])
    url = base + "team/data/portfolio.json"
    second = read_config(write_second(tmp_path / "second", [url]))
    summaries, problems = gather(second, [url])
    assert problems == []
    assert dict(summaries[0].pages)["overview"] == base + "team/portfolio/"


def test_a_server_error_falls_back_to_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        server: tuple[http.server.ThreadingHTTPServer, str]) -> None:
    _, base = server
    target = tmp_path / "served" / "portfolio.json"
    target.write_bytes(first_document(tmp_path / "first", monkeypatch))
    url = base + "portfolio.json"
    options = read_config(write_second(tmp_path / "second", [url]))
    assert gather(options, [url])[1] == []
    target.unlink()
    summaries, problems = gather(options, [url])
    assert "404" in problems[0].message and summaries[0].cached


# -- shared partners -------------------------------------------------------------------------

def summary(name: str, partners: list[tuple[str, str, int]]) -> PortfolioSummary:
    zero = LayerYear(None, 0, 0, 0, 0, None)
    return PortfolioSummary(name, "SEK", "2024-01-01T00:00:00Z", "", False, (), 0,
                            tuple(PartnerEntry(*p) for p in partners), (), (), zero)


def test_shared_partners_match_by_id_or_by_name_in_any_case() -> None:
    ours = summary("A", [("uni", "Lund University", 2), ("acme", "Acme AB", 1),
                         ("solo", "Solo", 1)])
    theirs = summary("B", [("lund-university", "LUND  university", 3), ("acme", "ACME Group", 4),
                           ("other", "Other", 1)])
    shared = shared_partners([ours, theirs])
    assert [(s.name, s.members) for s in shared] == [
        ("Acme AB", ((0, "acme", 1), (1, "acme", 4))),
        ("Lund University", ((0, "uni", 2), (1, "lund-university", 3))),
    ]
    assert shared[0].in_portfolio(1) == ("acme", 4)


def test_a_partner_in_one_portfolio_only_is_not_shared() -> None:
    ours = summary("A", [("uni", "Uni", 1)])
    theirs = summary("B", [("city", "City", 1)])
    assert shared_partners([ours, theirs]) == ()
    # Two entries with the same name inside one portfolio do not make it shared either.
    assert shared_partners([summary("A", [("a", "Same", 1), ("b", "same", 1)])]) == ()


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1e308", "1e25", "1" + "0" * 5000,
                                    "-" + "9" * 30])
def test_a_number_out_of_range_in_another_portfolio_leaves_it_out_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: str) -> None:
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    document["leverage"]["total"]["layer1"] = 1234567
    text = json.dumps(document).replace('"layer1": 1234567', f'"layer1": {number}')
    (tmp_path / "huge.json").write_text(text, encoding="utf-8")
    build = run(read_config(write_second(tmp_path / "second", ["../huge.json"])))
    (problem,) = build.problems.items
    assert problem.severity is Severity.WARNING and problem.field == "federation[0]"
    assert "out of range" in problem.message and len(problem.message) < 300
    assert "portfolio/federation.md" in build.rendered.pages


def test_text_and_addresses_from_another_portfolio_cannot_inject_anything(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    document["portfolio"]["name"] = '<img src=x onerror="alert(1)">'
    document["pages"]["overview"] = "javascript:alert(1)"
    document["pages"]["leverage"] = "//evil.example/x"
    document["partners"][0]["name"] = "</script><script>alert(2)</script>"
    (tmp_path / "hostile.json").write_text(json.dumps(document), encoding="utf-8")
    build = run(read_config(write_second(tmp_path / "second", ["../hostile.json"])))
    assert not build.problems.items, [str(p) for p in build.problems]
    page = build.rendered.pages["portfolio/federation.md"]
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "<img" not in page and "<script>alert" not in page
    assert "javascript:" not in page
    # Page links stay on the other portfolio's own site.
    assert "evil.example" not in page
    assert f'href="{FIRST_URL}portfolio/timeline/"' in page


# -- only regular files, symlinks only inside the site (tests/corpus/special.py) -----------

@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_a_federation_path_that_is_not_a_regular_file_is_an_error_and_is_never_read(
        tmp_path: Path, kind: str) -> None:
    # Before: a symlink to /dev/zero ate memory until a MemoryError, a FIFO hung.
    make(tmp_path / "second" / "site_data" / f"{kind}.json", kind)
    sources = [f"site_data/{kind}.json"]
    options = read_config(write_second(tmp_path / "second", sources))
    summaries, problems = bounded(gather, options, sources)
    assert summaries == ()
    assert len(problems) == 1 and problems[0].severity is Severity.ERROR
    assert problems[0].field == "federation[0]" and problems[0].line == 7
    assert "refused" in problems[0].message and "left out" in problems[0].message
    assert f"found {SPECIAL[kind][1]})" in problems[0].message


def test_a_device_written_as_a_federation_path_is_refused(tmp_path: Path) -> None:
    # Before: `federation: ["/dev/zero"]` ate memory until a MemoryError.
    options = read_config(write_second(tmp_path / "second", ["/dev/zero", "/dev/urandom"]))
    summaries, problems = bounded(gather, options, ["/dev/zero", "/dev/urandom"])
    assert summaries == ()
    assert [p.severity for p in problems] == [Severity.ERROR, Severity.ERROR]
    assert all("found a device)" in p.message for p in problems)


def test_a_file_outside_the_site_is_never_quoted(tmp_path: Path) -> None:
    # Another site's published file may be named by path (read as written, no symlink taking
    # it elsewhere), but what it holds is never quoted, in case it is no such thing.
    (tmp_path / "secret.json").write_text('["token", "hunter2"]', encoding="utf-8")
    options = read_config(write_second(tmp_path / "second", ["../secret.json"]))
    summaries, problems = gather(options, ["../secret.json"])
    assert summaries == () and "does not match the portfolio.json schema" in problems[0].message
    assert "hunter2" not in problems[0].message and "token" not in problems[0].message


def test_the_cached_copy_is_never_written_through_a_symlink(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A symlink in the cache's place would have the build write over a file anywhere.
    (tmp_path / "first.json").write_bytes(first_document(tmp_path / "first", monkeypatch))
    options = read_config(write_second(tmp_path / "second", ["../first.json"]))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    cache = cache_path(options, "../first.json")
    cache.parent.mkdir(parents=True)
    os.symlink(victim, cache)
    summaries, problems = gather(options, ["../first.json"])
    assert problems == [] and summaries[0].name == "Testvik Platform"
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not cache.is_symlink()
    assert cache.read_bytes() == (tmp_path / "first.json").read_bytes()


# -- versions: the reader is the export document's own models ------------------------------

def test_a_newer_minor_with_fields_this_version_does_not_know_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    document["schema"] = "1.4"
    document["impact_score"] = 7
    document["portfolio"]["motto"] = "Together"
    document["initiatives"][0]["budget_line"] = {"code": "A-12"}
    document["leverage"]["total"]["layer5"] = 3
    (tmp_path / "newer.json").write_text(json.dumps(document), encoding="utf-8")
    options = read_config(write_second(tmp_path / "second", ["../newer.json"]))
    summaries, problems = gather(options, ["../newer.json"])
    assert problems == []
    assert summaries[0].name == "Testvik Platform" and summaries[0].total.leverage == 0.5


@pytest.mark.parametrize("version", ["2.0", "0.9"])
def test_another_major_is_a_warning_naming_both_versions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    document["schema"] = version
    (tmp_path / "other.json").write_text(json.dumps(document), encoding="utf-8")
    options = read_config(write_second(tmp_path / "second", ["../other.json"]))
    summaries, problems = gather(options, ["../other.json"])
    assert summaries == ()
    (problem,) = problems
    assert problem.severity is Severity.WARNING and problem.field == "federation[0]"
    assert f"version {version} of the portfolio.json format" in problem.message
    assert "this site reads version 1.x only (it writes 1.1)" in problem.message


def test_a_bad_remote_document_names_the_field_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    document["initiatives"][1]["facet"] = "sideways"
    site = write_second(tmp_path / "second", ["inside.json"])
    (site.parent / "inside.json").write_text(json.dumps(document), encoding="utf-8")
    options = read_config(site)
    _, problems = gather(options, ["inside.json"])
    assert "does not match the portfolio.json schema: initiatives/1/facet: Input should be " \
        "'mission-oriented'" in problems[0].message


def test_keys_of_a_file_outside_the_site_are_never_quoted_in_a_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    document["initiatives"][0]["translations"] = {"hunter2": {"title": 5}}
    (tmp_path / "outside.json").write_text(json.dumps(document), encoding="utf-8")
    options = read_config(write_second(tmp_path / "second", ["../outside.json"]))
    _, problems = gather(options, ["../outside.json"])
    message = problems[0].message
    assert "initiatives/0/translations/(a key)/title: a value that breaks the rule " \
        "'string_type'" in message
    assert "hunter2" not in message
