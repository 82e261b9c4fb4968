"""The author's body, sanitised: the HTML its Markdown becomes keeps what a page may hold.

An initiative's body is the author's Markdown, rendered by the site's engine with the site's
own Markdown extensions (permalinks, tables, footnotes ...). What it may not hold is anything
that runs in a reader's browser: script, event handlers, frames, forms, `javascript:` links.
So the HTML the engine makes of the body is cleaned after it is made, by an allow-list
(nh3, the binding of the Rust sanitiser ammonia): links and images keep only URLs that pass
the URL rule of front-matter links (`validate.url_allowed`).

HTML that holds nothing to remove is kept byte for byte as the engine made it (a sanitiser
writes HTML in its own way: `<br>` for `<br />`, `¶` for `&para;`): the cleaned HTML is
used only when the sanitiser would remove something, or when the body's HTML is not whole
(it would run on into the page after it). `portfolio validate` reports what is removed,
at its line in the page (`body_problems`).

The adapter finds the body in a rendered page by the marks `mark_body` puts around it.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import markdown
import nh3

from ..model import Initiative
from ..problems import Problem, Severity
from ..validate import url_allowed

# Around the author's text in the Markdown an engine renders (see `mark_body`).
BODY_START = "<!--pf-body-->"
BODY_END = "<!--/pf-body-->"
# The start mark, with the body's language where it is not the page's (`mark_body`).
_BODY_START = re.compile(r"<!--pf-body(?::([a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?))?-->")

TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var", "wbr",
})
# On every element; `style` only as `_STYLE` allows it (table cells' alignment).
_GLOBAL = frozenset({"id", "class", "title", "lang", "dir", "role", "style"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": _GLOBAL,
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "abbr": frozenset({"title"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope", "abbr"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "type", "reversed"}),
    "li": frozenset({"value"}),
    "details": frozenset({"open"}),
    "time": frozenset({"datetime"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
}
_PREFIXES = frozenset({"aria-"})
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
_STYLE = re.compile(r"\s*text-align:\s*(?:left|right|center|justify)\s*;?\s*", re.IGNORECASE)
_WEB_SCHEMES = {"http", "https", "mailto"}

# Every name the HTML tokenizer could read as a tag (and some it would not): `<` and a letter.
_TAG_NAMES = re.compile(r"<([A-Za-z][^\t\n\f\r />]*)")
# Every scheme a URL in the HTML could have, once its character references are decoded.
_SCHEMES = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):")
_PROBE = "<b>pf-probe</b>"
# Markdown that may become HTML a body may not hold: raw HTML, attribute lists, link targets.
_RAW_HTML = re.compile(r"<[A-Za-z!?/]")
_LINK_TARGETS = re.compile(r"\]\(\s*<?([^\s)>]*)|^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE)


@dataclass(frozen=True)
class Removal:
    """Something the sanitiser takes out: an element, or an attribute (a URL is one) of an
    element it keeps."""

    tag: str
    attribute: str | None = None
    value: str = ""
    # Where in the HTML it was (about): removals are listed in the order they were written.
    position: int = field(default=0, compare=False)

    def describe(self) -> str:
        """What was removed, for a message."""
        if self.attribute is None:
            return f"<{self.tag}>"
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{self.attribute}={shown!r} on <{self.tag}>"


@dataclass(frozen=True)
class Cleaned:
    """A body's HTML as published, and what was taken out of it."""

    html: str
    removed: tuple[Removal, ...]


def _keep(tag: str, attribute: str, value: str) -> str | None:
    """The attribute rule beyond names: safe URLs, and styles that only align."""
    if attribute in _URL_ATTRIBUTES and not url_allowed(value):
        return None
    if attribute == "style" and not _STYLE.fullmatch(value):
        return None
    return value


def _allowed(tag: str, attribute: str) -> bool:
    return (attribute in ATTRIBUTES["*"] or attribute in ATTRIBUTES.get(tag, ())
            or attribute.startswith(tuple(_PREFIXES)))


def _sanitised(html: str) -> str:
    """`html` cleaned by the allow-list."""
    return nh3.clean(html, tags=set(TAGS), clean_content_tags={"script", "style"},
                     attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
                     generic_attribute_prefixes=set(_PREFIXES), attribute_filter=_keep,
                     url_schemes=set(_WEB_SCHEMES), strip_comments=False, link_rel=None)


def _as_parsed(html: str, seen: list[tuple[str, str, str]] | None = None) -> str:
    """`html` as the HTML parser reads it, written back with (nearly) nothing taken out:
    every tag the allow-list knows, every attribute, every URL whose scheme occurs in it.
    With `seen`, each attribute of those tags is listed there."""
    schemes = {m.lower() for m in _SCHEMES.findall(
        re.sub(r"[\t\n\r]", "", htmllib.unescape(html)))} | _WEB_SCHEMES

    def note(tag: str, attribute: str, value: str) -> str:
        if seen is not None:
            seen.append((tag, attribute, value))
        return value

    return nh3.clean(html, tags=set(TAGS), attributes={}, generic_attribute_prefixes={""},
                     attribute_filter=note if seen is not None else None,
                     url_schemes=schemes, strip_comments=False, link_rel=None)


