"""A team's own code that calls Bolna through the generated client: the code the sample tests test.

It pauses a trunk (waiting out 429s as `Retry-After` says) and renames one, and tells its caller
in one word what happened. Nothing here knows about the mock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bolna_sip_trunks_client import AuthenticatedClient
from bolna_sip_trunks_client.api.sip_trunks import update_sip_trunk
from bolna_sip_trunks_client.models import Error, SipTrunk, SipTrunkUpdate, ValidationError


def _patch(
    client: AuthenticatedClient,
    trunk_id: str,
    body: SipTrunkUpdate,
    *,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    for _ in range(attempts):
        response = update_sip_trunk.sync_detailed(trunk_id, client=client, body=body)
        if response.status_code == 429:
            sleep(float(response.headers.get("Retry-After", "1")))
            continue
        if isinstance(response.parsed, SipTrunk):
            return "done"
        if isinstance(response.parsed, ValidationError):
            return "invalid: " + ", ".join(str(item.loc[-1]) for item in response.parsed.detail)
        if isinstance(response.parsed, Error):
            return f"refused: {int(response.status_code)}"
        return f"unexpected: {int(response.status_code)}"
    return "gave up: rate limited"


def pause_trunk(client: AuthenticatedClient, trunk_id: str, sleep: Callable[[float], None] = time.sleep) -> str:
    return _patch(client, trunk_id, SipTrunkUpdate(is_active=False), sleep=sleep)


def rename_trunk(client: AuthenticatedClient, trunk_id: str, name: str) -> str:
    return _patch(client, trunk_id, SipTrunkUpdate(name=name))
