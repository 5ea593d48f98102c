"""Concurrent PATCHes on one trunk: every answer and the final trunk are a state that one whole
PATCH produced (never a mix of two), rejected PATCHes leave no trace, and nothing answers 5xx."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.mock.mock_support import Api, Json, without_times

# Twice the threads take about 12 s on two cores: a long test (pytest --slow).
THREAD_COUNTS = [8, pytest.param(16, marks=pytest.mark.slow)]
PATCHES_PER_THREAD = 200
# Every tenth PATCH breaks rule 1 (sdes over UDP) and must change nothing.
REJECTED_EVERY = 10


def patch_body(thread: int, index: int) -> Json:
    """A PATCH that sets every patchable field, so the trunk after it depends on it alone."""
    tag = f"t{thread}i{index}"
    body: Json = {
        "name": f"Trunk {tag}",
        "description": f"written by {tag}",
        "auth_username": f"user_{tag}",
        "auth_password": f"pass_{tag}",
        "gateways": [
            {"gateway_address": f"{tag}.a.example.com", "port": 1000 + thread, "priority": 1 + index % 100},
            {"gateway_address": f"{tag}.b.example.com"},
        ],
        "ip_identifiers": [{"ip_address": f"10.{thread}.{index // 256}.{index % 256}"}],
        "allow": f"codec_{tag}",
        "disallow": "all",
        "inbound_enabled": index % 2 == 0,
        "outbound_leading_plus_enabled": index % 3 == 0,
        "is_active": thread % 2 == 0,
        "qualify_frequency": thread * 1000 + index,
        "transport": "transport-tls" if index % 2 else "transport-tcp",
        "media_encryption": "sdes" if index % 2 else "no",
        "media_encryption_optimistic": thread % 3 == 0,
    }
    if index % REJECTED_EVERY == REJECTED_EVERY - 1:
        body["transport"], body["media_encryption"] = "transport-udp", "sdes"
    return body


def expected_after(created: Json, body: Json) -> Json:
    """The trunk the contract says this PATCH leaves, whatever was stored before (every field sent)."""
    expected = without_times(created)
    expected.update({key: value for key, value in body.items() if key != "auth_password"})
    expected["gateways"] = [
        {
            "gateway_address": gateway["gateway_address"],
            "port": gateway.get("port", 5060),
            "priority": gateway.get("priority", 1),
        }
        for gateway in body["gateways"]
    ]
    return expected


@pytest.mark.parametrize("threads", THREAD_COUNTS)
def test_concurrent_patches_never_mix(threads: int) -> None:
    api = Api()
    created = api.create_trunk()
    trunk_id = created["id"]
    states = {
        without_times_key(expected_after(created, patch_body(thread, index))): (thread, index)
        for thread in range(threads)
        for index in range(PATCHES_PER_THREAD)
    }
    start = threading.Barrier(threads)

    def patch_many(thread: int) -> list[tuple[int, httpx.Response]]:
        start.wait()
        return [(index, api.patch(trunk_id, patch_body(thread, index))) for index in range(PATCHES_PER_THREAD)]

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(patch_many, range(threads)))

    for thread, answers in enumerate(results):
        previous_updated_at = ""
        for index, response in answers:
            assert response.status_code < 500
            if index % REJECTED_EVERY == REJECTED_EVERY - 1:
                assert response.status_code == 400, response.text
                continue
            assert response.status_code == 200, response.text
            trunk = response.json()
            # The answer is exactly the state this PATCH produced, not a mix with another one.
            assert states.get(without_times_key(without_times(trunk))) == (thread, index)
            assert trunk["created_at"] == created["created_at"]
            assert trunk["updated_at"] >= previous_updated_at
            previous_updated_at = trunk["updated_at"]

    final = api.get_trunk(trunk_id)
    winner = states.get(without_times_key(without_times(final)))
    assert winner is not None
    assert winner[1] % REJECTED_EVERY != REJECTED_EVERY - 1


def without_times_key(trunk: Json) -> str:
    """A hashable form of a trunk already stripped of what a PATCH renews."""
    return repr(sorted(trunk.items()))
