"""Night over night: what is new, what persists and what is resolved since the previous report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contract_tests.findings.night_over_night import PreviousReportError, compare, read_previous


def drift(*findings: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "finished_at": "2026-12-01T03:40:00+00:00",
        "findings": [{"fingerprint": f, "check": c, "severity": s} for f, c, s in findings],
    }


def test_new_persisting_and_resolved_by_fingerprint_whatever_the_order() -> None:
    previous = drift(("a", "bad-values", "failure"), ("b", "lifecycle", "failure"), ("c", "auth", "warning"),
                     ("d", "conformance", "defect"))  # fmt: skip
    now = [{"fingerprint": "e"}, {"fingerprint": "c"}, {"fingerprint": "a"}]

    since = compare(previous, now, checks_run_fully={"bad-values", "auth", "lifecycle"})
    again = compare(previous, now[::-1], checks_run_fully={"bad-values", "auth", "lifecycle"})

    assert (since.new, since.persisting, since.resolved, since.unjudged) == (["e"], ["c", "a"], ["b"], [])
    assert sorted(again.persisting) == ["a", "c"]
    assert since.as_dict()["previous_finished_at"] == "2026-12-01T03:40:00+00:00"


def test_what_a_check_cut_short_did_not_see_is_not_called_resolved() -> None:
    since = compare(drift(("b", "lifecycle", "failure")), [], checks_run_fully={"bad-values"})
    assert (since.resolved, since.unjudged) == ([], ["b"])


@pytest.mark.parametrize(("content", "says"), [("{", "is not JSON"), ("[]", "no findings list")])
def test_an_unusable_previous_report_is_one_line(tmp_path: Path, content: str, says: str) -> None:
    path = tmp_path / "drift.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PreviousReportError, match=says):
        read_previous(path)
    assert read_previous(_written(tmp_path, drift()))["findings"] == []


def _written(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "good.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
