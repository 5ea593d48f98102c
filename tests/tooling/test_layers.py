"""contract_tests/ is layered: each group imports only the groups below it, never one above.

values (what the spec says) < findings (what a run found, how it is told) < observers (every
answer as it arrives) < live (which API, how to reach it safely) < the run (cli, plugin, checks,
mockdiff). A folder of more than about ten modules side by side holds more than one concern.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "contract_tests"
LAYERS = ["values", "findings", "observers", "live"]  # bottom first; anything else is the run, on top
RUN = len(LAYERS)


def layer_of(module: str) -> int:
    """The layer of a dotted module name inside contract_tests."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 2 and parts[1] in LAYERS else RUN


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("contract_tests"):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("contract_tests")]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_no_import_runs_from_a_lower_group_up_to_a_higher_one(path: Path) -> None:
    name = ".".join(("contract_tests", *path.relative_to(PACKAGE).with_suffix("").parts))
    upward = [module for module in imports_of(path) if layer_of(module) > layer_of(name)]
    assert not upward, f"{name} (layer {layer_of(name)}) imports from a higher group: {upward}"


def test_every_group_has_a_docstring_and_at_most_about_ten_modules() -> None:
    for folder in [PACKAGE, *(p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 10, f"{folder.name}/ holds {len(modules)} modules side by side"
        docstring = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert docstring, f"{folder.name}/__init__.py says nothing of what lives there"


def test_the_layers_are_the_folders() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert set(LAYERS) <= folders
