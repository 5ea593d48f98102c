"""Additive drift: response keys the spec does not document.

One finding per schema that carries them (a key every trunk answer carries is one finding, not
one per operation): a warning by default (it breaks no client), a failure with CONTRACT_STRICT=1,
and always a failure for a key named like a write-only field.
"""

from __future__ import annotations

import pytest

from contract_tests.findings.findings import Finding
from contract_tests.live.target import Target
from contract_tests.plugin import ContractPlugin
from contract_tests.values.causes import fingerprint


@pytest.mark.phase("whole-run")
def test_no_write_only_key_in_any_response(target: Target) -> None:
    leaked = sorted(
        f"{extra.operation} {extra.status}: {extra.pointer}" for extra in target.undocumented.found if extra.write_only
    )
    assert not leaked, "responses carried write-only keys: " + "; ".join(leaked)


@pytest.mark.phase("whole-run")
def test_no_undocumented_key_in_any_response(target: Target, contract: ContractPlugin) -> None:
    shapes = target.undocumented.shapes
    found = 0
    for (component, path), shape in sorted(shapes.items()):
        keys = {key: seen for key, seen in sorted(shape.keys.items()) if key != "auth_password"}
        if not keys:
            continue
        found += 1
        where = (component or "an inline schema") + (path.replace("/properties/", ".").replace("/items", "[]"))
        operations = sorted({operation for seen in keys.values() for operation in seen.operations})
        lines = [
            f"{key}: in {seen.present} of {shape.objects} objects, as {' or '.join(sorted(seen.types))}"
            for key, seen in keys.items()
        ]
        contract.record(
            Finding(
                "undocumented-fields",
                "test_no_undocumented_key_in_any_response",
                "warning",
                f"{where} answers carry undocumented keys: {', '.join(keys)}",
                f"{where}, returned by {', '.join(operations)}, carries keys the spec does not document "
                "(additive drift):\n" + "\n".join(lines),
                kind="additive",
                fingerprint=fingerprint("undocumented-fields", component, path, "undocumented-keys"),
                occurrences=sum(seen.present for seen in keys.values()),
                operations=operations,
                evidence={
                    "component": component,
                    "path": path,
                    "objects": shape.objects,
                    "keys": {key: {"present": seen.present, "types": sorted(seen.types)} for key, seen in keys.items()},
                },
            )
        )
    assert not (found and contract.run_settings.strict), f"{found} schemas carry undocumented keys (strict run)"
