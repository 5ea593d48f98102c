"""The generated client serialises PATCH bodies as the contract needs and parses trunks losslessly."""

from __future__ import annotations

import json
from typing import Any

import attrs
import httpx
import pytest
from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client.api.sip_trunks import update_sip_trunk
from bolna_sip_trunks_client.errors import UnexpectedStatus
from bolna_sip_trunks_client.models import (
    AuthType,
    GatewayInput,
    IpIdentifierInput,
    MediaEncryption,
    SipTrunk,
    SipTrunkUpdate,
    Transport,
)

from contract_tests.values.spec import load_spec


@pytest.mark.parametrize(
    ("field", "value", "wire"),
    [
        ("name", "Backup", "Backup"),
        ("description", "EU team", "EU team"),
        ("auth_username", "491234", "491234"),
        ("is_active", False, False),
        ("inbound_enabled", True, True),
        ("qualify_frequency", 0, 0),
        ("transport", Transport.TRANSPORT_TLS, "transport-tls"),
        ("media_encryption", MediaEncryption.NO, "no"),
        ("media_encryption_optimistic", False, False),
        ("allow", "ulaw,alaw", "ulaw,alaw"),
    ],
)
def test_patch_with_one_field_sends_only_that_field(field: str, value: Any, wire: object) -> None:
    assert SipTrunkUpdate(**{field: value}).to_dict() == {field: wire}


def test_empty_patch_sends_empty_object() -> None:
    assert SipTrunkUpdate().to_dict() == {}


def test_description_none_is_sent_as_null_and_unset_not_at_all() -> None:
    assert json.dumps(SipTrunkUpdate(description=None).to_dict()) == '{"description": null}'
    assert "description" not in SipTrunkUpdate(name="x").to_dict()


def test_arrays_are_omitted_unless_given_and_empty_ones_are_sent() -> None:
    assert SipTrunkUpdate(name="x").to_dict() == {"name": "x"}
    assert SipTrunkUpdate(ip_identifiers=[]).to_dict() == {"ip_identifiers": []}
    body = SipTrunkUpdate(gateways=[GatewayInput(gateway_address="sip.zadarma.com")]).to_dict()
    # No port or priority: the server applies its defaults, the client must not send any.
    assert body == {"gateways": [{"gateway_address": "sip.zadarma.com"}]}
    cidr = SipTrunkUpdate(ip_identifiers=[IpIdentifierInput(ip_address="15.207.90.192/31")]).to_dict()
    assert cidr == {"ip_identifiers": [{"ip_address": "15.207.90.192/31"}]}


@pytest.mark.parametrize(
    ("enum", "schema"),
    [(Transport, "Transport"), (MediaEncryption, "MediaEncryption"), (AuthType, "AuthType")],
)
def test_every_enum_value_round_trips(enum: Any, schema: str) -> None:
    spec_values = load_spec()["components"]["schemas"][schema]["enum"]
    assert sorted(member.value for member in enum) == sorted(spec_values)
    for value in spec_values:
        assert enum(value).value == value
        assert str(enum(value)) == value


def _spec_example(name: str) -> dict[str, Any]:
    example: dict[str, Any] = load_spec()["components"]["examples"][name]["value"]
    return example


@pytest.mark.parametrize("example", ["ZadarmaTrunk", "PlivoTrunk"])
def test_full_trunk_parses_into_typed_models_and_back_without_loss(example: str) -> None:
    document = _spec_example(example)
    trunk = SipTrunk.from_dict(document)
    assert isinstance(trunk.transport, Transport)
    assert isinstance(trunk.auth_type, AuthType)
    assert trunk.created_at.tzinfo is not None
    assert _normalised_times(trunk.to_dict()) == _normalised_times(document)


def _normalised_times(trunk: dict[str, Any]) -> dict[str, Any]:
    # The client re-renders "...Z" as "...+00:00"; both are the same RFC 3339 instant.
    normalised: dict[str, Any] = json.loads(json.dumps(trunk).replace("+00:00", "Z"))
    return normalised


def test_response_model_has_no_auth_password() -> None:
    field_names = {field.name for field in attrs.fields(SipTrunk)}
    assert "auth_password" not in field_names
    assert "auth_username" in field_names


def test_undocumented_status_raises_when_configured() -> None:
    def teapot(request: httpx.Request) -> httpx.Response:
        return httpx.Response(418, json={"detail": "short and stout"})

    client = AuthenticatedClient(base_url="http://127.0.0.1", token="t", raise_on_unexpected_status=True)
    client.set_httpx_client(httpx.Client(base_url="http://127.0.0.1", transport=httpx.MockTransport(teapot)))
    with pytest.raises(UnexpectedStatus) as caught:
        update_sip_trunk.sync_detailed("trunk-1", client=client, body=SipTrunkUpdate(name="x"))
    assert caught.value.status_code == 418


def test_documented_error_status_parses_without_raising() -> None:
    def rejected(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer t"
        assert json.loads(request.content) == {"media_encryption": "sdes"}
        return httpx.Response(400, json={"detail": "sdes requires transport-tls"})

    client = AuthenticatedClient(base_url="http://127.0.0.1", token="t", raise_on_unexpected_status=True)
    client.set_httpx_client(
        httpx.Client(
            base_url="http://127.0.0.1",
            headers={"Authorization": "Bearer t"},
            transport=httpx.MockTransport(rejected),
        )
    )
    response = update_sip_trunk.sync_detailed(
        "trunk-1", client=client, body=SipTrunkUpdate(media_encryption=MediaEncryption.SDES)
    )
    assert response.status_code == 400
    assert response.parsed is not None
    assert getattr(response.parsed, "detail", None) == "sdes requires transport-tls"
