"""Each PATCH field's bad values (type, bounds, pattern, enum) answer 422 and change nothing.

The values come from the spec's schema keywords (contract_tests/bad_values.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from contract_tests.bad_values import bad_values_by_field
from contract_tests.model import CREDENTIALS
from contract_tests.safety import TRUNKS_PATH
from contract_tests.target import Target
from contract_tests.trunks import Workbench

BAD_VALUES = bad_values_by_field()


def _validation_error_body(body: object) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("detail"), list) or not body["detail"]:
        return False
    return all(isinstance(item, dict) and {"loc", "msg", "type"} <= item.keys() for item in body["detail"])


def _refused(target: Target, trunk_id: str, body: dict[str, Any]) -> str | None:
    """Send `body` and expect a 422 with a validation-error body; the problem as one line, or None."""
    with target.http() as http:
        response = http.patch(f"{TRUNKS_PATH}/{trunk_id}", json=body)
    sent = json.dumps(body)[:160]
    if response.status_code != 422:
        return f"PATCH {sent}: expected 422, got {response.status_code} {response.text[:160]}"
    try:
        parsed = response.json()
    except ValueError:
        parsed = None
    if not _validation_error_body(parsed):
        return f"PATCH {sent}: 422 without a {{detail: [{{loc, msg, type}}]}} body: {response.text[:160]}"
    return None


def _reject(target: Target, workbench: Workbench, trunk_id: str, body: dict[str, Any]) -> str | None:
    """Send `body`, expect 422 and no change; the problem as one line, or None."""
    before = workbench.get(trunk_id)
    problem = _refused(target, trunk_id, body)
    if problem is None and workbench.get(trunk_id) != before:
        return f"PATCH {json.dumps(body)[:160]}: answered 422 but changed the trunk"
    return problem


@pytest.mark.parametrize("field", list(BAD_VALUES))
def test_bad_values_are_rejected_with_422(field: str, target: Target, workbench: Workbench) -> None:
    if field in CREDENTIALS and not workbench.throwaway:
        pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): sends no credentials")
    trunk_id = workbench.trunk_id("userpass" if field in CREDENTIALS else None)
    before = workbench.get(trunk_id)
    # One read before and after all of them: each value is refused alone, so any change is a bug.
    problems = [problem for value in BAD_VALUES[field] if (problem := _refused(target, trunk_id, {field: value}))]
    if workbench.get(trunk_id) != before:
        problems.append(f"bad values of {field} were answered but the trunk changed")
    assert not problems, (
        f"{len(problems)} of {len(BAD_VALUES[field])} bad values of {field} were not refused:\n" + "\n".join(problems)
    )


def test_one_bad_field_rejects_the_whole_patch(target: Target, workbench: Workbench) -> None:
    trunk_id = workbench.trunk_id()
    valid = {
        "name": f"{target.ledger.name_prefix}-atomic",
        "description": "must not be stored",
        "gateways": [{"gateway_address": "atomic.sip.invalid"}],
        "is_active": False,
        "qualify_frequency": 30,
    }
    problems = []
    for bad_field, bad in (("qualify_frequency", 86401), ("transport", "transport-sctp"), ("allow", "ULAW")):
        problem = _reject(target, workbench, trunk_id, {**valid, bad_field: bad})
        if problem:
            problems.append(problem)
    assert not problems, "a PATCH with one bad field was not refused whole:\n" + "\n".join(problems)
