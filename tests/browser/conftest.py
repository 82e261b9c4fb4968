"""Shared browser-test fixtures: built sites, a local web server, Chromium, and axe-core.

Every browser test opens pages of a site built for real with `mkdocs build` and served from
127.0.0.1, in headless Chromium driven by Playwright. Builds set `SOURCE_DATE_EPOCH`, so the
same input gives the same site. Nothing here needs the network.

Fixtures:
- `build_site`: a function `build_site(folder, files, ...)` that writes a small site and builds it.
- `reference_site`: the repository's own site, built once per session.
- `serve`: a function `serve(folder, headers=None)` that serves a folder and returns its base URL.
- `reference_url`: the reference site, served.
- `browser`: one Chromium for the session.
- `open_page`: a function `open_page(url, ...)` that loads a page and records every
  request, console error, page error, dialog and CSP violation (`Visit`).
- `axe`: a function `axe(page)` that runs axe-core's WCAG 2.1 A/AA rules and returns violations.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# A fixed build time: 2024-11-14 22:13:20 UTC.
SOURCE_DATE_EPOCH = "1731622400"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # Only the test server's host resolves: nothing can reach a third party.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The policy of SECURITY.md: nothing inline may run, nothing comes from another host.
POLICY = ("default-src 'self'; script-src 'self'; "
          "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; "
          "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The same without inline styles: what Material alone needs (plotly needs inline styles).
NO_INLINE_STYLE = POLICY.replace("style-src 'self' 'unsafe-inline'", "style-src 'self'")

DEFAULT_MKDOCS_YML = """\
site_name: Test portfolio
docs_dir: content
theme:
  name: material
  language: en
  font: false
plugins:
  - search
  - portfolio
markdown_extensions:
  - attr_list
  - md_in_html
  - tables
