"""PATCH changes exactly the fields sent (contract: "PATCH /sip-trunks/trunks/{trunk_id}: the rules").

Driven through the generated client wherever a typed call can express the case.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client.api.sip_trunks import update_sip_trunk
from bolna_sip_trunks_client.models import GatewayInput, SipTrunkUpdate
from hypothesis import example, given

from contract_tests.hypothesis_settings import for_budget
from contract_tests.live.safety import TRUNKS_PATH
from contract_tests.live.target import Target
from contract_tests.live.transports import decoded_answer
from contract_tests.live.trunks import Workbench
from contract_tests.observers.edge import answer_text
from contract_tests.values.model import CREDENTIALS, PATCHABLE, RuleNotKept, differences, expected_after
from contract_tests.values.spec import patch_accepts, schema_at, valid_patch
from contract_tests.values.strategies import AUTH_TYPES, MEDIA_ENCRYPTIONS, TRANSPORTS, patch_bodies

KINDS = AUTH_TYPES  # a trunk of every kind the spec knows


def send_patch(api: AuthenticatedClient, trunk_id: str, patch: dict[str, Any]) -> httpx.Response:
    """PATCH through the generated client; returns the raw answer for exact comparison."""
    body = SipTrunkUpdate.from_dict(patch)
    assert body.to_dict() == patch, "the generated client would not send the body as drawn"
    response = update_sip_trunk.sync_detailed(trunk_id, client=api, body=body)
    return decoded_answer(response.status_code, response.content, response.headers)


def timestamp(value: object) -> datetime:
    assert isinstance(value, str), f"expected an RFC 3339 date-time string, got {value!r}"
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_patch_obeys_contract(
    workbench: Workbench,
    api: AuthenticatedClient,
    trunk_id: str,
    patch: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Send `patch`, check the answer and a GET against the model; return the trunk after it."""
    before = workbench.get(trunk_id) if before is None else before
    expected = expected_after(before, patch)
    response = send_patch(api, trunk_id, patch)
    sent = json.dumps(patch)[:300]
    if expected.rule is not None and response.is_success:
        rule = expected.rule
        raise RuleNotKept(
            f"PATCH {sent} on a {before['auth_type']} trunk: the spec's merged-state rule {rule.id} "
            f"({rule.text}) refuses it with {expected.status}, the API applied it: {answer_text(response, 300)}",
            rule,
        )
    assert response.status_code == expected.status, (
        f"PATCH {sent} on a {before['auth_type']} trunk: the contract expects {expected.status}"
        f"{' (' + expected.reason + ')' if expected.reason else ''}, the API answered "
        f"{answer_text(response, 300)}"
    )
    after = workbench.get(trunk_id)
    if expected.status != 200:
        assert after == before, (
            f"rejected PATCH {sent} changed the trunk: {differences(before, after, gateways_replaced=False)}"
        )
        return after
    body = response.json()
    problems = differences(expected.trunk, body, gateways_replaced="gateways" in patch)
    assert not problems, (
        f"PATCH {sent}: the answer is not the stored trunk with exactly the sent fields applied: {problems}"
    )
    assert after == body, (
        f"GET after PATCH {sent} differs from the PATCH answer: {differences(body, after, gateways_replaced=False)}"
    )
    assert timestamp(body["updated_at"]) >= timestamp(before["updated_at"]), "updated_at went back"
    if "gateways" in patch:
        old_ids = {gateway.get("id") for gateway in before["gateways"]}
        reused = [gateway.get("id") for gateway in body["gateways"] if gateway.get("id") in old_ids]
        assert not reused, f"replaced gateways kept their old ids {reused}; the contract makes new ones"
    return after


@pytest.mark.phase("random")
@pytest.mark.parametrize("kind", KINDS)
def test_patch_applies_exactly_the_sent_fields(
    kind: str, target: Target, workbench: Workbench, api: AuthenticatedClient
) -> None:
    trunk_id = workbench.trunk_id(kind)
    bodies = patch_bodies(target.ledger.name_prefix, target.ledger.add_secret, credentials_allowed=workbench.throwaway)

    @for_budget(target.budget, share=0.5)
    @given(patch=bodies)
    @example(patch={})
    @example(patch={"description": None})
    @example(patch={"ip_identifiers": []})
    @example(patch={"media_encryption": "sdes"})
    def patch_obeys_contract(patch: dict[str, Any]) -> None:
        assert_patch_obeys_contract(workbench, api, trunk_id, patch)

    patch_obeys_contract()


def most_gateways() -> list[dict[str, Any]]:
    """As many gateways as the spec allows, out of priority order, half without a port (default)."""
    count = schema_at("SipTrunkUpdate", "gateways")["maxItems"]
    lowest, highest = (schema_at("Priority")[key] for key in ("minimum", "maximum"))
    ports = schema_at("Port")
    return [
        {"gateway_address": f"gw{i}.sip.invalid", "priority": max(lowest, min(highest, count - i))}
        | ({"port": max(ports["minimum"], min(ports["maximum"], 5070 + i))} if i % 2 else {})
        for i in range(count)
    ]


