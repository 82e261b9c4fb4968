"""Hostile text without a browser: the validator refuses URLs a browser would run or read as
another host's, paths outside the site, control and bidi characters and numbers out of range,
and the built site carries every payload only as text: in HTML, JSON data blocks, the search
index, the feeds, `portfolio.json` and the CSV files.

The hostile site is tests/corpus/hostile.py, built once with a plain `mkdocs build`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import feedparser
import pytest
import yaml
from corpus import hostile

from portfolio_plugin.load import load
from portfolio_plugin.problems import Problems
from portfolio_plugin.validate import describe, validate

ATOM = "{http://www.w3.org/2005/Atom}"
# Elements and attributes a payload could create if any text were not escaped.
DANGEROUS_TAGS = {"img", "svg", "iframe", "object", "embed", "textarea", "math", "base"}


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-text") / "src"
    root.mkdir()
    files: dict[str, Any] = {
        "mkdocs.yml": "site_name: Hostile\ndocs_dir: content\ntheme:\n  name: material\n"
                      "  font: false\nplugins:\n  - search\n  - portfolio\n",
        "content/index.md": "# Home\n",
        **hostile.files(),
    }
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(
            content, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def problems(hostile_root: Path) -> Problems:
    sources = load(hostile_root / "content" / "initiatives", hostile_root / "site_data",
                   hostile_root)
    return validate(sources)[1]


@pytest.fixture(scope="module")
def site(hostile_root: Path) -> Path:
    out = hostile_root.parent / "site"
    environment = dict(os.environ, SOURCE_DATE_EPOCH="1731622400", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f",
                             str(hostile_root / "mkdocs.yml"), "-d", str(out)],
                            capture_output=True, text=True, timeout=600, check=False,
                            env=environment)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Traceback" not in result.stderr
    return out


# -- the validator --------------------------------------------------------------------------


@pytest.mark.parametrize(("index", "name"), list(enumerate(hostile.REFUSED_URLS)))
def test_a_url_a_browser_would_run_is_refused_with_its_line_and_field(
        problems: Problems, index: int, name: str) -> None:
    found = [p for p in problems if p.path == "content/initiatives/refused-javascript.md"
             and p.field == f"links[{index}].url"]
    assert len(found) == 1, [str(p) for p in problems]
    # The page lists each link as a `- title:` line then a `url:` line, from line 7 on.
    assert found[0].line == 7 + 2 * index + 1, str(found[0])
    assert found[0].expected == "an http(s), mailto or relative URL", str(found[0])
    assert found[0].found == describe(hostile.REFUSED_URLS[name].strip()), str(found[0])


def test_refused_urls_in_stories_and_site_data_are_problems_too(problems: Problems) -> None:
    fields = {(p.path, p.field) for p in problems.errors}
    assert ("content/initiatives/refused-javascript.md", "stories[0].link") in fields
    assert ("site_data/partners.yml", "p-refused.url") in fields
    assert ("site_data/partners.yml", "p-refused-protocol.url") in fields
    assert ("site_data/assets.yml", "a-refused.url") in fields
    assert ("site_data/portfolio.yml", "mandates.m-refused.url") in fields


def test_a_logo_outside_the_site_is_refused(problems: Problems) -> None:
    (problem,) = [p for p in problems.errors if p.field == "p-refused-logo.logo"]
    assert problem.path == "site_data/partners.yml" and problem.line > 1
    assert "'..'" in problem.message and hostile.REFUSED_LOGO in (problem.found or "")


@pytest.mark.parametrize(("index", "name"), list(enumerate(hostile.REFUSED_CHARACTERS)))
def test_each_control_or_bidi_character_is_refused_and_named(
        problems: Problems, index: int, name: str) -> None:
    found = [p for p in problems.errors if p.path == "content/initiatives/refused-text.md"
             and p.field == f"stories[{index}].title"]
    assert len(found) == 1, [str(p) for p in problems]
    code = f"U+{ord(hostile.REFUSED_CHARACTERS[name]):04X}"
    assert found[0].found == f"{code} at character {len(f'Story {name} a') + 1}"
    assert found[0].line == 8 + index and found[0].column == 24, str(found[0])


def test_control_and_bidi_characters_are_refused_in_every_text_field(
        problems: Problems) -> None:
    found = {p.field: p.found for p in problems.errors
             if p.path == "content/initiatives/refused-text.md"}
    assert found["title"] == "U+0000 at character 31"
    assert found["summary"] == "U+202E at character 44"
    assert found["partners[0].role"] == "U+202E at character 6"
    (name,) = [p for p in problems.errors if p.field == "p-refused-text.name"]
    assert name.found == "U+001B at character 8" and name.path == "site_data/partners.yml"


@pytest.mark.parametrize("field", list(hostile.REFUSED_NUMBERS))
def test_each_number_out_of_range_is_an_error_at_its_field(problems: Problems,
                                                           field: str) -> None:
    found = [p for p in problems.errors if p.path == "content/initiatives/refused-numbers.md"
             and p.field == field]
    assert len(found) == 1, [str(p) for p in problems
                             if p.path == "content/initiatives/refused-numbers.md"]
    problem = found[0]
    assert problem.line > 1 and problem.column >= 1 and problem.expected and problem.found
    assert len(problem.found) < 80, problem.found  # a number of 5,001 digits is described


def test_only_the_refused_entries_have_errors(problems: Problems) -> None:
    paths = {p.path for p in problems.errors}
    assert paths == {"content/initiatives/refused-javascript.md",
                     "content/initiatives/refused-text.md",
                     "content/initiatives/refused-numbers.md",
                     "site_data/partners.yml", "site_data/assets.yml",
                     "site_data/portfolio.yml"}
    assert {p.field for p in problems.errors if p.path.startswith("site_data/")} == {
        "p-refused.url", "p-refused-protocol.url", "p-refused-logo.logo",
        "p-refused-text.name", "a-refused.url", "mandates.m-refused.url"}


# -- the built pages ------------------------------------------------------------------------


PROPOSE_BOXES = frozenset({"pf-f-summary", "pf-f-body", "pf-propose-text"})


class Scanner(HTMLParser):
    """Collects what a payload could have made: elements, handler attributes, run URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self.script_type: str | None = None
        self.json_blocks: list[str] = []
        self.scripts: list[str] = []
        self.in_script = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # An image the hostile body keeps (its handler and unsafe URL taken out) is not one
        # a payload made: those load `src=x`.
        kept_image = tag == "img" and values.get("src") != "x"
        # The text boxes of the "Propose an initiative" form (render/propose.py).
        form_box = tag == "textarea" and values.get("id") in PROPOSE_BOXES
        if tag in DANGEROUS_TAGS and not (tag == "svg" and self._material_icon(values)) \
                and not kept_image and not form_box:
            self.bad.append(f"<{tag}> {values}")
        for name, value in attrs:
            if name.startswith("on") or name in ("data-x", "'"):
                self.bad.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value and \
                    value.strip().lower().startswith(("javascript:", "vbscript:", "data:text")):
                self.bad.append(f"<{tag} {name}={value}>")
        if tag == "script":
            self.in_script = True
            self.script_type = (values.get("type") or "").lower()
            if values.get("src", "") and "://" in (values.get("src") or ""):
                self.bad.append(f"script from another host: {values.get('src')}")

    @staticmethod
    def _material_icon(values: dict[str, str | None]) -> bool:
        # Material's own inline icons: <svg xmlns=... viewBox=...>.
        return "viewbox" in values and not any(k.startswith("on") for k in values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            if self.script_type in ("application/json", "application/ld+json"):
                self.json_blocks.append(data)
            else:
                self.scripts.append(data)
        else:
            self.text.append(data)


def scan(path: Path) -> Scanner:
    scanner = Scanner()
    scanner.feed(path.read_text(encoding="utf-8"))
    scanner.close()
    return scanner


def html_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if "assets" not in p.relative_to(site).parts]


