"""The one rule of imports: the stages know nothing of MkDocs, of the adapter, or of the
package that uses a second core; only the adapter imports that package.

And the tests' own layout: test modules sit in folders that mirror the package, and share
what they share through tests/support.py (or a folder's conftest.py), never by importing
each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support import ROOT

PACKAGE = ROOT / "portfolio_plugin"
ENGINE = ("mkdocs", "properdocs")
ADAPTER = "portfolio_plugin.adapter"
PARALLEL = "portfolio_plugin.parallel"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> set[str]:
    """Every module the source imports, relative imports made absolute, wherever they are
    written (at the top, inside a function, under TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return found


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


MODULES = sorted(PACKAGE.rglob("*.py"))
CORE = [p for p in MODULES
        if not within(module_name(p), ADAPTER) and not within(module_name(p), PARALLEL)]


def test_the_layout_has_a_package_per_stage() -> None:
    for stage in ("load", "validate", "compute", "render", "export", "cli", "adapter",
                  "parallel"):
        assert (PACKAGE / stage / "__init__.py").is_file(), stage


@pytest.mark.parametrize("path", CORE, ids=lambda p: module_name(p))
def test_no_stage_imports_mkdocs_the_adapter_or_the_parallel_package(path: Path) -> None:
    bad = sorted(name for name in imports_of(path)
                 if any(within(name, forbidden) for forbidden in (*ENGINE, ADAPTER, PARALLEL)))
    assert bad == [], f"{module_name(path)} imports {bad}"


def test_only_the_adapter_imports_the_parallel_package() -> None:
    importers = {module_name(p) for p in MODULES
                 if any(within(name, PARALLEL) for name in imports_of(p))}
    assert importers and all(within(m, ADAPTER) or within(m, PARALLEL) for m in importers), \
        importers


def test_the_rule_sees_imports_hidden_in_functions() -> None:
    source = "def f():\n    from ..parallel import workers\n    import mkdocs.utils\n"
    found = imports_in(source, "portfolio_plugin.compute")
    assert "portfolio_plugin.parallel.workers" in found and "mkdocs.utils" in found


# -- the tests' own layout ------------------------------------------------------------------

TESTS = ROOT / "tests"
SHARED = {"conftest.py", "support.py"}  # the only modules of tests/ itself
TEST_MODULES = sorted(p for p in TESTS.rglob("test_*.py") if "corpus" not in p.parts)


def relative_to_tests(path: Path) -> str:
    return path.relative_to(TESTS).as_posix()


def importable_names(path: Path) -> set[str]:
    """The names a test module can be imported by (`test_x`, `render.test_x`, ...)."""
    parts = path.relative_to(TESTS).with_suffix("").parts
    return {".".join(parts[n:]) for n in range(len(parts))}


def starting_package(path: Path) -> str:
    """Where a test module's relative imports start ('' outside a package)."""
    if not (path.parent / "__init__.py").is_file():
        return ""
    return ".".join(path.parent.relative_to(TESTS).parts)


def test_no_test_module_imports_another_test_module() -> None:
    bad: dict[str, list[str]] = {}
    for path in TEST_MODULES:
        others = set().union(*(importable_names(p) for p in TEST_MODULES if p != path))
        source = path.read_text(encoding="utf-8")
        found = sorted(imports_in(source, starting_package(path)) & others)
        if found:
            bad[relative_to_tests(path)] = found
    assert len(TEST_MODULES) > 40
    assert bad == {}, (f"test modules import other test modules: {bad}; move what they share "
                       "to tests/support.py (or a fixture to conftest.py)")


def test_no_test_module_sits_in_the_root_of_tests() -> None:
    stray = sorted(p.name for p in TESTS.glob("*.py") if p.name not in SHARED)
    assert stray == [], (f"{stray} sit in tests/: put each test module in the folder of the "
                         "package it tests (tests/load/, tests/render/, ..., tests/project/)")
