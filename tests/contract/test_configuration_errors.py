"""Settings that cannot work end in one clear line and exit code 2, quickly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.contract_run import run_contract
from tests.fixtures.served_mock import ServedMock, free_port


def _assert_usage_error(run_code: int, stderr: str, seconds: float, expected: str) -> None:
    assert run_code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert expected in lines[0]
    assert seconds < 15


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"BOLNA_BASE_URL": "https://api.example.invalid"}, "BOLNA_API_KEY is not set"),
        ({"BOLNA_BASE_URL": "api.bolna.ai", "BOLNA_API_KEY": "k"}, "needs a scheme and host"),
        ({"BOLNA_BASE_URL": "http://127.0.0.1:9/v1", "BOLNA_API_KEY": "k"}, "must not have a path"),
        ({"CONTRACT_PROFILE": "weekly"}, "is not a profile"),
        ({"CONTRACT_STRICT": "maybe"}, "is not a flag"),
        ({"CONTRACT_MAX_REQUESTS": "lots"}, "is not a number"),
        ({"BOLNA_BASE_URL": "http://127.0.0.1:9", "BOLNA_API_KEY_FILE": "/nonexistent/key"}, "cannot be read"),
    ],
    ids=["missing token", "no scheme", "with path", "unknown profile", "bad flag", "bad number", "unreadable key file"],
)
def test_bad_settings(env: dict[str, str], expected: str, tmp_path: Path) -> None:
    run = run_contract(tmp_path, env=env)
    _assert_usage_error(run.code, run.stderr, run.seconds, expected)


def test_unreachable_url(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    run = run_contract(tmp_path, env={"BOLNA_BASE_URL": url, "BOLNA_API_KEY": "k"})
    _assert_usage_error(run.code, run.stderr, run.seconds, "cannot reach")


def test_wrong_token(served_mock: ServedMock, tmp_path: Path) -> None:
    run = run_contract(tmp_path, env={"BOLNA_BASE_URL": served_mock.base_url, "BOLNA_API_KEY": "not-the-token"})
    _assert_usage_error(run.code, run.stderr, run.seconds, "rejected the token")
    assert "not-the-token" not in run.stdout + run.stderr


def test_unknown_existing_trunk(served_mock: ServedMock, tmp_path: Path) -> None:
    env = {"BOLNA_BASE_URL": served_mock.base_url, "BOLNA_API_KEY": served_mock.token, "BOLNA_TRUNK_ID": "nope"}
    run = run_contract(tmp_path, env=env)
    _assert_usage_error(run.code, run.stderr, run.seconds, "BOLNA_TRUNK_ID")


def test_token_is_not_accepted_on_the_command_line(tmp_path: Path) -> None:
    run = run_contract(tmp_path, "run", "--token", "abc")
    assert run.code == 2
    assert "unrecognized arguments: --token" in run.stderr
