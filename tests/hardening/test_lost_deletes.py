"""A DELETE the API carried out whose answer the edge lost (a 504 after forwarding, a reset) is
sent again and answers 404: the run knows the first one acted, and reports no drift."""

from __future__ import annotations

import secrets
from pathlib import Path

from tests.contract.contract_run import run_contract
from tests.fixtures.fault_proxy import Action, Fault, FaultProxy, Seen, Selector, run_fault_proxy, with_token
from tests.fixtures.served_mock import serve_mock
from tests.hardening.live_runs import A_TRUNK, live_env

TOKEN = f"tok-deletes-{secrets.token_hex(8)}"
A_NUMBER = A_TRUNK + "/numbers/[^/]+"


def one_in_four(rest: int) -> Selector:
    return lambda number: number % 4 == rest


def lost_after_acting(proxy: FaultProxy, action: Action) -> list[Seen]:
    """The DELETEs the upstream carried out (200) whose answer the proxy then lost."""
    return [seen for seen in proxy.faulted(action) if seen.upstream_status == 200]


def test_deletes_whose_answer_the_edge_lost_are_done_not_drift(tmp_path: Path) -> None:
    # Of the run's trunk DELETEs (with its token), the 1st, 5th, ... meet a 504 after the API deleted, the 3rd,
    # 7th, ... a reset; their resends (the 2nd, 4th, ...) get through. Number DELETEs likewise.
    faults = [
        Fault(action, one_in_four(rest), "DELETE", path, (with_token(TOKEN),))
        for path in (A_TRUNK, A_NUMBER)
        for action, rest in ((Action.GATEWAY_TIMEOUT, 1), (Action.DROP_AFTER_FORWARDING, 3))
    ]
    with serve_mock(token=TOKEN) as served, run_fault_proxy(served.base_url, *faults) as proxy:
        run = run_contract(tmp_path, env=live_env(proxy.base_url, TOKEN))
        left = served.trunks()

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.drift["verdict"] == "no drift" and run.drift["findings"] == []
    timed_out = lost_after_acting(proxy, Action.GATEWAY_TIMEOUT)
    reset = lost_after_acting(proxy, Action.DROP_AFTER_FORWARDING)
    assert timed_out and reset, proxy.injected
    for lost in timed_out + reset:
        # Sent again at once, the API answered 404: the trunk (or number) was already gone.
        resent = proxy.seen[proxy.seen.index(lost) + 1]
        assert (resent.method, resent.path, resent.upstream_status) == ("DELETE", lost.path, 404)
    transient = run.drift["retried"]["transient"]
    assert transient["504"] >= len(timed_out) and transient["connection reset"] >= len(reset), transient
    assert run.drift["retried"]["persistent"] == {}
    assert left == []
