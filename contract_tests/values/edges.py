"""Values each PATCH field takes at the edges the spec allows: its longest and shortest string,
its least and greatest number, its most and fewest items, each enum value; inside array items too.

An API stricter than the spec refuses one of them, which random generation may never draw. Each
edge comes with the rule that sets it (found as the rule the value just past it breaks), and is
checked against the spec's `SipTrunkUpdate` schema before a check sends it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contract_tests.values.bad_values import valid_item
from contract_tests.values.causes import Rule, rules_broken
from contract_tests.values.spec import load_spec, patch_accepts, resolved

BODY = "SipTrunkUpdate"
HARMLESS_SUFFIX = ".invalid"  # the safety layer keeps only gateways under it (or test IPs)


@dataclass(frozen=True)
class Edge:
    field: str  # the top-level field of the PATCH body
    path: list[str | int]  # where the edge value sits in the body
    body: dict[str, Any]  # the PATCH body that sends it
    rule: Rule  # the rule that sets this edge
    bound: int | None  # the size or number at the edge, for a bound; None for an enum value
    inside: int | None  # the other edge, towards which a stricter bound is searched
    resized: Callable[[int], dict[str, Any]] | None = None  # the body with another size or number there

    @property
    def value(self) -> Any:
        node: Any = self.body
        for step in self.path:
            node = node[step]
        return node


def sized(base: str, size: int) -> str:
    """A string of `size` characters built on a valid harmless `base`, keeping what makes it harmless."""
    filler = "x" * max(0, size - len(base))
    if base.endswith(HARMLESS_SUFFIX):
        return (filler + base)[-size:] if size >= len(base) else base[:size]
    return (base + filler)[:size]


def edges(
    base_strings: Callable[[str], str],
    fields: list[str] | None = None,
    *,
    component: str = BODY,
    valid: Callable[[dict[str, Any]], bool] = patch_accepts,
) -> list[Edge]:
    """Every edge of the fields of a request body (`component`: the PATCH body, or the create
    body), in field order, kept where `valid(body)`; `base_strings(field)` is a short harmless
    valid string to grow (a name with the run's prefix, a gateway under .invalid)."""
    properties = load_spec()["components"]["schemas"][component]["properties"]
    found: list[Edge] = []
    for field in fields or list(properties):
        found += _edges(component, field, [field], resolved(properties[field]), base_strings, _top_level(field))
    return [edge for edge in found if valid(edge.body)]


def _top_level(field: str) -> Callable[[Any], dict[str, Any]]:
    return lambda value: {field: value}


def _edges(
    component: str,
    field: str,
    path: list[str | int],
    schema: dict[str, Any],
    base: Callable[[str], str],
    make: Callable[[Any], dict[str, Any]],
) -> list[Edge]:
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else list(types)
    out: list[Edge] = []

    def edge(
        value: Any,
        past: Any,
        keyword: str,
        bound: int | None,
        inside: int | None,
        size: Callable[[int], Any] | None = None,
    ) -> None:
        rule = next((r for r in rules_broken(component, make(past)) if r.keyword == keyword), None)
        if rule is not None:
            resized = None if size is None else (lambda n: make(size(n)))
            out.append(Edge(field, path, make(value), rule, bound, inside, resized))

    for option in schema.get("enum", []):
        if option is not None:
            edge(option, f"not-{option}", "enum", None, None)
    if "string" in types and "enum" not in schema:
        start = base(str(path[-1]))
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if high is not None:
            edge(sized(start, high), sized(start, high + 1), "maxLength", high, max(low, 1), lambda n: sized(start, n))
        if low > 1:
            edge(sized(start, low), sized(start, low - 1), "minLength", low, high)
    if "integer" in types:
        low, high = schema.get("minimum"), schema.get("maximum")
        if high is not None:
            edge(high, high + 1, "maximum", high, low if low is not None else high - 2**16, int)
        if low is not None:
            edge(low, low - 1, "minimum", low, high if high is not None else low + 2**16, int)
    if "array" in types and "items" in schema:
        item_schema = resolved(schema["items"])
        item = valid_item(item_schema)
        most, fewest = schema.get("maxItems"), schema.get("minItems", 0)
        if most is not None:
            edge([item] * most, [item] * (most + 1), "maxItems", most, max(fewest, 1), lambda n: [item] * n)
        for key, inner in item_schema.get("properties", {}).items():
            # One item at the edge, the rest of it the list's harmless valid item.
            def inside_item(value: Any, key: str = key) -> dict[str, Any]:
                return make([{**copy.deepcopy(item), key: value}])

            out += _edges(component, field, [*path, 0, key], resolved(inner), base, inside_item)
    return out
