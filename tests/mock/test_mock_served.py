"""`python -m mock_api`: its flags, and (slow, `pytest --slow`) stock Schemathesis against it served."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_api import SCENARIOS
from mock_api.__main__ import main

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SCHEMATHESIS = str(Path(PYTHON).with_name("schemathesis"))
TOKEN = "served-token"


def test_list_scenarios_prints_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(SCENARIOS)
    for line, scenario in zip(lines, SCENARIOS.values(), strict=True):
        assert line.endswith(scenario.description)


def test_an_unknown_scenario_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--scenario", "no-such-drift"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "no-such-drift" in captured.err


@pytest.mark.parametrize(
    "argv", [["--host", "0.0.0.0"], ["--rate-limit-every", "0"], ["--latency", "-1"], ["--edge-errors", "1.5"]]
)
def test_bad_flags_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("mock_api: ")


# --- served (slow) -----------------------------------------------------------------------------


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def mock_server() -> Iterator[str]:
    """`python -m mock_api` on a free loopback port, configured through MOCK_PORT and BOLNA_API_KEY."""
    port = free_loopback_port()
    env = {**os.environ, "MOCK_PORT": str(port), "BOLNA_API_KEY": TOKEN}
    server = subprocess.Popen(
        [PYTHON, "-m", "mock_api"], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline().strip()
        # A token from the environment may be a real key: the banner names the variable instead.
        assert banner == f"mock Bolna API on http://127.0.0.1:{port} (token: $BOLNA_API_KEY)"
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"{base_url}/sip-trunks/trunks", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the served mock did not come up"
                time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_readme_schemathesis_command_against_the_served_mock(mock_server: str, tmp_path: Path) -> None:
    # README: one token variable, BOLNA_API_KEY, which the mock accepted when it started and the
    # command passes with -H; the shell's expansion of "$BOLNA_API_KEY" is the f-string here.
    command = [
        SCHEMATHESIS, "--config-file", str(REPO / "schemathesis.toml"), "--no-color",
        "run", str(REPO / "openapi.yaml"), "--checks", "all", "-u", mock_server,
        "-H", f"Authorization: Bearer {TOKEN}",
        "--phases", "examples,coverage", "--include-operation-id", "list_sip_trunks",
    ]  # fmt: skip
    env = {**os.environ, "BOLNA_API_KEY": TOKEN}
    completed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-5000:]
    assert "No issues found" in output, output[-3000:]


@pytest.mark.slow
def test_served_mock_speaks_http(mock_server: str) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.get(f"{mock_server}/sip-trunks/trunks", headers=auth).json() == []
    assert httpx.get(f"{mock_server}/sip-trunks/trunks").status_code == 401
    too_big = httpx.post(f"{mock_server}/sip-trunks/trunks", headers=auth, content=b" " * (2 * 1024 * 1024))
    assert too_big.status_code == 413
    head = httpx.head(f"{mock_server}/sip-trunks/trunks", headers=auth)
    assert head.status_code == 405 and head.headers["allow"] == "GET, POST"


@pytest.mark.slow
def test_schemathesis_cli_finds_nothing_against_the_served_mock(mock_server: str, tmp_path: Path) -> None:
    # The repository's schemathesis.toml, named explicitly; the CLI's cache lands in tmp_path.
    command = [
        SCHEMATHESIS,
        "--config-file",
        str(REPO / "schemathesis.toml"),
        "--no-color",
        "run",
        str(REPO / "openapi.yaml"),
        "--checks",
        "all",
        "-u",
        mock_server,
        "-H",
        f"Authorization: Bearer {TOKEN}",
    ]
    completed = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-5000:]
    assert "No issues found" in output, output[-3000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅\s+{phase} \(in ", output), phase
    generated = re.search(r"(\d+) generated, (\d+) passed", output)
    assert generated is not None, output[-3000:]
    assert int(generated.group(1)) >= 2000
