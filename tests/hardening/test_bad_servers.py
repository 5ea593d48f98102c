"""BOLNA_BASE_URL pointing at something that is not Bolna's API ends in one line and exit 2, quickly.

The run never gets past its preflight (GET /sip-trunks/trunks): an HTML page is not the API, a
server that hangs up is unreachable (retried briefly), and one that never answers is given the
preflight's read timeout once (10 s), not once per retry.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.contract.contract_run import run_contract, startup_seconds
from tests.fixtures.bad_servers import Misbehaviour
from tests.hardening.live_runs import live_env

TOKEN = "tok-bad-servers"
SAYS = {
    Misbehaviour.HTML: "does not look like Bolna's API: GET /sip-trunks/trunks answered 200 text/html",
    Misbehaviour.HANGS_UP: "cannot reach",
    Misbehaviour.SILENT: "did not answer within 10 s",
}


@pytest.mark.parametrize("misbehaviour", list(Misbehaviour), ids=[m.name.lower() for m in Misbehaviour])
def test_a_server_that_is_not_the_api_ends_the_run_in_one_line(
    misbehaviour: Misbehaviour, bad_server: Callable[[Misbehaviour], str], tmp_path: Path
) -> None:
    base_url = bad_server(misbehaviour)

    run = run_contract(tmp_path / "reports", env=live_env(base_url, TOKEN), timeout=60)

    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("bolna-contract: ") and SAYS[misbehaviour] in lines[0], lines[0]
    assert base_url in lines[0], "the line must name the server it could not use"
    assert TOKEN not in run.stdout + run.stderr
    # Beyond starting up: a 10 s read timeout given once, not once per retry.
    assert run.seconds - startup_seconds(tmp_path / "startup") < 15
    assert not (tmp_path / "reports").exists(), "a run that never started must write no report"
