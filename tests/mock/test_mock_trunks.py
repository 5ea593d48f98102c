"""Create, list, get and delete trunks, as the contract document describes them."""

from __future__ import annotations

import pytest

from tests.mock.mock_support import (
    GATEWAY_KEYS,
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
)

# The create defaults from the contract document.
CREATE_DEFAULTS: Json = {
    "description": None,
    "allow": "ulaw,alaw",
    "disallow": "all",
    "inbound_enabled": False,
    "outbound_leading_plus_enabled": True,
    "transport": "transport-udp",
    "media_encryption": "no",
    "media_encryption_optimistic": False,
    "qualify_frequency": 60,
    "is_active": True,
}
NAT_DEFAULTS: Json = {"direct_media": False, "rtp_symmetric": True, "force_rport": True}


def test_create_answers_the_trunk_with_every_default() -> None:
    response = Api().create(userpass_body())
    assert response.status_code in (200, 201)
    assert response.headers["content-type"] == "application/json"
    trunk = response.json()
    assert set(trunk) == TRUNK_KEYS
    for key, value in {**CREATE_DEFAULTS, **NAT_DEFAULTS}.items():
        assert trunk[key] == value, key
        assert type(trunk[key]) is type(value), key
    assert trunk["name"] == "Zadarma main line"
    assert trunk["provider"] == "zadarma"
    assert trunk["auth_type"] == "userpass"
    assert trunk["auth_username"] == "491234"
    assert trunk["ip_identifiers"] == []
    assert trunk["phone_numbers"] == []
    [gateway] = trunk["gateways"]
    assert set(gateway) == GATEWAY_KEYS
    assert (gateway["gateway_address"], gateway["port"], gateway["priority"]) == ("sip.zadarma.com", 5060, 1)
    assert isinstance(trunk["id"], str) and trunk["id"]


def test_create_takes_every_optional_field() -> None:
    sent = {
        "description": "EU team",
        "allow": "g722",
        "disallow": "ulaw",
        "inbound_enabled": True,
        "outbound_leading_plus_enabled": False,
        "transport": "transport-tls",
        "media_encryption": "sdes",
        "media_encryption_optimistic": True,
        "qualify_frequency": 0,
        "is_active": False,
        "ip_identifiers": [{"ip_address": "10.0.0.0/8"}],
    }
    trunk = Api().create_trunk(userpass_body(**sent))
    for key, value in sent.items():
        assert trunk[key] == value, key


def test_ids_are_server_made_and_read_only_fields_ignored() -> None:
    api = Api()
    sent = userpass_body(id="mine", created_at="2000-01-01T00:00:00Z", direct_media=True, force_rport=False, extra="x")
    first, second = api.create_trunk(sent), api.create_trunk(sent)
    assert first["id"] != "mine" and second["id"] != "mine"
    assert first["id"] != second["id"]
    assert first["created_at"] != "2000-01-01T00:00:00Z"
    assert (first["direct_media"], first["force_rport"]) == (False, True)
    assert set(first) == TRUNK_KEYS


def test_an_ip_based_trunk_ignores_credentials() -> None:
    trunk = Api().create_trunk(ip_based_body(auth_username="who", auth_password="secret"))
    assert trunk["auth_type"] == "ip-based"
    assert trunk["auth_username"] is None
    assert "auth_password" not in trunk


def test_auth_password_is_never_returned() -> None:
    api = Api()
    response = api.create(userpass_body())
    trunk = response.json()
    for text in (response.text, api.get(trunk["id"]).text, api.list().text):
        assert "auth_password" not in text
        assert "s3cr3t-sip-pass" not in text


