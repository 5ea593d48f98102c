"""PATCH /sip-trunks/trunks/{trunk_id}: every row of the contract's PATCH table, the merged-state
rules, atomicity, timestamps and the other guarantees, each written from the contract document."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.mock.mock_support import (
    TRUNK_KEYS,
    Api,
    Json,
    error_locs,
    ip_based_body,
    is_plain_error,
    is_validation_error,
    limit,
    spec_accepts,
    userpass_body,
    without_times,
)

JSON_CONTENT = {"Content-Type": "application/json"}
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def gateways(count: int) -> list[Json]:
    return [{"gateway_address": f"gw{index}.example.com"} for index in range(count)]


def ips(count: int) -> list[Json]:
    return [{"ip_address": f"10.0.{index // 256}.{index % 256}"} for index in range(count)]


# The spec's bounds, read from it: the rows below sit on and just past each one.
NAME_MAX = limit("TrunkName", "maxLength")
DESCRIPTION_MAX = limit("Description", "maxLength")
CREDENTIAL_MAX = limit("Credential", "maxLength")
GATEWAYS_MAX = limit("SipTrunkUpdate", "gateways", "maxItems")
ADDRESS_MAX = limit("GatewayAddress", "maxLength")
PORT_MIN, PORT_MAX = limit("Port", "minimum"), limit("Port", "maximum")
PRIORITY_MIN, PRIORITY_MAX = limit("Priority", "minimum"), limit("Priority", "maximum")
IPS_MAX = limit("SipTrunkUpdate", "ip_identifiers", "maxItems")
CODECS_MAX = limit("CodecList", "maxLength")
QUALIFY_MIN, QUALIFY_MAX = limit("QualifyFrequency", "minimum"), limit("QualifyFrequency", "maximum")

# (field, value sent, value the response must then hold), the table's bounds included.
VALID_VALUES: list[tuple[str, Any, Any]] = [
    ("name", "a", "a"),
    ("name", "x" * NAME_MAX, "x" * NAME_MAX),
    ("name", "  padded  ", "  padded  "),
    ("name", "Zürich ☎", "Zürich ☎"),
    ("name", "😀" * NAME_MAX, "😀" * NAME_MAX),  # code points count, not UTF-16 units or bytes
    ("name", "\u00a0", "\u00a0"),  # the pattern only rules out space, tab, CR and LF
    ("description", "", ""),
    ("description", "d" * DESCRIPTION_MAX, "d" * DESCRIPTION_MAX),
    ("description", None, None),
    ("auth_username", "u", "u"),
    ("auth_username", "u" * CREDENTIAL_MAX, "u" * CREDENTIAL_MAX),
    ("gateways", gateways(1), [{"gateway_address": "gw0.example.com", "port": 5060, "priority": 1}]),
    (
        "gateways",
        gateways(GATEWAYS_MAX),
        [{"gateway_address": f"gw{i}.example.com", "port": 5060, "priority": 1} for i in range(GATEWAYS_MAX)],
    ),
    (
        "gateways",
        [
            {"gateway_address": "10.0.0.1", "port": PORT_MIN, "priority": PRIORITY_MAX},
            {"gateway_address": "a", "port": PORT_MAX, "priority": PRIORITY_MIN},
        ],
        [
            {"gateway_address": "10.0.0.1", "port": PORT_MIN, "priority": PRIORITY_MAX},
            {"gateway_address": "a", "port": PORT_MAX, "priority": PRIORITY_MIN},
        ],
    ),
    (
        "gateways",
        [{"gateway_address": "A" * ADDRESS_MAX, "port": 5080.0}],
        [{"gateway_address": "A" * ADDRESS_MAX, "port": 5080, "priority": 1}],
    ),
    (
        "gateways",
        [{"gateway_address": "sip.example.com", "id": "mine", "extra": 1}],
        [{"gateway_address": "sip.example.com", "port": 5060, "priority": 1}],
    ),
    ("ip_identifiers", [], []),
    ("ip_identifiers", ips(IPS_MAX), ips(IPS_MAX)),
    ("ip_identifiers", [{"ip_address": "0.0.0.0"}], [{"ip_address": "0.0.0.0"}]),
    ("ip_identifiers", [{"ip_address": "255.255.255.255/32"}], [{"ip_address": "255.255.255.255/32"}]),
    ("ip_identifiers", [{"ip_address": "15.207.90.192/31"}], [{"ip_address": "15.207.90.192/31"}]),
    ("ip_identifiers", [{"ip_address": "10.1.2.3/0"}], [{"ip_address": "10.1.2.3/0"}]),
    ("allow", "ulaw", "ulaw"),
    ("allow", "ulaw,alaw,g729_a", "ulaw,alaw,g729_a"),
    ("allow", "a" * CODECS_MAX, "a" * CODECS_MAX),
    ("disallow", "all", "all"),
    ("disallow", "g722,opus", "g722,opus"),
    ("inbound_enabled", True, True),
    ("inbound_enabled", False, False),
    ("outbound_leading_plus_enabled", False, False),
    ("outbound_leading_plus_enabled", True, True),
    ("is_active", False, False),
    ("is_active", True, True),
    ("qualify_frequency", QUALIFY_MIN, QUALIFY_MIN),
    ("qualify_frequency", QUALIFY_MAX, QUALIFY_MAX),
    ("qualify_frequency", 60.0, 60),  # a JSON number without a fractional part is an integer
    ("qualify_frequency", 1e2, 100),
    ("transport", "transport-udp", "transport-udp"),
    ("transport", "transport-tcp", "transport-tcp"),
    ("transport", "transport-tls", "transport-tls"),
    ("media_encryption", "no", "no"),
    ("media_encryption_optimistic", True, True),
    ("media_encryption_optimistic", False, False),
]

# (field, value sent): each must answer 422 with the error located at ["body", field, ...].
INVALID_VALUES: list[tuple[str, Any]] = [
    ("name", ""),
    ("name", "x" * (NAME_MAX + 1)),
    ("name", "😀" * (NAME_MAX + 1)),
    ("name", " "),
    ("name", " \t\r\n "),
    ("name", None),
    ("name", 5),
    ("name", True),
    ("name", ["a"]),
    ("description", "d" * (DESCRIPTION_MAX + 1)),
    ("description", 5),
    ("description", False),
    ("description", {}),
    ("auth_username", ""),
    ("auth_username", "u" * (CREDENTIAL_MAX + 1)),
    ("auth_username", None),
    ("auth_username", 1),
    ("auth_password", ""),
    ("auth_password", "p" * (CREDENTIAL_MAX + 1)),
    ("auth_password", None),
    ("gateways", []),
    ("gateways", gateways(GATEWAYS_MAX + 1)),
    ("gateways", None),
    ("gateways", {"gateway_address": "sip.example.com"}),
    ("gateways", ["sip.example.com"]),
    ("gateways", [{"port": 5060}]),
    ("gateways", [{"gateway_address": ""}]),
    ("gateways", [{"gateway_address": "A" * (ADDRESS_MAX + 1)}]),
    ("gateways", [{"gateway_address": "sip example.com"}]),
    ("gateways", [{"gateway_address": "sip_example.com"}]),
    ("gateways", [{"gateway_address": "sip.example.com\n"}]),
    ("gateways", [{"gateway_address": "sip.example.com", "port": PORT_MIN - 1}]),
    ("gateways", [{"gateway_address": "sip.example.com", "port": PORT_MAX + 1}]),
    ("gateways", [{"gateway_address": "sip.example.com", "port": 5060.5}]),
    ("gateways", [{"gateway_address": "sip.example.com", "port": "5060"}]),
    ("gateways", [{"gateway_address": "sip.example.com", "port": True}]),
    ("gateways", [{"gateway_address": "sip.example.com", "port": None}]),
    ("gateways", [{"gateway_address": "sip.example.com", "priority": PRIORITY_MIN - 1}]),
    ("gateways", [{"gateway_address": "sip.example.com", "priority": PRIORITY_MAX + 1}]),
    ("gateways", [{"gateway_address": "sip.example.com", "priority": False}]),
    ("ip_identifiers", ips(IPS_MAX + 1)),
    ("ip_identifiers", None),
    ("ip_identifiers", ["10.0.0.1"]),
    ("ip_identifiers", [{}]),
    ("ip_identifiers", [{"ip_address": "256.0.0.1"}]),
    ("ip_identifiers", [{"ip_address": "1.2.3"}]),
    ("ip_identifiers", [{"ip_address": "01.2.3.4"}]),
    ("ip_identifiers", [{"ip_address": "10.0.0.1/33"}]),
    ("ip_identifiers", [{"ip_address": "10.0.0.1\n"}]),  # ECMA's `$` is the very end
    ("ip_identifiers", [{"ip_address": " 10.0.0.1"}]),
    ("ip_identifiers", [{"ip_address": "::1"}]),
    ("ip_identifiers", [{"ip_address": "\u0661\u0660.0.0.1"}]),  # Arabic-Indic digits are not [0-9]
    ("allow", ""),
    ("allow", "ULAW"),
    ("allow", "ulaw,"),
    ("allow", ",ulaw"),
    ("allow", "ulaw,,alaw"),
    ("allow", "ulaw alaw"),
    ("allow", "ulaw\n"),
    ("allow", "a" * (CODECS_MAX + 1)),
    ("disallow", "all;"),
    ("disallow", None),
    ("inbound_enabled", 1),
    ("inbound_enabled", "true"),
    ("outbound_leading_plus_enabled", 0),
    ("is_active", None),
    ("is_active", 1),
    ("media_encryption_optimistic", "false"),
    ("qualify_frequency", QUALIFY_MIN - 1),
    ("qualify_frequency", QUALIFY_MAX + 1),
    ("qualify_frequency", 60.5),
    ("qualify_frequency", "60"),
    ("qualify_frequency", True),
    ("qualify_frequency", None),
    ("transport", "udp"),
    ("transport", "TRANSPORT-UDP"),
    ("transport", ""),
    ("transport", None),
    ("media_encryption", "yes"),
    ("media_encryption", "SDES"),
    ("media_encryption", False),
]


def comparable(trunk: Json) -> Json:
    return without_times(trunk)


@pytest.mark.parametrize(("field", "sent", "stored"), VALID_VALUES)
def test_a_valid_value_changes_only_its_field(field: str, sent: Any, stored: Any) -> None:
    api = Api()
    before = api.create_trunk()
    response = api.patch(before["id"], {field: sent})
    if not spec_accepts("SipTrunkUpdate", {field: sent}):
        # A value that hinges on a pattern the spec has since tightened: the mock follows the spec.
        assert is_validation_error(response), response.text
        return
    assert response.status_code == 200, response.text
    after = response.json()
    if field == "gateways":
        assert [{k: v for k, v in g.items() if k not in ("id", "created_at")} for g in after["gateways"]] == stored
    else:
        assert after[field] == stored
        assert type(after[field]) is type(stored)
    expected = {**comparable(before), field: comparable(after)[field]}
    assert comparable(after) == expected
    assert api.get_trunk(before["id"]) == after


@pytest.mark.parametrize(("field", "sent"), INVALID_VALUES)
def test_an_invalid_value_answers_422_and_changes_nothing(field: str, sent: Any) -> None:
    api = Api()
    before = api.create_trunk()
    response = api.patch(before["id"], {field: sent})
    if spec_accepts("SipTrunkUpdate", {field: sent}):
        # A value that only a pattern (or enum) of the spec refused, and the spec has since
        # dropped it: the mock follows the spec.
        assert response.status_code == 200, response.text
        return
    assert is_validation_error(response), response.text
    assert all(loc[:2] == ["body", field] for loc in error_locs(response))
    assert api.get_trunk(before["id"]) == before


def test_auth_password_is_stored_but_never_returned() -> None:
    api = Api()
    trunk = api.create_trunk()
    response = api.patch(trunk["id"], {"auth_password": "n3w-s3cret"})
    assert response.status_code == 200
    for body in (response.json(), api.get_trunk(trunk["id"]), *api.list().json()):
        assert "auth_password" not in body
    assert "n3w-s3cret" not in response.text + api.list().text


def test_sdes_on_a_tls_trunk_is_accepted() -> None:
    api = Api()
    trunk = api.create_trunk()
    response = api.patch(trunk["id"], {"transport": "transport-tls", "media_encryption": "sdes"})
    assert response.status_code == 200
    assert (response.json()["transport"], response.json()["media_encryption"]) == ("transport-tls", "sdes")
    again = api.patch(trunk["id"], {"media_encryption": "sdes", "media_encryption_optimistic": True})
    assert again.status_code == 200


# --- rule 1: sdes requires transport-tls, over the merged trunk ---------------------------------


@pytest.mark.parametrize(
    "patch",
    [
        {"media_encryption": "sdes"},  # stored transport is UDP
        {"media_encryption": "sdes", "transport": "transport-tcp"},
        {"media_encryption": "sdes", "transport": "transport-udp", "name": "valid too"},
    ],
)
def test_sdes_without_tls_answers_400_and_changes_nothing(patch: Json) -> None:
    api = Api()
    trunk = api.create_trunk()
    response = api.patch(trunk["id"], patch)
    assert is_plain_error(response, 400), response.text
    assert api.get_trunk(trunk["id"]) == trunk


@pytest.mark.parametrize("transport", ["transport-udp", "transport-tcp"])
def test_moving_an_sdes_trunk_off_tls_answers_400(transport: str) -> None:
    api = Api()
    trunk = api.create_trunk(userpass_body(transport="transport-tls", media_encryption="sdes"))
    response = api.patch(trunk["id"], {"transport": transport})
    assert is_plain_error(response, 400)
    assert api.get_trunk(trunk["id"]) == trunk
    # Together with leaving sdes, the same move is fine.
    both = api.patch(trunk["id"], {"transport": transport, "media_encryption": "no"})
    assert both.status_code == 200
    assert (both.json()["transport"], both.json()["media_encryption"]) == (transport, "no")


# --- rule 2: an ip-based trunk keeps at least one ip_identifiers entry ---------------------------


def test_an_ip_based_trunk_cannot_lose_its_last_identifier() -> None:
    api = Api()
    trunk = api.create_trunk(ip_based_body())
    response = api.patch(trunk["id"], {"ip_identifiers": [], "name": "valid too"})
    assert is_plain_error(response, 400)
    assert api.get_trunk(trunk["id"]) == trunk
    replaced = api.patch(trunk["id"], {"ip_identifiers": [{"ip_address": "204.89.151.128/27"}]})
    assert replaced.json()["ip_identifiers"] == [{"ip_address": "204.89.151.128/27"}]


def test_a_userpass_trunk_may_have_no_identifiers() -> None:
    api = Api()
    trunk = api.create_trunk(userpass_body(ip_identifiers=[{"ip_address": "10.0.0.1"}]))
    response = api.patch(trunk["id"], {"ip_identifiers": []})
    assert response.status_code == 200
    assert response.json()["ip_identifiers"] == []


# --- kinds of trunk -------------------------------------------------------------------------------


def test_credentials_are_ignored_on_an_ip_based_trunk() -> None:
    api = Api()
    trunk = api.create_trunk(ip_based_body())
    response = api.patch(trunk["id"], {"auth_username": "someone", "auth_password": "secret", "name": "Renamed"})
    assert response.status_code == 200
    assert response.json()["auth_username"] is None
    assert response.json()["name"] == "Renamed"
    assert "secret" not in response.text


def test_invalid_credentials_answer_422_even_on_an_ip_based_trunk() -> None:
    api = Api()
    trunk = api.create_trunk(ip_based_body())
    assert is_validation_error(api.patch(trunk["id"], {"auth_username": ""}))


# --- what PATCH leaves alone ---------------------------------------------------------------------


READ_ONLY_AND_UNKNOWN: Json = {
    "id": "not-the-id",
    "provider": "twilio",
    "auth_type": "ip-based",
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
    "phone_numbers": [{"phone_number": "+15550000000"}],
    "direct_media": True,
    "rtp_symmetric": "no",  # ignored, so not even checked
    "force_rport": False,
    "sip_domain": "unknown.example.com",
}


def test_read_only_and_unknown_fields_are_ignored() -> None:
    api = Api()
    trunk = api.create_trunk()
    response = api.patch(trunk["id"], READ_ONLY_AND_UNKNOWN)
    assert response.status_code == 200
    assert comparable(response.json()) == comparable(trunk)
    assert set(response.json()) == TRUNK_KEYS


def test_empty_patch_is_a_no_op() -> None:
    api = Api()
    trunk = api.create_trunk()
    response = api.patch(trunk["id"], {})
    assert response.status_code == 200
    assert comparable(response.json()) == comparable(trunk)


def test_gateways_are_replaced_in_the_order_sent_with_fresh_ids() -> None:
    api = Api()
    trunk = api.create_trunk(userpass_body(gateways=[{"gateway_address": "old.example.com"}]))
    sent: list[Json] = [
        {"gateway_address": "b.example.com", "priority": 2},
        {"gateway_address": "a.example.com", "priority": 1},
        {"gateway_address": "old.example.com"},
    ]
    updated = api.patch(trunk["id"], {"gateways": sent}).json()
    assert [g["gateway_address"] for g in updated["gateways"]] == [g["gateway_address"] for g in sent]
    old_ids = {gateway["id"] for gateway in trunk["gateways"]}
    assert all(gateway["id"] not in old_ids for gateway in updated["gateways"])
    assert all(isinstance(gateway["id"], str) and gateway["id"] for gateway in updated["gateways"])
    assert len({gateway["id"] for gateway in updated["gateways"]}) == 3
    assert all(RFC3339_UTC.match(gateway["created_at"]) for gateway in updated["gateways"])


def test_phone_numbers_are_untouched_by_patch() -> None:
    api = Api()
    trunk = api.create_trunk()
    number = api.add_number(trunk["id"], {"phone_number": "+919876543210"}).json()
    patch = {"gateways": gateways(2), "ip_identifiers": ips(1), "is_active": False, "name": "Other"}
    updated = api.patch(trunk["id"], patch).json()
    assert updated["phone_numbers"] == [number]
    assert api.list_numbers(trunk["id"]).json() == [number]


def test_created_at_never_changes_and_updated_at_never_goes_back() -> None:
    api = Api()
    trunk = api.create_trunk()
    assert RFC3339_UTC.match(trunk["created_at"]) and RFC3339_UTC.match(trunk["updated_at"])
    previous = trunk["updated_at"]
    for index in range(5):
        updated = api.patch(trunk["id"], {"name": f"Name {index}"}).json()
        assert updated["created_at"] == trunk["created_at"]
        assert RFC3339_UTC.match(updated["updated_at"])
        # All stamps are UTC with the same layout, so text order is time order.
        assert updated["updated_at"] >= previous
        previous = updated["updated_at"]
    assert previous > trunk["updated_at"]


def test_rejected_patches_leave_updated_at_alone() -> None:
    api = Api()
    trunk = api.create_trunk()
    api.patch(trunk["id"], {"qualify_frequency": QUALIFY_MIN - 1})
    api.patch(trunk["id"], {"media_encryption": "sdes"})
    assert api.get_trunk(trunk["id"])["updated_at"] == trunk["updated_at"]


# --- atomicity and the order of checks -----------------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "status"),
    [
        ({"name": "New", "qualify_frequency": QUALIFY_MAX + 1}, 422),
        ({"name": "New", "gateways": [{"gateway_address": "ok.example.com"}, {"port": 1}]}, 422),
        ({"is_active": False, "transport": "transport-tcp", "media_encryption": "sdes"}, 400),
        ({"description": None, "gateways": gateways(3), "media_encryption": "sdes"}, 400),
    ],
)
def test_a_rejected_patch_changes_nothing(patch: Json, status: int) -> None:
    api = Api()
    trunk = api.create_trunk(userpass_body(description="kept"))
    response = api.patch(trunk["id"], patch)
    assert response.status_code == status
    assert api.get_trunk(trunk["id"]) == trunk


def test_unknown_trunk_answers_404_whatever_the_valid_body() -> None:
    api = Api()
    for body in ({}, {"name": "x"}, {"media_encryption": "sdes"}):
        assert is_plain_error(api.patch("no-such-trunk", body), 404)


def test_unknown_trunk_with_an_invalid_body_answers_422() -> None:
    assert is_validation_error(Api().patch("no-such-trunk", {"qualify_frequency": QUALIFY_MIN - 1}))


@pytest.mark.parametrize("body", [[], "name", 1, None, True, [{"name": "x"}]])
def test_a_body_that_is_not_an_object_answers_422(body: Any) -> None:
    api = Api()
    trunk = api.create_trunk()
    response = api.request("PATCH", f"/sip-trunks/trunks/{trunk['id']}", content=json.dumps(body), headers=JSON_CONTENT)
    assert is_validation_error(response)
    assert error_locs(response) == [["body"]]
