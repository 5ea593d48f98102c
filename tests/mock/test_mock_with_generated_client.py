"""The generated client drives the mock in-process: Starlette's TestClient is an `httpx.Client`."""

from __future__ import annotations

from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client.api.phone_numbers import add_phone_number, list_phone_numbers
from bolna_sip_trunks_client.api.sip_trunks import create_sip_trunk, get_sip_trunk, update_sip_trunk
from bolna_sip_trunks_client.models import (
    AuthType,
    Error,
    GatewayInput,
    MediaEncryption,
    PhoneNumber,
    PhoneNumberCreate,
    SipTrunk,
    SipTrunkCreate,
    SipTrunkUpdate,
    Transport,
)

from tests.mock.mock_support import TOKEN, Api


def in_process_client() -> AuthenticatedClient:
    http = Api().http
    http.headers["Authorization"] = f"Bearer {TOKEN}"  # set_httpx_client replaces the client's own headers
    return AuthenticatedClient(base_url=str(http.base_url), token=TOKEN).set_httpx_client(http)


def test_create_patch_and_read_back_through_the_generated_client() -> None:
    client = in_process_client()
    created = create_sip_trunk.sync(
        client=client,
        body=SipTrunkCreate(
            name="Zadarma main line",
            provider="zadarma",
            auth_type=AuthType.USERPASS,
            auth_username="491234",
            auth_password="s3cr3t-sip-pass",
            gateways=[GatewayInput(gateway_address="sip.zadarma.com")],
        ),
    )
    assert isinstance(created, SipTrunk)
    assert created.qualify_frequency == 60

    updated = update_sip_trunk.sync(
        created.id,
        client=client,
        body=SipTrunkUpdate(transport=Transport.TRANSPORT_TLS, media_encryption=MediaEncryption.SDES),
    )
    assert isinstance(updated, SipTrunk)
    assert (updated.transport, updated.media_encryption) == (Transport.TRANSPORT_TLS, MediaEncryption.SDES)

    refused = update_sip_trunk.sync_detailed(
        created.id, client=client, body=SipTrunkUpdate(transport=Transport.TRANSPORT_UDP)
    )
    assert refused.status_code == 400
    assert isinstance(refused.parsed, Error)

    number = add_phone_number.sync(created.id, client=client, body=PhoneNumberCreate(phone_number="+4930123456"))
    assert isinstance(number, PhoneNumber)
    listed = list_phone_numbers.sync(created.id, client=client)
    assert isinstance(listed, list) and [item.id for item in listed] == [number.id]

    fetched = get_sip_trunk.sync(created.id, client=client)
    assert isinstance(fetched, SipTrunk)
    assert fetched.to_dict() == updated.to_dict() | {"phone_numbers": [number.to_dict()]}
