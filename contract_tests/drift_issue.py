"""One GitHub issue per account that follows the drift a nightly run reports.

Opened when drift that fails the run appears, commented (once per change: new, expired, resolved)
while it lasts, closed by a clean run. What to do is decided by `decide`, a pure function of the
run's drift.json and the open issue; `main` asks `gh` for the issue and carries the decision out.

    python -m contract_tests.drift_issue --drift reports/contract/drift.json --label contract-drift:production
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Action = Literal["nothing", "open", "comment", "close"]
KIND_ORDER = ("breaking", "looser", "additive")
MARKER = re.compile(r"<!-- bolna-contract-drift: (?P<state>\{.*?\}) -->")
BODY_LIMIT = 60_000  # GitHub refuses bodies over 65,536 characters
_PASSWORD_VALUE = re.compile(r'("auth_password"\s*:\s*)"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class Decision:
    action: Action
    why: str
    title: str = ""
    body: str = ""  # the issue's body (open, and refreshed with a comment)
    comment: str = ""


def failing(drift: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The findings that make the run red: failures the baseline does not accept, by fingerprint."""
    known = {str(entry["fingerprint"]) for entry in drift.get("known", [])}
    return {
        str(finding["fingerprint"]): finding
        for finding in drift.get("findings", [])
        if finding.get("severity") == "failure" and finding.get("fingerprint") not in known
    }


def recorded(issue: Mapping[str, Any] | None) -> list[str]:
    """The fingerprints the open issue last reported (kept in a comment-marker in its body)."""
    match = MARKER.search(str((issue or {}).get("body", "")))
    if match is None:
        return []
    return list(json.loads(match["state"]).get("fingerprints", []))


def decide(drift: Mapping[str, Any], issue: Mapping[str, Any] | None, *, account: str, run_url: str = "") -> Decision:
    if drift.get("exit_code") == 2 or not drift.get("complete", True):
        return Decision("nothing", "the run could not judge the API: its own failure says why")
    now = failing(drift)
    if issue is None:
        if not now:
            return Decision("nothing", "no drift, no open issue")
        title = f"Contract drift on {account}: {_count(len(now), 'finding')}"
        return Decision("open", "new drift", title, render_body(drift, now, account=account, run_url=run_url))
    before = recorded(issue)
    if not now:
        return Decision("close", "a clean run", comment=_closing(before, run_url))
    new = [fingerprint for fingerprint in now if fingerprint not in before]
    gone = [fingerprint for fingerprint in before if fingerprint not in now]
    if not new and not gone:
        return Decision("nothing", "the same drift as the issue reports")
    expired = {str(entry["fingerprint"]) for entry in drift.get("expired", [])}
    lines = [f"Run {run_url}".rstrip() + ":" if run_url else "This night's run:", ""]
    for heading, fingerprints in (
        ("New drift", [f for f in new if f not in expired]),
        ("Accepted drift whose baseline entry expired", [f for f in new if f in expired]),
    ):
        if fingerprints:
            lines += [f"**{heading}**", ""] + [_line(now[f]) for f in fingerprints] + [""]
    if gone:
        lines += ["**Resolved**", ""] + [f"- `{fingerprint}`" for fingerprint in gone] + [""]
    body = render_body(drift, now, account=account, run_url=run_url)
    return Decision("comment", "the drift changed", body=body, comment=_limited("\n".join(lines)))


def render_body(drift: Mapping[str, Any], now: Mapping[str, Mapping[str, Any]], *, account: str, run_url: str) -> str:
    findings = sorted(now.values(), key=lambda finding: _kind_rank(finding.get("kind")))
    lines = [
        f"The nightly contract check of **{account}** found drift between `openapi.yaml` and the API"
        + (f" ([run]({run_url}))." if run_url else "."),
        "",
        f"Target: {drift.get('target', '?')}, profile {drift.get('profile', '?')}, "
        f"{drift.get('requests', '?')} requests.",
        "",
    ]
    for kind in (*KIND_ORDER, "other"):
        group = [finding for finding in findings if (finding.get("kind") or "other") == kind]
        if not group:
            continue
        lines += [f"## {kind.capitalize()}", "", _KIND_ADVICE[kind], ""]
        for finding in group:
            lines += [f"### {finding.get('title', '')}", ""]
            lines += [f"`{finding['fingerprint']}` · check `{finding.get('check', '')}`"]
            if finding.get("operations"):
                lines[-1] += " · seen in " + ", ".join(f"`{op}`" for op in finding["operations"])
            lines.append("")
            if finding.get("reproduce"):
                lines += ["```sh", *finding["reproduce"][:3], "```", ""]
    if any(finding.get("kind") in ("looser", "additive") for finding in findings):
        where = f"the [run's artifacts]({run_url})" if run_url else "the run's artifacts"
        lines += [
            "## Following the API",
            "",
            f"`openapi.suggestions.patch` in {where} moves the spec to what the API does: "
            "`git apply` it, `make generate`, review `make spec-diff`, commit.",
            "",
        ]
    lines += [
        "## Accepting it instead",
        "",
        "`bolna-contract --baseline-update` adds these findings to `contract-baseline.yaml`; give each a "
        "`reason`, a `ticket` and an `expires` date, and commit. This issue closes itself after a clean run.",
        "",
        f"<!-- bolna-contract-drift: {json.dumps({'fingerprints': list(now)})} -->",
    ]
    return _limited("\n".join(lines))


