"""`auth_password` is never returned, in any response of the run (contract: the trunk object)."""

from __future__ import annotations

import pytest

from contract_tests.live.safety import TRUNKS_PATH
from contract_tests.live.target import Target
from contract_tests.live.trunks import Workbench


def test_password_is_never_returned(target: Target, workbench: Workbench) -> None:
    created = workbench.create("userpass")
    trunk_id = created["id"]
    leaks_before = len(target.ledger.leaks)
    with target.http() as http:
        http.patch(f"{TRUNKS_PATH}/{trunk_id}", json={"auth_password": target.ledger.new_password()})
        http.patch(f"{TRUNKS_PATH}/{trunk_id}", json={"auth_username": "contract-test-user"})
        http.get(f"{TRUNKS_PATH}/{trunk_id}")
        http.get(TRUNKS_PATH)
    assert "auth_password" not in created, "the create answer returned auth_password"
    leaks = target.ledger.leaks[leaks_before:]
    assert not leaks, "a response gave a password away: " + "; ".join(leaks)


@pytest.mark.phase("whole-run")
def test_no_response_of_the_run_contained_a_secret(target: Target) -> None:
    leaks = target.ledger.leaks
    assert not leaks, f"{len(leaks)} responses gave a secret away: " + "; ".join(leaks[:10])
