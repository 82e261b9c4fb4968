"""The site speaks the theme's language: Swedish with no English word left, another language
added by a site, and initiatives' own translations of their title and summary.

The reference site is published twice: `mkdocs.yml` (English, into `site/`) and
`mkdocs.sv.yml` (Swedish, into `site/sv/`), which inherits the first and reads the same
initiatives from `content/initiatives/` through the plugin's `initiatives_source` option.

How "no English word left" is checked: every English catalogue text whose Swedish text differs
is cut at its placeholders into fragments, and a Swedish page must show none of those fragments
(of four letters or more, and not also a Swedish word of the catalogue) in what the plugin put
on it: the text of its HTML blocks, their attributes, the strings of their JSON (chart data,
plotly's own words, JSON-LD), the Markdown headings and front-matter the plugin wrote, and the
data files readers see through the site script (the index) or a feed reader (the JSON Feed).
The same check on the English site finds English on every page, so it is not blind. What the
authors wrote (front-matter, `site_data/`, an initiative's body) is content in whatever
language they wrote it, and is set aside first: a text that is part of an author's text is not
the plugin's, unless it is exactly one of the plugin's words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from xml.etree import ElementTree

import markdown
import pytest
import yaml

from portfolio_plugin.i18n import Translator, package_catalogue
from portfolio_plugin.model import Initiative, PartialDate, Portfolio, Text
from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import Build, run
from portfolio_plugin.render.charts import PLOTLY_WORDS

from support import ROOT, Site

# SOURCE_DATE_EPOCH=1767225600 is 2026-01-01 00:00 UTC.
EPOCH = "1767225600"
BUILT = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
NBSP = "\xa0"
ATOM = "{http://www.w3.org/2005/Atom}"

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_SPACE = re.compile(r"\s+")
# Attributes whose value a reader sees or hears (the site script shows `data-pf-*` texts).
_SHOWN_ATTRIBUTES = ("aria-label", "aria-description", "title", "alt", "placeholder", "content")
# Keys of chart and JSON-LD data that hold no words: kinds, colours, modes, positions.
_STRUCTURAL_KEYS = frozenset({
    "type", "mode", "color", "bgcolor", "bordercolor", "hoverinfo", "hovermode", "xref",
    "yref", "xanchor", "yanchor", "textposition", "symbol", "family", "dash", "shape",
    "anchor", "side", "layer", "@context", "@type", "identifier", "url", "colorscale",
    "fillcolor", "orientation", "barmode", "dragmode", "autorange", "tickmode", "fill",
    "line_shape", "categoryorder", "id", "href", "src", "valign", "align", "ticks",
    "hoveron", "visible", "legendgroup", "showlegend", "tickformat", "currency",
    "startDate", "foundingDate", "dissolutionDate",
})


def _normal(text: str) -> str:
    # Chart labels carry HTML entities (plotly draws them as HTML).
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _word(fragment: str) -> re.Pattern[str]:
    """A fragment as a whole word: not inside a longer word or a file name (`x.csv`)."""
    return re.compile(r"(?<![\w.])" + re.escape(fragment) + r"(?![\w]|\.\w)")


@functools.cache
def english_fragments() -> dict[str, str]:
    """English catalogue texts a Swedish page must not show, cut at placeholders, with a key."""
    english, swedish = package_catalogue("en"), package_catalogue("sv")
    every_swedish = "\n".join(swedish.values())
    fragments: dict[str, str] = {}
    for key, text in english.items():
        if swedish.get(key) == text:
            continue  # the same in both languages: a name, a symbol, a format
        for part in _PLACEHOLDER.split(text):
            fragment = _normal(part).strip(" .,:;!?()[]–-—×/\"'")
            # A fragment that is also a Swedish word ("partners", "data") proves nothing.
            if len(fragment) >= 4 and not _word(fragment).search(every_swedish):
                fragments.setdefault(fragment, key)
    return fragments


@functools.cache
def _english_pattern() -> re.Pattern[str]:
    fragments = sorted(english_fragments(), key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in fragments)
                      + r")(?![\w]|\.\w)")


def author_texts(portfolio: Portfolio, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Every text the authors wrote (front-matter, site_data), in every language they gave."""
    found: list[str] = list(extra)

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, Text):
            found.extend(text for _language, text in value.values)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, (tuple, list, set, frozenset)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)

    walk(portfolio)
    return tuple(_normal(text) for text in found if text.strip())


