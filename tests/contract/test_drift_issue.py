"""The drift issue's lifecycle, decided offline from a sequence of nightly reports and recorded `gh` answers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from contract_tests.drift_issue import BODY_LIMIT, decide, main, recorded

TOKEN = "tok-nightly-3f9d"
PASSWORD = "pw-leaked-51aa"


def finding(fingerprint: str, kind: str, title: str, *, severity: str = "failure") -> dict[str, Any]:
    body = json.dumps({"name": "x", "auth_password": PASSWORD})
    return {
        "fingerprint": fingerprint,
        "kind": kind,
        "title": title,
        "check": "bad-values",
        "severity": severity,
        "operations": ["PATCH /sip-trunks/trunks/{trunk_id}"],
        "reproduce": [
            f'curl -X PATCH "$BOLNA_BASE_URL/sip-trunks/trunks/t1" -H "Authorization: Bearer {TOKEN}" '
            f"-d '{body}'\n# answered 200"
        ],
    }


LOOSE_NAME = finding("aaaa00000001", "looser", "TrunkName maxLength 255: a 256-character name is accepted")
MERGED = finding("bbbb00000002", "breaking", "PATCH merges gateways instead of replacing them")
EXTRA_KEY = finding("cccc00000003", "additive", "SipTrunk has an undocumented key sip_domain")
WARNING = finding("dddd00000004", "additive", "an undocumented header", severity="warning")


def report(*findings: dict[str, Any], known: Sequence[str] = (), expired: Sequence[str] = ()) -> dict[str, Any]:
    failing = [f for f in findings if f["severity"] == "failure" and f["fingerprint"] not in known]
    return {
        "exit_code": 1 if failing else 0,
        "complete": True,
        "target": "https://api.example.test",
        "profile": "nightly",
        "requests": 1200,
        "findings": list(findings),
        "known": [{"fingerprint": fingerprint} for fingerprint in known],
        "new": [],
        "expired": [{"fingerprint": fingerprint} for fingerprint in expired],
        "resolved": [],
    }


class RecordedGh:
    """`gh` as a test double: answers `issue list` from the issues it holds, records every call."""

    def __init__(self) -> None:
        self.issues: dict[int, dict[str, Any]] = {}
        self.calls: list[list[str]] = []
        self.posted: list[str] = []

    def __call__(self, args: Sequence[str]) -> str:
        args = list(args)
        self.calls.append(args)
        if args[:2] == ["issue", "list"]:
            label = args[args.index("--label") + 1]
            listed = [i for i in self.issues.values() if i["open"] and label in i["labels"]]
            return json.dumps([{k: i[k] for k in ("number", "title", "body")} for i in listed])
        if args[:2] == ["issue", "create"]:
            number = len(self.issues) + 1
            body = self._file(args)
            label = args[args.index("--label") + 1]
            title = args[args.index("--title") + 1]
            self.issues[number] = {"number": number, "title": title, "body": body, "labels": [label], "open": True}
            return f"https://github.test/o/r/issues/{number}\n"
        if args[:2] == ["issue", "comment"]:
            self._file(args)
        elif args[:2] == ["issue", "edit"]:
            self.issues[int(args[2])]["body"] = self._file(args)
        elif args[:2] == ["issue", "close"]:
            self.issues[int(args[2])]["open"] = False
            self.posted.append(args[args.index("--comment") + 1])
        return ""

    def _file(self, args: list[str]) -> str:
        text = Path(args[args.index("--body-file") + 1]).read_text(encoding="utf-8")
        self.posted.append(text)
        return text


def nightly(gh: RecordedGh, drift: dict[str, Any], tmp_path: Path, night: int) -> str:
    path = tmp_path / f"drift-{night}.json"
    path.write_text(json.dumps(drift), encoding="utf-8")
    before = len(gh.calls)
    run_url = f"https://github.test/o/r/actions/runs/{night}"
    arguments = ["--drift", str(path), "--label", "contract-drift:production", "--account", "production"]
    code = main([*arguments, "--run-url", run_url], gh=gh, environ={"BOLNA_API_KEY": TOKEN})
    assert code == 0
    verbs = [call[1] for call in gh.calls[before:] if call[0] == "issue" and call[1] != "list"]
    return {"create": "open", "comment": "comment", "close": "close"}[verbs[0]] if verbs else "nothing"


def test_a_week_of_nights_opens_comments_and_closes_one_issue(tmp_path: Path) -> None:
    gh = RecordedGh()
    nights = [
        report(WARNING),  # clean: a warning alone does not fail the run
        report(MERGED, LOOSE_NAME),  # new drift
        report(LOOSE_NAME, MERGED),  # the same drift, in another order
        report(MERGED, LOOSE_NAME, EXTRA_KEY),  # more drift
        report(EXTRA_KEY),  # partly resolved
        report(),  # clean
    ]

    actions = [nightly(gh, drift, tmp_path, night) for night, drift in enumerate(nights, 1)]

    assert actions == ["nothing", "open", "nothing", "comment", "comment", "close"]
    assert len(gh.issues) == 1 and not gh.issues[1]["open"]
    assert all(TOKEN not in text and PASSWORD not in text for text in gh.posted)
    assert any('"auth_password":"***"' in text.replace(" ", "") for text in gh.posted)


def test_the_body_leads_with_breaking_and_remembers_what_it_reported() -> None:
    decision = decide(report(EXTRA_KEY, LOOSE_NAME, MERGED), None, account="production", run_url="https://run")

    assert decision.action == "open"
    assert decision.title == "Contract drift on production: 3 findings"
    body = decision.body
    assert body.index("## Breaking") < body.index("## Looser") < body.index("## Additive")
    assert "curl -X PATCH" in body and "openapi.suggestions.patch" in body
    assert recorded({"body": body}) == ["cccc00000003", "aaaa00000001", "bbbb00000002"]


def test_accepted_drift_opens_nothing_and_an_expired_entry_is_news() -> None:
    accepted = report(LOOSE_NAME, known=[LOOSE_NAME["fingerprint"]])
    assert decide(accepted, None, account="production").action == "nothing"

    opened = decide(report(MERGED), None, account="production")
    issue = {"number": 7, "body": opened.body}
    lapsed = report(MERGED, LOOSE_NAME, expired=[LOOSE_NAME["fingerprint"]])
    decision = decide(lapsed, issue, account="production")
    assert decision.action == "comment"
    assert "baseline entry expired" in decision.comment and LOOSE_NAME["fingerprint"] in decision.comment


def test_a_run_that_could_not_judge_changes_nothing() -> None:
    opened = decide(report(MERGED), None, account="production")
    broken = {**report(), "exit_code": 2, "complete": False}
    assert decide(broken, {"number": 7, "body": opened.body}, account="production").action == "nothing"


def test_a_huge_report_still_fits_an_issue_body_and_keeps_its_marker() -> None:
    many = [finding(f"{n:012x}", "looser", "x" * 400) for n in range(400)]
    decision = decide(report(*many), None, account="production")
    assert len(decision.body) <= BODY_LIMIT
    assert len(recorded({"body": decision.body})) == 400


def test_an_unreadable_report_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gh = RecordedGh()
    code = main(["--drift", str(tmp_path / "missing.json"), "--label", "x"], gh=gh, environ={})
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert gh.calls == []
