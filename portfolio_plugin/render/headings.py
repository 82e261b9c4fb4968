"""Generated headings made once, so that a Markdown engine does not parse them on every page.

A generated page is mostly HTML blocks (see `split_html_blocks`) and the headings between
them. A Markdown engine spends much of its time on such a page in these small pieces: each
heading is parsed, given an id and put in the table of contents, and each block's marker is
handled as raw HTML, page after page, although there are only a few dozen different
headings. An adapter that knows how its engine writes a heading (`HeadingMaker`) can have
each run of headings and markers folded into one marker instead (`RUN`). The run itself,
its headings already written as HTML, travels in the page's front-matter (`FOLDED`); once
the engine has rendered the page, the adapter puts each run back in place of its marker
(`unfold`), with ids that no other element of the page has, and adds the headings to the
page's table of contents. The page is then what the engine would have made of the headings.

The Markdown an author wrote is never touched, and if a heading cannot be made alone (the
maker returns None) the page is left as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import Made, PageText

# The front-matter field that carries a page's folded runs and headings (see `Folded`).
FOLDED = "portfolio_folded"
RUN = "<!--pf-run:{}-->"
# Stands for a heading's id in its HTML until the adapter has chosen the id.
ID_MARK = "\x01{}\x01"
_ID_MARKS = re.compile("\x01([0-9]*)\x01")
_RUNS = re.compile(r"<!--pf-run:([0-9]+)-->")
_HEADING = re.compile(r"(#{2,6}) +([^\n]*?)(?: +#+)? *")
_ANY_HEADING = re.compile(r"^ {0,3}(?:#|=+ *$|-+ *$)", re.MULTILINE)
_MARKER = re.compile(r"<!--pf:([0-9]+)-->")


@dataclass(frozen=True)
class Heading:
    """A heading as the engine writes it: its HTML with `ID_MARK.format("")` where its id
    goes, its level, its id, and what the table of contents shows (`name`; None for a
    heading the table of contents does not list)."""

    html: str
    level: int
    id: str
    name: str | None


# (level, the heading's Markdown text) -> the heading, or None if it cannot be made alone.
HeadingMaker = Callable[[int, str], "Heading | None"]


@dataclass(frozen=True)
class Folded:
    """What was folded out of a page: each run's HTML (its headings' ids marked, its blocks
    still markers), and each heading as [level, id, name, before the author's text]."""

    runs: list[str]
    headings: list[list[Any]]

    def dumps(self) -> str:
        return json.dumps({"runs": self.runs, "headings": self.headings}, ensure_ascii=False)

    @classmethod
    def loads(cls, text: str) -> Folded:
        data = json.loads(text)
        return cls(list(data["runs"]), list(data["headings"]))


def fold_headings(made: Made, marked: str, heading: HeadingMaker) -> str:
    """A page's marked Markdown with each run of headings and markers folded into one
    marker; the page as it was if one of its headings cannot be made alone."""
    own = made.own if isinstance(made, PageText) else None
    start, end = own if own is not None else (len(marked), len(marked))
    front_end = marked.find("\n---\n", 3) + 5 if marked.startswith("---\n") else 0
    if front_end < 5 or front_end > start:
        return marked
    runs: list[str] = []
    headings: list[Heading] = []
    head = _fold_region(marked[front_end:start], heading, runs, headings)
    before = len(headings) if own is not None else 0  # headings before the author's text
    foot = _fold_region(marked[end:], heading, runs, headings)
    if head is None or foot is None or not runs:
        return marked
    folded = Folded(runs, [[h.level, h.id, h.name, n < before] for n, h in enumerate(headings)])
    front = (marked[:front_end - 4] + f"{FOLDED}: "
             + json.dumps(folded.dumps(), ensure_ascii=False) + "\n---\n")
    return front + head + marked[start:end] + foot


def _fold_region(region: str, heading: HeadingMaker, runs: list[str],
                 headings: list[Heading]) -> str | None:
    """The region with each run of markers and headings one marker, the run added to
    `runs`; None if a heading cannot be made."""
    if not region.strip("\n"):
        return region
    kept: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            kept.append(RUN.format(len(runs)))
            runs.append("".join(run).rstrip("\n"))
            run.clear()

    for block in region.split("\n\n"):
        text = block.strip("\n")
        marker = _MARKER.fullmatch(text)
        match = None if marker else _HEADING.fullmatch(text)
        if marker:
            # Spaced as the engine spaces them: a blank line after a block of HTML,
            # a newline after a heading.
            run.append(text + "\n\n")
        elif match:
            made = heading(len(match[1]), match[2])
            if made is None:
                return None
            run.append(made.html.replace(ID_MARK.format(""), ID_MARK.format(len(headings)))
                       + "\n")
            headings.append(made)
        elif _ANY_HEADING.search(text):  # a heading the engine would list before ours
            return None
        elif text or not run:  # a blank line within a run goes with it
            flush()
            kept.append(block)
    flush()
    # The newlines that part the region from the author's text stay as they were.
    lead = region[:len(region) - len(region.lstrip("\n"))]
    trail = region[len(region.rstrip("\n")):]
    return lead + "\n\n".join(kept).strip("\n") + trail


def unfold(html: str, folded: Folded, ids: list[str]) -> str:
    """A rendered page with its runs back in place, each heading with its id in `ids`."""
    def run(match: re.Match[str]) -> str:
        return _ID_MARKS.sub(lambda m: ids[int(m[1])], folded.runs[int(match[1])])
    return _RUNS.sub(run, html)


__all__ = ["FOLDED", "ID_MARK", "RUN", "Folded", "Heading", "HeadingMaker", "fold_headings",
           "unfold"]
