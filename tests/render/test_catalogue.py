"""Every message key the plugin uses exists in English and in Swedish.

The keys are found where they are used: `t("...")` calls in the Jinja templates (read with
Jinja's own parser) and in the Python code (read with `ast`). A key built from a value, like
`t("zone." ~ z.value)` or `t(f"zone.{z.value}.short")`, is checked for every value of the
enumeration it is built from. The translator falls back to English, and then to the key itself,
so a missing key never breaks a build: it shows an English word or a raw key on a Swedish page.
This test is what catches it.
"""

from __future__ import annotations

import ast
import enum
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
import yaml
from jinja2 import nodes

from portfolio_plugin.model import (
    AssetKind,
    Facet,
    FundingKind,
    Layer,
    MandateLevel,
    Sector,
    Status,
    StoryKind,
    Zone,
)

from support import ROOT

PACKAGE = ROOT / "portfolio_plugin"
LANGUAGES = ("en", "sv")
TEMPLATE_DIRS = ("templates", "theme")
ENUMS: tuple[type[enum.Enum], ...] = (Facet, Zone, Status, StoryKind, FundingKind, Sector,
                                       AssetKind, MandateLevel, Layer)
# The shared words of core.yml: a key starting so is followed by a value of that enumeration.
ENUM_PREFIXES: dict[str, type[enum.Enum]] = {
    "facet.": Facet, "zone.": Zone, "status.": Status, "kind.": StoryKind,
    "funding.": FundingKind, "sector.": Sector, "asset.": AssetKind, "level.": MandateLevel,
    "layer.": Layer,
}
_KEY_SHAPE = re.compile(r"[a-z][a-z0-9_-]*(\.[A-Za-z0-9_-]+)+\Z")
_FILE_NAME = re.compile(r"\.(md|json|csv|xml|html|js|css|yml|yaml|png|svg|txt)\Z")


@dataclass(frozen=True)
class Slot:
    """The part of a key computed at run time; `choices` when it can only be a few texts."""

    expr: str
    choices: tuple[str, ...] | None = None


Part = str | Slot


@dataclass(frozen=True)
class Use:
    """One `t(...)` call: where it is and the parts its key is made of."""

    where: str
    parts: tuple[Part, ...]

    @property
    def static(self) -> str | None:
        """The key, when it is written out whole."""
        if all(isinstance(p, str) for p in self.parts):
            return "".join(str(p) for p in self.parts)
        return None


# -- reading the catalogues ------------------------------------------------------------------

def catalogue(language: str, folder: Path = PACKAGE / "locales") -> dict[str, str]:
    """Every message of a language, from all its area files."""
    messages: dict[str, str] = {}
    for path in sorted((folder / language).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        assert isinstance(data, dict), f"{path.name} must be a mapping of keys to texts"
        messages.update({str(k): str(v) for k, v in data.items()})
    return messages


def _opaque(parts: tuple[Part, ...]) -> bool:
    """A key that is only a variable: `t(key)`."""
    return len(parts) == 1 and isinstance(parts[0], Slot) and parts[0].choices is None


# -- finding the keys in templates -----------------------------------------------------------

def _jinja_parts(node: nodes.Node) -> list[Part]:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.Concat):
        return [p for child in node.nodes for p in _jinja_parts(child)]
    if isinstance(node, nodes.Add):
        return _jinja_parts(node.left) + _jinja_parts(node.right)
    if isinstance(node, nodes.CondExpr) and all(
            isinstance(n, nodes.Const) and isinstance(n.value, str)
            for n in (node.expr1, node.expr2)):
        return [Slot("if", (node.expr1.value, node.expr2.value))]
    return [Slot(type(node).__name__)]


def _is_t(node: nodes.Node) -> bool:
    return (isinstance(node, nodes.Name) and node.name == "t") or (
        isinstance(node, nodes.Getattr) and node.attr == "t")


def template_uses(source: str, where: str) -> Iterator[Use]:
    """The `t(...)` calls of a Jinja template, and key-like texts it hands to `t(variable)`."""
    tree = jinja2.Environment(autoescape=True).parse(source)
    indirect = False
    consumed: set[int] = set()
    for call in tree.find_all(nodes.Call):
        if _is_t(call.node) and call.args:
            parts = tuple(_jinja_parts(call.args[0]))
            if _opaque(parts):
                indirect = True
                continue
            consumed.update(id(n) for n in call.args[0].find_all(nodes.Const))
            consumed.add(id(call.args[0]))
            yield Use(f"{where}:{call.lineno}", parts)
    if indirect:
        for const in tree.find_all(nodes.Const):
            if id(const) not in consumed and isinstance(const.value, str) \
                    and _looks_like_key(const.value):
                yield Use(f"{where}:{const.lineno}", (const.value,))


# -- finding the keys in Python --------------------------------------------------------------