def _tags(html: str) -> list[str]:
    return [m.lower() for m in _TAG_NAMES.findall(html)]


def _whole(html: str, parsed: str) -> bool:
    """Whether `html` ends where it seems to: no element left open, no tag, attribute or
    comment running on into what follows, and no end tag that would close its container."""
    return (_as_parsed(html + _PROBE) == parsed + _PROBE
            and _as_parsed(f"<div>{html}</div>{_PROBE}") == f"<div>{parsed}</div>{_PROBE}")


# HTML as Markdown writes it: each tag whole, attributes double-quoted, values without
# character references. `_plain` reads such HTML without the sanitiser.
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?: [a-z][a-z0-9-]*="[^"<>&]*")*) ?(/?)>')
_ATTRIBUTE = re.compile(r' ([a-z][a-z0-9-]*)="([^"]*)"')
_VOID = frozenset({"br", "hr", "img", "wbr", "col"})


def _plain(html: str) -> bool:
    """Whether `html` is plainly safe and whole: every `<` opens a tag of the allow-list,
    written whole, with allowed attributes only, each element closed in order. Most bodies
    are (Markdown writes them so); they need no sanitiser to say so."""
    open_tags: list[str] = []
    index = html.find("<")
    while index >= 0:
        tag = _TAG.match(html, index)
        if tag is None:
            return False
        closing, name, attributes, _ = tag.groups()
        if name not in TAGS:
            return False
        if closing:
            if attributes or not open_tags or open_tags.pop() != name:
                return False
        else:
            for attribute, value in _ATTRIBUTE.findall(attributes):
                if not _allowed(name, attribute) or _keep(name, attribute, value) is None:
                    return False
            if name not in _VOID:
                open_tags.append(name)
        index = html.find("<", tag.end())
    return not open_tags


def clean_html(html: str) -> Cleaned:
    """A body's HTML with only what a page may hold; unchanged (the same string) when there
    is nothing to remove and it is whole."""
    if not html or _plain(html):
        return Cleaned(html, ())
    unknown = [name for name in _tags(html) if name not in TAGS]
    seen: list[tuple[str, str, str]] = []
    parsed = _as_parsed(html, seen)
    cleaned = _sanitised(html)
    if not unknown and cleaned == parsed and _whole(html, parsed):
        return Cleaned(html, ())
    removed = [Removal(m.group(1).lower(), position=m.start())
               for m in _TAG_NAMES.finditer(html) if m.group(1).lower() not in TAGS]
    after: dict[str, int] = {}
    for tag, attribute, value in seen:
        # The attribute's place: the next time its name is written inside a tag.
        found = _in_tag(tag, attribute).search(html, after.get(f"{tag} {attribute}", 0))
        position = found.start(1) if found else len(html)
        after[f"{tag} {attribute}"] = position + 1
        if tag in TAGS and (not _allowed(tag, attribute) or _keep(tag, attribute, value) is None):
            removed.append(Removal(tag, attribute, value, position))
    removed.sort(key=lambda r: r.position)
    return Cleaned(cleaned, tuple(removed))


# -- the body in a rendered page -------------------------------------------------------------


def mark_body(text: str, lang: str | None = None) -> str:
    """The author's text between `BODY_START` and `BODY_END`, so that the body's HTML can be
    found in the rendered page (`clean_page_body`); a body in another language than the
    page's (`lang`) is put in an element that names it."""
    start = BODY_START if lang is None else BODY_START.replace("-->", f":{lang}-->")
    return f"{start}\n\n{text}\n\n{BODY_END}"


def clean_page_body(html: str, sanitise: bool = True) -> str:
    """A rendered page with its body's HTML cleaned (`clean_html`) and the marks around the
    body taken out, with the blank line Markdown writes after each: the page is then byte
    for byte what it would be without them. A page without the marks is left as it is."""
    found = _BODY_START.search(html)
    end = html.rfind(BODY_END)  # the last: the author may have written the mark too
    if found is None or end < found.start():
        return html
    start, lang = found.start(), found.group(1)
    inner = _after_newlines(html, found.end())
    body = html[inner:end]
    if sanitise or lang:
        kept = body.rstrip("\n")
        cleaned = clean_html(kept).html if sanitise else kept
        if lang:
            cleaned = f'<div lang="{lang}">\n{cleaned}\n</div>'
        body = cleaned + body[len(kept):]
    return html[:start] + body + html[_after_newlines(html, end + len(BODY_END)):]


def _after_newlines(html: str, index: int) -> int:
    """Past the (at most two) newlines at `index`."""
    for _ in range(2):
        if html.startswith("\n", index):
            index += 1
    return index


# -- what `portfolio validate` reports --------------------------------------------------------

