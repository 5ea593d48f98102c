"""Create, list, delete and phone numbers behave as the contract says (contract: "Endpoints",
"POST /sip-trunks/trunks", "Numbers", "Errors").
"""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from contract_tests.live.safety import TRUNKS_PATH
from contract_tests.live.target import Target
from contract_tests.live.trunks import Workbench
from contract_tests.values.model import GATEWAY_DEFAULTS
from contract_tests.values.spec import defaults_of, schema_validator
from contract_tests.values.strategies import AUTH_TYPES

# What a trunk created without optional fields carries: the create schema's defaults and the
# read-only NAT settings' defaults, both from the spec.
CREATE_DEFAULTS = defaults_of("SipTrunkCreate") | defaults_of("SipTrunk")


def _number() -> str:
    """A random number the spec accepts with and without a leading '+'."""
    digits = "9990" + "".join(secrets.choice("0123456789") for _ in range(9))
    validator = schema_validator("PhoneNumberCreate")
    assert all(validator.is_valid({"phone_number": prefix + digits}) for prefix in ("", "+")), (
        f"the suite's phone number {digits} does not fit the spec's PhoneNumberCreate"
    )
    return digits


@pytest.fixture
def throwaway(workbench: Workbench) -> Workbench:
    if not workbench.throwaway:
        pytest.skip("works on an existing trunk (BOLNA_TRUNK_ID): creates and deletes nothing")
    return workbench


@pytest.mark.parametrize("kind", AUTH_TYPES)
def test_create_applies_the_documented_defaults(kind: str, throwaway: Workbench) -> None:
    trunk = throwaway.create(kind)
    wrong = {key: trunk.get(key, "<absent>") for key, value in CREATE_DEFAULTS.items() if trunk.get(key) != value}
    assert not wrong, f"a {kind} trunk created without optional fields does not carry the defaults: {wrong}"
    gateway = trunk["gateways"][0]
    wrong_gateway = {key: gateway.get(key) for key, value in GATEWAY_DEFAULTS.items() if gateway.get(key) != value}
    assert not wrong_gateway, f"a gateway sent without port and priority lacks their defaults: {gateway}"
    assert trunk["auth_username"] == ("contract-test" if kind == "userpass" else None)
    assert throwaway.get(trunk["id"]) == trunk, "GET right after create differs from the create answer"


def test_list_filters_by_is_active(target: Target, throwaway: Workbench) -> None:
    inactive = throwaway.create("userpass", is_active=False)
    active = throwaway.create("userpass")
    with target.http() as http:
        listed = {
            value: {t["id"] for t in http.get(TRUNKS_PATH, params={"is_active": value}).json()}
            for value in ("true", "false")
        }
    assert inactive["id"] in listed["false"] and inactive["id"] not in listed["true"], "is_active=false trunk misfiled"
    assert active["id"] in listed["true"] and active["id"] not in listed["false"], "is_active=true trunk misfiled"


def test_deleted_trunk_is_gone_and_its_numbers_are_released(target: Target, throwaway: Workbench) -> None:
    first = throwaway.create("userpass")["id"]
    number = "+" + _number()
    with target.http() as http:
        added = http.post(f"{TRUNKS_PATH}/{first}/numbers", json={"phone_number": number})
        assert added.status_code in (200, 201), f"could not add a number: {added.status_code} {added.text[:200]}"
        deleted = http.delete(f"{TRUNKS_PATH}/{first}")
        assert deleted.status_code == 200 and isinstance(deleted.json().get("message"), str), (
            f"DELETE of a trunk must answer 200 {{'message': ...}}, got {deleted.status_code} {deleted.text[:200]}"
        )
        assert http.get(f"{TRUNKS_PATH}/{first}").status_code == 404, "a deleted trunk is still readable"
        second = throwaway.create("userpass")["id"]
        again = http.post(f"{TRUNKS_PATH}/{second}/numbers", json={"phone_number": number})
    assert again.status_code in (200, 201), (
        f"deleting a trunk soft-deletes its numbers, so {number} is free again; re-adding it answered "
        f"{again.status_code} {again.text[:200]}"
    )


def test_unknown_ids_answer_404(target: Target, throwaway: Workbench) -> None:
    missing = target.ledger.made_up_absent_id()
    trunk = throwaway.trunk_id()
    with target.http() as http:
        answers = {
            "DELETE unknown trunk": http.delete(f"{TRUNKS_PATH}/{missing}").status_code,
            "GET unknown trunk": http.get(f"{TRUNKS_PATH}/{missing}").status_code,
            "GET numbers of unknown trunk": http.get(f"{TRUNKS_PATH}/{missing}/numbers").status_code,
            "DELETE unknown number": http.delete(f"{TRUNKS_PATH}/{trunk}/numbers/{missing}").status_code,
        }
    wrong = {what: status for what, status in answers.items() if status != 404}
    assert not wrong, f"unknown ids must answer 404: {wrong}"


def test_number_active_anywhere_is_a_conflict_with_or_without_plus(target: Target, throwaway: Workbench) -> None:
    first, second = throwaway.create("userpass")["id"], throwaway.create("ip-based")["id"]
    digits = _number()
    with target.http() as http:
        added = http.post(f"{TRUNKS_PATH}/{first}/numbers", json={"phone_number": "+" + digits})
        assert added.status_code in (200, 201), f"could not add a number: {added.status_code} {added.text[:200]}"
        answers = {
            "same number, same trunk": http.post(f"{TRUNKS_PATH}/{first}/numbers", json={"phone_number": "+" + digits}),
            "same number, other trunk": http.post(
                f"{TRUNKS_PATH}/{second}/numbers", json={"phone_number": "+" + digits}
            ),
            "without the plus": http.post(f"{TRUNKS_PATH}/{second}/numbers", json={"phone_number": digits}),
        }
    wrong = {what: response.status_code for what, response in answers.items() if response.status_code != 409}
    assert not wrong, f"a number already active on a trunk must answer 409: {wrong}"


def test_e164_check_requires_a_plus(target: Target, throwaway: Workbench) -> None:
    trunk = throwaway.create("userpass")["id"]
    with target.http() as http:
        response = http.post(
            f"{TRUNKS_PATH}/{trunk}/numbers", json={"phone_number": _number(), "e164_check_enabled": True}
        )
        numbers = http.get(f"{TRUNKS_PATH}/{trunk}/numbers").json()
    assert response.status_code == 400, (
        f"e164_check_enabled without a leading + must answer 400, got {response.status_code}"
    )
    assert numbers == [], "the rejected number was stored"


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/{trunk}"), ("POST", "/{trunk}"), ("PUT", "/{trunk}/numbers"), ("PATCH", "/{trunk}/numbers")],
)
def test_unserved_method_answers_405_with_allow(method: str, path: str, target: Target, workbench: Workbench) -> None:
    url = TRUNKS_PATH + path.format(trunk=workbench.trunk_id())
    with target.http() as http:
        response = http.request(method, url, json={})
    assert response.status_code == 405, f"{method} {TRUNKS_PATH}{path} must answer 405, got {response.status_code}"
    assert response.headers.get("Allow"), f"405 for {method} {TRUNKS_PATH}{path} carries no Allow header"
    body: Any = response.json() if response.headers.get("content-type", "").startswith("application/json") else None
    assert isinstance(body, dict) and isinstance(body.get("detail"), str), (
        f"405 body must be {{'detail': ...}}: {response.text[:200]}"
    )
