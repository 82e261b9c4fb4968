"""The rendering core: URLs, escaping helpers, HTML blocks around Markdown, translations."""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path

import jinja2
import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio_plugin.i18n import Translator
from portfolio_plugin.model import PartialDate
from portfolio_plugin.render import join_html_blocks, split_html_blocks
from portfolio_plugin.render.compiled import Compiled
from portfolio_plugin.render.text import (
    is_safe_url,
    json_in_html,
    markdown_text,
    safe_markdown,
    theme_text,
)
from portfolio_plugin.render.urls import linker, page_url, relative_url

from support import ROOT, compiling


@pytest.mark.parametrize(("uri", "dirs", "url"), [
    ("index.md", True, ""), ("a/index.md", True, "a/"), ("a/b.md", True, "a/b/"),
    ("a/b.md", False, "a/b.html"), ("a/index.md", False, "a/index.html"),
    ("index.md", False, "index.html"), ("data/x.json", True, "data/x.json"),
])
def test_page_urls_follow_mkdocs(uri: str, dirs: bool, url: str) -> None:
    assert page_url(uri, dirs) == url


@pytest.mark.parametrize(("here", "there", "dirs", "link"), [
    ("portfolio/index.md", "initiatives/a.md", True, "../initiatives/a/"),
    ("initiatives/a.md", "portfolio/index.md", True, "../../portfolio/"),
    ("portfolio/leverage.md", "index.md", True, "../../"),
    ("portfolio/leverage.md", "data/portfolio.json", False, "../data/portfolio.json"),
    ("index.md", "index.md", True, "./"),
    ("portfolio/a.md", "portfolio/b.md#part", True, "../b/#part"),
])
def test_relative_links_resolve_to_the_target(here: str, there: str, dirs: bool,
                                              link: str) -> None:
    assert relative_url(here, there, dirs) == link


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
       st.lists(st.sampled_from(["a", "b", "d"]), max_size=3), st.booleans())
def test_a_relative_link_always_leads_from_the_page_to_its_target(
        here: list[str], there: list[str], dirs: bool) -> None:
    here_uri = "/".join([*here, "page.md"])
    there_uri = "/".join([*there, "other.md"])
    base = posixpath.dirname("/" + page_url(here_uri, dirs) + ("x" if dirs else ""))
    resolved = posixpath.normpath(posixpath.join(base, relative_url(here_uri, there_uri, dirs)))
    assert resolved == posixpath.normpath("/" + page_url(there_uri, dirs))


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
       st.lists(st.sampled_from(["a", "b", "d"]), max_size=3),
       st.sampled_from(["page.md", "index.md", "x.json"]), st.booleans())
def test_the_fast_linker_makes_the_same_links_as_relative_url(
        here: list[str], there: list[str], name: str, dirs: bool) -> None:
    here_uri, there_uri = "/".join([*here, "page.md"]), "/".join([*there, name])
    assert linker(here_uri, dirs)(there_uri) == relative_url(here_uri, there_uri, dirs)
    assert linker(here_uri, dirs)(there_uri + "#x") == relative_url(here_uri, there_uri + "#x",
                                                                    dirs)


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
       st.lists(st.sampled_from(["a", "b", "d"]), max_size=3),
       st.sampled_from(["page.md", "other.md", "index.md", "x.json"]), st.booleans())
def test_a_source_link_leads_from_the_markdown_file_to_the_targets_file(
        here: list[str], there: list[str], name: str, dirs: bool) -> None:
    # For Zensical, which reads a link of a page's HTML as it reads a Markdown link.
    here_uri, there_uri = "/".join([*here, "page.md"]), "/".join([*there, name])
    link = linker(here_uri, dirs, source=True)(there_uri)
    assert posixpath.normpath(posixpath.join(posixpath.dirname("/" + here_uri), link)) == \
        "/" + there_uri
    assert linker(here_uri, dirs, source=True)(here_uri + "#part") == "#part"