class _Shown(HTMLParser):
    """The texts of an HTML block a reader meets: text, shown attributes, JSON strings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._json = False
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag == "script"
        self._json = self._script and any(k == "type" and v and "json" in v for k, v in attrs)
        for name, value in attrs:
            if value and (name in _SHOWN_ATTRIBUTES or name.startswith("data-pf-")):
                self.texts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = self._json = False

    def handle_data(self, data: str) -> None:
        if self._json:
            self.texts.extend(json_strings(json.loads(data)))
        elif not self._script and data.strip():
            self.texts.append(data)


def json_strings(value: object, key: str = "") -> Iterator[str]:
    """The strings of a JSON document a reader may see (not kinds, colours or positions)."""
    if isinstance(value, str):
        if key not in _STRUCTURAL_KEYS:
            yield value
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from json_strings(item, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item, key)


def shown_texts(html: str) -> list[str]:
    """What a reader meets in an HTML block."""
    parser = _Shown()
    parser.feed(html)
    parser.close()
    return parser.texts


def markdown_texts(marked: str, body: str = "") -> list[str]:
    """The plugin's own lines of a page's Markdown: front-matter title and description, headings.

    `body`, the author's own Markdown of an initiative page, is taken out first.
    """
    if body.strip():
        marked = marked.replace(body.strip("\n"), "")
    texts = []
    front, _, rest = marked.partition("\n---\n") if marked.startswith("---\n") else ("", "", marked)
    meta = yaml.safe_load(front[4:]) if front else None
    if isinstance(meta, dict):
        texts += [str(meta[k]) for k in ("title", "description", "feed_title") if k in meta]
    texts += [line.lstrip("#").strip() for line in rest.splitlines() if line.startswith("#")]
    return texts


@dataclasses.dataclass(frozen=True)
class Leftover:
    """An English catalogue text found on a Swedish page."""

    page: str
    fragment: str
    key: str
    text: str

    def __str__(self) -> str:
        return f"{self.page}: {self.fragment!r} (key {self.key}) in {self.text[:120]!r}"


class EnglishFinder:
    """Finds English catalogue texts in the plugin's parts of pages, authors' texts set aside."""

    def __init__(self, authors: tuple[str, ...]) -> None:
        self.authors = tuple(sorted(set(authors), key=len, reverse=True))
        self.all_authors = "\x00".join(self.authors)
        self.exact = frozenset(self.authors)
        self._containing: dict[str, tuple[str, ...]] = {}

    def _authored(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] lies inside an author's text quoted in `text`."""
        word = text[start:end]
        if word not in self._containing:
            self._containing[word] = tuple(a for a in self.authors if word in a)
        for author in self._containing[word]:
            at = text.find(author)
            while at >= 0:
                if at <= start and end <= at + len(author):
                    return True
                at = text.find(author, at + 1)
        return False

    def find(self, page: str, texts: list[str],
             own: frozenset[str] = frozenset()) -> Iterator[Leftover]:
        """The English fragments in texts of a page (`own`: its author's texts on it)."""
        fragments = english_fragments()
        for raw in texts:
            text = _normal(raw)
            if not text or text in self.exact or text in own:
                continue
            # A piece of an author's text (Markdown splits it at its marks), unless it is
            # exactly one of the plugin's words: then it is the plugin's.
            if text in self.all_authors and text not in fragments:
                continue
            for match in _english_pattern().finditer(text):
                if not self._authored(text, match.start(), match.end()):
                    yield Leftover(page, match.group(), fragments[match.group()], text)