def test_no_page_of_the_hostile_site_has_a_payload_element_or_attribute(site: Path) -> None:
    pages = html_pages(site)
    assert len(pages) > 12
    for page in pages:
        scanner = scan(page)
        assert scanner.bad == [], f"{page.relative_to(site)}: {scanner.bad}"
        for script in scanner.scripts:
            assert "alert(" not in script, f"{page.relative_to(site)}: {script[:100]}"


def test_json_blocks_in_pages_parse_and_hold_the_payload_as_text(site: Path) -> None:
    seen = 0
    for page in html_pages(site):
        raw = page.read_text(encoding="utf-8")
        for block in scan(page).json_blocks:
            assert "</script" not in block.lower() and "<!--" not in block
            data = json.loads(block)
            seen += json.dumps(data, ensure_ascii=False).count("alert(")
        assert raw.lower().count("<script") == raw.lower().count("</script>")
    assert seen > 0, "no JSON block carried a payload: the corpus did not reach them"


def test_the_payload_text_is_on_the_pages_not_evaluated_and_not_dropped(site: Path) -> None:
    page = site / "initiatives" / "hostile-img" / "index.html"
    text = " ".join(scan(page).text)
    assert f"Title {hostile.PAYLOADS['img']}" in text
    assert f"Role {hostile.PAYLOADS['img']}" in text
    template = " ".join(scan(site / "initiatives" / "hostile-template" / "index.html").text)
    assert "{{ 12345*3 }}" in template
    for page in html_pages(site):
        content = page.read_text(encoding="utf-8")
        for result in hostile.TEMPLATE_RESULTS:
            assert result not in content, f"{page.relative_to(site)} evaluated a template"


