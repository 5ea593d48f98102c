"""mock-diff's differences -> reports/contract/mock-diff.{md,json} and the console summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path

from contract_tests.findings.report import retry_reasons, write_report_files
from contract_tests.findings.suggestions import Suggestion
from contract_tests.mockdiff.compare import Difference, Wording
from contract_tests.mockdiff.steps import Step
from contract_tests.mockdiff.suggest import PATCH_NAME, SpecOutcome

SHORTEST = "Shortest sequence found (replayed, shows it again):"
DEPENDENCIES = "The steps it depends on (not replayed: budget or replay cap spent, or it did not show again):"
VERDICTS = {0: "the mock answers as the API does", 1: "the mock differs from the API", 2: "could not judge"}


@dataclass
class Group:
    """One difference (operation, field, kind), however often it showed."""

    difference: Difference
    first_step: int
    occurrences: int = 1
    steps: list[Step] = field(default_factory=list)  # the shortest sequence found that shows it
    confirmed: bool = False  # True: a fresh replay of `steps` showed it again
    reproduce: list[str] = field(default_factory=list)  # curl commands for the live side
    wordings: list[Wording] = field(default_factory=list)  # a text as each side said it, some times
    suggestion: SpecOutcome | None = None  # what the spec patch does about a wording or an order

    def as_dict(self) -> dict[str, object]:
        d = self.difference
        return {
            "operation": d.operation,
            "field": d.field,
            "kind": d.kind,
            "live": d.live,
            "mock": d.mock,
            "occurrences": self.occurrences,
            "first_step": self.first_step,
            "steps": [step.describe() for step in self.steps],
            "replayed": self.confirmed,
            "reproduce": self.reproduce,
            **({"suggestion": self.suggestion.note} if self.suggestion is not None else {}),
        }


@dataclass
class DiffSummary:
    target: str
    seed: int
    steps_planned: int
    steps_run: int
    requests: int
    seconds: float
    groups: list[Group]
    complete: bool = True
    notes: list[str] = field(default_factory=list)
    patch: str = ""  # the spec patch for the differences it can absorb
    suggestions: list[Suggestion] = field(default_factory=list)
    retries: int = 0
    transient: dict[str, int] = field(default_factory=dict)  # as in the drift report
    persistent: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        # A difference that was seen stays a difference, even when the run stopped early.
        if self.groups:
            return 1
        return 0 if self.complete else 2


def write_reports(summary: DiffSummary, directory: Path, scrub: Callable[[str], str]) -> list[Path]:
    texts = {"mock-diff.json": as_json(summary), "mock-diff.md": as_markdown(summary)}
    return write_report_files(directory, scrub, texts, PATCH_NAME, summary.patch)


def as_json(summary: DiffSummary) -> str:
    document = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": summary.target,
        "seed": summary.seed,
        "steps": {"planned": summary.steps_planned, "run": summary.steps_run},
        "requests": summary.requests,
        "retries": summary.retries,
        "retried": {"transient": summary.transient, "persistent": summary.persistent},
        "seconds": round(summary.seconds, 2),
        "complete": summary.complete,
        "exit_code": summary.exit_code,
        "verdict": VERDICTS[summary.exit_code],
        "differences": [group.as_dict() for group in summary.groups],
        "suggestions": [
            {"example": s.fingerprint, "summary": s.summary, "lines": s.lines} for s in summary.suggestions
        ],
        "notes": summary.notes,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_markdown(summary: DiffSummary) -> str:
    lines = [
        "# mock-diff: the embedded mock against the API",
        "",
        f"- target: {summary.target}",
        f"- verdict: **{VERDICTS[summary.exit_code]}** ({len(summary.groups)} differences)",
        f"- steps: {summary.steps_run} of {summary.steps_planned}, seed {summary.seed} "
        f"(repeat with `bolna-contract mock-diff --seed {summary.seed} --steps {summary.steps_planned}`)",
        f"- requests to the target: {summary.requests} ({summary.retries} retried"
        f"{retry_reasons(summary.transient, summary.persistent)}), {summary.seconds:.1f} s",
    ]
    lines += [f"- note: {note}" for note in summary.notes]
    lines += [
        "",
        "Answers are compared after mapping ids and phone numbers to labels. A timestamp keeps its format",
        "and how it relates to the same resource's times (`created_at` kept, `updated_at` moving forward,",
        "not before `created_at`); times of different resources are not compared. Errors are compared by",
        "status, a 422 by the body fields its items name and the keys they carry; the texts the spec words",
        "as examples (a delete's `message`, a 400/404/409's `detail`) by their wording, ids and counts aside.",
    ]
    for operation, groups in groupby(summary.groups, key=lambda g: g.difference.operation):
        lines += ["", f"## {operation}"]
        for group in groups:
            d = group.difference
            lines += [
                "",
                f"### `{d.field}`: {d.kind}",
                "",
                f"live: `{d.live}`; mock: `{d.mock}`. Seen {group.occurrences} times, "
                f"first at step {group.first_step}.",
                "",
                *([f"Spec: {group.suggestion.note}.", ""] if group.suggestion is not None else []),
                SHORTEST if group.confirmed else DEPENDENCIES,
                "",
            ]
            lines += [f"{n}. `{step.describe()}`" for n, step in enumerate(group.steps, 1)]
            if group.reproduce:
                lines += ["", "On the live side (ids are those of that run):", "", "```sh", *group.reproduce, "```"]
    if summary.patch:
        lines += [
            "",
            "## Suggested spec changes",
            "",
            f"`{PATCH_NAME}` (next to this report) words the spec's examples as the API words its texts, and",
            "orders its lists as the API does, so the mock answers the same; the next mock-diff against this",
            "API no longer shows them. Review it, then:",
            "",
            "```sh",
            f"git apply reports/contract/{PATCH_NAME} && make generate",
            "```",
            "",
            *(
                f"- `{s.fingerprint}` {s.summary} (spec line {', '.join(map(str, s.lines))})"
                for s in summary.suggestions
            ),
        ]
    if not summary.groups:
        lines += ["", "No differences."]
    return "\n".join(lines) + "\n"


def console_summary(summary: DiffSummary, written: list[Path]) -> str:
    lines = [
        f"mock-diff: {VERDICTS[summary.exit_code]}: {len(summary.groups)} differences in {summary.steps_run} steps "
        f"(seed {summary.seed}, {summary.requests} requests, {summary.seconds:.1f} s)"
    ]
    lines += [f"  {group.difference.describe()} x{group.occurrences}" for group in summary.groups]
    lines += [f"  note: {note}" for note in summary.notes]
    if summary.suggestions:
        lines.append(f"  spec suggestions: {len(summary.suggestions)} (see mock-diff.md)")
    lines += [f"  report: {path}" for path in written]
    return "\n".join(lines)
