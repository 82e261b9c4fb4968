"""The page an author sees in place of an invalid initiative while previewing the site.

Only `mkdocs serve` shows it (DESIGN.md, "Bad input"): the author sees the problems where
they look, on the page itself; a built site leaves an invalid initiative out. It shows the
problems as `portfolio validate` says them, escaped, and nothing else of the page.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..i18n import Translator
from ..problems import Problem
from . import environment


def problems_page(translator: Translator, path: str, problems: Iterable[Problem]) -> str:
    """The Markdown of the page of the file at `path` (as problems name it), listing its
    problems in the site's language."""
    template = environment().get_template("initiative_problems.md")
    return template.render(t=translator, path=path, problems=list(problems))
