"""A run against a server behind a CDN and a load balancer, over loopback.

The served mock compresses every answer (gzip) and its edge fails 1 % of requests with an HTML
502/504/503 page. A correct server still passes with no finding; real drift on top still fails
the run, named as the API's. Answers in the other codings (deflate, brotli, zstd) are read too.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.contract.contract_run import GENERATED, ContractRun, run_contract
from tests.fixtures.served_mock import serve_mock
from tests.hardening.live_runs import live_env

BEHIND_AN_EDGE = ("--compress", "gzip", "--edge-errors", "0.01")


def run_behind_an_edge(tmp_path: Path, *mock_args: str, profile: str = "quick") -> tuple[ContractRun, list[object]]:
    with serve_mock(*BEHIND_AN_EDGE, *mock_args) as served:
        env = live_env(served.base_url, served.token, CONTRACT_PROFILE=profile)
        # The default profile's run is the long one: as many generated cases as a user's.
        run = run_contract(tmp_path, env=env | (GENERATED if profile == "default" else {}))
        return run, list(served.trunks())


@pytest.mark.parametrize("profile", ["quick", "default"])
def test_a_correct_server_behind_a_compressing_flaky_edge_passes(profile: str, tmp_path: Path) -> None:
    run, left = run_behind_an_edge(tmp_path, profile=profile)

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.drift["verdict"] == "no drift" and run.drift["findings"] == []
    # Every edge page was transient: counted by status, each one got past on a later attempt.
    retried = run.drift["retried"]
    assert set(retried["transient"]) == {"502", "503", "504"}, retried
    assert sum(retried["transient"].values()) >= run.drift["requests"] // 100 - 1
    assert retried["persistent"] == {}
    assert "transient: 502" in (tmp_path / "drift.md").read_text(encoding="utf-8")
    assert left == []


@pytest.mark.parametrize("coding", ["deflate", "br", "zstd"])
def test_a_correct_server_answering_in_any_coding_passes(coding: str, tmp_path: Path) -> None:
    # gzip: above, through every profile's run. The others once each, in the quick profile.
    assert coding in httpx.Client().headers["accept-encoding"], f"the kit cannot read {coding} answers"
    with serve_mock("--compress", coding) as served:
        run = run_contract(tmp_path, env=live_env(served.base_url, served.token, CONTRACT_PROFILE="quick"))
        left = served.trunks()

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.drift["verdict"] == "no drift" and run.drift["findings"] == []
    assert left == []


@pytest.mark.parametrize(
    ("scenario", "check", "named"),
    [
        ("patch-merges-gateways", "patch-semantics", "gateways"),
        ("server-error-on-non-ascii-name", "conformance", "500"),
    ],
)
def test_real_drift_behind_the_same_edge_is_still_found(scenario: str, check: str, named: str, tmp_path: Path) -> None:
    run, left = run_behind_an_edge(tmp_path, "--scenario", scenario)

    assert run.code == 1, run.stdout[-3000:] + run.stderr[-2000:]
    assert check in run.finding_checks()
    titles = [finding["title"] for finding in run.drift["findings"] if finding["check"] == check]
    assert any(named in title for title in titles), titles
    # The run met the edge's pages, and got past them: the drift is the API's, no finding is an
    # edge page, and no edge status is a finding.
    assert run.drift["retried"]["transient"] and run.drift["retried"]["persistent"] == {}
    assert not any("edge" in finding["title"] for finding in run.drift["findings"])
    assert not any(status in title for title in titles for status in ("502", "503", "504"))
    assert left == []