def test_a_refused_initiative_and_partner_are_not_published(site: Path) -> None:
    for slug in ("refused-javascript", "refused-text", "refused-numbers"):
        assert not (site / "initiatives" / slug).exists()
    assert not list(site.rglob("*p-refused*"))
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert "refused-javascript" not in text and "refused-numbers" not in text


def test_a_protocol_relative_link_in_a_story_text_is_not_a_link(site: Path) -> None:
    page = (site / "initiatives" / "hostile-img" / "index.html").read_text(encoding="utf-8")
    assert ">far</span>" in page and ">back</span>" in page
    for path in html_pages(site):
        assert "evil.example/story-text" not in path.read_text(encoding="utf-8"), path


def test_no_refused_character_url_or_path_reaches_any_file_of_the_site(site: Path) -> None:
    refused = [*hostile.REFUSED_CHARACTERS.values(), "evil.example/refused",
               hostile.REFUSED_LOGO, "Refused numbers"]
    checked = 0
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".json", ".csv", ".xml", ".txt"):
            continue
        text = path.read_text(encoding="utf-8")
        checked += 1
        for item in refused:
            assert item not in text, (path.relative_to(site), item)
    assert checked > 20


def test_the_search_index_holds_titles_escaped(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    titles = " ".join(doc["title"] for doc in index["docs"])
    assert "&lt;script&gt;" in titles
    for doc in index["docs"]:
        for key in ("title", "text"):
            for tag in ("<script", "<img", "<svg", "<iframe"):
                assert tag not in doc[key], (doc["location"], key, doc[key][:200])


# -- feeds and open data --------------------------------------------------------------------


def test_the_atom_feed_parses_and_carries_the_payload_only_as_text(site: Path) -> None:
    raw = (site / "data" / "stories.xml").read_bytes()
    tree = ElementTree.fromstring(raw)
    assert tree.tag == f"{ATOM}feed"
    assert not [e for e in tree.iter() if not e.tag.startswith(ATOM)], "foreign elements"
    titles = [e.findtext(f"{ATOM}title") or "" for e in tree.iter(f"{ATOM}entry")]
    assert f"Story {hostile.PAYLOADS['close-script']}" in titles
    assert f"Story {hostile.PAYLOADS['img']}" in titles
    for entry in tree.iter(f"{ATOM}entry"):
        for element in entry:
            if element.get("type") == "html":
                _assert_inert_html(element.text or "")
        for link in entry.iter(f"{ATOM}link"):
            assert not (link.get("href") or "").lower().startswith("javascript")
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert any("onerror=alert('img')" in e.title for e in parsed.entries)


def test_the_json_feed_parses_and_carries_the_payload_only_as_text(site: Path) -> None:
    feed = json.loads((site / "data" / "stories.json").read_text("utf-8"))
    assert feed["version"].startswith("https://jsonfeed.org/version/1")
    titles = [item["title"] for item in feed["items"]]
    assert f"Story {hostile.PAYLOADS['svg']}" in titles
    for item in feed["items"]:
        if "content_html" in item:
            _assert_inert_html(item["content_html"])
        assert not str(item.get("url", "")).lower().startswith("javascript")


def _assert_inert_html(markup: str) -> None:
    """HTML carried in a feed holds no element or attribute a payload could make."""
    scanner = Scanner()
    scanner.feed(markup)
    scanner.close()
    assert scanner.bad == [] and scanner.scripts == [], (scanner.bad, markup[:200])
    assert "<script" not in markup.lower()


def test_portfolio_json_holds_the_payloads_as_plain_strings(site: Path) -> None:
    data = json.loads((site / "data" / "portfolio.json").read_text("utf-8"))
    by_id = {i["id"] if "id" in i else i["slug"]: i for i in data["initiatives"]}
    title = by_id["hostile-close-script"]["title"]
    title = title.get("en", title) if isinstance(title, dict) else title
    assert title == f"Title {hostile.PAYLOADS['close-script']}"
    assert "refused-javascript" not in by_id
    assert data["portfolio"]["name"] == hostile.text("all", "Portfolio")


def test_csv_cells_never_start_a_spreadsheet_formula(site: Path) -> None:
    checked = 0
    for name in ("initiatives.csv", "partners.csv", "funding.csv", "stories.csv"):
        rows = list(csv.reader(io.StringIO((site / "data" / name).read_text("utf-8-sig"))))
        assert len(rows) > 1, name
        for row in rows[1:]:
            for cell in row:
                checked += 1
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    initiatives = {r["id"]: r for r in csv.DictReader(
        io.StringIO((site / "data" / "initiatives.csv").read_text("utf-8-sig")))}
    assert initiatives["hostile-formula"]["title"] == "'" + hostile.FORMULAS["title"]
    assert initiatives["hostile-img"]["title"] == f"Title {hostile.PAYLOADS['img']}"
    assert checked > 100


def test_the_sitemap_parses(site: Path) -> None:
    ElementTree.parse(site / "sitemap.xml")
