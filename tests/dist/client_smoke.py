"""Use the installed client the way a team that vendors it would; print what happened as JSON.

Run by tests/dist/test_wheel.py with the Python of a fresh virtualenv that holds only the built
wheel and its dependencies, in isolated mode (-I) from a scratch folder, so that nothing of the
kit can be imported by accident:

    python -I client_smoke.py TRUNK_JSON_FILE

Every HTTP call goes to an httpx.MockTransport: no traffic leaves the process.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import bolna_sip_trunks_client
import httpx
from bolna_sip_trunks_client import AuthenticatedClient, errors
from bolna_sip_trunks_client.api.sip_trunks import update_sip_trunk
from bolna_sip_trunks_client.models import SipTrunk, SipTrunkUpdate, ValidationError

BASE_URL = "https://api.example.invalid"
TOKEN = "smoke-token"
UNPROCESSABLE = {"detail": [{"loc": ["body", "name"], "msg": "String should have at least 1 character", "type": "x"}]}
NOT_FOUND = {"detail": "Trunk not found"}


class FakeApi:
    """Answers PATCH /sip-trunks/trunks/{id}: 404 for id `missing`, 422 for an empty name, else the trunk."""

    def __init__(self, trunk: dict[str, Any]) -> None:
        self.trunk = trunk
        self.seen: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body: dict[str, Any] = json.loads(request.content) if request.content else {}
        self.seen.append(
            {
                "method": request.method,
                "path": request.url.path,
                "authorization": request.headers.get("Authorization"),
                "body": body,
            }
        )
        if request.url.path.endswith("/missing"):
            return httpx.Response(404, json=NOT_FOUND)
        if body.get("name") == "":
            return httpx.Response(422, json=UNPROCESSABLE)
        return httpx.Response(200, json={**self.trunk, **body})


def detailed_calls(api: FakeApi) -> dict[str, Any]:
    """sync_detailed through a hand-made httpx.Client (set_httpx_client replaces headers too)."""
    client = AuthenticatedClient(base_url=BASE_URL, token=TOKEN)
    client.set_httpx_client(httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(api)))
    ok = update_sip_trunk.sync_detailed(api.trunk["id"], client=client, body=SipTrunkUpdate(name="x"))
    bad = update_sip_trunk.sync_detailed(api.trunk["id"], client=client, body=SipTrunkUpdate(name=""))
    return {
        "ok_status": int(ok.status_code),
        "ok_type": type(ok.parsed).__name__,
        "ok_name": ok.parsed.name if isinstance(ok.parsed, SipTrunk) else None,
        "bad_status": int(bad.status_code),
        "bad_type": type(bad.parsed).__name__,
        "bad_messages": [item.msg for item in bad.parsed.detail] if isinstance(bad.parsed, ValidationError) else None,
    }


def readme_example(api: FakeApi) -> dict[str, Any]:
    """The usage example of the README, with only the transport swapped for the fake API."""
    client = AuthenticatedClient(base_url=BASE_URL, token=TOKEN, httpx_args={"transport": httpx.MockTransport(api)})
    trunk_id = api.trunk["id"]

    def describe(call: Callable[[], SipTrunk]) -> str:
        try:
            trunk = call()
        except errors.UnprocessableEntityError as error:  # 422: a field is malformed
            return "UnprocessableEntityError " + "; ".join(item.msg for item in error.errors)
        except errors.NotFoundError as error:
            return f"NotFoundError {error.message}"
        return f"SipTrunk is_active={trunk.is_active}"

    def patch(trunk: str, body: SipTrunkUpdate) -> Callable[[], SipTrunk]:
        return lambda: update_sip_trunk.sync(trunk, client=client, body=body)

    with client:
        updated = describe(patch(trunk_id, SipTrunkUpdate(is_active=False)))
        invalid = describe(patch(trunk_id, SipTrunkUpdate(name="")))
        missing = describe(patch("missing", SipTrunkUpdate(is_active=False)))

    async def patch_async() -> SipTrunk:
        async with client:
            return await update_sip_trunk.asyncio(trunk_id, client=client, body=SipTrunkUpdate(is_active=True))

    return {
        "sync": updated,
        "invalid": invalid,
        "missing": missing,
        "async": describe(lambda: asyncio.run(patch_async())),
    }


def main(trunk_file: str) -> None:
    trunk = json.loads(Path(trunk_file).read_text(encoding="utf-8"))
    detailed_api, example_api = FakeApi(trunk), FakeApi(trunk)
    report = {
        "module_file": bolna_sip_trunks_client.__file__,
        "version": version("bolna-sip-trunks-client"),
        "sys_path": sys.path,
        "update_body": SipTrunkUpdate(name="x").to_dict(),
        "detailed": detailed_calls(detailed_api),
        "example": readme_example(example_api),
        "requests": detailed_api.seen + example_api.seen,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1])
