"""Generated headings folded out of the Markdown MkDocs parses (render.headings,
mkdocs_headings): the site must be the same, byte for byte and in its search index and
tables of contents, as when MkDocs parses every heading itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from test_export import write_site
from test_parallel import built

from portfolio_plugin.adapter import headings as mkdocs_headings
from portfolio_plugin.adapter.headings import HeadingMaker
from portfolio_plugin.render import MARKER, PageText
from portfolio_plugin.render.headings import (
    FOLDED,
    ID_MARK,
    RUN,
    Folded,
    Heading,
    fold_headings,
    unfold,
)


def maker(level: int, text: str) -> Heading | None:
    """Headings as a plain engine writes them; 'Refused' cannot be made alone."""
    if text == "Refused":
        return None
    slug = text.lower().replace(" ", "-")
    return Heading(f'<h{level} id="{ID_MARK.format("")}">{text}</h{level}>', level, slug, text)


PAGE = ('---\ntitle: "Page"\n---\n\n' + MARKER.format(0) + "\n\n## Money put in\n\n"
        + MARKER.format(1) + "\n\nA paragraph of the page.\n\n### Details\n\n"
        + MARKER.format(2) + "\n")


def folded_of(marked: str) -> Folded:
    import yaml
    front = yaml.safe_load(marked.split("---\n")[1])
    return Folded.loads(front[FOLDED])


def test_each_run_of_headings_and_markers_becomes_one_marker() -> None:
    marked = fold_headings(PAGE, PAGE, maker)
    body = marked.split("---\n", 2)[2]
    assert body == f"\n{RUN.format(0)}\n\nA paragraph of the page.\n\n{RUN.format(1)}\n"
    folded = folded_of(marked)
    assert folded.headings == [[2, "money-put-in", "Money put in", False],
                               [3, "details", "Details", False]]
    assert folded.runs[0] == (MARKER.format(0) + '\n\n<h2 id="\x010\x01">Money put in</h2>\n'
                              + MARKER.format(1))
    assert unfold(f"<p>x</p>\n{RUN.format(1)}", folded, ["money", "details_1"]) == (
        '<p>x</p>\n<h3 id="details_1">Details</h3>\n' + MARKER.format(2))


def test_a_page_with_a_heading_that_cannot_be_made_alone_is_left_as_it_is() -> None:
    page = PAGE.replace("## Money put in", "## Refused")
    assert fold_headings(page, page, maker) == page


def test_a_heading_inside_a_block_of_text_leaves_the_page_as_it_is() -> None:
    page = PAGE.replace("A paragraph of the page.", "A paragraph\n## with a heading")
    assert fold_headings(page, page, maker) == page


def test_the_authors_text_is_never_folded_and_headings_before_it_are_marked_so() -> None:
    front = '---\ntitle: "Initiative"\n---\n'
    before = f"{front}\nThe summary.\n\n## Partners\n\n{MARKER.format(0)}\n\n"
    own = f"## Partners\n\n{MARKER.format(5)}\n\nThe author's text."
    after = f"\n\n## Stories\n\n{MARKER.format(1)}"
    made = PageText(before + own + after, ("<p>a</p>", "<p>b</p>"),
                    own=(len(before), len(before) + len(own)))
    marked = fold_headings(made, made.marked, maker)
    assert own in marked
    assert marked.endswith(f"{own}\n\n{RUN.format(1)}")
    assert [h[3] for h in folded_of(marked).headings] == [True, False]


# -- the whole build ---------------------------------------------------------------------------

@pytest.fixture(params=["plain", "permalinks"])
def config(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The fixture site; an author's heading that a generated one repeats ('Stories');
    with `toc` permalinks or without."""
    path = write_site(tmp_path / "site")
    alpha = path.parent / "docs" / "initiatives" / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace(
        "Alpha's own description.", "Alpha's own description.\n\n## Stories\n\nOurs.\n"),
        encoding="utf-8")
    if request.param == "permalinks":
        text = path.read_text(encoding="utf-8").replace(
            "markdown_extensions: [attr_list, md_in_html, tables]",
            "markdown_extensions: [attr_list, md_in_html, tables, {toc: {permalink: true}}]")
        path.write_text(text, encoding="utf-8")
    return path


def test_a_site_with_folded_headings_is_the_site_mkdocs_makes_of_them(
        config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    unfolded: list[str] = []
    original = mkdocs_headings.unfold_headings

    def spy(page: Any, html: str) -> str:
        if FOLDED in page.meta:
            unfolded.append(page.file.src_uri)
        return original(page, html)

    with monkeypatch.context() as patch:
        patch.setattr("portfolio_plugin.adapter.plugin.unfold_headings", spy)
        folded = built(config, tmp_path / "folded")
    assert "initiatives/alpha.md" in unfolded and "portfolio/index.md" in unfolded
    monkeypatch.setattr(HeadingMaker, "usable", staticmethod(lambda config: False))
    parsed = built(config, tmp_path / "parsed")
    assert sorted(folded) == sorted(parsed)
    assert [name for name in folded if folded[name] != parsed[name]] == []
    alpha = folded["initiatives/alpha/index.html"].decode()
    # The author's "Stories" keeps its id; the generated one after it gets the next.
    assert 'id="stories"' in alpha and 'id="stories_1"' in alpha
    assert 'href="#stories_1"' in alpha  # in the table of contents
    assert "\x01" not in alpha and "pf-run" not in alpha


def test_headings_are_parsed_by_mkdocs_where_abbreviations_could_change_them(
        tmp_path: Path) -> None:
    path = write_site(tmp_path / "site")
    text = path.read_text(encoding="utf-8").replace(
        "[attr_list, md_in_html, tables]", "[attr_list, md_in_html, tables, abbr]")
    path.write_text(text, encoding="utf-8")
    assert not HeadingMaker.usable(load_config(str(path)))
    assert HeadingMaker.usable(load_config(str(write_site(tmp_path / "other"))))


def test_the_maker_writes_headings_as_the_sites_markdown_does(tmp_path: Path) -> None:
    path = write_site(tmp_path / "site")
    text = path.read_text(encoding="utf-8").replace(
        "markdown_extensions: [attr_list, md_in_html, tables]",
        "markdown_extensions: [attr_list, {toc: {permalink: '#', toc_depth: 2}}]")
    path.write_text(text, encoding="utf-8")
    make = HeadingMaker(load_config(str(path)))
    money = make(2, "Money put in")
    assert money is not None and money.id == "money-put-in" and money.name == "Money put in"
    assert money.html == ('<h2 id="\x01\x01">Money put in<a class="headerlink" '
                          'href="#\x01\x01" title="Permanent link">#</a></h2>')
    deep = make(3, "Details")
    assert deep is not None and deep.name is None  # deeper than the table of contents goes
    assert make(2, "See [the data](data.md)") is None  # a link: MkDocs resolves it
