"""Findings -> drift.json (for machines), drift.md (for people) and the console summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from contract_tests.findings.baseline import Judgement
from contract_tests.findings.findings import KINDS, Finding, Kind
from contract_tests.findings.night_over_night import SincePrevious
from contract_tests.findings.suggestions import Suggestion

PATCH_NAME = "openapi.suggestions.patch"
# What each kind means, and what to do about it, as drift.md says it.
KIND_HEADINGS: dict[Kind, tuple[str, str]] = {
    "breaking": (
        "Breaking: the API does not do what the spec promises",
        "Each says whose it is to fix. Against a rule Bolna documents, or the behaviour the contract "
        "states, it is the API's: tell Bolna (support, with the fingerprint and the curl commands) and "
        "keep the failing check until it is fixed. Against a rule this kit only assumed, the spec "
        "guessed wrong: apply the suggested spec change.",
    ),
    "looser": (
        "Looser: the API accepts what the spec forbids",
        "These fail the run by default: a validation the API lost can be real drift. If the API's "
        "behaviour is intended, apply the suggested spec change and regenerate.",
    ),
    "additive": (
        "Additive: answers carry what the spec does not document",
        "No client breaks on these (they fail the run only with CONTRACT_STRICT=1). The suggested "
        "spec change documents them.",
    ),
}

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
    max_examples: int | None = None  # --max-examples, when it replaced the profile's examples
    first_failure_seconds: float | None = None
    first_failure_requests: int | None = None  # requests sent when the first failure was seen
    complete: bool = True
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    patch: str = ""  # the unified diff of the spec, "" when nothing is suggested
    symptoms: int = 0  # findings the checks raised before they were merged per cause
    judgement: Judgement | None = None  # the findings set against the baseline of known drift
    since_previous: SincePrevious | None = None
    # Why requests were sent again ("502", "connection reset", ...): what a later attempt got
    # past, and what every attempt met (an answer the checks then judged).
    transient: dict[str, int] = field(default_factory=dict)
    persistent: dict[str, int] = field(default_factory=dict)

    def checks_run_fully(self) -> set[str]:
        """The check families that ran to the end: what they did not see is gone."""
        if not self.complete:
            return set()
        return {check for check, counts in self.outcomes.items() if counts.get("passed", 0) + counts.get("failed", 0)}

    def known(self, finding: Finding) -> bool:
        return self.judgement is not None and self.judgement.accepted(finding.fingerprint)

    @property
    def failing(self) -> list[Finding]:
        """The failures the baseline does not accept: these fail the run."""
        return [f for f in self.failures if not self.known(f)]

    def of_kind(self, kind: Kind) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind and f.severity != "defect"]

    @property
    def discovery_requests(self) -> int:
        return sum(int(f.evidence.get("bound", {}).get("requests", 0)) for f in self.findings)

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
        if self.failing:
            return 1
        return 2 if self.defects or not self.complete else 0


def write_reports(summary: RunSummary, directory: Path, scrub: Callable[[str], str]) -> list[Path]:
    texts = {"drift.json": as_json(summary), "drift.md": as_markdown(summary)}
    written = write_report_files(directory, scrub, texts, PATCH_NAME, summary.patch)
    junit = directory / "junit.xml"
    if junit.exists():
        junit.write_text(scrub(junit.read_text(encoding="utf-8")), encoding="utf-8")
        written.append(junit)
    return written


def write_report_files(
    directory: Path, scrub: Callable[[str], str], texts: dict[str, str], patch_name: str, patch_text: str
) -> list[Path]:
    """Write each report scrubbed of secrets, and the spec patch when there is one (an earlier
    run's patch is removed: it would not fit this run's findings)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    patch = directory / patch_name
    if patch_text:
        patch.write_text(scrub(patch_text), encoding="utf-8")
        written.append(patch)
    else:
        patch.unlink(missing_ok=True)
    for name, text in texts.items():
        path = directory / name
        path.write_text(scrub(text), encoding="utf-8")
        written.append(path)
    return written


def budget_label(profile: str, max_examples: int | None) -> str:
    """`quick`, and the examples when `--max-examples` replaced the profile's."""
    return profile + (f", max examples {max_examples}" if max_examples is not None else "")


