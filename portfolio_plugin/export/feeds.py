"""Feeds of the stories: Atom 1.0 and JSON Feed 1.1, newest first."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree

from ..model import PartialDate, Story
from ..render.text import safe_markdown
from .base import FILES, ExportBase, json_bytes, timestamp

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
# Feeds carry the newest stories only; every story is in stories.csv and portfolio.json.
FEED_LIMIT = 500
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _day(date: PartialDate) -> str:
    return f"{date.key[0]:04d}-{date.key[1]:02d}-{date.key[2]:02d}T00:00:00Z"



class Feeds(ExportBase):
    """Makes the feeds."""

    def _story_ids(self) -> dict[int, str]:
        """A stable id per story of the feeds (by position), unique within the feed."""
        ids: dict[int, str] = {}
        seen: set[str] = set()
        for n, s in enumerate(self._feed_stories()):
            key = "\x1f".join((self.portfolio.info.name, s.initiative, s.date.iso(),
                               s.kind.value, s.title))
            value = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"
            repeat = 1
            while value in seen:  # identical stories: number the later ones
                repeat += 1
                numbered = key + "\x1f" + str(repeat)
                value = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, numbered)}"
            seen.add(value)
            ids[n] = value
        return ids

    def _feed_stories(self) -> Sequence[Story]:
        return self.figures.stories[:FEED_LIMIT]

    def atom(self) -> bytes:
        """The stories as an Atom 1.0 feed, newest first."""
        name = FILES["atom"]
        info = self.portfolio.info
        ElementTree.register_namespace("", ATOM)

        def sub(parent: ElementTree.Element, tag: str, text: str | None = None,
                **attrs: str) -> ElementTree.Element:
            element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
            if text is not None:
                element.text = xml_text(text)
            return element

        feed = ElementTree.Element(f"{{{ATOM}}}feed", {f"{{{XML}}}lang": self.t.language})
        feed_id = (self.absolute(self.r.export_uri(name)) if self.options.site_url
                   else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'feed:' + info.name)}")
        sub(feed, "id", feed_id)
        sub(feed, "title", self.t("opendata.feed_title", name=info.name), type="text")
        sub(feed, "subtitle", self.t("opendata.feed_subtitle"), type="text")
        sub(feed, "updated", timestamp(self.built))
        if self.options.site_url:
            sub(feed, "link", rel="self", type="application/atom+xml",
                href=self.absolute(self.r.export_uri(name)))
        sub(feed, "link", rel="alternate", type="text/html",
            href=self.from_file(name, self.r.uri("timeline")))
        author = sub(feed, "author")
        sub(author, "name", info.name)
        sub(feed, "generator", "portfolio-plugin")
        ids = self._story_ids()
        for n, s in enumerate(self._feed_stories()):
            entry = sub(feed, "entry")
            sub(entry, "id", ids[n])
            sub(entry, "title", s.title, type="text")
            sub(entry, "published", _day(s.date))
            sub(entry, "updated", _day(s.date))
            sub(entry, "link", rel="alternate", type="text/html",
                href=self.from_file(name, self.options.initiative_uri(s.initiative)))
            if s.link:
                sub(entry, "link", rel="related", href=s.link)
            sub(entry, "category", term=s.kind.value, label=self.t(f"kind.{s.kind.value}"))
            sub(entry, "summary", self._summary(s), type="text")
            if s.text:
                sub(entry, "content", str(safe_markdown(s.text)), type="html")
        ElementTree.indent(feed)
        data: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
        return data + b"\n"

    def _summary(self, s: Story) -> str:
        initiative = self.r.initiative(s.initiative)
        title = self.text(initiative.title) if initiative else s.initiative
        return self.t("opendata.feed_entry", kind=self.t(f"kind.{s.kind.value}"),
                      initiative=title)

    def json_feed(self) -> bytes:
        """The stories as a JSON Feed 1.1, newest first."""
        name = FILES["json_feed"]
        info = self.portfolio.info
        feed: dict[str, Any] = {
            "version": JSON_FEED_VERSION,
            "title": self.t("opendata.feed_title", name=info.name),
            "description": self.t("opendata.feed_subtitle"),
            "language": self.t.language,
            "authors": [{"name": info.name}],
        }
        if self.options.site_url:
            feed["home_page_url"] = self.absolute(self.r.uri("timeline"))
            feed["feed_url"] = self.absolute(self.r.export_uri(name))
        items = []
        ids = self._story_ids()
        for n, s in enumerate(self._feed_stories()):
            item: dict[str, Any] = {
                "id": ids[n],
                "url": self.from_file(name, self.options.initiative_uri(s.initiative)),
                "title": s.title,
                "summary": self._summary(s),
                "content_text": s.text or s.title,
                "date_published": _day(s.date),
                "tags": [s.kind.value],
                "_portfolio": {"initiative": s.initiative, "kind": s.kind.value,
                               "date": s.date.iso(), "partners": list(s.partners)},
            }
            if s.text:
                item["content_html"] = str(safe_markdown(s.text))
            if s.link:
                item["external_url"] = s.link
            items.append(item)
        feed["items"] = items
        return json_bytes(feed)


def xml_text(text: str) -> str:
    """Text without the characters XML cannot carry (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", text)

