"""Known drift: findings a team has accepted, by fingerprint, with a reason, a ticket and an expiry.

The names follow Schemathesis's `--baseline` (a known failure passes, a new one fails, an entry
past its `expires` date counts no longer, `--baseline-update` records, `--baseline-prune` drops
what is gone); the entries are this kit's findings, one per cause, matched by `fingerprint`. The
file is YAML that people edit and review like code: a rewrite keeps their comments and every key
it does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

DEFAULT_BASELINE = Path("contract-baseline.yaml")
FORMAT_VERSION = 1
HEADER = """\
Known drift of the API, accepted on purpose: a finding listed here (by fingerprint) does not
fail `bolna-contract`; a new one does, and so does an entry past its `expires` date.
Add entries with `bolna-contract --baseline-update`, then give each a reason, a ticket and an
expiry (YYYY-MM-DD). `--baseline-prune` drops the entries whose drift is gone."""


class BaselineError(Exception):
    """The baseline file cannot be used; the message is one line naming the file."""


@dataclass
class Entry:
    fingerprint: str
    kind: str
    title: str
    check: str
    expires: date | None
    raw: CommentedMap  # the entry as the file has it: annotations and comments ride along

    def expired(self, today: date) -> bool:
        return self.expires is not None and self.expires < today

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {"fingerprint": self.fingerprint, "kind": self.kind, "title": self.title}
        for key in ("reason", "ticket"):
            if key in self.raw:
                described[key] = str(self.raw[key])
        if self.expires is not None:
            described["expires"] = self.expires.isoformat()
        return described


@dataclass
class Baseline:
    path: Path
    entries: list[Entry] = field(default_factory=list)
    document: CommentedMap = field(default_factory=CommentedMap)

    def by_fingerprint(self) -> dict[str, Entry]:
        return {entry.fingerprint: entry for entry in self.entries}


@dataclass(frozen=True)
class Judgement:
    """The run's findings set against the baseline (each list holds fingerprints)."""

    known: list[str]  # seen and accepted: they do not fail the run
    new: list[str]  # seen, not in the baseline: they fail it as usual
    expired: list[str]  # seen, and accepted only until a date that has passed: they fail it
    resolved: list[str]  # in the baseline, and their check ran fully without seeing them
    unjudged: list[str]  # in the baseline, not seen, but their check did not run fully
    described: dict[str, dict[str, Any]] = field(default_factory=dict)  # by fingerprint, for reports

    def accepted(self, fingerprint: str) -> bool:
        return fingerprint in self.known

    def as_lists(self) -> dict[str, list[dict[str, Any]]]:
        """drift.json's `known`, `new`, `expired`, `resolved` (and `unjudged`) lists."""
        return {
            name: [self.described[fingerprint] for fingerprint in getattr(self, name)]
            for name in ("known", "new", "expired", "resolved", "unjudged")
        }


def _yaml() -> YAML:
    yaml = YAML()  # round trip: comments, key order and quoting survive a rewrite
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


