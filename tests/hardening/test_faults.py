"""A live run through a faulty network still judges a clean server right and leaves nothing behind.

`bolna-contract` (quick profile) talks to the served mock through the fault proxy. Whatever the
proxy does, the verdict stays "no drift", only what is safe is sent twice, a create whose answer
was lost is found by its name instead of being made again, and the server ends with no trunk.
"""

from __future__ import annotations

import secrets
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from contract_tests.live.safety import TRUNKS_PATH
from tests.contract.contract_run import ContractRun, run_contract
from tests.fixtures.fault_proxy import (
    Action,
    Fault,
    FaultProxy,
    Seen,
    at,
    burst,
    every,
    run_fault_proxy,
    with_token,
)
from tests.fixtures.served_mock import serve_mock
from tests.hardening.live_runs import A_TRUNK, live_env, workbench_creates

ITS_NUMBERS = A_TRUNK + "/numbers"
TOKEN = f"tok-faults-{secrets.token_hex(8)}"
# The creates the suite's Workbench makes (valid, with the right token), so a fault on one of
# them hits a create the server really performs; the auth checks send the same body without it.
WORKBENCH_CREATE = workbench_creates(TOKEN)


def run_through(tmp_path: Path, *faults: Fault) -> tuple[ContractRun, FaultProxy, list[dict[str, Any]]]:
    """A contract run through a proxy with `faults`; returns it, the proxy, and the trunks left."""
    with serve_mock(token=TOKEN) as served, run_fault_proxy(served.base_url, *faults) as proxy:
        run = run_contract(tmp_path, env=live_env(proxy.base_url, TOKEN))
        return run, proxy, served.trunks()


def assert_no_drift(run: ContractRun) -> None:
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.drift["verdict"] == "no drift"


def same_request(one: Seen, other: Seen) -> bool:
    return (one.method, one.path, one.body, one.headers.get("authorization")) == (
        other.method,
        other.path,
        other.body,
        other.headers.get("authorization"),
    )


def sent_again(proxy: FaultProxy, first: Seen) -> list[Seen]:
    """Later requests identical to `first` (method, path, body and token)."""
    return [seen for seen in proxy.seen[proxy.seen.index(first) + 1 :] if same_request(seen, first)]


def assert_looked_up_not_sent_again(proxy: FaultProxy, lost: Seen) -> None:
    """The suite runs one request at a time: what follows a lost create is the lookup, then not the create."""
    position = proxy.seen.index(lost)
    lookup, after = proxy.seen[position + 1 : position + 3]
    assert (lookup.method, lookup.path) == ("GET", lost.path), "a lost create must be looked up"
    assert not same_request(after, lost), f"a create the server performed was sent again: {lost.body[:120]!r}"


def body_value(seen: Seen, key: str) -> object:
    body = seen.json()
    return body.get(key) if isinstance(body, dict) else None


def performed(proxy: FaultProxy, method: str, path_prefix: str, key: str, value: object) -> list[Seen]:
    """Requests the upstream performed (answered 2xx) whose body has `key` == `value`."""
    return [
        seen
        for seen in proxy.seen
        if seen.method == method
        and seen.path.startswith(path_prefix)
        and seen.upstream_status is not None
        and 200 <= seen.upstream_status < 300
        and body_value(seen, key) == value
    ]


def assert_created_names_are_unique(proxy: FaultProxy) -> None:
    names = Counter(
        body_value(seen, "name")
        for seen in proxy.requests_to("POST", TRUNKS_PATH)
        if seen.upstream_status is not None and 200 <= seen.upstream_status < 300
    )
    assert names and max(names.values()) == 1, [name for name, count in names.items() if count > 1]


