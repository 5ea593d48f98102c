"""What the contract says a trunk becomes after a PATCH: the suite's own model, from the
contract document, never from the mock's code.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from contract_tests.values.causes import Provenance, provenance_of
from contract_tests.values.spec import merged_state_rules

GATEWAY_DEFAULTS = {"port": 5060, "priority": 1}
PATCHABLE = frozenset(
    {
        "name", "description", "auth_username", "gateways", "ip_identifiers", "allow", "disallow",
        "inbound_enabled", "outbound_leading_plus_enabled", "is_active", "qualify_frequency",
        "transport", "media_encryption", "media_encryption_optimistic",
    }
)  # fmt: skip
CREDENTIALS = frozenset({"auth_username", "auth_password"})
# Made by the server on every write: compared by their own rules, not by value.
SERVER_MADE = frozenset({"updated_at"})


@dataclass(frozen=True)
class MergedStateRule:
    """One entry of the spec's `x-merged-state-rules`, and what it asks of a merged trunk."""

    id: str
    text: str
    provenance: Provenance
    broken_by: Callable[[dict[str, Any]], bool]


# What each rule the spec may list asks, by its id: the spec says which rules hold (a calibrated
# spec may drop one), the suite knows how to test each.
BREAKS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "sdes-requires-tls": lambda trunk: (
        trunk.get("media_encryption") == "sdes" and trunk.get("transport") != "transport-tls"
    ),
    "ip-based-keeps-an-identifier": lambda trunk: (
        trunk.get("auth_type") == "ip-based" and not trunk.get("ip_identifiers")
    ),
}


@cache
def spec_rules() -> tuple[MergedStateRule, ...]:
    """The merged-state rules the spec lists, in its order."""
    rules = []
    for entry in merged_state_rules():
        rule_id = str(entry.get("id"))
        if rule_id not in BREAKS:
            raise ValueError(f"the spec lists a merged-state rule the suite cannot check: {rule_id!r}")
        rules.append(MergedStateRule(rule_id, str(entry.get("rule", "")), provenance_of(entry), BREAKS[rule_id]))
    return tuple(rules)


class RuleNotKept(AssertionError):
    """The API applied a PATCH a merged-state rule of the spec refuses: one cause per rule, and
    the rule's provenance says whether the spec guessed it or Bolna documents it."""

    def __init__(self, message: str, rule: MergedStateRule) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class Outcome:
    status: int  # 200 or 400
    trunk: dict[str, Any]  # what a GET must show afterwards
    reason: str = ""
    rule: MergedStateRule | None = None  # the merged-state rule that refuses it


def apply_patch(stored: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The stored trunk with exactly the sent fields applied (before the merged-state rules)."""
    merged = copy.deepcopy(stored)
    for key, value in patch.items():
        if key not in PATCHABLE and key != "auth_password":
            continue  # unknown and read-only fields are ignored
        if key in CREDENTIALS and stored.get("auth_type") != "userpass":
            continue  # credentials are ignored on ip-based trunks
        if key == "auth_password":
            continue  # stored, never returned
        if key == "gateways":
            merged[key] = [{**GATEWAY_DEFAULTS, **gateway} for gateway in value]  # replaced, not merged
        elif key == "ip_identifiers":
            merged[key] = [{"ip_address": item["ip_address"]} for item in value]
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def rule_violation(trunk: dict[str, Any]) -> MergedStateRule | None:
    """The first merged-state rule of the spec the trunk breaks, or None."""
    return next((rule for rule in spec_rules() if rule.broken_by(trunk)), None)


def expected_after(stored: dict[str, Any], patch: dict[str, Any]) -> Outcome:
    """200 with the merged trunk, or 400 with the stored trunk unchanged (atomic)."""
    merged = apply_patch(stored, patch)
    violation = rule_violation(merged)
    if violation:
        return Outcome(400, stored, violation.text, violation)
    return Outcome(200, merged)


def differences(expected: dict[str, Any], actual: object, *, gateways_replaced: bool) -> list[str]:
    """Where `actual` departs from `expected`, one line per field; empty when it conforms.

    `updated_at` is left to the timestamp check. Gateways that were replaced get new ids and
    `created_at`, so only their sent fields are compared; untouched gateways must be identical.
    """
    if not isinstance(actual, dict):
        return [f"expected a trunk object, got {type(actual).__name__}"]
    problems = []
    for key in sorted(set(expected) | set(actual)):
        if key in SERVER_MADE:
            continue
        want, got = expected.get(key, "<absent>"), actual.get(key, "<absent>")
        if key == "gateways" and gateways_replaced:
            want, got = _sent_gateway_fields(want), _sent_gateway_fields(got)
        if want != got:
            problems.append(f"{key}: expected {_short(want)}, got {_short(got)}")
    return problems


def _sent_gateway_fields(gateways: object) -> object:
    if not isinstance(gateways, list):
        return gateways
    return [
        {k: g.get(k) for k in ("gateway_address", "port", "priority")} if isinstance(g, dict) else g for g in gateways
    ]


def _short(value: object, limit: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
