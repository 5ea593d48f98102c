"""What an existing trunk (BOLNA_TRUNK_ID) must be put back to, kept on disk so that it outlives the run.

A run writes the record before its first change to the trunk and removes it only after a restore
whose result was read back and matched field by field. A run killed outright (SIGKILL, a lost CI
runner) leaves the record behind: `bolna-contract cleanup`, or the next run on that trunk, restores
from it before anything else. A record the user commits (BOLNA_TRUNK_STATE) is the trunk's desired
state: always restored to, never removed.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contract_tests.values.model import CREDENTIALS, PATCHABLE

# Every field a PATCH can put back, except the credentials: a password cannot be read back, so the
# suite never sends one to an existing trunk.
RESTORABLE_FIELDS = tuple(sorted(PATCHABLE - CREDENTIALS))
GATEWAY_FIELDS = ("gateway_address", "port", "priority")
RECORD_GLOB = "restore-*.json"
_UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


class RecordError(Exception):
    """A record that cannot be read or does not describe a trunk; the message is one line."""


def restorable(trunk: Mapping[str, Any]) -> dict[str, Any]:
    """The trunk's restorable fields, in the form a PATCH sends them back."""
    fields = {key: trunk[key] for key in RESTORABLE_FIELDS if key in trunk}
    fields["gateways"] = [
        {key: gateway[key] for key in GATEWAY_FIELDS if key in gateway} for gateway in trunk.get("gateways") or []
    ]
    fields["ip_identifiers"] = [{"ip_address": item["ip_address"]} for item in trunk.get("ip_identifiers") or []]
    return fields


def differences(trunk: Mapping[str, Any], fields: Mapping[str, Any]) -> list[str]:
    """The restorable fields where `trunk` (as read back) is not what `fields` says."""
    now = restorable(trunk)
    return [key for key in fields if now.get(key) != fields[key]]


@dataclass(frozen=True)
class RestoreRecord:
    trunk_id: str
    fields: dict[str, Any]  # the PATCH body that puts the trunk back
    run_id: str | None  # None for a desired state the user keeps in the repository
    written_at: str
    path: Path
    kept: bool = False  # a desired state: restored to, never removed

    @property
    def origin(self) -> str:
        if self.kept:
            return f"the desired state in {self.path}"
        return f"the record of run {self.run_id} ({self.written_at}) in {self.path}"

    def as_json(self) -> str:
        document = {
            "trunk_id": self.trunk_id,
            "run_id": self.run_id,
            "written_at": self.written_at,
            "fields": self.fields,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def record_path(directory: Path, trunk_id: str) -> Path:
    return directory / f"restore-{_UNSAFE_IN_FILE_NAME.sub('_', trunk_id)}.json"


def new_record(path: Path, trunk: Mapping[str, Any], run_id: str | None) -> RestoreRecord:
    written_at = datetime.now(UTC).isoformat(timespec="seconds")
    return RestoreRecord(str(trunk["id"]), restorable(trunk), run_id, written_at, path)


def write_atomically(record: RestoreRecord) -> None:
    """Write to a temporary file beside it, flush it to disk, then rename: a reader sees all or nothing."""
    record.path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=record.path.parent, prefix=".restore-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(record.as_json())
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, record.path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_record(path: Path, *, kept: bool = False) -> RestoreRecord:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RecordError(f"{path} cannot be read: {error.strerror}") from None
    except ValueError as error:
        raise RecordError(f"{path} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise RecordError(f"{path} is not a restore record (expected a JSON object)")
    trunk_id, fields = document.get("trunk_id"), document.get("fields")
    if not isinstance(trunk_id, str) or not trunk_id or not isinstance(fields, dict):
        raise RecordError(f"{path} is not a restore record (needs trunk_id and fields)")
    unknown = sorted(set(fields) - set(RESTORABLE_FIELDS))
    if unknown:
        raise RecordError(f"{path} names fields a restore must not send: {', '.join(unknown)}")
    run_id = document.get("run_id")
    written_at = str(document.get("written_at") or "")
    return RestoreRecord(trunk_id, fields, run_id if isinstance(run_id, str) else None, written_at, path, kept)


def unfinished_records(directory: Path) -> list[RestoreRecord]:
    """The records earlier runs left in `directory`, oldest first."""
    paths = sorted(directory.glob(RECORD_GLOB), key=lambda path: path.stat().st_mtime)
    return [read_record(path) for path in paths]


def remove(record: RestoreRecord) -> None:
    if not record.kept:
        record.path.unlink(missing_ok=True)
