"""What mypy infers for the client's calls: the success model itself, never an Optional or an
error model. Only type-checked (test_kit_wheel.py reads the notes `mypy --strict .` prints for
these reveal_type calls); never run."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import reveal_type

    from bolna_sip_trunks_client import AuthenticatedClient
    from bolna_sip_trunks_client.api.phone_numbers import add_phone_number, delete_phone_number, list_phone_numbers
    from bolna_sip_trunks_client.api.sip_trunks import (
        create_sip_trunk,
        delete_sip_trunk,
        get_sip_trunk,
        list_sip_trunks,
        update_sip_trunk,
    )
    from bolna_sip_trunks_client.models import PhoneNumberCreate, SipTrunkCreate, SipTrunkUpdate

    async def every_operation(client: AuthenticatedClient, create: SipTrunkCreate, number: PhoneNumberCreate) -> None:
        reveal_type(update_sip_trunk.sync("trunk-id", client=client, body=SipTrunkUpdate(is_active=False)))
        reveal_type(await update_sip_trunk.asyncio("trunk-id", client=client, body=SipTrunkUpdate()))
        reveal_type(create_sip_trunk.sync(client=client, body=create))
        reveal_type(get_sip_trunk.sync("trunk-id", client=client))
        reveal_type(list_sip_trunks.sync(client=client))
        reveal_type(delete_sip_trunk.sync("trunk-id", client=client))
        reveal_type(add_phone_number.sync("trunk-id", client=client, body=number))
        reveal_type(list_phone_numbers.sync("trunk-id", client=client))
        reveal_type(delete_phone_number.sync("trunk-id", "number-id", client=client))