@pytest.mark.parametrize(("url", "safe"), [
    ("https://a.example", True), ("mailto:x@y.z", True), ("../a/", True), ("#x", True),
    ("javascript:alert(1)", False), ("JAVASCRIPT:x", False), ("java\nscript:x", False),
    ("\x01javascript:x", False), ("data:text/html,x", False),
    ("//evil.example/", False), (" //evil.example/", False), ("/\\evil.example/", False),
    ("\\\\evil.example", False), ("https:\\\\evil.example", False), ("/a//b", True),
])
def test_only_web_mail_and_relative_urls_are_safe(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


def test_story_markdown_shows_raw_html_as_text_and_drops_unsafe_links() -> None:
    html = safe_markdown('<script>alert(1)</script> [x](javascript:alert(1)) '
                         '![t](https://tracker.example/p.png) **bold** [ok](https://ok.example)')
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "tracker.example" not in html
    assert "<span>x</span>" in html  # the unsafe link's text stays, as text
    assert "<strong>bold</strong>" in html and 'href="https://ok.example"' in html


# Control characters never reach here: the YAML reader refuses them.
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=80))
def test_markdown_text_is_shown_exactly_as_written(text: str) -> None:
    html = markdown.markdown(markdown_text(text))
    expected = text.replace("\n", " ").strip()
    shown = html.removeprefix("<p>").removesuffix("</p>")
    import html as html_module

    assert "<" not in shown.replace("&lt;", "")
    if expected and "\r" not in expected and not expected.startswith((" ", "\t")):
        assert html_module.unescape(shown).strip() == expected.strip()


def test_json_in_a_page_cannot_close_its_script_element() -> None:
    text = str(json_in_html({"t": "</script><script>alert(1)</script><!--"}))
    assert "</script" not in text and "<!--" not in text
    import json

    assert json.loads(text) == {"t": "</script><script>alert(1)</script><!--"}


def test_theme_text_escapes_what_themes_print_raw() -> None:
    assert theme_text('"><img src=x>') == "&#34;&gt;&lt;img src=x&gt;"


def test_html_blocks_round_trip_around_markdown() -> None:
    page = "# T\n\n<div class=\"a\">\n<p>1 &amp; 2</p>\n</div>\n\nSome *text*.\n\n<table></table>\n"
    marked, parts = split_html_blocks(page)
    assert len(parts) == 2 and "<div" not in marked and "*text*" in marked
    direct = markdown.markdown(page)
    via_markers = join_html_blocks(markdown.markdown(marked), parts)
    assert via_markers == direct


def test_inline_html_is_left_to_markdown() -> None:
    marked, parts = split_html_blocks("<span>a</span> and *b*\n")
    assert parts == [] and marked.startswith("<span>")


@pytest.mark.parametrize(("language", "money", "date"), [
    ("en", "SEK\xa01,234,568", "May 2024"), ("sv", "1\xa0234\xa0568\xa0kr", "maj 2024"),
])
def test_money_and_dates_follow_the_locale(language: str, money: str, date: str) -> None:
    t = Translator.for_language(language)
    assert t.money(1234567.6, "SEK") == money
    assert t.date(PartialDate(2024, 5)) == date
    assert t.date(PartialDate(2024)) == "2024"


@pytest.mark.parametrize(("currency", "shown"), [
    ("SEK", "SEK\xa02,000"), ("NOK", "NOK\xa02,000"), ("EUR", "€2,000"), ("USD", "$2,000")])
def test_a_currency_written_as_a_word_stands_apart_from_its_digits(
        currency: str, shown: str) -> None:
    """CLDR's currency spacing (which ICU applies and Babel leaves out): a code stands apart
    from the amount by a no-break space; a sign does not; Swedish puts its own space."""
    t = Translator.for_language("en")
    assert t.money(2000, currency) == shown
    assert t.money(-2000, currency) == "-" + shown
    assert t.money(676_600_000, currency, compact=True) == shown.replace("2,000", "676.6M")
    assert Translator.for_language("sv").money(2000, "SEK") == "2\xa0000\xa0kr"


def test_a_partial_date_is_shown_as_precisely_as_given() -> None:
    t = Translator.for_language("en")
    assert t.date(PartialDate(2024, 5, 3)) == "May 3, 2024"
    assert t.date(dt.date(2024, 5, 3)) == "May 3, 2024"


def test_a_missing_message_falls_back_to_english_then_to_the_key() -> None:
    t = Translator("xx", {}, {"zone.blue": "Blue zone"})
    assert t("zone.blue") == "Blue zone" and t("no.such.key") == "no.such.key"


def test_a_site_can_change_a_word_or_add_a_language(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "sv.yml").write_text("zone.blue: Blått läge\n", encoding="utf-8")
    (folder / "de.yml").write_text("zone.blue: Blaue Zone\n", encoding="utf-8")
    assert Translator.for_language("sv", folder)("zone.blue") == "Blått läge"
    assert Translator.for_language("sv", folder)("zone.green") == "Grön zon"
    assert Translator.for_language("de", folder)("zone.blue") == "Blaue Zone"


