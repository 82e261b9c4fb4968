"""Federation that survives growth and outages: other portfolios served over HTTP by servers
these tests start on 127.0.0.1 (http.server in a thread), each behaving badly in its own way:
dripping a byte a second, hanging, sending too much, sending garbage, a newer format, the same
portfolio twice, counts that disagree with the lists. Every read is bounded in time."""

from __future__ import annotations

import dataclasses
import http.server
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus.special import bounded

from portfolio_plugin.export.federation import CACHE_ROOT, cache_folder, gather
from portfolio_plugin.options import ConfigError, Options, read_config
from portfolio_plugin.pipeline import run
from portfolio_plugin.problems import Severity

from support import first_document, mkdocs_build, write_second

# How long a misbehaving server keeps a connection open at most (the threads end by then).
HOLD = 8.0

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


class _Routes(http.server.BaseHTTPRequestHandler):
    routes: dict[str, Handler] = {}

    def do_GET(self) -> None:
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader hung up: what it should do

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Handler]], str]]:
    """Start a server on 127.0.0.1 with the given routes; returns its base address."""
    servers: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def start(routes: dict[str, Handler]) -> str:
        handler = type("Routes", (_Routes,), {"routes": routes})
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        servers.append((httpd, thread))
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd, thread in servers:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def body(data: bytes, content_type: str = "application/json") -> Handler:
    def send(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
    return send


def drip(h: http.server.BaseHTTPRequestHandler) -> None:
    """One byte a second: no single read waits long, the whole never comes."""
    h.send_response(200)
    h.send_header("Content-Length", "100000")
    h.end_headers()
    end = time.monotonic() + HOLD
    while time.monotonic() < end:
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(1)


def hang(h: http.server.BaseHTTPRequestHandler) -> None:
    """Accepts the request and says nothing at all."""
    time.sleep(HOLD)


def endless(h: http.server.BaseHTTPRequestHandler) -> None:
    """No length given, and more bytes than any cap."""
    h.send_response(200)
    h.end_headers()
    piece = b"[" + b"0," * 32767 + b"0]"
    end = time.monotonic() + HOLD
    while time.monotonic() < end:
        h.wfile.write(piece)


def big_length(h: http.server.BaseHTTPRequestHandler) -> None:
    """Says it will send 49 MB (and would)."""
    h.send_response(200)
    h.send_header("Content-Length", str(49 * 1024 * 1024))
    h.end_headers()
    h.wfile.write(b"{" * 65536)


def second_options(root: Path, sources: list[str], **settings: Any) -> Options:
    options = read_config(write_second(root, sources))
    return dataclasses.replace(options, **settings)


def timed(options: Options, sources: list[str]) -> tuple[Any, float]:
    start = time.monotonic()
    result = bounded(gather, options, sources, timeout=30)
    return result, time.monotonic() - start


# -- one deadline, one size cap ---------------------------------------------------------------

def test_a_server_dripping_a_byte_a_second_is_cut_off_at_the_deadline(
        tmp_path: Path, serve: Callable[[dict[str, Handler]], str]) -> None:
    # Before: the timeout applied to each read, and a drip held a build 123 s.
    url = serve({"/portfolio.json": drip}) + "/portfolio.json"
    options = second_options(tmp_path, [url], federation_timeout=2.0)
    (summaries, problems), took = timed(options, [url])
    assert took < 6, took
    assert summaries == ()
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "it did not answer within 2 s" in problems[0].message
    assert "left out" in problems[0].message


def test_a_server_that_never_answers_is_cut_off_at_the_deadline(
        tmp_path: Path, serve: Callable[[dict[str, Handler]], str]) -> None:
    url = serve({"/portfolio.json": hang}) + "/portfolio.json"
    options = second_options(tmp_path, [url], federation_timeout=1.5)
    (summaries, problems), took = timed(options, [url])
    assert took < 5, took
    assert summaries == () and "did not answer within 1.5 s" in problems[0].message


@pytest.mark.parametrize("route", [endless, big_length], ids=["endless", "announced"])
def test_a_document_over_the_size_cap_is_refused_without_reading_it_all(
        tmp_path: Path, serve: Callable[[dict[str, Handler]], str], route: Handler) -> None:
    url = serve({"/portfolio.json": route}) + "/portfolio.json"
    options = second_options(tmp_path, [url], federation_max_bytes=200_000,
                             federation_timeout=6.0)
    (summaries, problems), took = timed(options, [url])
    assert took < 4, took
    assert summaries == ()
    assert "it is larger than 200,000 bytes" in problems[0].message
    assert problems[0].severity is Severity.WARNING


def test_garbage_is_a_warning_and_is_left_out(
        tmp_path: Path, serve: Callable[[dict[str, Handler]], str]) -> None:
    url = serve({"/a.json": body(bytes(range(256)) * 4),
                 "/b.json": body(b"<html>Not here</html>", "text/html")})
    sources = [url + "/a.json", url + "/b.json"]
    options = second_options(tmp_path, sources)
    summaries, problems = gather(options, sources)
    assert summaries == ()
    assert "it is not UTF-8 text" in problems[0].message
    assert "it is not valid JSON" in problems[1].message
    assert all(p.severity is Severity.WARNING for p in problems)


def test_the_deadline_and_the_cap_are_plugin_settings(tmp_path: Path) -> None:
    config = write_second(tmp_path, [])
    text = config.read_text(encoding="utf-8").replace(
        "plugins: [portfolio]", "plugins:\n  - portfolio:\n      federation_timeout: 3\n"
        "      federation_max_bytes: 1000000\n      federation_cache_days: 0.5")
    config.write_text(text, encoding="utf-8")
    options = read_config(config)
    assert (options.federation_timeout, options.federation_max_bytes,
            options.federation_cache_days) == (3.0, 1_000_000, 0.5)
    assert (Options(tmp_path, tmp_path).federation_timeout,
            Options(tmp_path, tmp_path).federation_cache_days) == (10.0, 7.0)
    config.write_text(text.replace("federation_timeout: 3", "federation_timeout: -1"),
                      encoding="utf-8")
    with pytest.raises(ConfigError, match="federation_timeout must be a number above 0"):
        read_config(config)


# -- versions over HTTP ------------------------------------------------------------------------

def test_a_newer_minor_served_with_an_extra_field_is_accepted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        serve: Callable[[dict[str, Handler]], str]) -> None:
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    document["schema"] = "1.1"
    document["initiatives"][0]["sdg"] = [11, 13]
    url = serve({"/portfolio.json": body(json.dumps(document).encode())}) + "/portfolio.json"
    options = second_options(tmp_path / "second", [url])
    summaries, problems = gather(options, [url])
    assert problems == [] and summaries[0].name == "Testvik Platform"