def alternatives(prefix: str) -> dict[str, list[Any]]:
    """Valid values per PATCHable field, edge values first (the spec's bounds); one always differs
    from the stored one. Every value is checked against the spec before a check sends it."""
    description, qualify = schema_at("Description"), schema_at("QualifyFrequency")
    port, priority = schema_at("Port"), schema_at("Priority")
    values = {
        "name": [f"{prefix}-线路-é", f"{prefix}-alone"],
        "description": ["d" * description["maxLength"], "alone"],
        "auth_username": ["contract-alone-a", "contract-alone-b"],
        "gateways": [
            most_gateways(),
            [{"gateway_address": "192.0.2.20", "port": port["maximum"], "priority": priority["maximum"]}],
        ],
        "ip_identifiers": [
            [{"ip_address": "192.0.2.1"}, {"ip_address": "198.51.100.0/24"}],
            [{"ip_address": "203.0.113.7"}],
        ],
        "allow": ["g722", "ulaw,alaw"],
        "disallow": ["g729", "all"],
        "inbound_enabled": [True, False],
        "outbound_leading_plus_enabled": [True, False],
        "is_active": [True, False],
        "qualify_frequency": [qualify["maximum"], qualify["minimum"], qualify["minimum"] + 1],
        "transport": TRANSPORTS,
        "media_encryption": MEDIA_ENCRYPTIONS,
        "media_encryption_optimistic": [True, False],
    }
    return {field: [value for value in options if patch_accepts({field: value})] for field, options in values.items()}


def changing_patch(field: str, values: list[Any], before: dict[str, Any]) -> dict[str, Any]:
    """`field` alone, set to a value that differs from the stored one and that the contract accepts."""
    changed = [{field: value} for value in values if value != before.get(field)]
    accepted = [patch for patch in changed if expected_after(before, patch).status == 200]
    return (accepted or changed)[0]


def contrast_patch(
    patch: dict[str, Any], values: dict[str, list[Any]], fields: list[str], before: dict[str, Any]
) -> dict[str, Any]:
    """The other fields that hold the value `patch` sends, each set to another valid value.

    A write that leaks into another field (the same value stored there too) is visible only where
    that field held something else: a boolean the opposite of the one sent, a distinct string.
    """
    (sent,) = patch.values()
    contrast: dict[str, Any] = {}
    for other in fields:
        if other in patch or before.get(other) != sent:
            continue
        for value in values[other]:
            candidate = contrast | {other: value}
            if value != sent and expected_after(before, candidate).status == 200:
                contrast = candidate
                break
    return contrast


@pytest.mark.parametrize("kind", KINDS)
def test_each_field_sent_alone_is_applied(
    kind: str, target: Target, workbench: Workbench, api: AuthenticatedClient
) -> None:
    """Every PATCHable field, one at a time, while every other field holds something else.

    Random subsets may miss a field on a small budget, and a write that also lands in another
    field shows only where that field held a different value.
    """
    trunk_id = workbench.trunk_id(kind)
    values = alternatives(target.ledger.name_prefix)
    assert set(values) == PATCHABLE, "the sweep must cover every PATCHable field of the contract"
    empty = sorted(field for field, options in values.items() if not options)
    assert not empty, f"the spec accepts none of the suite's values for {empty}"
    fields = sorted(PATCHABLE if workbench.throwaway else PATCHABLE - CREDENTIALS)
    before = workbench.get(trunk_id)
    for field in fields:
        patch = changing_patch(field, values[field], before)
        contrast = contrast_patch(patch, values, fields, before)
        if contrast:
            before = assert_patch_obeys_contract(workbench, api, trunk_id, contrast, before)
        before = assert_patch_obeys_contract(workbench, api, trunk_id, patch, before)


