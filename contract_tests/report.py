"""Findings -> drift.json (for machines), drift.md (for people) and the console summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from contract_tests.findings import Finding

VERDICTS = {0: "no drift", 1: "drift found", 2: "could not judge the API"}


@dataclass
class RunSummary:
    target: str
    profile: str
    strict: bool
    requests: int
    retries: int
    seconds: float
    outcomes: dict[str, dict[str, int]]
    findings: list[Finding]
    first_failure_seconds: float | None = None
    complete: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "failure"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def defects(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "defect"]

    @property
    def exit_code(self) -> int:
        # Drift that was seen stays drift, even when the run stopped early afterwards.
        if self.failures:
            return 1
        return 2 if self.defects or not self.complete else 0


def write_reports(summary: RunSummary, directory: Path, scrub: Callable[[str], str]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("drift.json", as_json(summary)), ("drift.md", as_markdown(summary))):
        path = directory / name
        path.write_text(scrub(text), encoding="utf-8")
        written.append(path)
    junit = directory / "junit.xml"
    if junit.exists():
        junit.write_text(scrub(junit.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(junit)
    return written


def as_json(summary: RunSummary) -> str:
    document = {
        "verdict": VERDICTS[summary.exit_code],
        "exit_code": summary.exit_code,
        "complete": summary.complete,
        "target": summary.target,
        "profile": summary.profile,
        "strict": summary.strict,
        "requests": summary.requests,
        "retries": summary.retries,
        "seconds": round(summary.seconds, 2),
        "first_failure_seconds": None
        if summary.first_failure_seconds is None
        else round(summary.first_failure_seconds, 2),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "checks": summary.outcomes,
        "findings": [finding.as_dict() for finding in summary.findings],
        "notes": summary.notes,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_markdown(summary: RunSummary) -> str:
    lines = [
        "# Contract drift report",
        "",
        f"- Verdict: **{VERDICTS[summary.exit_code]}**"
        + ("" if summary.complete else " (partial run: interrupted or stopped early)"),
        f"- Target: {summary.target}",
        f"- Profile: {summary.profile}{' (strict: additive drift fails)' if summary.strict else ''}",
        f"- Requests: {summary.requests} ({summary.retries} retried) in {summary.seconds:.1f} s",
        "",
        "| check | passed | failed | skipped |",
        "|---|---|---|---|",
    ]
    for check, counts in summary.outcomes.items():
        lines.append(
            f"| {check} | {counts.get('passed', 0)} | {counts.get('failed', 0)} | {counts.get('skipped', 0)} |"
        )
    lines += [""] + [f"> {note}" for note in summary.notes] + ([""] if summary.notes else [])
    for title, findings in (
        ("Failures", summary.failures),
        ("Suite defects", summary.defects),
        ("Warnings", summary.warnings),
    ):
        if not findings:
            continue
        lines += [f"## {title}", ""]
        for number, finding in enumerate(findings, 1):
            lines += [f"### {number}. [{finding.check}] {finding.title}", "", f"Test: `{finding.test}`", ""]
            lines += ["```text", finding.detail, "```", ""]
            if finding.reproduce:
                lines += ["Reproduce (set `BOLNA_BASE_URL` and `BOLNA_API_KEY` first):", "", "```sh"]
                lines += [*finding.reproduce, "```", ""]
    if not summary.findings:
        lines += ["No findings.", ""]
    return "\n".join(lines)


def console_summary(summary: RunSummary, reports: list[Path]) -> str:
    width = max([len(check) for check in summary.outcomes] + [10])
    lines = ["", f"{'check':<{width}}  passed  failed  skipped"]
    for check, counts in summary.outcomes.items():
        passed, failed, skipped = (counts.get(outcome, 0) for outcome in ("passed", "failed", "skipped"))
        lines.append(f"{check:<{width}}  {passed:>6}  {failed:>6}  {skipped:>7}")
    lines.append("")
    for finding in summary.failures + summary.defects:
        lines.append(f"  {finding.severity.upper():8} [{finding.check}] {finding.title}")
    for finding in summary.warnings:
        lines.append(f"  WARNING  [{finding.check}] {finding.title}")
    lines += summary.notes
    lines.append(
        f"{VERDICTS[summary.exit_code]}: {len(summary.failures)} failures, {len(summary.warnings)} warnings, "
        f"{len(summary.defects)} suite defects; {summary.requests} requests in {summary.seconds:.1f} s "
        f"against {summary.target}" + ("" if summary.complete else " (partial run)")
    )
    if reports:
        lines.append(f"reports: {', '.join(str(path) for path in reports)}")
    return "\n".join(lines)