def data_names(build: Build) -> tuple[str, ...]:
    """Names of the open data (CSV columns, JSON keys): identifiers, in no language."""
    names: list[str] = []
    for uri, data in build.rendered.files.items():
        if uri.endswith(".csv"):
            names += data.decode("utf-8-sig").splitlines()[0].split(",")
    return tuple(names)


# Data files whose texts readers see: the index the site script filters and pages through,
# and the JSON Feed of the stories.
SHOWN_DATA = ("initiatives-index.json", "stories.json")


def leftovers(build: Build) -> list[Leftover]:
    """Every English catalogue text in the plugin's parts of every generated page, and in
    the data files whose texts the site script shows or feed readers show."""
    finder = EnglishFinder(author_texts(build.portfolio, data_names(build)))
    bodies = {build.options.initiative_uri(i.slug): i.body for i in build.portfolio.initiatives}
    found: list[Leftover] = []
    for uri, (marked, parts) in sorted(build.rendered.marked.items()):
        texts = markdown_texts(marked, bodies.get(uri, ""))
        for part in parts:
            texts += shown_texts(part)
        found += finder.find(uri, texts)
    for name in SHOWN_DATA:
        uri = f"{build.options.exports}/{name}"
        found += finder.find(uri, list(json_strings(json.loads(build.rendered.files[uri]))))
    return found


# -- the Swedish reference site, built in-process -------------------------------------------

@pytest.fixture(scope="module")
def swedish() -> Build:
    """The reference site in Swedish, as the plugin renders it."""
    return run(read_config(ROOT / "mkdocs.sv.yml"), built=BUILT)


def test_the_swedish_configuration_reads_the_shared_initiatives(swedish: Build) -> None:
    options = swedish.options
    assert options.language == "sv"
    assert options.docs_dir == (ROOT / "content-sv").resolve()
    assert options.initiatives_dir == (ROOT / "content" / "initiatives").resolve()
    sources = sorted(p.stem for p in (ROOT / "content" / "initiatives").glob("*.md"))
    published = sorted(i.slug for i in swedish.portfolio.initiatives)
    assert published == sources and len(published) >= 30
    # Published where the English site publishes them.
    assert "initiatives/adaptive-street-lighting.md" in swedish.rendered.pages


