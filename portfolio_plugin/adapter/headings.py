"""The generated pages' headings as MkDocs writes them, made once per build.

See `render.headings`: the headings of generated pages are folded out of the Markdown MkDocs
parses, page after page. This module makes each different heading once, with the site's own
Markdown configuration (its `toc` options: permalinks, slugs, depth), and, once MkDocs has
rendered a page, puts the page's folded headings back with ids that no other element of the
page has, in the page's table of contents, where MkDocs would have put them.
"""

from __future__ import annotations

import re
from typing import Any

import markdown
from markdown.extensions.toc import nest_toc_tokens, unique
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

from ..render.headings import FOLDED, ID_MARK, Folded, Heading, unfold

_IDS = re.compile(r"""\sid=["']([^"']*)["']""")
_ONE_HEADING = re.compile(r"<h([1-6])\b[^>]*>.*</h\1>", re.DOTALL)
# Markdown that means something only with the rest of the page or the site (links,
# references, footnotes, raw HTML, attributes) is left to MkDocs.
_ALONE = re.compile(r"[^\[\]<>{}]*")
# Extensions that change a heading from elsewhere on the page (abbreviations).
_CONTEXTUAL = ("abbr",)


class HeadingMaker:
    """Makes a heading as the site's Markdown would, once per (level, text)."""

    def __init__(self, config: MkDocsConfig) -> None:
        self._markdown = markdown.Markdown(
            extensions=config["markdown_extensions"],
            extension_configs=config["mdx_configs"] or {})
        self._made: dict[tuple[int, str], Heading | None] = {}

    @staticmethod
    def usable(config: MkDocsConfig) -> bool:
        """Whether headings can be made apart from their page with this configuration."""
        names = [e if isinstance(e, str) else type(e).__module__
                 for e in config["markdown_extensions"]]
        return not any(part in name.split(".")[-1] for name in names for part in _CONTEXTUAL)

    def __call__(self, level: int, text: str) -> Heading | None:
        key = (level, text)
        if key not in self._made:
            self._made[key] = self._make(level, text) if _ALONE.fullmatch(text) else None
        return self._made[key]

    def _make(self, level: int, text: str) -> Heading | None:
        self._markdown.reset()
        html = self._markdown.convert("#" * level + " " + text)
        ids = _IDS.findall(html)
        tokens: list[dict[str, Any]] = getattr(self._markdown, "toc_tokens", [])
        match = _ONE_HEADING.fullmatch(html)
        if match is None or len(ids) != 1 or not ids[0] or len(tokens) > 1:
            return None
        id_ = ids[0]
        mark = ID_MARK.format("")
        html = html.replace(f'id="{id_}"', f'id="{mark}"').replace(
            f'href="#{id_}"', f'href="#{mark}"')
        if f'id="{mark}"' not in html:  # an id written some other way: leave it to MkDocs
            return None
        name = tokens[0]["name"] if tokens else None
        return Heading(html, int(match[1]), id_, name)


def unfold_headings(page: Page, html: str) -> str:
    """A rendered page with its folded runs back in place: each heading with an id no
    other element of the page has, and in the page's table of contents."""
    text = page.meta.pop(FOLDED, None)
    if not isinstance(text, str):
        return html
    folded = Folded.loads(text)
    taken = set(_IDS.findall(html))
    ids = [unique(str(heading[1]), taken) for heading in folded.headings]
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(ids)
    listed = [({"level": level, "id": id_, "name": name}, before)
              for (level, _, name, before), id_ in zip(folded.headings, ids, strict=True)
              if name is not None]
    if listed:
        # In the page's order: folded headings before the author's text, then the author's,
        # then the folded headings after it.
        tokens = ([token for token, before in listed if before] + _tokens(page.toc)
                  + [token for token, before in listed if not before])
        page.toc = get_toc(nest_toc_tokens(tokens))
    return unfold(html, folded, ids)


def _tokens(toc: TableOfContents | list[AnchorLink]) -> list[dict[str, Any]]:
    """A table of contents as the flat list of entries it was made from."""
    flat: list[dict[str, Any]] = []
    for link in toc:
        flat.append({"level": link.level, "id": link.id, "name": link.title})
        flat.extend(_tokens(link.children))
    return flat
