"""Use the installed client, with no retry code of the caller's, through trouble; print what happened as JSON.

Run by tests/dist/test_wheel.py with the Python of a fresh virtualenv that holds only the built
wheel and its dependencies, in isolated mode (-I), against two loopback servers the test runs:

    python -I retry_smoke.py RATE_LIMITED_URL DROPPING_URL TOKEN

RATE_LIMITED_URL answers 429 on every third request; DROPPING_URL drops the connection of the
first create after the server acted on it.
"""

from __future__ import annotations

import json
import sys

from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client.api.sip_trunks import (
    create_sip_trunk,
    delete_sip_trunk,
    get_sip_trunk,
    list_sip_trunks,
    update_sip_trunk,
)
from bolna_sip_trunks_client.errors import APIConnectionError
from bolna_sip_trunks_client.models import SipTrunkCreate, SipTrunkUpdate

NEW_TRUNK = {
    "name": "Main line",
    "provider": "zadarma",
    "auth_type": "userpass",
    "auth_username": "491234",
    "auth_password": "made-up-secret",
    "gateways": [{"gateway_address": "sip.invalid"}],
}


def a_day_of_calls(client: AuthenticatedClient) -> list[str]:
    """Create, read, rename three times, list, delete: the type or status each call returned."""
    created = create_sip_trunk.sync(client=client, body=SipTrunkCreate.from_dict(NEW_TRUNK))
    results = [type(created).__name__, type(get_sip_trunk.sync(created.id, client=client)).__name__]
    for name in ("One", "Two", "Three"):
        results.append(type(update_sip_trunk.sync(created.id, client=client, body=SipTrunkUpdate(name=name))).__name__)
    results.append(f"{len(list_sip_trunks.sync(client=client))} trunks")
    results.append(str(delete_sip_trunk.sync_detailed(created.id, client=client).status_code.value))
    return results


def a_create_whose_answer_is_lost(client: AuthenticatedClient) -> str:
    try:
        created = create_sip_trunk.sync(client=client, body=SipTrunkCreate.from_dict(NEW_TRUNK))
    except APIConnectionError as error:  # raised once the retries are spent; never for a POST
        return f"{type(error).__name__} from {type(error.__cause__).__name__}"
    return f"no error: {created!r}"


def main() -> None:
    rate_limited, dropping, token = sys.argv[1:4]
    report = {
        "calls": a_day_of_calls(AuthenticatedClient(base_url=rate_limited, token=token)),
        "lost_create": a_create_whose_answer_is_lost(AuthenticatedClient(base_url=dropping, token=token)),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