_BASE_EXTENSIONS = ("toc", "tables", "fenced_code")


@lru_cache(maxsize=8)
def _renderer(extensions: tuple[str, ...]) -> markdown.Markdown:
    """Markdown as the site's engine has it (MkDocs' own extensions and the site's), or
    MkDocs' own alone where one of the site's cannot be loaded here."""
    wanted = list(dict.fromkeys((*_BASE_EXTENSIONS, *extensions)))
    try:
        return markdown.Markdown(extensions=wanted)
    except Exception:  # an extension that cannot load here, or needs its configuration
        return markdown.Markdown(extensions=list(_BASE_EXTENSIONS))


def _needs_check(body: str, extensions: tuple[str, ...]) -> bool:
    """Whether the body could hold anything to remove: raw HTML, an attribute list, or a
    link or image whose target the URL rule refuses. Most bodies hold none of them, and are
    not rendered a second time to find out."""
    if _RAW_HTML.search(body) or ("attr_list" in extensions and "{" in body):
        return True
    if "](" not in body and "]:" not in body:
        # No link target can be written without one of them: a body without links is not
        # scanned by `_LINK_TARGETS`, which tries it at every character (this check takes
        # 0.09 s rather than 0.47 s at 20,000 initiatives).
        return False
    for match in _LINK_TARGETS.finditer(body):
        target = match.group(1) if match.group(1) is not None else match.group(2)
        if not url_allowed(htmllib.unescape(target)):
            return True
    return False


def body_removals(body: str, extensions: Iterable[str] = ()) -> tuple[Removal, ...]:
    """What the sanitiser would take out of the HTML a body's Markdown becomes."""
    names = tuple(extensions)
    if not _needs_check(body, names):
        return ()
    renderer = _renderer(names)
    renderer.reset()
    try:
        html = renderer.convert(body)
    except Exception:  # one of the site's extensions fails here without its configuration
        renderer = _renderer(())
        renderer.reset()
        html = renderer.convert(body)
    return clean_html(html).removed


def _in_tag(tag: str, attribute: str) -> re.Pattern[str]:
    """An attribute written in a tag (its name is the pattern's group 1)."""
    return re.compile(rf"<\s*{re.escape(tag)}(?![A-Za-z0-9-])[^<>]*?"
                      rf"(?<![A-Za-z0-9_-])({re.escape(attribute)})(?![A-Za-z0-9_-])",
                      re.IGNORECASE)


def _needles(removal: Removal) -> Iterator[re.Pattern[str]]:
    """Where in the Markdown a removed thing was written, most precise first."""
    if removal.attribute is None:
        yield re.compile(rf"<\s*{re.escape(removal.tag)}(?![A-Za-z0-9-])", re.IGNORECASE)
        return
    yield _in_tag(removal.tag, removal.attribute)
    if removal.attribute in _URL_ATTRIBUTES and removal.value:
        yield re.compile(re.escape(removal.value))
        scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*)", removal.value)
        if scheme:
            yield re.compile(re.escape(scheme.group(1)), re.IGNORECASE)
    yield re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(removal.attribute)}(?![A-Za-z0-9_-])",
                     re.IGNORECASE)


def body_problems(initiative: Initiative, extensions: Iterable[str] = ()) -> list[Problem]:
    """A warning for each thing the sanitiser takes out of an initiative's body, at the line
    and column where the author wrote it (as near as the Markdown shows)."""
    body = initiative.body
    removed = body_removals(body, extensions)
    if not removed:
        return []
    decoded = htmllib.unescape(body)
    problems = []
    # The removals come in the order they were written: each is looked for after the one
    # before it, and after the last find of the same kind.
    cursor = 0
    after: dict[str, int] = {}
    for removal in removed:
        text, offset = body, cursor
        for needle in _needles(removal):
            found = None
            for text in (body, decoded):
                found = needle.search(text, max(cursor, after.get(needle.pattern, 0)))
                if found is not None:
                    break
            if found is not None:
                after[needle.pattern] = found.end()
                offset = cursor = found.start(found.lastindex or 0)
                break
        else:
            text = body
        line = text.count("\n", 0, offset)
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        problems.append(Problem(
            initiative.body_path or initiative.path, initiative.body_line + line, column, "body",
            f"{_what(removal)} is removed when the page is published", Severity.WARNING,
            expected="Markdown, or HTML without scripts, event handlers, styles, frames, "
                     "forms or links other than http(s), mailto and relative ones",
            found=removal.describe()))
    return problems


def _what(removal: Removal) -> str:
    if removal.attribute is None:
        return f"the element <{removal.tag}>"
    if removal.attribute in _URL_ATTRIBUTES:
        return f"the link target of <{removal.tag}>"
    return f"the attribute {removal.attribute} of <{removal.tag}>"


__all__ = ["BODY_END", "BODY_START", "Cleaned", "Removal", "body_problems",
                      "body_removals", "clean_html", "clean_page_body",
                      "mark_body"]
