"""Entries of `site_data/` with an error, and the pages that name them.

A mistake in `site_data/` is reported once, at its own line (DESIGN.md, "Bad input"): an
entry with an error is still known by its id, so that the pages naming it get no error of
their own; they are published without the reference, and the entry's error names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from ..model import Initiative
from ..problems import Problem, Problems, Severity

V = TypeVar("V")
# How many initiatives an entry's error names before it counts the others.
NAMED = 5


class Known(dict[str, V]):
    """The valid entries of a kind, which also hold (`in`) the ids of its entries with an
    error: a reference to one of those is not an unknown id."""

    def __init__(self, entries: Mapping[str, V], broken: Iterable[str]) -> None:
        super().__init__(entries)
        self.broken = frozenset(broken) - self.keys()

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, key) or key in self.broken


def broken_ids(value: Any, valid: Mapping[str, Any]) -> set[str]:
    """The ids written in a mapping of entries (`value`) that are not among the valid ones."""
    if not isinstance(value, dict):
        return set()
    return {key for key in value if isinstance(key, str) and key not in valid}


def without_broken(initiative: Initiative, broken: Mapping[str, frozenset[str]],
                   used: dict[tuple[str, str], list[str]]) -> Initiative:
    """The initiative without its references to entries with an error; each such reference is
    noted in `used` as (kind, id) -> slugs."""
    partners, assets = broken.get("partner", frozenset()), broken.get("asset", frozenset())
    themes, mandates = broken.get("theme", frozenset()), broken.get("mandate", frozenset())
    objectives = broken.get("objective", frozenset())
    named: set[tuple[str, str]] = set()

    def keep(kind: str, ids: frozenset[str], ident: str | None) -> bool:
        if ident is not None and ident in ids:
            named.add((kind, ident))
            return False
        return True

    changes: dict[str, Any] = {}
    if not keep("partner", partners, initiative.steward):
        changes["steward"] = None
    for name, kind, ids in (("themes", "theme", themes), ("mandates", "mandate", mandates),
                            ("objectives", "objective", objectives),
                            ("assets", "asset", assets)):
        values = getattr(initiative, name)
        kept = tuple(v for v in values if keep(kind, ids, v))
        if len(kept) != len(values):
            changes[name] = kept
    if partners:
        roles = tuple(p for p in initiative.partners if keep("partner", partners, p.id))
        funding = tuple(f for f in initiative.funding if keep("partner", partners, f.funder))
        stories = tuple(
            replace(s, partners=tuple(p for p in s.partners if keep("partner", partners, p)))
            if any(p in partners for p in s.partners) else s for s in initiative.stories)
        if len(roles) != len(initiative.partners):
            changes["partners"] = roles
        if len(funding) != len(initiative.funding):
            changes["funding"] = funding
        if any(a is not b for a, b in zip(stories, initiative.stories, strict=True)):
            changes["stories"] = stories
    for key in named:
        used.setdefault(key, []).append(initiative.slug)
    return replace(initiative, **changes) if changes else initiative


def name_users(problems: Problems, used: Mapping[tuple[str, str], list[str]],
               where: Mapping[str, tuple[str, str]]) -> None:
    """Add to the first error of each entry with an error the initiatives that name it.

    `where` gives, by kind, the entry's file and the field path its entries are under
    ('' for a file of entries, 'themes' for the themes of portfolio.yml).
    """
    for (kind, ident), slugs in sorted(used.items()):
        path, under = where[kind]
        field = f"{under}.{ident}" if under else ident
        for index, problem in enumerate(problems.items):
            if problem.path == path and problem.severity is Severity.ERROR \
                    and (problem.field == field or problem.field.startswith((field + ".",
                                                                              field + "["))):
                problems.items[index] = _naming(problem, sorted(slugs))
                break


def _naming(problem: Problem, slugs: list[str]) -> Problem:
    shown = ", ".join(slugs[:NAMED])
    if len(slugs) > NAMED:
        shown += f" and {len(slugs) - NAMED} more"
    count = "1 initiative" if len(slugs) == 1 else f"{len(slugs)} initiatives"
    return replace(problem, message=f"{problem.message} (used by {count}: {shown}; left out "
                                    "of their pages until this is fixed)")
