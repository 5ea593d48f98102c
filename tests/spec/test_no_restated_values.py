"""openapi.yaml is the one place a field rule lives: the mock and the suite restate none of its values.

Scans the source of `mock_api/` and `contract_tests/` for literals that restate the spec: any of
its patterns, a list naming two or more values of one of its enums, and its larger numeric
bounds (and the values just past them). Values a hand-written rule names alone (`sdes`,
`transport-tls`, `userpass`) are fine: the spec cannot state those rules. The record of the
spec's verdicts (`test_request_bodies.py`) restates them on purpose and lives outside the scan.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from contract_tests.values.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("mock_api", "contract_tests")
# Numbers this small are everywhere (counts, indexes, sizes); below this the scan cannot tell.
SMALLEST_TELLING_BOUND = 200
# Literals that equal a bound by coincidence: (file, value) -> what they are.
COINCIDENCES = {
    ("contract_tests/values/strategies.py", 255): "the largest part of an IPv4 address",
    ("contract_tests/mockdiff/values.py", 255): "the largest part of an IPv4 address",
    ("mock_api/request_body.py", 1024): "bytes in a KiB, for the 1 MiB body limit",
    ("contract_tests/values/bounds.py", 65_536): "the ceiling of the search for an enforced length or list size",
}
KEYWORDS = ("minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems")


def _spec_nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _spec_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _spec_nodes(value)


def restated(source: str, path: str, spec: dict[str, Any]) -> list[str]:
    """One line per literal in `source` that restates a pattern, an enum or a bound of `spec`."""
    nodes = list(_spec_nodes(spec))
    patterns = {node["pattern"] for node in nodes if isinstance(node.get("pattern"), str)}
    enums = [set(node["enum"]) for node in nodes if isinstance(node.get("enum"), list)]
    bounds = {node[key] for node in nodes for key in KEYWORDS if type(node.get(key)) is int}
    numbers = {bound + step for bound in bounds if bound >= SMALLEST_TELLING_BOUND for step in (-1, 0, 1)}
    found = []
    for node in ast.walk(ast.parse(source)):
        where = f"{path}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in patterns:
            found.append(f"{where}: the pattern {node.value!r}")
        elif isinstance(node, ast.Constant) and type(node.value) is int and node.value in numbers:
            if (path, node.value) not in COINCIDENCES:
                found.append(f"{where}: the number {node.value}, a bound of the spec or just past one")
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            values = {element.value for element in node.elts if isinstance(element, ast.Constant)}
            for enum in enums:
                named = sorted(str(value) for value in values & enum)
                if len(named) >= 2:
                    found.append(f"{where}: the enum values {named}")
    return found


def test_mock_and_suite_restate_no_value_of_the_spec() -> None:
    spec = load_spec()
    found = [
        line
        for folder in SCANNED
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line in restated(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), spec)
    ]
    advice = "read these from the spec (contract_tests.values.spec, mock_api.spec) instead:\n"
    assert not found, advice + "\n".join(found)


def test_the_scan_sees_each_kind_of_restatement() -> None:
    spec = {
        "a": {"type": "string", "maxLength": 255, "pattern": "^[a-z]+$"},
        "b": {"enum": ["udp", "tls"]},
        "c": {"maximum": 7},
    }
    source = 'LIMIT = 256\nPATTERN = "^[a-z]+$"\nKINDS = ["udp", "tls"]\nONE = "tls"\nSMALL = 7\n'
    assert [line.split(": ", 1)[1] for line in restated(source, "x.py", spec)] == [
        "the number 256, a bound of the spec or just past one",
        "the pattern '^[a-z]+$'",
        "the enum values ['tls', 'udp']",
    ]