"""

# Generated page types and where they are when `data/portfolio.json` does not say.
FALLBACK_PAGES = {
    "overview": "portfolio/",
    "initiatives": "portfolio/initiatives/",
    "facet_map": "portfolio/facet-map/",
    "ecosystem": "portfolio/ecosystem/",
    "leverage": "portfolio/leverage/",
    "timeline": "portfolio/timeline/",
    "objectives": "portfolio/objectives/",
    "mandates": "portfolio/mandates/",
    "data": "portfolio/data/",
}


def chromium_path() -> str:
    """Debian's Chromium; `PORTFOLIO_CHROMIUM` names another binary."""
    return os.environ.get("PORTFOLIO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


# ---------------------------------------------------------------------------------------------
# Building sites


@dataclass
class BuiltSite:
    """A site written to `root` and built into `site`."""

    root: Path
    site: Path
    returncode: int
    log: str

    def html_pages(self) -> list[str]:
        """Site-relative URLs of every HTML page, directory URLs ending in '/'."""
        urls = []
        for path in sorted(self.site.rglob("*.html")):
            rel = path.relative_to(self.site).as_posix()
            if rel.endswith("index.html"):
                rel = rel[: -len("index.html")]
            urls.append(rel)
        return urls

    def portfolio_json(self) -> dict[str, Any] | None:
        """The published `data/portfolio.json`, if the build wrote one."""
        path = self.site / "data" / "portfolio.json"
        if not path.is_file():
            return None
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data


def mkdocs_build(config: Path, out: Path, strict: bool = False,
                 env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build` as a user would, with a fixed `SOURCE_DATE_EPOCH`."""
    environment = dict(os.environ)
    environment.update({"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "NO_MKDOCS_2_WARNING": "1",
                        "PYTHONHASHSEED": "0"})
    environment.update(env or {})
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(out)]
    if strict:
        command.append("--strict")
    return subprocess.run(command, capture_output=True, text=True, env=environment,
                          timeout=600, check=False)


def write_files(root: Path, files: Mapping[str, Any]) -> None:
    """Write files under `root`: text, bytes, or a mapping/list dumped as YAML."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True),
                            encoding="utf-8")


def build_site_in(folder: Path, files: Mapping[str, Any], strict: bool = False,
                  mkdocs_yml: str | None = None) -> BuiltSite:
    """Write a small site (mkdocs.yml, content/, site_data/) under `folder` and build it.

    `files` maps paths relative to the site's root to their content. Without a
    `mkdocs.yml` in `files`, a Material site with `plugins: [search, portfolio]` is used;
    without `content/index.md`, a one-line home page is added.
    """
    root = folder / "src"
    root.mkdir(parents=True, exist_ok=True)
    defaults: dict[str, Any] = {"mkdocs.yml": mkdocs_yml or DEFAULT_MKDOCS_YML,
                                "content/index.md": "# Home\n\nA test portfolio.\n"}
    defaults.update(files)
    write_files(root, defaults)
    out = folder / "site"
    result = mkdocs_build(root / "mkdocs.yml", out, strict=strict)
    return BuiltSite(root, out, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def build_site() -> Callable[..., BuiltSite]:
    """`build_site(folder, files, strict=False, mkdocs_yml=None) -> BuiltSite`."""
    return build_site_in


@pytest.fixture(scope="session")
def reference_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The repository's own site, built once as it is published: `mkdocs.yml` into the
    site's root and each `mkdocs.<language>.yml` into `<language>/` (a plain build)."""
    out = tmp_path_factory.mktemp("reference") / "site"
    log = ""
    configs = [(ROOT / "mkdocs.yml", out)] + [
        (config, out / config.name.split(".")[1])
        for config in sorted(ROOT.glob("mkdocs.*.yml")) if len(config.name.split(".")) == 3]
    for config, target in configs:
        result = mkdocs_build(config, target)
        log += result.stdout + result.stderr
        if result.returncode != 0:
            pytest.fail(f"the reference site ({config.name}) does not build:\n{log[-4000:]}")
    return BuiltSite(ROOT, out, 0, log)


def page_types(site: BuiltSite) -> dict[str, str]:
    """Every page type of a built site by name, mapped to a site-relative URL that exists.

    Generated pages come from `data/portfolio.json` `pages` when the build published it,
    else from `FALLBACK_PAGES`; one facet, zone, theme, year, initiative and partner page, the
    home, about and accessibility pages and the 404 page are added when the site has them.
    """
    found: dict[str, str] = {}
    exported = site.portfolio_json() or {}
    pages = exported.get("pages") if isinstance(exported.get("pages"), dict) else None
    for name, url in {**FALLBACK_PAGES, **(pages or {})}.items():
        if isinstance(url, str) and _exists(site.site, url):
            found[name] = url.lstrip("/")
    for name, url in (("home", ""), ("about", "about/"), ("accessibility", "accessibility/"),
                      ("404", "404.html")):
        if _exists(site.site, url):
            found[name] = url
    for name, folder in (("facet", "portfolio/facets"), ("zone", "portfolio/zones"),
                         ("theme", "portfolio/themes"), ("partner", "portfolio/partners"),
                         ("year", "portfolio/timeline"), ("initiative", "initiatives")):
        first = _first_page(site.site / folder)
        if first is not None:
            found[name] = f"{folder}/{first}"
    return found


def _exists(site: Path, url: str) -> bool:
    path = site / url.lstrip("/")
    return (path / "index.html").is_file() if url.endswith("/") or url == "" else path.is_file()


def _first_page(folder: Path) -> str | None:
    if not folder.is_dir():
        return None
    for child in sorted(folder.iterdir()):
        if child.is_dir() and (child / "index.html").is_file():
            return child.name + "/"
        if child.suffix == ".html" and child.name != "index.html":
            return child.name
    return None


# ---------------------------------------------------------------------------------------------
# Serving


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as a static host does: extra headers, and the site's 404.html."""

    extra_headers: Mapping[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(str(self.directory)) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """A server that does not print a browser closing a connection early."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Server:
    """A running local server of one folder."""

    url: str
    httpd: _QuietServer
    thread: threading.Thread

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def start_server(folder: Path, headers: Mapping[str, str] | None = None) -> Server:
    """Serve `folder` on 127.0.0.1 at a free port, in a background thread."""
    handler = type("Handler", (_Handler,), {"extra_headers": dict(headers or {})})
    httpd = _QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return Server(f"http://127.0.0.1:{httpd.server_address[1]}/", httpd, thread)


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[..., str]]:
    """`serve(folder, headers=None) -> base URL`; servers stop at the end of the session."""
    servers: list[Server] = []

    def start(folder: Path, headers: Mapping[str, str] | None = None) -> str:
        server = start_server(folder, headers)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def reference_url(reference_site: BuiltSite, serve: Callable[..., str]) -> str:
    """Base URL of the served reference site."""
    return serve(reference_site.site)


# ---------------------------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's) for the whole session."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"cannot start Chromium ({chromium_path()}): {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


# Recorded in the page before any of its own scripts run.
_RECORDER = """
window.__pfViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__pfViolations.push({directive: e.violatedDirective, blocked: e.blockedURI,
                              sample: e.sample, source: e.sourceFile, line: e.lineNumber});
});
"""


@dataclass
class Visit:
    """One page load, with what happened while it was open."""

    page: Any
    context: Any
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    console_messages: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    response_status: int | None = None
    owns_context: bool = False

    @property
    def hosts(self) -> set[str]:
        """Every host a request went to (data: and blob: URLs have none)."""
        return {urlsplit(u).hostname or "" for u in self.requests
                if urlsplit(u).scheme in ("http", "https", "ws", "wss")}

    @property
    def csp_messages(self) -> list[str]:
        """Console messages about the Content-Security-Policy."""
        return [m for m in self.console_messages if "content security policy" in m.lower()]

    def csp_violations(self) -> list[dict[str, Any]]:
        """`securitypolicyviolation` events the page saw."""
        result: list[dict[str, Any]] = self.page.evaluate("window.__pfViolations || []")
        return result

    def cookies(self) -> list[dict[str, Any]]:
        """Cookies the browser context holds (every page opened in it so far)."""
        result: list[dict[str, Any]] = self.context.cookies()
        return result

    def wait_for_charts(self, timeout: float = 30_000) -> int:
        """Press every chart's "Explore the chart" button (a page shows static pictures and
        loads plotly.js only then) and wait until plotly has drawn every chart; return how
        many there are."""
        count: int = self.page.locator("[data-pf-chart]").count()
        if count:
            self.page.wait_for_function(
                f"document.querySelectorAll('p.pf-explore-chart:not([hidden])').length === {count}",
                timeout=timeout)
            for button in self.page.locator("[data-pf-explore]").all():
                button.click()
            self.page.wait_for_function(
                """() => Array.from(document.querySelectorAll('[data-pf-chart]'))
                     .every(n => n.querySelector('.main-svg'))""", timeout=timeout)
        return count

    def close(self) -> None:
        """Close the context if this visit had its own (`fresh=True`)."""
        if self.owns_context:
            self.context.close()


class Tab:
    """A browser context with one page that is reused from load to load.

    Reusing the page keeps Chromium's renderer and its compiled-script cache, which makes
    loading many pages (each with plotly.js) several times faster than fresh contexts.
    Listeners record into the current `Visit`.
    """

    def __init__(self, browser: Any, width: int, height: int, bypass_csp: bool) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           bypass_csp=bypass_csp, service_workers="block")
        self.page = self.context.new_page()
        self.visit = Visit(self.page, self.context)
        self.page.on("request", lambda request: self.visit.requests.append(request.url))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.visit.page_errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.add_init_script(_RECORDER)

    def _console(self, message: Any) -> None:
        self.visit.console_messages.append(f"{message.type}: {message.text}")
        if message.type == "error":
            self.visit.console_errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, url: str, wait_until: str = "load") -> Visit:
        """Load `url` in the page; a new `Visit` records what happens."""
        self.visit = Visit(self.page, self.context)
        response = self.page.goto(url, wait_until=wait_until)
        self.visit.response_status = response.status if response is not None else None
        return self.visit


def visit_page(browser: Any, url: str, *, width: int = 1280, height: int = 900,
               wait_until: str = "load", bypass_csp: bool = False) -> Visit:
    """Open `url` in a fresh context (no cookies, no cache) and record what happens.

    Chromium is started so that every host but 127.0.0.1 fails to resolve: a request to
    another host is recorded, then fails at once. Dialogs are recorded and dismissed.
    """
    tab = Tab(browser, width, height, bypass_csp)
    visit = tab.open(url, wait_until)
    visit.owns_context = True
    return visit


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Visit]]:
    """`open_page(url, width=1280, height=900, wait_until="load", bypass_csp=False,
    fresh=False) -> Visit`.

    Loads reuse one page per viewport within a test (fast; cookies and storage carry over
    between those loads, as they do for a reader clicking through the site); `fresh=True`
    gives the load its own context. Everything closes after the test.
    """
    tabs: dict[tuple[int, int, bool], Tab] = {}
    visits: list[Visit] = []

    def opener(url: str, *, width: int = 1280, height: int = 900, wait_until: str = "load",
               bypass_csp: bool = False, fresh: bool = False) -> Visit:
        if fresh:
            visit = visit_page(browser, url, width=width, height=height, wait_until=wait_until,
                               bypass_csp=bypass_csp)
            visits.append(visit)
            return visit
        key = (width, height, bypass_csp)
        if key not in tabs:
            tabs[key] = Tab(browser, width, height, bypass_csp)
        return tabs[key].open(url, wait_until)

    yield opener
    for visit in visits:
        visit.close()
    for tab in tabs.values():
        tab.context.close()


def missing(visit: Visit, site: Path) -> list[str]:
    """Requested paths of this site that the build did not write."""
    found = []
    for url in visit.requests:
        path = urlsplit(url).path.lstrip("/")
        target = site / path
        if not (target.is_file() or (target / "index.html").is_file()):
            found.append(path)
    return found


def assert_quiet(visit: Visit, site: Path | None = None) -> None:
    """No console error, no page error, no request to another host (and, given the built
    site, no request for a file the build did not write)."""
    errors = visit.console_errors
    if site is not None:
        # Material's language switcher reads the sitemap.xml of each language; a build of
        # one language alone has no other language's sitemap. Nothing else may be missing.
        gone = missing(visit, site)
        assert all(p.endswith("/sitemap.xml") for p in gone), gone
        errors = [e for e in errors if not e.startswith("Failed to load resource")] + \
            [e for e in errors if e.startswith("Failed to load resource")][len(gone):]
    assert errors == [], errors
    assert visit.page_errors == [], visit.page_errors
    assert visit.hosts <= {"127.0.0.1"}, visit.hosts


# ---------------------------------------------------------------------------------------------
# axe-core


def axe_source() -> Path:
    """axe-core's script from node_modules; fail (never skip) when it is not installed."""
    if not AXE_JS.is_file():
        pytest.fail(textwrap.dedent(f"""\
            axe-core is not installed: {AXE_JS.relative_to(ROOT)} is missing.
            Install it from the repository's root with `npm ci` (package-lock.json pins it)."""))
    return AXE_JS


def run_axe(page: Any, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the open page; return its violations (WCAG 2.1 A and AA by default)."""
    source = axe_source()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(source))
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
               runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        tags or AXE_TAGS)
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Violations as readable lines: rule, impact, help, and the first few elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: "
                         f"{node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe() -> Callable[..., list[dict[str, Any]]]:
    """`axe(page) -> violations`; fails with a clear message if axe-core is not installed."""
    axe_source()
    return run_axe


def assert_no_violation(visit: Visit, where: str) -> None:
    visit.page.wait_for_timeout(100)
    assert visit.csp_messages == [], f"{where}: {visit.csp_messages}"
    assert visit.csp_violations() == [], f"{where}: {visit.csp_violations()}"
    assert visit.page_errors == [], f"{where}: {visit.page_errors}"