def bound_encryption(stored: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    """A transport and encryption the rule binds, a transport it then refuses, and an encryption that
    allows that transport: (state, refused transport, allowing encryption), from the model."""
    for encryption in MEDIA_ENCRYPTIONS:
        for transport in TRANSPORTS:
            state = {"transport": transport, "media_encryption": encryption}
            if expected_after(stored, state).status != 200:
                continue
            bound = expected_after(stored, state).trunk
            for other in TRANSPORTS:
                if expected_after(bound, {"transport": other}).status != 400:
                    continue
                for allowing in MEDIA_ENCRYPTIONS:
                    if expected_after(bound, {"transport": other, "media_encryption": allowing}).status == 200:
                        return state, other, allowing
    return None


def test_each_merged_state_rule_once(workbench: Workbench, api: AuthenticatedClient) -> None:
    """Each rule on the merged trunk refuses a PATCH once, from each side of it.

    The transport-encryption sweep goes through every combination later; this is the cheap first look.
    """
    trunk_id = workbench.trunk_id("userpass")
    before = workbench.get(trunk_id)
    found = bound_encryption(before)
    assert found is not None, "the contract's encryption rule binds no transport the spec lists"
    state, refused, allowing = found
    before = assert_patch_obeys_contract(workbench, api, trunk_id, state, before)
    before = assert_patch_obeys_contract(workbench, api, trunk_id, {"transport": refused}, before)
    moved = {"transport": refused, "media_encryption": allowing}
    before = assert_patch_obeys_contract(workbench, api, trunk_id, moved, before)
    assert_patch_obeys_contract(workbench, api, trunk_id, {"media_encryption": state["media_encryption"]}, before)
    assert_patch_obeys_contract(workbench, api, workbench.trunk_id("ip-based"), {"ip_identifiers": []})


def test_empty_patch_changes_nothing(workbench: Workbench, api: AuthenticatedClient) -> None:
    trunk_id = workbench.trunk_id()
    before = workbench.get(trunk_id)
    response = send_patch(api, trunk_id, {})
    assert response.status_code == 200, f"PATCH {{}} must be a valid no-op (200), got {response.status_code}"
    assert not differences(before, response.json(), gateways_replaced=False), "PATCH {} changed the trunk"


def test_same_patch_twice_gives_same_state(target: Target, workbench: Workbench, api: AuthenticatedClient) -> None:
    trunk_id = workbench.trunk_id()
    patch = valid_patch(
        {
            "name": f"{target.ledger.name_prefix}-twice",
            "gateways": [{"gateway_address": "a.sip.invalid", "port": 5080}, {"gateway_address": "192.0.2.10"}],
            "qualify_frequency": 120,
            "description": "applied twice",
        }
    )
    first = assert_patch_obeys_contract(workbench, api, trunk_id, patch)
    second = assert_patch_obeys_contract(workbench, api, trunk_id, patch)
    assert not differences(first, second, gateways_replaced=True), "the same PATCH twice gave different trunks"


def test_description_null_clears_it_and_omitting_keeps_it(workbench: Workbench, api: AuthenticatedClient) -> None:
    trunk_id = workbench.trunk_id()
    assert_patch_obeys_contract(workbench, api, trunk_id, {"description": "to be cleared"})
    kept = assert_patch_obeys_contract(workbench, api, trunk_id, {"is_active": True})
    assert kept["description"] == "to be cleared", "omitting description changed it"
    cleared = assert_patch_obeys_contract(workbench, api, trunk_id, {"description": None})
    assert cleared["description"] is None, "description: null did not clear it"


def test_gateways_are_replaced_not_merged(workbench: Workbench, api: AuthenticatedClient) -> None:
    trunk_id = workbench.trunk_id()
    two = [
        GatewayInput("one.sip.invalid", port=5060, priority=1),
        GatewayInput("two.sip.invalid", priority=2),
    ]
    update_sip_trunk.sync_detailed(trunk_id, client=api, body=SipTrunkUpdate(gateways=two))
    after = assert_patch_obeys_contract(
        workbench, api, trunk_id, {"gateways": [{"gateway_address": "three.sip.invalid"}]}
    )
    addresses = [gateway["gateway_address"] for gateway in after["gateways"]]
    assert addresses == ["three.sip.invalid"], f"gateways were merged, not replaced: {addresses}"


def test_read_only_and_unknown_fields_are_ignored(target: Target, workbench: Workbench) -> None:
    trunk_id = workbench.trunk_id()
    before = workbench.get(trunk_id)
    body: dict[str, Any] = {
        "id": "another-id",
        "provider": "changed-provider",
        "auth_type": "ip-based" if before["auth_type"] == "userpass" else "userpass",
        "created_at": "2000-01-01T00:00:00Z",
        "updated_at": "2000-01-01T00:00:00Z",
        "phone_numbers": [],
        "direct_media": not before["direct_media"],
        "rtp_symmetric": not before["rtp_symmetric"],
        "force_rport": not before["force_rport"],
        "colour": "blue",
    }
    with target.http() as http:
        response = http.patch(f"{TRUNKS_PATH}/{trunk_id}", json=body)
    assert response.status_code == 200, (
        f"read-only and unknown fields must be ignored (200), got {response.status_code}"
    )
    after = workbench.get(trunk_id)
    problems = differences(before, after, gateways_replaced=False)
    assert not problems, f"read-only or unknown fields changed the trunk: {problems}"


def test_unknown_trunk_answers_404(target: Target, api: AuthenticatedClient) -> None:
    missing = target.ledger.made_up_absent_id()
    response = send_patch(api, missing, {"name": f"{target.ledger.name_prefix}-nowhere"})
    assert response.status_code == 404, f"PATCH on an unknown trunk id must answer 404, got {response.status_code}"
    assert isinstance(response.json().get("detail"), str), "404 must carry {'detail': <text>}"
    invalid = send_patch(api, missing, {"qualify_frequency": schema_at("QualifyFrequency")["minimum"] - 1})
    assert invalid.status_code == 422, (
        f"an invalid body is checked before the lookup: expected 422, got {invalid.status_code}"
    )
