"""The mock's memory stays bounded over a long run of creates and deletes.

Each cycle creates a trunk, adds a phone number to it and deletes the trunk. The cycles run
in-process over ASGI (one event loop, no threads, so nothing but the mock holds on to memory)
in two equal halves after a warm-up; what the second half adds must not grow with the cycles.
Caches of the standard library fill up during the first half, so only a leak shows in the second.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
from pathlib import Path

import httpx
import pytest

from mock_api import create_app
from tests.mock.mock_support import AUTH, TOKEN, TRUNKS, userpass_body

ROOT = Path(__file__).resolve().parents[2]
WARM_UP = 200
# Measured: about 8 KiB per half when deleted trunks leave nothing behind (about 550 bytes per
# cycle when retired numbers were kept).
MAX_GROWTH = 32 * 1024


async def cycle(client: httpx.AsyncClient, index: int) -> None:
    created = await client.post(TRUNKS, json=userpass_body(name=f"cycle {index}"))
    assert created.status_code == 201, created.text
    trunk = created.json()["id"]
    added = await client.post(f"{TRUNKS}/{trunk}/numbers", json={"phone_number": f"+1555{index:07d}"})
    assert added.status_code == 201, added.text
    deleted = await client.delete(f"{TRUNKS}/{trunk}")
    assert deleted.status_code == 200, deleted.text


async def second_half_growth(cycles_per_half: int) -> int:
    """Bytes still allocated after the second half that were not after the first."""
    transport = httpx.ASGITransport(app=create_app(token=TOKEN))
    async with httpx.AsyncClient(transport=transport, base_url="http://mock", headers=AUTH) as client:
        for index in range(WARM_UP):
            await cycle(client, index)
        tracemalloc.start()
        try:
            for index in range(WARM_UP, WARM_UP + cycles_per_half):
                await cycle(client, index)
            gc.collect()
            after_first = tracemalloc.get_traced_memory()[0]
            for index in range(WARM_UP + cycles_per_half, WARM_UP + 2 * cycles_per_half):
                await cycle(client, index)
            gc.collect()
            return tracemalloc.get_traced_memory()[0] - after_first
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize("cycles", [1_000, pytest.param(3_000, marks=pytest.mark.slow)])
def test_memory_stays_bounded_over_many_create_delete_cycles(cycles: int) -> None:
    # A fresh interpreter: threads and caches left by other tests would allocate in the window.
    script = f"import asyncio, {__name__} as m; print(asyncio.run(m.second_half_growth({cycles // 2})))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    growth = int(result.stdout.strip().splitlines()[-1])
    assert growth < MAX_GROWTH, f"the second {cycles // 2} cycles kept {growth / 1024:.0f} KiB"
