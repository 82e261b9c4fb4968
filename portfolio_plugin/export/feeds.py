"""Feeds of the stories: Atom 1.0 and JSON Feed 1.1, newest first; of the whole site, of each
initiative with stories and of each partner whose initiatives have stories.

Links are absolute where `site_url` is set (the feed then names its own address: Atom's
`rel="self"`, JSON Feed's `feed_url`); without it they are relative to the feed file, and the
build warns (`feed_problems`). Ids hold the language: the English and Swedish feeds of one
site are different feeds, and so are their entries."""

from __future__ import annotations

import heapq
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from itertools import islice
from typing import Any
from xml.etree import ElementTree

from ..model import PartialDate, Story
from ..options import Options
from ..problems import Problem, Severity
from ..render.text import safe_markdown
from .base import FILES, ExportBase, json_bytes, timestamp

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
# Feeds carry the newest stories only; every story is in stories.csv and portfolio.json.
FEED_LIMIT = 500
# The feed of an initiative or partner carries fewer: readers follow them for what is new, and
# a thousand partners in thousands of initiatives would otherwise make hundreds of megabytes.
ITEM_FEED_LIMIT = 20
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _day(date: PartialDate) -> str:
    return f"{date.key[0]:04d}-{date.key[1]:02d}-{date.key[2]:02d}T00:00:00Z"


def _uuid(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, chr(0x1f).join(parts))}"


@dataclass(frozen=True)
class Feed:
    """One feed: its file (docs path without the extension), title, subtitle, the page it
    belongs to (docs path) and its stories, newest first."""

    stem: str
    title: str
    subtitle: str
    page: str
    stories: Sequence[Story]


def feed_problems(options: Options) -> list[Problem]:
    """A warning where the site's address is unknown: feed readers need absolute links
    (the feeds are still written, their links relative to the feed file)."""
    if options.site_url:
        return []
    return [Problem(options.config_file, 1, 1, "site_url",
                    "feeds need the site's address: without it their links are relative, "
                    "which many feed readers cannot follow, and they announce no address of "
                    "their own", Severity.WARNING,
                    expected="site_url: the address the site is published at, "
                             "e.g. https://example.org/portfolio/",
                    found="no site_url")]