def test_a_leverage_ratio_without_base_investment_is_a_dash() -> None:
    t = Translator.for_language("en")
    assert t.ratio(None) == "–" and t.ratio(3.456) == "3.5×"


def test_every_generated_page_reads_the_same_with_its_html_blocks_taken_out() -> None:
    """The adapter hands Markdown only the text around the HTML blocks: that must change
    nothing, on every page of the reference site (a blank line inside an HTML block would)."""
    from portfolio_plugin.options import read_config
    from portfolio_plugin.pipeline import run

    build = run(read_config(ROOT / "mkdocs.yml"), with_static=False)
    extensions = ["attr_list", "md_in_html", "tables", "toc"]
    assert len(build.rendered.marked) > 50
    for uri, (marked, parts) in build.rendered.marked.items():
        whole = build.rendered.pages[uri].split("\n---\n", 1)[1]
        direct = markdown.markdown(whole, extensions=extensions)
        via = join_html_blocks(markdown.markdown(marked.split("\n---\n", 1)[1],
                                                 extensions=extensions), parts)
        assert via == direct, uri


def test_swedish_listings_put_a_ring_a_umlaut_and_o_umlaut_after_z() -> None:
    names = ["Öresund", "Zebra", "Ängby", "Åby", "Eskil", "Émile", "apple"]
    sv = Translator.for_language("sv")
    en = Translator.for_language("en")
    assert sorted(names, key=sv.collate) == ["apple", "Émile", "Eskil", "Zebra", "Åby",
                                             "Ängby", "Öresund"]
    assert sorted(names, key=en.collate) == ["Åby", "Ängby", "apple", "Émile", "Eskil",
                                             "Öresund", "Zebra"]


# -- compiled templates ------------------------------------------------------------------------

def environment_with(cache: Compiled, folder: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=cache)


def test_compiled_templates_are_kept_on_disk_for_the_next_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.md").write_text("{{ 1 + 1 }}", encoding="utf-8")
    (tmp_path / "cache").mkdir()
    compiled = compiling(monkeypatch)
    first = environment_with(Compiled(str(tmp_path / "cache")), templates)
    assert first.get_template("page.md").render() == "2" and compiled == ["page.md"]
    # A new process: nothing in memory, the compiled template is read from disk.
    later = environment_with(Compiled(str(tmp_path / "cache")), templates)
    assert later.get_template("page.md").render() == "2" and compiled == ["page.md"]
    # A changed template is compiled again.
    (templates / "page.md").write_text("{{ 2 + 2 }}", encoding="utf-8")
    changed = environment_with(Compiled(str(tmp_path / "cache")), templates)
    assert changed.get_template("page.md").render() == "4"
    assert compiled == ["page.md", "page.md"]


def test_templates_are_compiled_in_memory_where_the_disk_cannot_be_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.md").write_text("{{ 3 }}", encoding="utf-8")
    cache = Compiled(str(tmp_path / "missing"))
    compiled = compiling(monkeypatch)
    assert environment_with(cache, templates).get_template("page.md").render() == "3"
    assert environment_with(cache, templates).get_template("page.md").render() == "3"
    assert compiled == ["page.md"]


def test_compiled_templates_serve_only_an_environment_that_compiles_alike(
        tmp_path: Path) -> None:
    cache = Compiled(str(tmp_path))
    loader = jinja2.DictLoader({"page.html": "<% if true %>[[ 1 + 1 ]]<% endif %>{{ x }}"})
    plain = jinja2.Environment(loader=loader)
    plain.bytecode_cache = cache
    assert plain.get_template("page.html").render(x=3) == "<% if true %>[[ 1 + 1 ]]<% endif %>3"
    # Another syntax reads the same source otherwise: its own code, not the other's.
    other = jinja2.Environment(loader=loader, block_start_string="<%", block_end_string="%>",
                               variable_start_string="[[", variable_end_string="]]")
    other.bytecode_cache = cache
    assert other.get_template("page.html").render(x=3) == "2{{ x }}"
    again = jinja2.Environment(loader=loader)
    again.bytecode_cache = cache
    assert again.get_template("page.html").render(x=4) == "<% if true %>[[ 1 + 1 ]]<% endif %>4"
