"""The restore record on disk, and the guard's rule for the restores it asks for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from contract_tests.live.restore_record import (
    RESTORABLE_FIELDS,
    RecordError,
    differences,
    new_record,
    read_record,
    record_path,
    restorable,
    unfinished_records,
    write_atomically,
)
from contract_tests.live.safety import RESTORE, TRUNKS_PATH, SafetyTransport, TrunkLedger, UnsafeRequestRefused
from contract_tests.live.settings import ConfigError
from contract_tests.live.target import snapshot_given_trunk

TRUNK: dict[str, Any] = {
    "id": "trunk/1",
    "name": "Production line",
    "description": None,
    "auth_type": "userpass",
    "auth_username": "491234",
    "provider": "zadarma",
    "gateways": [{"id": "g1", "gateway_address": "sip.example.net", "port": 5060, "priority": 1, "created_at": "x"}],
    "ip_identifiers": [],
    "phone_numbers": [{"id": "n1"}],
    "allow": "ulaw",
    "disallow": "all",
    "transport": "transport-udp",
    "media_encryption": "no",
    "media_encryption_optimistic": False,
    "qualify_frequency": 90,
    "inbound_enabled": True,
    "outbound_leading_plus_enabled": True,
    "is_active": True,
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
}


def test_a_record_holds_every_restorable_field_and_no_credential(tmp_path: Path) -> None:
    record = new_record(record_path(tmp_path, TRUNK["id"]), TRUNK, run_id="r1")
    write_atomically(record)
    again = read_record(record.path)

    assert record.path.name == "restore-trunk_1.json"  # an id never becomes a path
    assert set(again.fields) == set(RESTORABLE_FIELDS)
    assert "auth_username" not in again.fields and "auth_password" not in again.fields
    assert again.fields["gateways"] == [{"gateway_address": "sip.example.net", "port": 5060, "priority": 1}]
    assert (again.trunk_id, again.run_id) == (TRUNK["id"], "r1")
    assert differences(TRUNK, again.fields) == []
    assert differences({**TRUNK, "is_active": False, "name": "x"}, again.fields) == ["is_active", "name"]


def test_a_failed_write_leaves_the_previous_record_whole(tmp_path: Path) -> None:
    first = new_record(record_path(tmp_path, "t1"), {**TRUNK, "id": "t1"}, run_id="r1")
    write_atomically(first)
    broken = new_record(first.path, {**TRUNK, "id": "t1", "description": object()}, run_id="r2")

    with pytest.raises(TypeError):
        write_atomically(broken)

    assert read_record(first.path).run_id == "r1"
    assert [path.name for path in tmp_path.iterdir()] == [first.path.name], "no temporary file is left"
    assert [record.run_id for record in unfinished_records(tmp_path)] == ["r1"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "is not JSON"),
        ("[]", "expected a JSON object"),
        ('{"fields": {}}', "needs trunk_id and fields"),
        ('{"trunk_id": "t1", "fields": {"auth_password": "x"}}', "must not send: auth_password"),
    ],
)
def test_a_bad_record_is_one_line_naming_the_file(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "restore-t1.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(RecordError) as raised:
        read_record(path)

    message = str(raised.value)
    assert says in message and str(path) in message and "\n" not in message


def guarded(ledger: TrunkLedger) -> httpx.Client:
    transport = SafetyTransport(httpx.MockTransport(lambda request: httpx.Response(200, json={})), ledger)
    return httpx.Client(base_url="http://api.test", transport=transport)


def test_the_guard_lets_a_restore_through_only_to_a_recorded_trunk() -> None:
    ledger = TrunkLedger()
    body = restorable(TRUNK)
    with guarded(ledger) as client:
        with pytest.raises(UnsafeRequestRefused, match="neither this run nor a restore record"):
            client.patch(f"{TRUNKS_PATH}/t9", json=body, extensions={RESTORE: True})
        ledger.recorded.add("t9")
        assert client.patch(f"{TRUNKS_PATH}/t9", json=body, extensions={RESTORE: True}).status_code == 200
        with pytest.raises(UnsafeRequestRefused, match="changes a trunk"):
            client.patch(f"{TRUNKS_PATH}/t9", json=body)  # a record allows restores, nothing else
        with pytest.raises(UnsafeRequestRefused, match="credentials"):
            client.patch(f"{TRUNKS_PATH}/t9", json={**body, "auth_password": "x"}, extensions={RESTORE: True})


def test_snapshot_refuses_a_trunk_an_interrupted_run_left_changed(tmp_path: Path) -> None:
    record_path(tmp_path, "t1").write_text(json.dumps({"trunk_id": "t1", "fields": {}}), encoding="utf-8")

    class Given:
        description = "a server"
        records_dir = tmp_path
        ledger = TrunkLedger(given_trunk="t1")

    with pytest.raises(ConfigError, match="run `bolna-contract cleanup` first"):
        snapshot_given_trunk(Given(), tmp_path / "contract-trunk.json")  # type: ignore[arg-type]