def test_a_newer_major_served_is_a_warning_naming_both_versions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        serve: Callable[[dict[str, Handler]], str]) -> None:
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    document["schema"] = "2.0"
    url = serve({"/portfolio.json": body(json.dumps(document).encode())}) + "/portfolio.json"
    options = second_options(tmp_path / "second", [url])
    summaries, problems = gather(options, [url])
    assert summaries == ()
    assert problems[0].severity is Severity.WARNING
    assert "version 2.0 of the portfolio.json format" in problems[0].message
    assert "reads version 1.x only (it writes 1.1)" in problems[0].message


# -- outages -----------------------------------------------------------------------------------

def test_an_outage_with_a_recent_copy_passes_a_strict_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        serve: Callable[[dict[str, Handler]], str]) -> None:
    routes = {"/data/portfolio.json": body(first_document(tmp_path / "first", monkeypatch))}
    url = serve(routes) + "/data/portfolio.json"
    config = write_second(tmp_path / "second", [url])
    mkdocs_build(config, tmp_path / "out")  # strict: the copy is saved
    assert (tmp_path / "second" / CACHE_ROOT / ".gitignore").is_file()
    routes.clear()  # now it answers 404 to everything
    result = mkdocs_build(config, tmp_path / "out")  # still strict, and it passes
    assert "Testvik Platform" in (tmp_path / "out" / "portfolio" / "federation" /
                                  "index.html").read_text(encoding="utf-8")
    assert "WARNING" not in result.stderr


# -- the same portfolio twice, counts that disagree --------------------------------------------

