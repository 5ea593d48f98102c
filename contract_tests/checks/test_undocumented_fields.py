"""Additive drift: response keys the spec does not document.

A warning by default (it breaks no client), a failure with CONTRACT_STRICT=1, and always a
failure for a key named like a write-only field.
"""

from __future__ import annotations

from contract_tests.plugin import ContractPlugin
from contract_tests.settings import Settings
from contract_tests.target import Target


def test_no_write_only_key_in_any_response(target: Target) -> None:
    leaked = sorted(
        f"{extra.operation} {extra.status}: {extra.pointer}" for extra in target.undocumented.found if extra.write_only
    )
    assert not leaked, "responses carried write-only keys: " + "; ".join(leaked)


def test_no_undocumented_key_in_any_response(target: Target, settings: Settings, contract: ContractPlugin) -> None:
    extras = sorted(
        (extra for extra in target.undocumented.found if not extra.write_only),
        key=lambda e: (e.operation, e.status, e.pointer),
    )
    lines = [f"{extra.operation} {extra.status}: undocumented key {extra.pointer}" for extra in extras]
    if settings.strict:
        assert not lines, f"{len(lines)} undocumented response keys (strict run):\n" + "\n".join(lines)
    for line in lines:
        contract.warn(
            "undocumented-fields",
            "test_no_undocumented_key_in_any_response",
            line,
            line + " (additive drift)",
        )
