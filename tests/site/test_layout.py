"""The one rule of imports: the stages know nothing of MkDocs, of the adapter, or of the
package that uses a second core; only the adapter imports that package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "portfolio_plugin"
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