def test_a_run_through_every_kind_of_fault_passes_and_leaves_nothing(tmp_path: Path) -> None:
    # Lost answers first: the proxy applies the first rule that fires on a request.
    run, proxy, left = run_through(
        tmp_path,
        Fault(Action.DROP_AFTER_FORWARDING, at(1), "POST", TRUNKS_PATH, WORKBENCH_CREATE),
        Fault(Action.DROP_BEFORE_FORWARDING, at(2), "POST", TRUNKS_PATH, WORKBENCH_CREATE),
        Fault(Action.DROP_AFTER_FORWARDING, at(1), "POST", ITS_NUMBERS, (with_token(TOKEN),)),
        Fault(Action.DROP_AFTER_FORWARDING, at(3), "PATCH", A_TRUNK, (with_token(TOKEN),)),
        # An edge in front: a create it passed on before timing out (the resend of the one that
        # never arrived), a PATCH likewise, and its 502 pages on a few reads.
        Fault(Action.GATEWAY_TIMEOUT, at(3), "POST", TRUNKS_PATH, WORKBENCH_CREATE),
        Fault(Action.GATEWAY_TIMEOUT, at(5), "PATCH", A_TRUNK, (with_token(TOKEN),)),
        Fault(Action.BAD_GATEWAY, every(60, limit=3), "GET"),
        Fault(Action.UNAVAILABLE, every(150, limit=2)),
        Fault(Action.TOO_MANY_REQUESTS, burst(400, 2)),
        Fault(Action.DELAY, every(250, limit=2), seconds=1.0),
    )

    assert_no_drift(run)
    assert proxy.injected == {
        Action.DROP_AFTER_FORWARDING: 3,
        Action.DROP_BEFORE_FORWARDING: 1,
        Action.UNAVAILABLE: 2,
        Action.TOO_MANY_REQUESTS: 2,
        Action.DELAY: 2,
        Action.GATEWAY_TIMEOUT: 2,
        Action.BAD_GATEWAY: 3,
    }
    # 503 and 429 mean "not processed": each such request was sent again; so was each read an
    # edge answered 502.
    refused = proxy.faulted(Action.UNAVAILABLE) + proxy.faulted(Action.TOO_MANY_REQUESTS)
    for edge_page in refused + proxy.faulted(Action.BAD_GATEWAY):
        assert sent_again(proxy, edge_page), f"{edge_page.method} {edge_page.path} was not retried"
    # the 503s, the 429s, the 502s, the PATCHes whose answer was lost, the creates sent again
    assert run.drift["retries"] >= 2 + 2 + 3 + 2 + 1
    transient = run.drift["retried"]["transient"]
    assert transient["502"] == 3 and transient["504"] == 2 and transient["connection reset"] >= 2
    assert run.drift["retried"]["persistent"] == {}
    assert "transient: " in (run.reports / "drift.md").read_text(encoding="utf-8")

    lost_create, lost_number, lost_patch = proxy.faulted(Action.DROP_AFTER_FORWARDING)
    # The create happened; the run found it by name and did not make it again.
    assert lost_create.upstream_status == 201
    name = body_value(lost_create, "name")
    assert performed(proxy, "POST", TRUNKS_PATH, "name", name) == [lost_create]
    assert_looked_up_not_sent_again(proxy, lost_create)
    # The number too, by the number itself.
    assert lost_number.upstream_status == 201
    number = body_value(lost_number, "phone_number")
    assert performed(proxy, "POST", TRUNKS_PATH, "phone_number", number) == [lost_number]
    assert_looked_up_not_sent_again(proxy, lost_number)
    # A PATCH is idempotent: it was simply sent again, right away (the suite sends one request
    # at a time; a later check may send the same body on purpose, so only the next one counts).
    assert lost_patch.upstream_status == 200
    resent = proxy.seen[proxy.seen.index(lost_patch) + 1]
    assert same_request(resent, lost_patch) and resent.upstream_status == 200, "the lost PATCH was not sent again"
    # The create that never reached the server was looked for, not found, and sent once more;
    # the edge passed that one on and answered 504: it was found by name, not made a third time.
    (unreached,) = proxy.faulted(Action.DROP_BEFORE_FORWARDING)
    assert [seen.upstream_status for seen in sent_again(proxy, unreached)] == [201]
    timed_out = {seen.method: seen for seen in proxy.faulted(Action.GATEWAY_TIMEOUT)}
    timed_out_create, timed_out_patch = timed_out["POST"], timed_out["PATCH"]
    assert same_request(timed_out_create, unreached) and timed_out_create.upstream_status == 201
    assert_looked_up_not_sent_again(proxy, timed_out_create)
    resent = proxy.seen[proxy.seen.index(timed_out_patch) + 1]
    assert same_request(resent, timed_out_patch), "the PATCH the edge timed out on was not sent again"

    assert_created_names_are_unique(proxy)
    assert left == [], "the run left trunks behind (a recovered create must be deleted too)"


@pytest.mark.slow
def test_many_503s_429_bursts_and_latency_spikes(tmp_path: Path) -> None:
    run, proxy, left = run_through(
        tmp_path,
        Fault(Action.UNAVAILABLE, every(40)),
        Fault(Action.TOO_MANY_REQUESTS, lambda number: number % 300 in (0, 1, 2)),  # bursts of three
        Fault(Action.DELAY, every(90), seconds=2.0),
    )

    assert_no_drift(run)
    assert proxy.injected[Action.UNAVAILABLE] >= 20
    assert proxy.injected[Action.TOO_MANY_REQUESTS] >= 9
    assert proxy.injected[Action.DELAY] >= 10
    for refused in proxy.faulted(Action.UNAVAILABLE) + proxy.faulted(Action.TOO_MANY_REQUESTS):
        assert sent_again(proxy, refused), f"{refused.method} {refused.path} was not retried"
    assert_created_names_are_unique(proxy)
    assert left == []


@pytest.mark.slow
def test_many_creates_lose_their_answer(tmp_path: Path) -> None:
    # Every 3rd and every 4th create fails, so no create fails more than twice in a row (the
    # suite sends one at most three times: a rejected create is never found and is sent again).
    run, proxy, left = run_through(
        tmp_path,
        Fault(Action.DROP_AFTER_FORWARDING, every(3), "POST", TRUNKS_PATH, (with_token(TOKEN),)),
        Fault(Action.DROP_BEFORE_FORWARDING, every(4), "POST", TRUNKS_PATH, (with_token(TOKEN),)),
        Fault(Action.DROP_AFTER_FORWARDING, every(2), "POST", ITS_NUMBERS, (with_token(TOKEN),)),
        Fault(Action.DROP_AFTER_FORWARDING, every(7), "PATCH", A_TRUNK, (with_token(TOKEN),)),
        # DELETEs whose answer is lost: test_lost_deletes.py.
    )

    assert_no_drift(run)
    assert proxy.injected[Action.DROP_AFTER_FORWARDING] >= 20
    for lost in proxy.faulted(Action.DROP_AFTER_FORWARDING):
        if lost.method == "POST" and lost.upstream_status == 201:
            assert_looked_up_not_sent_again(proxy, lost)
    assert_created_names_are_unique(proxy)
    assert left == []