class Feeds(ExportBase):
    """Makes the feeds: of the whole site, of each initiative and of each partner."""

    @cached_property
    def _story_ids(self) -> dict[int, str]:
        """A stable id per story (by identity), unique within the site and its language, the
        same in every feed the story is in."""
        ids: dict[int, str] = {}
        seen: set[str] = set()
        site = self.options.site_url or self.portfolio.info.name
        language = self.t.language
        for s in self.figures.stories:
            key = (site, language, s.initiative, s.date.iso(), s.kind.value, s.title)
            value = _uuid(*key)
            repeat = 1
            while value in seen:  # identical stories: number the later ones
                repeat += 1
                value = _uuid(*key, str(repeat))
            seen.add(value)
            ids[id(s)] = value
        return ids

    def _feed_id(self, feed: Feed) -> str:
        """The feed's id: its own in each language (the site's sv/ and its root may share
        one `site_url`)."""
        return _uuid("feed", self.options.site_url or self.portfolio.info.name,
                     self.t.language, feed.stem)

    # -- which feeds ---------------------------------------------------------------------
    def site_feed(self) -> Feed:
        """The feed of every story of the site."""
        return Feed(self.r.export_uri(FILES["atom"]).removesuffix(".xml"),
                    self.t("opendata.feed_title", name=self.portfolio.info.name),
                    self.t("opendata.feed_subtitle"), self.r.uri("timeline"),
                    self.figures.stories[:FEED_LIMIT])

    @cached_property
    def initiative_feeds(self) -> dict[str, Feed]:
        """A feed per initiative that has stories, by slug."""
        feeds = {}
        for i in self.initiatives:
            if i.stories:
                title = self.text(i.title)
                feeds[i.slug] = Feed(
                    self.r.feed_uri("initiatives", i.slug),
                    self.t("opendata.feed_title", name=title),
                    self.text(i.summary), self.options.initiative_uri(i.slug),
                    i.stories[:ITEM_FEED_LIMIT])
        return feeds

    @cached_property
    def partner_feeds(self) -> dict[str, Feed]:
        """A feed per partner whose initiatives have stories, by partner id: the stories of
        every initiative it takes part in (steward, partner or funder)."""
        feeds = {}
        for p in self.portfolio.partners:
            lists = self.r.partner_stories(p.id)
            if not lists:
                continue
            # Each list is newest first: the newest ITEM_FEED_LIMIT of them all, without
            # sorting every story of a partner in thousands of initiatives.
            merged = list(islice(heapq.merge(*lists, key=lambda s: s.date.key,
                                             reverse=True), ITEM_FEED_LIMIT))
            feeds[p.id] = Feed(
                self.r.feed_uri("partners", p.id),
                self.t("opendata.feed_title", name=p.name),
                self.t("opendata.partner_feed_subtitle", name=p.name),
                self.r.partner_uri(p.id), merged)
        return feeds

    def feed_makers(self) -> dict[str, Callable[[], bytes]]:
        """Every feed of initiatives and partners by site path, as a function that makes it."""
        made: dict[str, Callable[[], bytes]] = {}
        for feed in (*self.initiative_feeds.values(), *self.partner_feeds.values()):
            made[feed.stem + ".xml"] = partial(self._kept, self.atom_of, feed)
            made[feed.stem + ".json"] = partial(self._kept, self.json_feed_of, feed)
        return made

    def _kept(self, make: Callable[[Feed], bytes], f: Feed) -> bytes:
        """`make(f)`, or what it gave in an earlier run with a cache (`mkdocs serve`) for a
        feed that shows all the same: its own fields and stories, each story's id and
        summary (the initiative's title), the build's time, address and language."""
        if self.r.cache is None:
            return make(f)
        ids = self._story_ids
        key = ("feed", make.__name__, f.stem, f.title, f.subtitle, f.page, tuple(f.stories),
               tuple(ids[id(s)] for s in f.stories), tuple(self._pieces(s)[0] for s in f.stories),
               self.built, self.options.site_url, self.options.directory_urls,
               self.t.language, self.portfolio.info.name)
        return self.r.cached(key, partial(make, f))

    # -- the formats ---------------------------------------------------------------------
    def atom(self) -> bytes:
        """The site's stories as an Atom 1.0 feed, newest first."""
        return self.atom_of(self.site_feed())

    def json_feed(self) -> bytes:
        """The site's stories as a JSON Feed 1.1, newest first."""
        return self.json_feed_of(self.site_feed())

    def atom_of(self, f: Feed) -> bytes:
        """A feed in Atom 1.0."""
        name = f.stem + ".xml"
        info = self.portfolio.info
        ElementTree.register_namespace("", ATOM)

        def sub(parent: ElementTree.Element, tag: str, text: str | None = None,
                **attrs: str) -> ElementTree.Element:
            element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
            if text is not None:
                element.text = xml_text(text)
            return element

        def link(uri: str) -> str:
            return self.from_path(name, uri)

        feed = ElementTree.Element(f"{{{ATOM}}}feed", {f"{{{XML}}}lang": self.t.language})
        sub(feed, "id", self._feed_id(f))
        sub(feed, "title", f.title, type="text")
        sub(feed, "subtitle", f.subtitle, type="text")
        sub(feed, "updated", timestamp(self.built))
        if self.options.site_url:
            sub(feed, "link", rel="self", type="application/atom+xml",
                href=self.absolute(name))
        sub(feed, "link", rel="alternate", type="text/html", href=link(f.page))
        author = sub(feed, "author")
        sub(author, "name", info.name)
        sub(feed, "generator", "portfolio-plugin")
        ids = self._story_ids
        for s in f.stories:
            entry = sub(feed, "entry")
            sub(entry, "id", ids[id(s)])
            sub(entry, "title", s.title, type="text")
            sub(entry, "published", _day(s.date))
            sub(entry, "updated", _day(s.date))
            sub(entry, "link", rel="alternate", type="text/html",
                href=link(self.options.initiative_uri(s.initiative)))
            if s.link:
                sub(entry, "link", rel="related", href=s.link)
            sub(entry, "category", term=s.kind.value, label=self.t(f"kind.{s.kind.value}"))
            summary, content = self._pieces(s)
            sub(entry, "summary", summary, type="text")
            if content:
                sub(entry, "content", content, type="html")
        ElementTree.indent(feed)
        data: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
        return data + b"\n"

    def _pieces(self, s: Story) -> tuple[str, str]:
        """A story's summary and content (HTML, "" without text), made once for every feed
        it is in."""
        made = self._made.get(id(s))
        if made is None:
            made = self._made[id(s)] = (self._summary(s),
                                        str(safe_markdown(s.text)) if s.text else "")
        return made

    @cached_property
    def _made(self) -> dict[int, tuple[str, str]]:
        return {}

    def _summary(self, s: Story) -> str:
        initiative = self.r.initiative(s.initiative)
        title = self.text(initiative.title) if initiative else s.initiative
        return self.t("opendata.feed_entry", kind=self.t(f"kind.{s.kind.value}"),
                      initiative=title)

    def json_feed_of(self, f: Feed) -> bytes:
        """A feed in JSON Feed 1.1."""
        name = f.stem + ".json"
        info = self.portfolio.info
        feed: dict[str, Any] = {
            "version": JSON_FEED_VERSION,
            "title": f.title,
            "description": f.subtitle,
            "language": self.t.language,
            "authors": [{"name": info.name}],
        }
        if self.options.site_url:  # JSON Feed's addresses are absolute or absent
            feed["home_page_url"] = self.absolute(f.page)
            feed["feed_url"] = self.absolute(name)
        items = []
        ids = self._story_ids
        for s in f.stories:
            summary, content = self._pieces(s)
            item: dict[str, Any] = {
                "id": ids[id(s)],
                "url": self.from_path(name, self.options.initiative_uri(s.initiative)),
                "title": s.title,
                "summary": summary,
                "content_text": s.text or s.title,
                "date_published": _day(s.date),
                "tags": [s.kind.value],
                "_portfolio": {"initiative": s.initiative, "kind": s.kind.value,
                               "date": s.date.iso(), "partners": list(s.partners)},
            }
            if content:
                item["content_html"] = content
            if s.link:
                item["external_url"] = s.link
            items.append(item)
        feed["items"] = items
        return json_bytes(feed)


def xml_text(text: str) -> str:
    """Text without the characters XML cannot carry (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", text)

