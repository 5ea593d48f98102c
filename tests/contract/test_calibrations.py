"""Findings against the spec's own guesses: one cause per rule, advice by provenance, reproducers
that send what was sent, and a patch that absorbs a stricter answer too. No server needed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from contract_tests.findings.findings import Exchange, Finding, as_curl, merged, undocumented_status
from contract_tests.findings.report import _advice
from contract_tests.findings.suggestions import suggest
from contract_tests.values.causes import status_rule_fingerprint
from contract_tests.values.spec import AUTH_FAILURE, SPEC_PATH, VALIDATION_FAILURE, load_spec, status_for

OPERATIONS = [
    (method, path)
    for path, item in load_spec()["paths"].items()
    for method in item
    if method in ("get", "post", "patch", "delete")
]


def _refused_without_token(status: int) -> list[Finding]:
    return [
        undocumented_status(method, path, status, {"detail": "Forbidden"}, authenticated=False)
        for method, path in OPERATIONS
    ]


def test_another_auth_status_is_one_cause_for_every_operation() -> None:
    documented = {status_for(method, path, AUTH_FAILURE) for method, path in OPERATIONS}
    (finding,) = merged(_refused_without_token(403))

    assert finding.fingerprint == status_rule_fingerprint(AUTH_FAILURE, 403)
    assert finding.occurrences == len(OPERATIONS) == len(finding.operations) == 8
    assert finding.kind == "breaking" and finding.provenance == "assumed"
    assert f"not {documented.pop()}" in finding.title and "403" in finding.title
    assert "Calibration" in _advice(finding) and "tell Bolna" not in _advice(finding)


def test_an_undocumented_status_is_one_cause_whichever_observer_and_operation_saw_it() -> None:
    seen = [undocumented_status(m, p, 418, {"detail": "teapot"}, authenticated=True) for m, p in OPERATIONS[:3]]
    (finding,) = merged(seen)

    assert finding.kind == "additive" and len(finding.evidence["seen_at"]) == 3
    assert finding.evidence["schema"] == "Error"


def test_a_token_let_through_or_a_server_error_is_not_the_auth_status() -> None:
    for status in (200, 500):
        finding = undocumented_status("GET", "/sip-trunks/trunks", status, None, authenticated=False)
        assert finding.fingerprint != status_rule_fingerprint(AUTH_FAILURE, status)
        assert "replaces" not in finding.evidence


def test_the_patch_moves_the_auth_status_and_documents_a_new_one(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    findings = merged(
        [
            *_refused_without_token(403),
            *[undocumented_status(m, p, 418, {"detail": "x"}, authenticated=True) for m, p in OPERATIONS[:2]],
        ]
    )

    patch, suggestions = suggest(findings, spec)
    (tmp_path / "s.patch").write_text(patch, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "s.patch"], cwd=tmp_path, check=True)

    after = yaml.safe_load(spec.read_text(encoding="utf-8"))
    assert len(suggestions) == 2
    for method, path in OPERATIONS:
        responses = after["paths"][path][method]["responses"]
        assert responses["403"] == {"$ref": f"#/components/responses/{AUTH_FAILURE}"}, (method, path)
        assert "401" not in responses
    for method, path in OPERATIONS[:2]:
        assert after["paths"][path][method]["responses"]["418"]["x-provenance"] == "assumed"


def test_a_finding_against_a_documented_rule_gets_no_suggestion(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    documented = Finding(
        "bad-values",
        "t",
        "failure",
        "title",
        "detail",
        kind="looser",
        fingerprint="d",
        provenance="docs",
        evidence={"rule": {"component": "GatewayInput", "path": "", "keyword": "required", "documented": None}},
    )

    assert suggest([documented], spec) == ("", [])
    assert "tell Bolna" in _advice(documented)


def test_a_request_without_the_token_is_reproduced_without_it() -> None:
    def scrub(text: str) -> str:
        return text.replace("the-real-token", "$BOLNA_API_KEY")

    url = "http://127.0.0.1/sip-trunks/trunks"
    wrong = as_curl(Exchange("GET", url, b"", 403, b"{}", "Bearer wrong-0123"), scrub)
    none = as_curl(Exchange("GET", url, b"", 403, b"{}", None), scrub)
    right = as_curl(Exchange("GET", url, b"", 200, b"[]", "Bearer the-real-token"), scrub)

    assert "'Authorization: Bearer wrong-0123'" in wrong and "BOLNA_API_KEY" not in wrong
    assert "Authorization" not in none.split("#")[0] and "BOLNA_API_KEY" not in none
    assert '-H "Authorization: Bearer $BOLNA_API_KEY"' in right


def test_a_refused_enum_value_leaves_the_enum(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    documented = load_spec()["components"]["schemas"]["Transport"]["enum"]
    refused = Finding(
        "bad-values",
        "t",
        "failure",
        "title",
        "detail",
        kind="breaking",
        fingerprint="e",
        provenance="assumed",
        evidence={
            "rule": {"component": "Transport", "path": "", "keyword": "enum", "documented": documented},
            "refused": [f'"{documented[1]}"'],
        },
    )

    patch, (suggestion,) = suggest([refused], spec)
    assert "enum without" in suggestion.summary
    (tmp_path / "s.patch").write_text(patch, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "s.patch"], cwd=tmp_path, check=True)

    after = yaml.safe_load(spec.read_text(encoding="utf-8"))["components"]["schemas"]["Transport"]["enum"]
    assert after == [documented[0], *documented[2:]]


def test_field_errors_answered_with_the_rule_status_stay_a_finding_without_an_edit(tmp_path: Path) -> None:
    """400 is already the cross-field rules' status: moving field errors there would leave no
    status to tell the two apart by, so the finding is a calibration to review, with no edit."""
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    documented = status_for("PATCH", "/sip-trunks/trunks/{trunk_id}", VALIDATION_FAILURE)
    rule_status = status_for("PATCH", "/sip-trunks/trunks/{trunk_id}", "RuleViolation")
    assert documented is not None and rule_status is not None and rule_status != documented
    finding = Finding(
        "bad-values",
        "test_bad_values_are_rejected_with_422",
        "failure",
        f"field errors answer {rule_status}",
        "",
        kind="breaking",
        fingerprint=status_rule_fingerprint(VALIDATION_FAILURE, rule_status),
        evidence={"status": rule_status, "replaces": VALIDATION_FAILURE, "documented": documented},
        provenance="assumed",
    )

    patch, suggestions = suggest([finding], spec)

    assert patch == "" and suggestions == []
    assert "Calibration" in _advice(finding) and "tell Bolna" not in _advice(finding)
