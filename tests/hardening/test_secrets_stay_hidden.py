"""No secret a run handles shows up in anything it prints or writes, or on its command line.

A whole quick run against the served mock, through the (fault-free) proxy, which records every
request on the wire: the passwords checked for are the ones the suite really sent. Against the
`auth-password-echoed` drift the API itself hands the passwords back, so the findings, their
excerpts and their curl commands are full of them until the run scrubs them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.fault_proxy import FaultProxy, Seen, StartFaultProxy
from tests.fixtures.served_mock import serve_mock
from tests.hardening.live_runs import start_contract, wait_until

TOKEN = f"tok-SECRET-4b1d{secrets.token_hex(12)}"
# Shorter strings (and blank ones) turn up in any text by chance; every password the suite
# makes up is a 29-character `ctpw-...`.
SHORTEST_TELLING = 6


def values_of(node: object, key: str) -> Iterator[object]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from values_of(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from values_of(item, key)


def passwords_in(seen: Seen) -> set[str]:
    return {value for value in values_of(seen.json(), "auth_password") if isinstance(value, str)}


def passwords_on_the_wire(proxy: FaultProxy) -> set[str]:
    return {value for seen in proxy.seen for value in passwords_in(seen)}


def accepted_as_password(value: str) -> bool:
    """What the API would store as a password (the spec: 1 to 255 characters, not blank)."""
    return 0 < len(value) <= 255 and bool(value.strip())


def everything_written(output: Path, reports: Path) -> dict[str, str]:
    files = sorted(output.iterdir()) + sorted(path for path in reports.rglob("*") if path.is_file())
    return {str(path): path.read_text(encoding="utf-8", errors="replace") for path in files}


@pytest.mark.parametrize(
    ("token_from", "scenario", "verdict"),
    [("BOLNA_API_KEY", None, 0), ("BOLNA_API_KEY_FILE", "auth-password-echoed", 1)],
    ids=["clean server, token in BOLNA_API_KEY", "passwords echoed, token in BOLNA_API_KEY_FILE"],
)
def test_no_token_or_password_is_shown_or_written(
    token_from: str, scenario: str | None, verdict: int, fault_proxy: StartFaultProxy, tmp_path: Path
) -> None:
    if token_from == "BOLNA_API_KEY_FILE":
        key_file = tmp_path / "bolna.key"
        key_file.write_text(TOKEN + "\n", encoding="utf-8")
        credentials = {"BOLNA_API_KEY_FILE": str(key_file)}
    else:
        credentials = {"BOLNA_API_KEY": TOKEN}

    drift = ("--scenario", scenario) if scenario else ()
    with serve_mock(*drift, token=TOKEN) as served:
        proxy = fault_proxy(served.base_url)
        running = start_contract(tmp_path / "run", {"BOLNA_BASE_URL": proxy.base_url, **credentials}, forked=False)
        wait_until(lambda: len(proxy.seen) > 20, "the run is under way")
        command_line, environment = running.command_line(), running.environment()
        run = running.finish()

    assert run.code == verdict, run.stdout[-2000:] + run.stderr[-2000:]
    if scenario:
        assert "secrets" in run.finding_checks(), "the echoed passwords were to be found"
    passwords = passwords_on_the_wire(proxy)
    made_up = {value for value in passwords if value.startswith("ctpw-")}
    assert len(made_up) >= 10, "the run was to send passwords"
    # Every storable password sent, at any depth, is one the suite made up (and so scrubs).
    foreign = {value for value in passwords if accepted_as_password(value)} - made_up
    carriers = [f"{seen.method} {seen.path} {seen.body[:300]!r}" for seen in proxy.seen if foreign & passwords_in(seen)]
    assert not foreign, f"passwords the suite did not make up were sent: {carriers}"
    telling = {value for value in passwords if value.strip() and len(value) >= SHORTEST_TELLING}

    written = everything_written(tmp_path / "run" / "output", run.reports)
    assert {"drift.json", "drift.md", "junit.xml"} <= {Path(name).name for name in written}
    for name, text in written.items():
        assert TOKEN not in text, f"the token is in {name}"
        shown = sorted(value for value in telling if value in text)
        assert not shown, f"{len(shown)} passwords the run sent are in {name}"
    assert TOKEN not in command_line
    if token_from == "BOLNA_API_KEY_FILE":
        assert TOKEN not in environment, "with a key file the token must not be in the environment either"