def test_the_same_portfolio_listed_twice_is_shown_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        serve: Callable[[dict[str, Handler]], str]) -> None:
    document = first_document(tmp_path / "first", monkeypatch)
    base = serve({"/a/portfolio.json": body(document), "/b/portfolio.json": body(document)})
    sources = [base + "/a/portfolio.json", base + "/b/portfolio.json",
               base + "/a/portfolio.json"]
    options = second_options(tmp_path / "second", sources)
    summaries, problems = gather(options, sources)
    assert len(summaries) == 1 and summaries[0].also == (sources[1],)
    assert [(p.field, p.severity) for p in problems] == [
        ("federation[1]", Severity.INFO), ("federation[2]", Severity.INFO)]
    assert "the same portfolio as" in problems[0].message
    assert "listed again (as federation[0])" in problems[1].message
    build = run(read_config(write_second(tmp_path / "second", sources)))
    page = build.rendered.pages["portfolio/federation.md"]
    table = page[page.index('class="pf-table pf-federation"'):]
    assert table[:table.index("</table>")].count("Testvik Platform") == 1
    assert "could not be read" not in page


def test_counts_that_disagree_with_the_lists_are_corrected_with_a_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        serve: Callable[[dict[str, Handler]], str]) -> None:
    # A trimmed document: one initiative listed, the balance still counting all of them,
    # a partner naming the one taken out. Before: a share of 300 % on the zone chart.
    document = json.loads(first_document(tmp_path / "first", monkeypatch))
    kept = document["initiatives"][0]
    counted = len(document["initiatives"])
    assert counted > 1
    document["initiatives"] = [kept]
    url = serve({"/p.json": body(json.dumps(document).encode())}) + "/p.json"
    options = second_options(tmp_path / "second", [url])
    summaries, problems = gather(options, [url])
    (summary,) = summaries
    assert sum(count for _, _, count, _ in summary.balance) == summary.initiatives == 1
    assert summary.cell(kept["facet"], kept["zone"])[0] == 1
    assert all(p.initiatives <= 1 for p in summary.partners)
    messages = [p.message for p in problems]
    assert [p.severity for p in problems] == [Severity.WARNING, Severity.WARNING]
    assert f"its balance counts {counted} initiative(s) but it lists 1" in messages[0]
    assert "partner(s) name initiatives it does not list" in messages[1]
    build = run(read_config(write_second(tmp_path / "second", [url])))
    page = build.rendered.pages["portfolio/federation.md"]
    chart = page[page.index("federation-zones"):]
    shares = chart[chart.index("<table"):chart.index("</table>")]
    assert "100 %" in shares and "300" not in shares


def test_the_cache_is_never_in_site_data_and_git_ignores_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        serve: Callable[[dict[str, Handler]], str]) -> None:
    url = serve({"/p.json": body(first_document(tmp_path / "first", monkeypatch))}) + "/p.json"
    options = second_options(tmp_path / "second", [url])
    gather(options, [url])
    folder = cache_folder(options)
    assert folder.parent == options.root / CACHE_ROOT
    assert len(list(folder.glob("*.json"))) == 1
    assert "*" in (folder.parent / ".gitignore").read_text(encoding="utf-8").split()
    assert not [p for p in options.data_dir.rglob("*") if p.suffix == ".json"]
    assert sorted(os.listdir(options.data_dir)) == ["partners.yml", "portfolio.yml"]


def test_an_answer_cut_short_says_so(
        tmp_path: Path, serve: Callable[[dict[str, Handler]], str]) -> None:
    def short(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b'{"schema": "1.0"')

    url = serve({"/p.json": short}) + "/p.json"
    options = second_options(tmp_path, [url])
    summaries, problems = gather(options, [url])
    assert summaries == ()
    assert "it cannot be reached (the answer was cut short)" in problems[0].message


def test_a_host_name_lookup_that_hangs_is_cut_off_at_the_deadline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No socket timeout bounds a lookup (made even for an address such as 127.0.0.1); the
    # deadline still does. The lookup is replaced by one that only waits.
    def slow_lookup(*args: Any, **kwargs: Any) -> Any:
        time.sleep(HOLD)
        raise OSError("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    url = "http://127.0.0.1:9/portfolio.json"
    options = second_options(tmp_path, [url], federation_timeout=1.0)
    (summaries, problems), took = timed(options, [url])
    assert took < 4, took
    assert summaries == () and "did not answer within 1 s" in problems[0].message
