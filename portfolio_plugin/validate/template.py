"""Placeholders of the page template: an untouched `portfolio new` page does not pass.

The template (`templates/new_initiative.md`) writes `FILL IN: ...` where the author must write
something of their own: in the required fields and the description. No real text starts with
those words, so a value or a line of the description that does is the template's, and the
page is refused with one problem for each, at its line, until they are replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..load import Page
from ..load.yamlsafe import PathKey, path_text
from ..model import Initiative
from ..problems import Problem, Problems, Severity

PLACEHOLDER = "FILL IN:"
# What a placeholder of a field stands for, where the template has one.
WANTED = {
    "title": "the name of the initiative",
    "summary": "one or two sentences of your own (at most 300 characters)",
    "facet": "one of mission-oriented, enhancement-oriented, anticipatory, adaptive",
    "zone": "one of yellow, green, blue",
}


def placeholders(value: Any, path: PathKey = ()) -> list[PathKey]:
    """Paths of the values that still hold a placeholder (a text starting with it)."""
    if isinstance(value, str):
        return [path] if value.lstrip().startswith(PLACEHOLDER) else []
    found: list[PathKey] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found += placeholders(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += placeholders(item, path + (index,))
    return found


def _holds_any(value: Any) -> bool:
    """Whether any text in `value` holds a placeholder: the walk of every page, kept cheap
    (no paths are made unless one does)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if PLACEHOLDER in item and item.lstrip().startswith(PLACEHOLDER):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def check_page(page: Page, problems: Problems,
               check: Callable[[Problems], Initiative | None]) -> Initiative | None:
    """`check(problems)` of a page, unless it holds placeholders: then one problem for each
    placeholder, and of the other problems those of other fields (a placeholder is not also
    'not a known value'); the page is left out."""
    held = placeholders(page.data.value) if _holds_any(page.data.value) else []
    lines = [n for n, line in enumerate(page.body.split("\n"))
             if line.lstrip().startswith(PLACEHOLDER)] if PLACEHOLDER in page.body else []
    if not held and not lines:
        return check(problems)
    for path in held:
        line, column = page.data.where(path)
        found = str(_at(page.data.value, path)).strip()
        problems.add(Problem(
            page.path, line, column, path_text(path),
            "still holds the page template's placeholder; write your own value",
            Severity.ERROR, WANTED.get(path_text(path), "a value of your own"),
            repr(found if len(found) <= 40 else found[:37] + "...")))
    for n in lines:
        problems.add(Problem(
            page.path, page.body_line + n, 1, "",
            "the description below the front-matter still holds the page template's "
            "placeholder; write your own text", Severity.ERROR,
            "your own description", repr(PLACEHOLDER + " ...")))
    others = Problems()
    check(others)
    names = [path_text(path) for path in held]
    others.items = [p for p in others.items if not any(
        p.field == name or p.field.startswith((name + ".", name + "[")) for name in names)]
    problems.take(others)
    return None


def _at(value: Any, path: PathKey) -> Any:
    for part in path:
        value = value[part]
    return value