def _translated_pairs() -> list[tuple[str, str]]:
    """Every text of the reference site's sources given in English and Swedish, each as
    (English, Swedish) with its spaces as a page shows them."""
    pairs: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict) and set(node) == {"en", "sv"}:
            pairs.append((" ".join(str(node["en"]).split()), " ".join(str(node["sv"]).split())))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted((ROOT / "site_data").glob("*.yml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "content" / "initiatives").glob("*.md")):
        if path.stem.count(".") == 0:
            walk(yaml.safe_load(path.read_text(encoding="utf-8").split("\n---\n")[0][4:]))
    return pairs


def test_the_reference_site_gives_every_text_in_both_languages(swedish: Build) -> None:
    assert swedish.options.languages.site == ("en", "sv")
    assert swedish.portfolio.untranslated() == []
    bodies = {p.name.split(".")[0] for p in (ROOT / "content/initiatives").glob("*.sv.md")}
    assert bodies == {i.slug for i in swedish.portfolio.initiatives}


def test_the_swedish_reference_site_shows_no_english_text_of_its_authors(
        swedish: Build) -> None:
    """Oracle: each English text of the sources that differs from its Swedish one (titles,
    stories, names, roles, notes, indicators, site_data's texts) and each paragraph of the
    English bodies is on no Swedish page or feed; the open data keeps the translations of
    titles and summaries on purpose (`translations`)."""
    english = {en for en, sv in _translated_pairs() if en != sv and len(en) >= 12}
    for path in sorted((ROOT / "content" / "initiatives").glob("*.md")):
        if path.stem.count(".") == 0:
            body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
            english.update(" ".join(p.split())[:60] for p in body.split("\n\n")
                           if len(p.strip()) > 30 and not p.startswith("#"))
    assert len(english) > 500
    made = {**swedish.rendered.pages,
            **{uri: data.decode("utf-8", "replace") for uri, data in swedish.rendered.files.items()
               if uri.endswith((".xml", ".json", ".csv")) and not uri.endswith(
                   ("portfolio.json", "initiatives.csv"))}}
    shown = {uri: html.unescape(" ".join(str(text).replace("\\", "").split()))
             for uri, text in made.items()}
    found = sorted((text[:50], uri) for uri, page in shown.items() for text in english
                   if text in page)
    assert found == [], found[:10]
    assert any("Piloten" in page or "Mörkret" in page for page in shown.values())


def test_a_configuration_inherits_another_for_the_command_line_too(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Ours
        docs_dir: content
        theme: {name: material, language: en, font: false}
        plugins: [search, {portfolio: {page_size: 50}}]
        """), encoding="utf-8")
    (tmp_path / "mkdocs.de.yml").write_text(textwrap.dedent("""\
        INHERIT: mkdocs.yml
        docs_dir: content-de
        theme: {language: de}
        plugins:
          - portfolio: {initiatives_source: content/initiatives}
        """), encoding="utf-8")
    options = read_config(tmp_path / "mkdocs.de.yml")
    assert (options.language, options.site_name) == ("de", "Ours")
    assert options.docs_dir == tmp_path / "content-de"
    assert options.initiatives_dir == tmp_path / "content" / "initiatives"
    # A list (plugins) is replaced, not merged, as MkDocs does.
    assert options.page_size == 200
    assert options.initiative_uri("bikes") == "initiatives/bikes.md"
    plain = read_config(tmp_path / "mkdocs.yml")
    assert plain.initiatives_dir == tmp_path / "content" / "initiatives"
    assert plain.page_size == 50


def test_the_swedish_reference_site_has_no_english_word_in_the_plugins_parts(
        swedish: Build) -> None:
    # Every generated page and every initiative page is checked.
    pages = set(swedish.rendered.marked)
    assert {f"initiatives/{i.slug}.md" for i in swedish.portfolio.initiatives} <= pages
    assert {f"portfolio/partners/{p.id}.md" for p in swedish.portfolio.partners} <= pages
    assert {f"portfolio/{name}.md" for name in (
        "index", "initiatives", "facet-map", "ecosystem", "leverage", "timeline",
        "objectives", "mandates", "data")} <= pages
    found = leftovers(swedish)
    assert not found, f"{len(found)} English text(s) on Swedish pages:\n" + "\n".join(
        str(f) for f in found[:60])


def test_every_swedish_page_is_checked_with_its_headings_and_charts(swedish: Build) -> None:
    # The check above must see what it claims to: the plugin's headings, chart labels and
    # table headers of the Swedish pages, in Swedish.
    sv = package_catalogue("sv")
    marked, parts = swedish.rendered.marked["portfolio/leverage.md"]
    texts = markdown_texts(marked) + [t for p in parts for t in shown_texts(p)]
    assert sv["leverage.title"] in texts
    street = swedish.rendered.marked["initiatives/adaptive-street-lighting.md"]
    assert sv["initiative.funding"] in markdown_texts(street[0])
    charted = [t for p in swedish.rendered.marked["portfolio/index.md"][1]
               if "application/json" in p for t in shown_texts(p)]
    assert charted, "the overview's chart data is read"


def test_the_finder_reports_an_english_word_and_not_an_authors_text() -> None:
    english = package_catalogue("en")
    finder = EnglishFinder(("Funding from Acme for the Partners day",))
    page = ('<table class="pf-table"><caption>' + english["initiative.funding"]
            + '</caption><tr><td>Funding from Acme for the Partners day</td>'
            '<td>Acme: Funding from Acme for the Partners day</td></tr></table>'
            '<script type="application/json">{"data": [{"name": "'
            + english["initiative.partners"] + '", "type": "bar"}]}</script>')
    found = list(finder.find("x.md", shown_texts(page)))
    assert [(f.fragment, f.key) for f in found] == [
        (english["initiative.funding"], "initiative.funding"),
        (english["initiative.partners"], "initiative.partners")]
    assert markdown_texts("---\ntitle: Leverage\n---\n\n## " + english["initiative.funding"]
                          + "\n\n## What we test\n", body="## What we test\n") == [
        "Leverage", english["initiative.funding"]]


def test_the_finder_finds_english_words_on_every_page_of_the_english_site() -> None:
    # The same check on the English site: were it blind, it would pass there too.
    english = run(read_config(ROOT / "mkdocs.yml"), built=BUILT, with_static=False)
    found = leftovers(english)
    assert {f.page for f in found} == set(english.rendered.marked) | {
        f"data/{name}" for name in SHOWN_DATA}
    assert {"initiative.funding", "initiative.partners", "leverage.title"} <= {
        f.key for f in found}


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
# Attributes read or shown as text (`data-pf-chart` names its data block, `data-pf-propose`
# the proposal form's; `data-pf-field`, `-message` and `-control` name a field and its kind).
_SHOWN = re.compile(r'\s(?:aria-label|title|alt|placeholder|content|'
                    r'data-pf-(?!chart=|propose=|field=|message=|control=)[\w-]+)="([^"]*)"')
# Names of formats, the same in every language.
_FORMAT_NAMES = {"Atom", "JSON", "Feed"}


def test_no_template_writes_a_word_of_its_own() -> None:
    # Every word on a page comes from the catalogue (`t(...)`) or from the content; a word
    # written into a template would be English on every site.
    package = ROOT / "portfolio_plugin"
    words: dict[str, list[str]] = {}
    for path in sorted([*(package / "templates").glob("*"), *(package / "theme").glob("*")]):
        if path.suffix not in (".html", ".md") or path.name == "new_initiative.md":
            continue  # the new-page template is a front-matter file with comments
        source = re.sub(r"<!--.*?-->", " ", _JINJA.sub("\x00", path.read_text("utf-8")),
                        flags=re.S)
        shown = [m.group(1) for tag in _TAG.findall(source) for m in _SHOWN.finditer(tag)]
        found = [w for text in [*shown, _TAG.sub(" ", source)]
                 for w in re.findall(r"[^\W\d_]{2,}", text) if w not in _FORMAT_NAMES]
        if found:
            words[path.name] = found
    assert not words


def test_dates_numbers_and_money_are_written_the_swedish_way() -> None:
    t = Translator.for_language("sv")
    assert t.date(PartialDate(2024, 5)) == "maj 2024"
    assert t.date(PartialDate(2024, 5, 3)) == "3 maj 2024"
    assert t.money(1234, "SEK") == f"1{NBSP}234{NBSP}kr"
    assert t.number(1234567) == f"1{NBSP}234{NBSP}567"
    assert t.ratio(2.5) == "2,5×"
    assert t.percent(0.25) == "25 %"


def test_the_swedish_pages_show_swedish_dates_and_money(swedish: Build) -> None:
    # adaptive-street-lighting: started 2022-01; funding 1,500,000 (2022), 2,000,000 (2023)
    # and 2,500,000 (2025): 6,000,000 SEK cash in all.
    _marked, parts = swedish.rendered.marked["initiatives/adaptive-street-lighting.md"]
    joined = "\n".join(parts)
    assert "sedan januari 2022" in joined
    assert f"1{NBSP}500{NBSP}000{NBSP}kr" in joined
    assert f"6{NBSP}000{NBSP}000{NBSP}kr" in joined
    assert "SEK" not in " ".join(t for p in parts for t in shown_texts(p))


def _charts(build: Build, uri: str) -> list[dict[str, Any]]:
    parts = build.rendered.marked[uri][1]
    return [json.loads(m) for p in parts for m in re.findall(
        r'<script type="application/json" id="[^"]+-data">(.*?)</script>', p, re.S)]


def test_plotly_draws_the_swedish_charts_in_swedish(swedish: Build) -> None:
    # plotly's own words (tool tips), month names and number signs follow the site.
    sv = package_catalogue("sv")
    charts = [c for uri in ("portfolio/index.md", "portfolio/leverage.md",
                            "initiatives/adaptive-street-lighting.md")
              for c in _charts(swedish, uri)]
    assert len(charts) >= 4
    for chart in charts:
        config, layout = chart["config"], chart["layout"]
        assert config["locale"] == "sv" and config["displaylogo"] is False
        locale = config["locales"]["sv"]
        assert locale["dictionary"]["Download plot as a PNG"] == \
            sv["chart.plotly.download_png"]
        assert locale["dictionary"]["Reset axes"] == sv["chart.plotly.reset_axes"]
        assert locale["format"]["months"][4] == "maj"
        assert locale["format"]["shortDays"][0] == "sön"  # d3 weeks start on Sunday
        assert layout["separators"] == f",{NBSP}"


def test_plotly_keeps_its_own_english_on_the_english_site() -> None:
    english = run(read_config(ROOT / "mkdocs.yml"), built=BUILT, with_static=False)
    charts = _charts(english, "portfolio/leverage.md")
    assert charts and all("locale" not in c["config"] for c in charts)
    assert {c["layout"]["separators"] for c in charts} == {".,"}


def test_plotlys_words_are_in_the_catalogue_and_in_plotly_itself() -> None:
    plotly_js = (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8")
    english, swedish = package_catalogue("en"), package_catalogue("sv")
    for key, text in PLOTLY_WORDS.items():
        assert english[key] == text, key  # the English catalogue documents plotly's text
        assert swedish[key] != text, key
        assert f'"{text}"' in plotly_js, f"plotly.js no longer says {text!r}"


def test_the_feeds_are_titled_and_labelled_in_swedish(swedish: Build) -> None:
    sv = package_catalogue("sv")
    name = swedish.portfolio.info.name
    atom = ElementTree.fromstring(swedish.rendered.files["data/stories.xml"])
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "sv"
    assert atom.findtext(f"{ATOM}title") == sv["opendata.feed_title"].format(name=name)
    assert atom.findtext(f"{ATOM}subtitle") == sv["opendata.feed_subtitle"]
    labels = {c.get("label") for c in atom.iter(f"{ATOM}category")}
    assert labels and labels <= {sv[f"kind.{k}"] for k in
                                 ("critical-event", "milestone", "learning", "setback")}
    feed = json.loads(swedish.rendered.files["data/stories.json"])
    assert feed["title"] == sv["opendata.feed_title"].format(name=name)
    # The page template names the feeds with the same Swedish title.
    assert sv["opendata.feed_title"].format(name=name) in markdown_texts(
        swedish.rendered.marked["portfolio/index.md"][0])


# -- initiatives' own translations --------------------------------------------------------

def _translated(portfolio: Portfolio) -> list[Initiative]:
    return [i for i in portfolio.initiatives
            if {"en", "sv"} <= set(i.title.languages) and i.title.get("en") != i.title.get("sv")]


def test_the_swedish_site_shows_the_swedish_titles_everywhere(swedish: Build) -> None:
    translated = _translated(swedish.portfolio)
    assert len(translated) >= 30, "the reference initiatives carry Swedish titles"
    english_titles = {i.title.get("en"): i.slug for i in translated}
    # No generated page shows an English title where a Swedish one is given.
    for uri, (marked, parts) in swedish.rendered.marked.items():
        texts = {_normal(t) for p in parts for t in shown_texts(p)} | set(markdown_texts(marked))
        shown = sorted(texts & set(english_titles))
        assert not shown, f"{uri} shows English titles {shown}"
    street = next(i for i in translated if i.slug == "adaptive-street-lighting")
    title, summary = street.title.get("sv"), street.summary.get("sv")
    assert title == "Gatubelysning som anpassar sig"

    def shows(uri: str) -> bool:
        marked, parts = swedish.rendered.marked[uri]
        texts = {_normal(t) for p in parts for t in shown_texts(p)} | set(markdown_texts(marked))
        return any(title in t for t in texts)

    page = "initiatives/adaptive-street-lighting.md"
    assert markdown_texts(swedish.rendered.marked[page][0])[:2] == [title, _normal(summary)]
    joined = "".join(swedish.rendered.marked[page][1])
    ld = json.loads(re.findall(r'<script type="application/ld\+json">(.*?)</script>', joined)[0])
    assert (ld["name"], ld["description"]) == (title, _normal(summary))
    listings = [u for u in swedish.rendered.marked if u.startswith("portfolio/initiatives")]
    assert any(shows(u) for u in listings), "the index lists the Swedish title"
    assert shows("portfolio/facet-map.md"), "the facet map's hover text has the Swedish title"
    assert shows("portfolio/partners/nordmark-tech.md"), "a partner's page lists it in Swedish"
    assert shows("portfolio/themes/energy-climate.md")
    atom = ElementTree.fromstring(swedish.rendered.files["data/stories.xml"])
    summaries = " ".join(e.findtext(f"{ATOM}summary") or "" for e in atom.iter(f"{ATOM}entry"))
    assert title in summaries and street.title.get("en") not in summaries
    # The index the site script filters, and the JSON Feed.
    for name in SHOWN_DATA:
        strings = {_normal(t) for t in json_strings(
            json.loads(swedish.rendered.files[f"data/{name}"]))}
        assert any(title in t for t in strings), name
        assert not strings & set(english_titles), name


def test_an_initiative_without_a_swedish_title_shows_its_english_one(site: Site) -> None:
    site.front("bikes", {"title": {"en": "Bike lanes"}, "summary": "Safer bike lanes.",
                         "facet": "adaptive", "zone": "yellow"})
    site.front("boats", {"title": {"en": "Electric boats", "sv": "Elbåtar"},
                         "summary": {"en": "Quiet boats.", "sv": "Tysta båtar."},
                         "facet": "adaptive", "zone": "yellow"})
    options = dataclasses.replace(site.options, language="sv")
    build = run(options, built=BUILT, with_static=False)
    page = "portfolio/facets/adaptive.md"
    texts = {_normal(t) for p in build.rendered.marked[page][1] for t in shown_texts(p)}
    assert {"Bike lanes", "Elbåtar"} <= texts and "Electric boats" not in texts
    assert markdown_texts(build.rendered.marked["initiatives/boats.md"][0])[:2] == [
        "Elbåtar", "Tysta båtar."]


# -- a language a site adds -------------------------------------------------------------

GERMAN = {
    "zone.yellow": "Gelbe Zone",
    "initiative.partners": "Beteiligte",
    "initiative.funding": "Förderung",
    "overview.title": "Portfolio-Überblick",
}


@pytest.fixture
def german(site: Site) -> Build:
    """A small site whose theme speaks German, with a German catalogue of a few words."""
    config = yaml.safe_load((site.root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["language"] = "de"
    (site.root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    site.data("locales/de.yml", GERMAN)
    site.front("bikes", {"title": "Bike lanes", "summary": "Safer bike lanes.",
                         "facet": "mission-oriented", "zone": "yellow", "start": "2024-05",
                         "partners": ["acme"], "steward": "city",
                         "funding": [{"funder": "agency", "amount": 1234, "year": 2024,
                                      "currency": "SEK"}]})
    return run(site.options, built=BUILT, with_static=False)


def test_a_site_adds_a_language_with_its_own_catalogue(german: Build) -> None:
    english = package_catalogue("en")
    assert german.options.language == "de"
    marked, parts = german.rendered.marked["initiatives/bikes.md"]
    texts = [_normal(t) for p in parts for t in shown_texts(p)] + markdown_texts(marked)
    # The site's German words ...
    assert {"Gelbe Zone", "Beteiligte", "Förderung"} <= set(texts)
    assert english["zone.yellow"] not in texts and english["initiative.partners"] not in texts
    # ... and English for every word it did not translate.
    assert english["initiative.steward"] in texts
    # Dates and money in German, by the locale.
    joined = "\n".join(parts)
    assert "Mai 2024" in joined
    assert f"1.234{NBSP}SEK" in joined
    assert markdown_texts(german.rendered.marked["portfolio/index.md"][0])[0] == \
        "Portfolio-Überblick"


def test_a_site_can_change_a_word_of_a_language_the_plugin_ships(site: Site) -> None:
    site.data("locales/sv.yml", {"zone.yellow": "Utforskande zon"})
    t = Translator.for_language("sv", site.root / "site_data" / "locales")
    assert t("zone.yellow") == "Utforskande zon"
    assert t("zone.green") == package_catalogue("sv")["zone.green"]


# -- the real builds ----------------------------------------------------------------------

def _mkdocs(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


class _Article(HTMLParser):
    """The texts of a built page's article (Material's `md-content`), JSON data included."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.html: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0 and tag == "article":
            self.depth = 1
            return
        if self.depth:
            self.depth += tag not in ("br", "img", "meta", "link", "input", "hr", "wbr")
            self.html.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= tag not in ("br", "img", "meta", "link", "input", "hr", "wbr")
            if self.depth:
                self.html.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.html.append(data.replace("&", "&amp;").replace("<", "&lt;"))


def test_the_reference_site_builds_in_english_then_swedish_with_no_english_word_left(
        tmp_path: Path, swedish: Build) -> None:
    # What `bash dev.sh build` does: English into site/ (which it empties), then Swedish
    # into site/sv/.
    site = tmp_path / "site"
    english = _mkdocs("build", "--strict", "-f", "mkdocs.yml", "-d", str(site))
    assert english.returncode == 0, english.stderr[-3000:]
    result = _mkdocs("build", "--strict", "-f", "mkdocs.sv.yml", "-d", str(site / "sv"))
    assert result.returncode == 0, result.stderr[-3000:]
    out = site / "sv"
    assert '<html lang="en"' in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "portfolio" / "leverage" / "index.html").is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv"' in home
    # Material's language switcher: each page links itself in the other site (see
    # adapter/languages.py; English seen from sv/ by its path from the server's root).
    for page, here in ((site / "portfolio" / "leverage" / "index.html", "portfolio/leverage/"),
                       (out / "portfolio" / "leverage" / "index.html", "sv/portfolio/leverage/")):
        links = dict(re.findall(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link"',
                                page.read_text(encoding="utf-8")))
        assert {lang: urljoin(f"https://example.org/{here}", href)
                for href, lang in links.items()} == {
            "en": "https://example.org/portfolio/leverage/",
            "sv": "https://example.org/sv/portfolio/leverage/"}
    # The shared initiatives are published where the English site has them, no raw copy.
    assert (out / "initiatives" / "adaptive-street-lighting" / "index.html").is_file()
    assert not list(site.rglob("*.md"))
    finder = EnglishFinder(author_texts(swedish.portfolio, data_names(swedish)))
    bodies = {f"initiatives/{i.slug}/index.html": i.body for i in swedish.portfolio.initiatives}
    found: list[Leftover] = []
    checked = 0
    for page in sorted(out.glob("**/index.html")):
        uri = page.relative_to(out).as_posix()
        if not uri.startswith(("portfolio/", "initiatives/")):
            continue  # hand-written pages: content-sv/ is the authors' own Swedish
        article = _Article()
        article.feed(page.read_text(encoding="utf-8"))
        # An initiative's body, as Markdown renders it, is its author's.
        body = markdown.markdown(bodies.get(uri, ""), extensions=["attr_list", "tables"])
        checked += 1
        found += finder.find(uri, shown_texts("".join(article.html)),
                             frozenset(_normal(t) for t in shown_texts(body)))
    assert checked == len(swedish.rendered.marked)
    assert not found, "\n".join(str(f) for f in found[:60])
