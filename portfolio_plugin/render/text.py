"""Text from front-matter is text: escaping for Markdown, YAML and JSON in pages, and a
Markdown renderer for story texts that allows no raw HTML and no unsafe links."""

from __future__ import annotations

import json
import re
from typing import Any
from xml.etree import ElementTree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from ..model import Foreign, Mixed, language_of

_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = {"http", "https", "mailto"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def is_safe_url(url: str) -> bool:
    """http(s), mailto and relative URLs only; nothing a browser would run, and nothing it
    would read as another host's address while it looks relative (`//host`, a backslash):
    the validator's rule for URL fields, for links inside story texts."""
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    if cleaned.startswith("//") or "\\" in cleaned:
        return False
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1).lower() in _SAFE_SCHEMES


class _SafeLinks(Treeprocessor):  # type: ignore[misc]
    """Drops images (they would fetch from other hosts) and unsafe link targets."""

    def run(self, root: ElementTree.Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag == "img":
                    index = list(parent).index(child)
                    parent.remove(child)
                    alt = child.get("alt") or ""
                    if alt:
                        span = ElementTree.Element("span")
                        span.text = alt
                        span.tail = child.tail
                        parent.insert(index, span)
                    elif child.tail:
                        _append_text(parent, index, child.tail)
        for link in root.iter("a"):
            href = link.get("href", "")
            if not is_safe_url(href):
                # Shown as the plain text it is, not as a link that goes nowhere.
                link.tag = "span"
                link.attrib.clear()
            else:
                link.set("rel", "nofollow noopener")


def _append_text(parent: ElementTree.Element, index: int, text: str) -> None:
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text


class _NoRawHtml(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "portfolio_safe_links", 0)


_renderer = markdown.Markdown(extensions=[_NoRawHtml()])


# Text in which Markdown would find no syntax at all: one line, no markup characters, and
# no list or quote marker at its start.
_SYNTAX = re.compile(r"[\\`*_{}\[\]<>&#!|~\n]|^\s*(?:[-+>]|\d+[.)])(?:\s|$)|^\s{4}")


def safe_markdown(text: str) -> Markup:
    """Markdown to HTML with raw HTML shown as text, no images and only web links; in a
    `div` that names its language where it is not the page's (see `model.Foreign`)."""
    lang = language_of(text)
    html = _safe_markdown(text)
    if lang is None:
        return html
    return Markup(f'<div lang="{escape(lang)}">') + html + Markup("</div>")  # noqa: S704


def _safe_markdown(text: str) -> Markup:
    if not _SYNTAX.search(text):
        return Markup("<p>") + escape(text.strip()) + Markup("</p>")
    # A story shows on its initiative's page, its year's page and its partners' pages:
    # convert each text once. The output depends on the text alone.
    found = _converted.get(text)
    if found is None:
        _renderer.reset()
        found = Markup(_renderer.convert(text))  # noqa: S704 - raw HTML is disabled above
        if len(_converted) < _CONVERTED_MAX:
            _converted[text] = found
    return found


_converted: dict[str, Markup] = {}
_CONVERTED_MAX = 50_000


def markdown_text(text: str) -> str:
    """Text that Markdown shows exactly as written: no emphasis, links or HTML."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def joined(*parts: str) -> str:
    """Texts written one after the other, as one text that keeps the marks of those in
    another language than the page's (`model.Mixed`) where there are any."""
    text = "".join(parts)
    if not any(isinstance(part, Foreign | Mixed) for part in parts):
        return text
    return Mixed(text, str(Markup("").join(escape(part) for part in parts)))


def theme_text(text: str) -> str:
    """Text for front-matter fields that themes print without escaping (title, description).

    MkDocs and Material put `page.meta.title` and `page.meta.description` into the HTML of
    every page as they are; giving them the escaped text closes that hole.
    """
    return str(escape(str(text)))  # str(): a `Foreign` text's mark is no use there


def foreign_heading(title: str) -> str:
    """A page's first heading, where its title is not in the page's language (a `Foreign`
    text): the theme writes one from the title where the page has none, but cannot name the
    title's language. Otherwise nothing: the theme's heading is the page's."""
    lang = language_of(title)
    if lang is None:
        return ""
    # A Markdown heading (the theme looks for a first heading in the page's HTML, which the
    # plugin's own HTML blocks are not yet part of), its text in an element with its language.
    return f'# <span lang="{escape(lang)}">{markdown_text(str(title))}</span>\n\n'


def json_in_html(data: Any) -> Markup:
    """JSON that is safe inside `<script type="application/json">`: no `</script>`, no `<!--`."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - escaped above


def yaml_front_matter(fields: dict[str, Any]) -> str:
    """A front-matter block whose values are quoted JSON strings (valid YAML)."""
    lines = ["---"]
    for key, value in fields.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def read_front_matter(page: str) -> tuple[dict[str, Any], str]:
    """The fields and the rest of a page that starts with a `yaml_front_matter` block: each
    line is a key and a JSON value, read back as JSON (no YAML reader needed)."""
    front, _, rest = page.removeprefix("---\n").partition("\n---\n")
    fields = {}
    for line in front.split("\n"):
        key, _, value = line.partition(": ")
        fields[key] = json.loads(value)
    return fields, rest