def as_json(summary: RunSummary) -> str:
    document = {
        "verdict": VERDICTS[summary.exit_code],
        "exit_code": summary.exit_code,
        "complete": summary.complete,
        "target": summary.target,
        "profile": summary.profile,
        "max_examples": summary.max_examples,
        "strict": summary.strict,
        "requests": summary.requests,
        "retries": summary.retries,
        "retried": {"transient": summary.transient, "persistent": summary.persistent},
        "seconds": round(summary.seconds, 2),
        "first_failure_seconds": None
        if summary.first_failure_seconds is None
        else round(summary.first_failure_seconds, 2),
        "first_failure_requests": summary.first_failure_requests,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "checks": summary.outcomes,
        "causes": {kind: len(summary.of_kind(kind)) for kind in KINDS},
        "symptoms": summary.symptoms,
        "discovery_requests": summary.discovery_requests,
        "findings": [_with_baseline_status(summary, finding) for finding in summary.findings],
        **(summary.judgement.as_lists() if summary.judgement else {}),
        "since_previous": summary.since_previous.as_dict() if summary.since_previous else None,
        "suggestions": [
            {"fingerprint": s.fingerprint, "summary": s.summary, "lines": s.lines} for s in summary.suggestions
        ],
        "notes": summary.notes,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _with_baseline_status(summary: RunSummary, finding: Finding) -> dict[str, object]:
    document = finding.as_dict()
    if summary.judgement is not None and finding.severity != "defect":
        for status in ("known", "new", "expired"):
            if finding.fingerprint in getattr(summary.judgement, status):
                document["baseline"] = status
    return document


def _history_markdown(summary: RunSummary) -> list[str]:
    lines: list[str] = []
    judgement = summary.judgement
    if judgement is not None and (judgement.known or judgement.expired or judgement.resolved):
        lines += ["## Known drift (the baseline)", ""]
        for title, status in (
            ("Accepted, so they do not fail the run", "known"),
            ("Accepted only until a date that has passed, so they fail the run again", "expired"),
            ("Listed, but their check ran fully and did not see them: `--baseline-prune` drops them", "resolved"),
        ):
            entries = [judgement.described[fingerprint] for fingerprint in getattr(judgement, status)]
            if entries:
                lines += [f"{title}:", ""] + [_entry_line(entry) for entry in entries] + [""]
    since = summary.since_previous
    if since is not None:
        titles = {f.fingerprint: f.title for f in summary.findings}
        lines += [f"## Since the previous run ({since.finished_at or 'time unknown'})", ""]
        for title, fingerprints in (
            ("New", since.new),
            ("Still there", since.persisting),
            ("Resolved", since.resolved),
            ("Not seen, but their check did not run fully", since.unjudged),
        ):
            if fingerprints:
                lines += [f"{title}:", ""]
                lines += [f"- `{f}` {titles.get(f, '')}".rstrip() for f in fingerprints] + [""]
        if not (since.new or since.resolved or since.unjudged):
            lines += ["Nothing changed.", ""]
    return lines


def _entry_line(entry: dict[str, object]) -> str:
    notes = "; ".join(f"{key}: {entry[key]}" for key in ("reason", "ticket", "expires") if entry.get(key))
    return f"- `{entry['fingerprint']}` {entry.get('title', '')}" + (f" ({notes})" if notes else "")


def retry_reasons(transient: dict[str, int], persistent: dict[str, int]) -> str:
    """Which statuses (or lost connections) were retried, and which of them were transient."""

    def counted(reasons: dict[str, int]) -> str:
        return ", ".join(f"{reason} {count}x" for reason, count in sorted(reasons.items()))

    parts = [f"transient: {counted(transient)}"] if transient else []
    if persistent:
        parts.append(f"on every attempt: {counted(persistent)}")
    return f"; {'; '.join(parts)}" if parts else ""


def as_markdown(summary: RunSummary) -> str:
    lines = [
        "# Contract drift report",
        "",
        f"- Verdict: **{VERDICTS[summary.exit_code]}**"
        + ("" if summary.complete else " (partial run: interrupted or stopped early)"),
        f"- Target: {summary.target}",
        f"- Profile: {budget_label(summary.profile, summary.max_examples)}"
        f"{' (strict: additive drift fails)' if summary.strict else ''}",
        f"- Requests: {summary.requests} ({summary.retries} retried"
        f"{retry_reasons(summary.transient, summary.persistent)}) in {summary.seconds:.1f} s",
        "",
        "| check | passed | failed | skipped |",
        "|---|---|---|---|",
    ]
    for check, counts in summary.outcomes.items():
        lines.append(
            f"| {check} | {counts.get('passed', 0)} | {counts.get('failed', 0)} | {counts.get('skipped', 0)} |"
        )
    lines += [""] + [f"> {note}" for note in summary.notes] + ([""] if summary.notes else [])
    tally = ", ".join(f"{len(summary.of_kind(kind))} {kind}" for kind in KINDS)
    lines += [
        f"Causes: {tally} (from {summary.symptoms} findings of the checks); "
        f"{summary.discovery_requests} requests spent measuring bounds.",
        "",
    ]
    lines += _history_markdown(summary)
    suggested = {s.fingerprint: s for s in summary.suggestions}
    number = 0
    sections: list[tuple[str, str, list[Finding]]] = [(*KIND_HEADINGS[kind], summary.of_kind(kind)) for kind in KINDS]
    sections.append(
        ("Suite defects", "The run could not judge these; they say nothing about the API.", summary.defects)
    )
    others = [f for f in summary.findings if f.kind is None and f.severity != "defect"]
    sections.append(("Notes", "", others))
    for title, advice, findings in sections:
        if not findings:
            continue
        lines += [f"## {title}", ""] + ([advice, ""] if advice else [])
        for finding in findings:
            number += 1
            lines += _finding_markdown(number, finding, suggested.get(finding.fingerprint))
    if summary.patch:
        lines += [
            "## Suggested spec changes",
            "",
            f"`{PATCH_NAME}` (next to this report) changes `openapi.yaml` so that it follows what the API "
            "was seen to do, one change per cause above. Review it, then:",
            "",
            "```sh",
            f"git apply reports/contract/{PATCH_NAME} && make generate && make spec-diff",
            "```",
            "",
        ]
        lines += [
            f"- `{s.fingerprint}` {s.summary} (spec line {', '.join(map(str, s.lines))})" for s in summary.suggestions
        ]
        lines.append("")
    if not summary.findings:
        lines += ["No findings.", ""]
    return "\n".join(lines)


def _finding_markdown(number: int, finding: Finding, suggestion: Suggestion | None) -> list[str]:
    kind = f"{finding.kind}, " if finding.kind else ""
    lines = [
        f"### {number}. [{finding.check}] {finding.title}",
        "",
        f"Fingerprint `{finding.fingerprint}` ({kind}{finding.severity}); seen {finding.occurrences} "
        f"time{'s' if finding.occurrences != 1 else ''}"
        + (f" in {', '.join(f'`{op}`' for op in finding.operations)}" if finding.operations else "")
        + f"; test `{finding.test}`.",
        "",
        "```text",
        finding.detail,
        "```",
        "",
    ]
    accepted = finding.evidence.get("accepted")
    if finding.occurrences > 1 and isinstance(accepted, list) and accepted:
        # The title and detail are the first occurrence's; merged evidence holds every value seen.
        lines += [f"Values the API accepted over the run: {', '.join(map(str, accepted))}.", ""]
    if finding.consequences:
        lines += ["Also seen as a consequence of this cause (not reported apart):", ""]
        lines += [f"- {consequence}" for consequence in finding.consequences] + [""]
    lines += [_advice(finding), ""]
    if suggestion is not None:
        lines += [f"Suggested spec change: {suggestion.summary}.", ""]
    if finding.reproduce:
        lines += ["Reproduce (set `BOLNA_BASE_URL` and `BOLNA_API_KEY` first):", "", "```sh"]
        lines += [*finding.reproduce, "```", ""]
    return lines


def _advice(finding: Finding) -> str:
    """Whose the finding is to fix, from where its rule comes from."""
    if finding.severity == "defect" or finding.kind is None:
        return "Not about the API."
    if finding.provenance == "assumed":
        return (
            "Calibration: the spec guessed this rule (`x-provenance: assumed`); the API does otherwise. "
            "Bolna never promised it, so the spec is what changes."
        )
    if finding.provenance == "docs":
        return "Bolna documents this rule (`x-provenance: docs`): the API's to fix; tell Bolna."
    if finding.kind == "breaking":
        return "Behaviour the contract states (PATCH semantics, state, secrets): the API's to fix; tell Bolna."
    return "Not a rule of the spec: review it."


def console_summary(summary: RunSummary, reports: list[Path]) -> str:
    width = max([len(check) for check in summary.outcomes] + [10])
    lines = ["", f"{'check':<{width}}  passed  failed  skipped"]
    for check, counts in summary.outcomes.items():
        passed, failed, skipped = (counts.get(outcome, 0) for outcome in ("passed", "failed", "skipped"))
        lines.append(f"{check:<{width}}  {passed:>6}  {failed:>6}  {skipped:>7}")
    lines.append("")
    expired = set(summary.judgement.expired) if summary.judgement else set()
    for finding in summary.failures + summary.defects + summary.warnings:
        label = "KNOWN" if summary.known(finding) else (finding.kind or finding.severity).upper()
        note = " (its baseline entry expired)" if finding.fingerprint in expired else ""
        lines.append(f"  {label:8} [{finding.check}] {finding.title}{note}")
    lines += summary.notes
    if any(f.severity == "failure" and not summary.known(f) for f in summary.of_kind("looser")):
        lines.append(
            "looser findings fail the run by default (a validation the API lost can be real drift); "
            f"if intended, apply reports/contract/{PATCH_NAME}"
        )
    lines.append(
        f"{VERDICTS[summary.exit_code]}: {len(summary.failing)} failures"
        + (
            f" ({len(summary.failures) - len(summary.failing)} more known)"
            if summary.failing != summary.failures
            else ""
        )
        + f", {len(summary.warnings)} warnings, "
        f"{len(summary.defects)} suite defects; {summary.requests} requests in {summary.seconds:.1f} s "
        f"against {summary.target}" + ("" if summary.complete else " (partial run)")
    )
    if reports:
        lines.append(f"reports: {', '.join(str(path) for path in reports)}")
    return "\n".join(lines)