def _python_parts(node: ast.expr) -> list[Part]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts: list[Part] = []
        for value in node.values:
            parts += _python_parts(value) if isinstance(value, ast.Constant) else [
                Slot(ast.unparse(value.value))]
        return parts
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _python_parts(node.left) + _python_parts(node.right)
    if isinstance(node, ast.IfExp) and all(
            isinstance(n, ast.Constant) and isinstance(n.value, str)
            for n in (node.body, node.orelse)):
        return [Slot(ast.unparse(node), (node.body.value, node.orelse.value))]
    return [Slot(ast.unparse(node))]


def _is_python_t(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "t") or (
        isinstance(node, ast.Attribute) and node.attr == "t")


def _looks_like_key(text: str) -> bool:
    return bool(_KEY_SHAPE.match(text)) and not _FILE_NAME.search(text) \
        and text.split(".", 1)[0] in AREAS


def python_uses(source: str, where: str) -> Iterator[Use]:
    """The `t(...)` calls of a module; for `t(variable)`, the key-like texts of its function."""
    tree = ast.parse(source)
    scopes: list[ast.AST] = [tree] + [n for n in ast.walk(tree)
                                      if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    consumed: set[int] = set()
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and _is_python_t(call.func) and call.args:
            parts = tuple(_python_parts(call.args[0]))
            if not _opaque(parts):
                consumed.update(id(n) for n in ast.walk(call.args[0]))
                yield Use(f"{where}:{call.lineno}", parts)
    for scope in scopes:
        inner = [n for n in ast.walk(scope) if isinstance(n, ast.Call)
                 and _is_python_t(n.func) and n.args and _opaque(tuple(_python_parts(n.args[0])))]
        if not inner or scope is tree:
            continue
        for const in ast.walk(scope):
            if isinstance(const, ast.Constant) and id(const) not in consumed \
                    and isinstance(const.value, str) and _looks_like_key(const.value):
                yield Use(f"{where}:{const.lineno}", (const.value,))


def all_uses() -> list[Use]:
    """Every use of a message key in the package."""
    uses: list[Use] = []
    for folder in TEMPLATE_DIRS:
        for path in sorted((PACKAGE / folder).glob("*")):
            if path.suffix in (".html", ".md"):
                uses += template_uses(path.read_text(encoding="utf-8"),
                                      path.relative_to(PACKAGE.parent).as_posix())
    for path in sorted(PACKAGE.rglob("*.py")):
        uses += python_uses(path.read_text(encoding="utf-8"),
                            path.relative_to(PACKAGE.parent).as_posix())
    return uses


# -- the keys a use needs --------------------------------------------------------------------

def _expand(parts: tuple[Part, ...]) -> Iterator[tuple[Part, ...]]:
    """Replace every slot with few choices by each choice."""
    for index, part in enumerate(parts):
        if isinstance(part, Slot) and part.choices is not None:
            for choice in part.choices:
                yield from _expand(parts[:index] + (choice,) + parts[index + 1:])
            return
    yield parts


def _pattern(parts: tuple[Part, ...]) -> re.Pattern[str]:
    return re.compile("".join(re.escape(p) if isinstance(p, str) else "(.+?)" for p in parts)
                      + r"\Z")


def _enum_for(parts: tuple[Part, ...], known: Iterable[str]) -> type[enum.Enum] | None:
    """The enumeration a one-slot key is built from: by its prefix, else by the keys known."""
    slot = next(i for i, p in enumerate(parts) if isinstance(p, Slot))
    prefix = "".join(p for p in parts[:slot] if isinstance(p, str))
    if prefix in ENUM_PREFIXES:
        return ENUM_PREFIXES[prefix]
    pattern = _pattern(parts)
    found = {m.group(1) for key in known if (m := pattern.match(key))}
    fitting = [e for e in ENUMS if found and found <= {str(m.value) for m in e}]
    return fitting[0] if len(fitting) == 1 else None


def needed_keys(use: Use, known: Iterable[str]) -> tuple[list[str], str | None]:
    """The keys a use needs, and a reason when the keys cannot be told."""
    known = list(known)
    keys: list[str] = []
    for parts in _expand(use.parts):
        slots = [p for p in parts if isinstance(p, Slot)]
        if not slots:
            keys.append("".join(p for p in parts if isinstance(p, str)))
            continue
        enum_type = _enum_for(parts, known) if len(slots) == 1 else None
        if enum_type is not None:
            keys += ["".join(str(m.value) if isinstance(p, Slot) else p for p in parts)
                     for m in enum_type]
            continue
        pattern = _pattern(parts)
        matching = [key for key in known if pattern.match(key)]
        if not matching:
            shown = "".join(p if isinstance(p, str) else "{" + p.expr + "}" for p in parts)
            return keys, f"no key in the catalogues matches {shown!r}"
        keys += matching
    return keys, None


# -- the tests -------------------------------------------------------------------------------

CATALOGUES = {language: catalogue(language) for language in LANGUAGES}
AREAS = {key.split(".", 1)[0] for messages in CATALOGUES.values() for key in messages}


def missing_keys() -> list[str]:
    known = set(CATALOGUES["en"]) | set(CATALOGUES["sv"])
    missing: set[str] = set()
    for use in all_uses():
        keys, problem = needed_keys(use, known)
        if problem:
            missing.add(f"{use.where}: {problem}")
        for key in keys:
            absent = [lang for lang in LANGUAGES if key not in CATALOGUES[lang]]
            if absent:
                missing.add(f"{use.where}: {key!r} missing in {', '.join(absent)}")
    return sorted(missing)


def test_every_key_the_plugin_uses_exists_in_english_and_swedish() -> None:
    missing = missing_keys()
    assert not missing, f"{len(missing)} key(s) missing:\n" + "\n".join(missing)


def test_every_enumeration_value_has_its_shared_word_in_both_languages() -> None:
    missing = [f"{prefix}{member.value} missing in {lang}"
               for prefix, enum_type in ENUM_PREFIXES.items() for member in enum_type
               for lang in LANGUAGES if f"{prefix}{member.value}" not in CATALOGUES[lang]]
    assert not missing, "\n".join(missing)


def test_english_and_swedish_have_the_same_keys() -> None:
    en, sv = set(CATALOGUES["en"]), set(CATALOGUES["sv"])
    assert sorted(en - sv) == [], "only in English"
    assert sorted(sv - en) == [], "only in Swedish"


def test_both_languages_have_the_same_area_files() -> None:
    names = {lang: sorted(p.name for p in (PACKAGE / "locales" / lang).glob("*.yml"))
             for lang in LANGUAGES}
    assert names["en"] == names["sv"]


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def test_a_message_has_the_same_placeholders_in_both_languages() -> None:
    differ = [f"{key}: en {sorted(_placeholders(text))} sv "
              f"{sorted(_placeholders(CATALOGUES['sv'][key]))}"
              for key, text in CATALOGUES["en"].items() if key in CATALOGUES["sv"]
              and _placeholders(text) != _placeholders(CATALOGUES["sv"][key])]
    assert not differ, "\n".join(differ)


def test_no_message_is_empty() -> None:
    empty = [f"{lang}: {key}" for lang in LANGUAGES
             for key, text in CATALOGUES[lang].items() if not text.strip()]
    assert not empty


# -- the scanner itself: it must find what it is meant to find ------------------------------

def test_the_scanner_reads_static_and_built_keys_in_a_template() -> None:
    source = ('{{ t("a.static") }} {{ t(\'a.quoted\', n=1) }} {{ t.money(1, "SEK") }}\n'
              '{{ t("zone." ~ z.value) }} {{ t("zone." ~ z.value ~ ".short") }}\n'
              '{{ t("x." ~ ("long" if a else "short")) }}')
    uses = list(template_uses(source, "x.html"))
    assert [u.static for u in uses if u.static] == ["a.static", "a.quoted"]
    needed = {k for u in uses for k in needed_keys(u, [])[0]}
    assert {"zone.yellow", "zone.green", "zone.blue", "zone.blue.short", "x.long",
            "x.short"} <= needed
    assert uses[0].where == "x.html:1"


def test_the_scanner_reads_static_and_built_keys_in_python() -> None:
    source = ('def f(r, t, z, key, short):\n'
              '    r.t("a.static"); t(f"facet.{z.value}")\n'
              '    t("status." + z.value)\n'
              '    t(f"facetmap.axis.{key}" + (".short" if short else ""))\n'
              '    self.t(f"kind.{s.kind.value}")\n'
              'def g(t):\n'
              '    for key in ("status.paused", "status.md"):\n'
              '        t(key)\n')
    uses = list(python_uses(source, "m.py"))
    known = ["facetmap.axis.certain", "facetmap.axis.certain.short"]
    needed = {k for u in uses for k in needed_keys(u, known)[0]}
    assert {"a.static", "facet.adaptive", "status.idea", "kind.setback",
            "facetmap.axis.certain", "facetmap.axis.certain.short"} <= needed
    assert "status.paused" in needed and "status.md" not in needed


def test_a_key_built_from_an_unknown_value_with_no_match_is_reported() -> None:
    (use,) = python_uses('t(f"nothing.here.{x}")\n', "m.py")
    keys, problem = needed_keys(use, ["something.else"])
    assert keys == [] and problem and "nothing.here.{x}" in problem


def test_a_key_built_from_a_value_is_checked_for_the_whole_enumeration() -> None:
    (use,) = template_uses('{{ t("mandates.about_" ~ level.value) }}', "x.md")
    keys, problem = needed_keys(use, ["mandates.about_eu"])
    assert problem is None
    assert keys == [f"mandates.about_{m.value}" for m in MandateLevel]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_is_read(language: str) -> None:
    assert CATALOGUES[language]["zone.yellow"]
