"""A team's own code that calls Bolna through the generated client: the code the sample tests test.

It sets up a trunk with a number, pauses and renames trunks (waiting out 429s as `Retry-After`
says), and takes a trunk down again; every call returns the success model or raises, so each
function tells its caller in a few words what happened by catching exception classes. Nothing
here knows about the mock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bolna_sip_trunks_client import AuthenticatedClient, errors
from bolna_sip_trunks_client.api.phone_numbers import add_phone_number, delete_phone_number, list_phone_numbers
from bolna_sip_trunks_client.api.sip_trunks import (
    create_sip_trunk,
    delete_sip_trunk,
    get_sip_trunk,
    list_sip_trunks,
    update_sip_trunk,
)
from bolna_sip_trunks_client.models import (
    AuthType,
    GatewayInput,
    IpIdentifierInput,
    PhoneNumberCreate,
    SipTrunkCreate,
    SipTrunkUpdate,
)


def _patch(
    client: AuthenticatedClient,
    trunk_id: str,
    body: SipTrunkUpdate,
    *,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    for _ in range(attempts):
        try:
            trunk = update_sip_trunk.sync(trunk_id, client=client, body=body)
        except errors.RateLimitError as error:  # the client's own retries are spent (or off)
            sleep(float(error.headers.get("Retry-After", "1")))
            continue
        except errors.UnprocessableEntityError as error:
            return "invalid: " + ", ".join(str(item.loc[-1]) for item in error.errors)
        except errors.NotFoundError as error:
            return f"refused: {error.status_code}"
        return "done" if trunk.id == trunk_id else f"answered for {trunk.id}"
    return "gave up: rate limited"


def pause_trunk(client: AuthenticatedClient, trunk_id: str, sleep: Callable[[float], None] = time.sleep) -> str:
    return _patch(client, trunk_id, SipTrunkUpdate(is_active=False), sleep=sleep)


def rename_trunk(client: AuthenticatedClient, trunk_id: str, name: str) -> str:
    return _patch(client, trunk_id, SipTrunkUpdate(name=name))


def open_line(client: AuthenticatedClient, name: str, gateway: str, number: str) -> str:
    """Create an ip-based trunk with one number; `taken` when the number is active on another trunk."""
    body = SipTrunkCreate(
        name=name,
        provider="custom",
        auth_type=AuthType.IP_BASED,
        gateways=[GatewayInput(gateway_address=gateway)],
        ip_identifiers=[IpIdentifierInput(ip_address=gateway)],
    )
    try:
        trunk = create_sip_trunk.sync(client=client, body=body)
    except errors.UnprocessableEntityError as error:
        return "invalid: " + ", ".join(str(item.loc[-1]) for item in error.errors)
    try:
        add_phone_number.sync(trunk.id, client=client, body=PhoneNumberCreate(phone_number=number))
    except errors.ConflictError:
        delete_sip_trunk.sync(trunk.id, client=client)  # no trunk without its number is left behind
        return "taken"
    numbers = [found.phone_number for found in list_phone_numbers.sync(trunk.id, client=client)]
    return f"opened {get_sip_trunk.sync(trunk.id, client=client).name} with {', '.join(numbers)}"


def close_line(client: AuthenticatedClient, name: str) -> str:
    """Delete the numbers and the trunk called `name`; `gone` when it is already gone."""
    matching = [trunk for trunk in list_sip_trunks.sync(client=client) if trunk.name == name]
    if not matching:
        return "gone"
    try:
        for trunk in matching:
            for number in list_phone_numbers.sync(trunk.id, client=client):
                delete_phone_number.sync(trunk.id, number.id, client=client)
            delete_sip_trunk.sync(trunk.id, client=client)
    except errors.NotFoundError:  # someone else closed it meanwhile
        return "gone"
    return f"closed {len(matching)}"


def main(base_url: str, rate_limited_url: str, token: str) -> dict[str, str]:
    """A day's work against the API at `base_url`, and one pause against an API that rate-limits
    every other request (with the client's retries off, so this code sees the 429s)."""
    client = AuthenticatedClient(base_url=base_url, token=token)
    report = {
        "open": open_line(client, "Office", "203.0.113.10", "+4930111222"),
        "open_with_a_taken_number": open_line(client, "Branch", "203.0.113.11", "4930111222"),
        "open_with_a_bad_address": open_line(client, "Lab", "not an address", "+4930111333"),
    }
    (office,) = list_sip_trunks.sync(client=client)
    report["rename_to_blank"] = rename_trunk(client, office.id, "   ")
    report["pause_unknown"] = pause_trunk(client, "no-such-trunk")
    report["pause"] = pause_trunk(client, office.id)
    report["close"] = close_line(client, "Office")

    limited = AuthenticatedClient(base_url=rate_limited_url, token=token, max_retries=0)
    waits: list[float] = []
    trunk = create_sip_trunk.sync(
        client=limited,  # request 1 of the limited API: answered; the pause's first PATCH is not
        body=SipTrunkCreate(
            name="Limited",
            provider="custom",
            auth_type=AuthType.IP_BASED,
            gateways=[GatewayInput(gateway_address="203.0.113.12")],
            ip_identifiers=[IpIdentifierInput(ip_address="203.0.113.12")],
        ),
    )
    report["pause_rate_limited"] = pause_trunk(limited, trunk.id, sleep=waits.append) + f" after {len(waits)} 429"
    return report


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(main(*sys.argv[1:4])))