def load(path: Path) -> Baseline:
    """The baseline at `path`; a missing file is an empty baseline."""
    if not path.exists():
        return Baseline(path)
    try:
        document = _yaml().load(path.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as error:
        raise BaselineError(f"{path}: cannot be read as YAML: {_one_line(error)}") from None
    if document is None:
        return Baseline(path)
    if not isinstance(document, CommentedMap) or not isinstance(document.get("entries", []), list):
        raise BaselineError(f"{path}: expected a mapping with a list of `entries`")
    version = document.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise BaselineError(f"{path}: format_version {version} is not {FORMAT_VERSION}, the one this kit reads")
    entries = [_entry(path, number, raw) for number, raw in enumerate(document.get("entries") or [], 1)]
    seen: set[str] = set()
    for entry in entries:
        if entry.fingerprint in seen:
            raise BaselineError(f"{path}: fingerprint {entry.fingerprint} is listed twice")
        seen.add(entry.fingerprint)
    return Baseline(path, entries, document)


def _entry(path: Path, number: int, raw: object) -> Entry:
    if not isinstance(raw, CommentedMap):
        raise BaselineError(f"{path}: entry {number} is not a mapping")
    fingerprint = raw.get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint:
        raise BaselineError(f"{path}: entry {number} has no fingerprint")
    expires = raw.get("expires")
    if expires is not None and not isinstance(expires, date):
        try:
            expires = date.fromisoformat(str(expires))
        except ValueError:
            raise BaselineError(
                f"{path}: entry {number} ({fingerprint}): expires {expires!r} is not a YYYY-MM-DD date"
            ) from None
    return Entry(
        fingerprint, str(raw.get("kind", "")), str(raw.get("title", "")), str(raw.get("check", "")), expires, raw
    )


def judge(
    findings: Iterable[Mapping[str, Any]],
    baseline: Baseline,
    *,
    checks_run_fully: set[str],
    today: date,
) -> Judgement:
    """Which findings are known, new or expired, and which entries were resolved.

    `findings` are the run's failures and warnings (drift, not suite defects), as drift.json has them.
    """
    entries = baseline.by_fingerprint()
    seen = {str(finding["fingerprint"]): finding for finding in findings}
    known, new, expired = [], [], []
    for fingerprint in seen:
        entry = entries.get(fingerprint)
        if entry is None:
            new.append(fingerprint)
        elif entry.expired(today):
            expired.append(fingerprint)
        else:
            known.append(fingerprint)
    absent = [entry for entry in baseline.entries if entry.fingerprint not in seen]
    resolved = [entry.fingerprint for entry in absent if entry.check in checks_run_fully]
    unjudged = [entry.fingerprint for entry in absent if entry.check not in checks_run_fully]
    described = {entry.fingerprint: entry.describe() for entry in baseline.entries}
    for fingerprint in new:
        finding = seen[fingerprint]
        described[fingerprint] = {
            "fingerprint": fingerprint,
            "kind": finding.get("kind"),
            "title": finding.get("title"),
        }
    return Judgement(known, new, expired, resolved, unjudged, described)


def update(baseline: Baseline, findings: Iterable[Mapping[str, Any]], today: date) -> list[str]:
    """Add an entry for every finding the baseline lacks; refresh `last_seen` of the rest.

    Returns the fingerprints added. Annotations (`reason`, `ticket`, `expires`, anything else)
    are never touched: accepting drift again after it expired is a decision for a person.
    """
    entries = baseline.by_fingerprint()
    added = []
    for finding in findings:
        fingerprint = str(finding["fingerprint"])
        entry = entries.get(fingerprint)
        if entry is not None:
            entry.raw["last_seen"] = today.isoformat()
            continue
        raw = CommentedMap(
            fingerprint=fingerprint,
            kind=str(finding.get("kind") or ""),
            check=str(finding.get("check", "")),
            title=str(finding.get("title", "")),
            first_seen=today.isoformat(),
            last_seen=today.isoformat(),
        )
        entry = Entry(fingerprint, raw["kind"], raw["title"], raw["check"], None, raw)
        baseline.entries.append(entry)
        entries[fingerprint] = entry
        added.append(fingerprint)
    return added


def prune(baseline: Baseline, judgement: Judgement) -> list[str]:
    """Drop the entries the run resolved; keep those whose check did not run fully."""
    gone = set(judgement.resolved)
    baseline.entries = [entry for entry in baseline.entries if entry.fingerprint not in gone]
    return sorted(gone)


def save(baseline: Baseline) -> None:
    document = baseline.document
    if not document:
        document = CommentedMap(format_version=FORMAT_VERSION)
        document.yaml_set_start_comment(HEADER)
    document["format_version"] = document.get("format_version", FORMAT_VERSION)
    document["entries"] = CommentedSeq(entry.raw for entry in baseline.entries)
    temporary = baseline.path.with_name(f".{baseline.path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        _yaml().dump(document, stream)
    temporary.replace(baseline.path)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]
