"""No token and a wrong token answer the spec's auth failure status on every operation, and change nothing.

The status is read from the spec (the one the operation gives its `Unauthorized` answer), so a
calibrated spec moves the check; another status is one cause, whichever operation showed it.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

import httpx
import pytest

from contract_tests.findings.findings import undocumented_status
from contract_tests.live.safety import TRUNKS_PATH
from contract_tests.live.target import Target
from contract_tests.live.trunks import Workbench
from contract_tests.plugin import ContractPlugin
from contract_tests.values.spec import AUTH_FAILURE, status_for

CREATE = "a valid create body"  # stands for Workbench.create_body(), built when the test runs
# (method, path template, body) for every operation of the spec.
OPERATIONS: list[tuple[str, str, dict[str, Any] | str | None]] = [
    ("GET", TRUNKS_PATH, None),
    ("POST", TRUNKS_PATH, CREATE),
    ("GET", TRUNKS_PATH + "/{trunk}", None),
    ("PATCH", TRUNKS_PATH + "/{trunk}", {"is_active": False, "description": "changed without a token"}),
    ("DELETE", TRUNKS_PATH + "/{trunk}", None),
    ("POST", TRUNKS_PATH + "/{trunk}/numbers", {"phone_number": "+99912345678"}),
    ("GET", TRUNKS_PATH + "/{trunk}/numbers", None),
    ("DELETE", TRUNKS_PATH + "/{trunk}/numbers/{number}", None),
]


@pytest.mark.parametrize("credential", [None, "wrong"], ids=["missing token", "wrong token"])
@pytest.mark.parametrize(("method", "template", "body"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_unauthenticated_request_is_refused_and_changes_nothing(
    method: str,
    template: str,
    body: Any,
    credential: str | None,
    target: Target,
    workbench: Workbench,
    contract: ContractPlugin,
) -> None:
    if method in ("POST", "DELETE") and not workbench.throwaway:
        pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): creates and deletes nothing")
    trunk_id = workbench.trunk_id()
    numbers_before = workbench.numbers(trunk_id)
    before = workbench.get(trunk_id)
    own_before = workbench.own_trunks()
    number_id = numbers_before[0]["id"] if numbers_before else "none"
    path = template.format(trunk=trunk_id, number=number_id)
    json_body = workbench.create_body("userpass") if body == CREATE else body
    with target.http(authenticated=False) as http:
        headers = {"Authorization": f"Bearer {credential}-{secrets.token_hex(8)}"} if credential else {}
        response = http.request(method, path, json=json_body, headers=headers)
    spec_path = template.replace("{trunk}", "{trunk_id}").replace("{number}", "{phone_number_id}")
    expected = status_for(method, spec_path, AUTH_FAILURE)
    assert expected is not None, f"the spec gives {method} {spec_path} no {AUTH_FAILURE} answer"
    if response.status_code != expected and 400 <= response.status_code < 500:
        # Refused, with another status than the spec assumed: one cause for every operation.
        seen = undocumented_status(method, spec_path, response.status_code, _json(response), authenticated=False)
        contract.record(
            replace(
                seen,
                test="test_unauthenticated_request_is_refused_and_changes_nothing",
                reproduce=[contract.curl(response)],
            )
        )
    assert response.status_code == expected, (
        f"{method} {template} with {'a wrong' if credential else 'no'} token answered {response.status_code}, "
        f"not {expected}"
    )
    detail = (
        response.json().get("detail")
        if response.headers.get("content-type", "").startswith("application/json")
        else None
    )
    assert isinstance(detail, str), f"{expected} must carry {{'detail': <text>}}, got {response.text[:200]}"
    assert workbench.get(trunk_id) == before, f"{method} {template} without a valid token changed the trunk"
    assert workbench.numbers(trunk_id) == numbers_before, (
        f"{method} {template} without a valid token changed its numbers"
    )
    assert workbench.own_trunks() == own_before, f"{method} {template} without a valid token changed the run's trunks"


def _json(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None