_KIND_ADVICE = {
    "breaking": "The API does not do what the spec promises. Tell Bolna (the `curl` commands reproduce it).",
    "looser": "The API accepts what the spec forbids: a validation it lost, or a bound the spec guessed too tight.",
    "additive": "The API's answers carry what the spec does not document.",
    "other": "Findings without a kind.",
}


def _line(finding: Mapping[str, Any]) -> str:
    return f"- [{finding.get('kind') or 'drift'}] {finding.get('title', '')} (`{finding['fingerprint']}`)"


def _closing(before: Sequence[str], run_url: str) -> str:
    where = f" ({run_url})" if run_url else ""
    return f"A clean run{where}: the {_count(len(before), 'finding')} reported here are gone. Closing."


def _kind_rank(kind: object) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _limited(text: str) -> str:
    if len(text) <= BODY_LIMIT:
        return text
    marker = MARKER.search(text)
    tail = "\n\n(cut: the whole report is drift.md in the run's artifacts)\n" + (marker.group(0) if marker else "")
    return text[: BODY_LIMIT - len(tail)] + tail


def scrubbed(text: str, secrets: Sequence[str]) -> str:
    """No token and no password in anything posted, whatever the report held."""
    text = _PASSWORD_VALUE.sub(r'\1"***"', text)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


# -- carrying it out with gh -----------------------------------------------------------------

Gh = Callable[[Sequence[str]], str]  # runs `gh ARGS`, returns its stdout


def run_gh(args: Sequence[str]) -> str:
    result = subprocess.run(["gh", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"gh {args[0]} {args[1] if len(args) > 1 else ''} failed: {result.stderr.strip()[:300]}")
    return result.stdout


def open_issue(gh: Gh, label: str) -> dict[str, Any] | None:
    listed = json.loads(gh(["issue", "list", "--label", label, "--state", "open", "--json", "number,title,body"]))
    return min(listed, key=lambda issue: issue["number"]) if listed else None


def carry_out(gh: Gh, decision: Decision, issue: Mapping[str, Any] | None, label: str, secrets: Sequence[str]) -> str:
    """Do what `decision` says; return one line saying what was done."""
    with tempfile.TemporaryDirectory() as folder:

        def file(name: str, text: str) -> str:
            path = Path(folder) / name
            path.write_text(scrubbed(text, secrets), encoding="utf-8")
            return str(path)

        if decision.action == "open":
            gh(["label", "create", label, "--color", "B60205", "--description", "Contract drift", "--force"])
            url = gh(["issue", "create", "--title", decision.title, "--label", label,
                      "--body-file", file("body.md", decision.body)]).strip()  # fmt: skip
            return f"opened {url}: {decision.why}"
        if issue is None:
            return f"nothing to do: {decision.why}"
        number = str(issue["number"])
        if decision.action == "comment":
            gh(["issue", "comment", number, "--body-file", file("comment.md", decision.comment)])
            gh(["issue", "edit", number, "--body-file", file("body.md", decision.body)])
            return f"commented on #{number}: {decision.why}"
        if decision.action == "close":
            gh(["issue", "close", number, "--comment", scrubbed(decision.comment, secrets)])
            return f"closed #{number}: {decision.why}"
    return f"left #{number} as it is: {decision.why}"


def main(argv: Sequence[str] | None = None, gh: Gh = run_gh, environ: Mapping[str, str] = os.environ) -> int:
    parser = argparse.ArgumentParser(prog="python -m contract_tests.drift_issue", description=__doc__.split("\n")[0])
    parser.add_argument("--drift", type=Path, default=Path("reports/contract/drift.json"))
    parser.add_argument("--label", required=True, help="the one label that marks this account's issue")
    parser.add_argument("--account", help="the account's name in titles (default: the label)")
    parser.add_argument("--run-url", default="", help="link to the run and its artifacts")
    parser.add_argument("--dry-run", action="store_true", help="print the decision, change nothing")
    args = parser.parse_args(argv)
    try:
        drift = json.loads(args.drift.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"drift-issue: {args.drift} cannot be read: {error}; nothing done", file=sys.stderr)
        return 2
    secrets = [environ.get("BOLNA_API_KEY", "")]
    try:
        issue = open_issue(gh, args.label)
        decision = decide(drift, issue, account=args.account or args.label, run_url=args.run_url)
        if args.dry_run:
            print(f"drift-issue: would {decision.action}: {decision.why}")
            print(scrubbed(decision.comment or decision.body, secrets))
            return 0
        print(f"drift-issue: {carry_out(gh, decision, issue, args.label, secrets)}")
    except (RuntimeError, ValueError, OSError) as error:
        print(f"drift-issue: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