@pytest.mark.parametrize("missing", ["name", "provider", "auth_type", "gateways"])
def test_a_missing_required_field_answers_422(missing: str) -> None:
    body = userpass_body()
    del body[missing]
    response = Api().create(body)
    assert is_validation_error(response)
    assert ["body", missing] in error_locs(response)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("provider", ""),
        ("provider", "p" * (limit("SipTrunkCreate", "provider", "maxLength") + 1)),
        ("provider", None),
        ("auth_type", "password"),
        ("auth_type", None),
        ("gateways", []),
        ("name", "   "),
        ("qualify_frequency", limit("QualifyFrequency", "maximum") + 1),
        ("transport", "tls"),
    ],
)
def test_create_checks_fields_like_patch(field: str, value: object) -> None:
    body = userpass_body(**{field: value})
    response = Api().create(body)
    if spec_accepts("SipTrunkCreate", body):
        # Refused only by a pattern or enum the spec has since dropped: the mock follows the spec.
        assert response.status_code in (200, 201), response.text
        return
    assert is_validation_error(response)
    assert all(loc[:2] == ["body", field] for loc in error_locs(response))


def test_create_reports_every_field_error_at_once() -> None:
    response = Api().create({"name": "", "qualify_frequency": -1})
    assert is_validation_error(response)
    locs = error_locs(response)
    for field in ("name", "qualify_frequency", "provider", "auth_type", "gateways"):
        assert ["body", field] in locs


def without(body: Json, *keys: str) -> Json:
    return {key: value for key, value in body.items() if key not in keys}


@pytest.mark.parametrize(
    "body",
    [
        without(userpass_body(), "auth_username"),
        without(userpass_body(), "auth_password"),
        without(userpass_body(), "auth_username", "auth_password"),
        without(ip_based_body(), "ip_identifiers"),
        ip_based_body(ip_identifiers=[]),
        userpass_body(media_encryption="sdes"),
        userpass_body(media_encryption="sdes", transport="transport-tcp"),
    ],
    ids=[
        "userpass-without-username",
        "userpass-without-password",
        "userpass-without-credentials",
        "ip-based-without-identifiers",
        "ip-based-with-no-identifiers",
        "sdes-on-udp",
        "sdes-on-tcp",
    ],
)
def test_create_rules_answer_400_and_create_nothing(body: Json) -> None:
    api = Api()
    assert is_plain_error(api.create(body), 400)
    assert api.list().json() == []


def test_list_get_and_delete() -> None:
    api = Api()
    assert api.list().json() == []
    first, second = api.create_trunk(), api.create_trunk(ip_based_body())
    assert api.list().json() == [first, second]
    assert api.get_trunk(second["id"]) == second

    deleted = api.delete(first["id"])
    assert deleted.status_code == 200
    assert set(deleted.json()) == {"message"} and isinstance(deleted.json()["message"], str)
    assert is_plain_error(api.get(first["id"]), 404)
    assert is_plain_error(api.delete(first["id"]), 404)
    assert is_plain_error(api.patch(first["id"], {}), 404)
    assert api.list().json() == [second]


def test_is_active_filter() -> None:
    api = Api()
    active = api.create_trunk()
    inactive = api.create_trunk(userpass_body(is_active=False))
    assert api.list("?is_active=true").json() == [active]
    assert api.list("?is_active=false").json() == [inactive]
    assert api.list().json() == [active, inactive]
    api.patch(active["id"], {"is_active": False})
    assert api.list("?is_active=true").json() == []


@pytest.mark.parametrize(
    "query",
    [
        "?is_active=",
        "?is_active=1",
        "?is_active=0",
        "?is_active=True",
        "?is_active=yes",
        "?is_active=true&is_active=false",
    ],
)
def test_is_active_must_be_true_or_false(query: str) -> None:
    response = Api().list(query)
    assert is_validation_error(response)
    assert error_locs(response) == [["query", "is_active"]]


def test_unknown_query_parameters_are_ignored() -> None:
    api = Api()
    trunk = api.create_trunk()
    assert api.list("?page=2&is_active=true").json() == [trunk]


@pytest.mark.parametrize("trunk_id", ["no-such-trunk", "0" * 32, "%20"])
def test_unknown_trunk_answers_404(trunk_id: str) -> None:
    api = Api()
    api.create_trunk()
    assert is_plain_error(api.get(trunk_id), 404)
    assert is_plain_error(api.delete(trunk_id), 404)
