"""Bound discovery, merging per cause and the spec patch, without a server."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from contract_tests.findings.findings import Finding, merged
from contract_tests.findings.report import _finding_markdown
from contract_tests.findings.suggestions import suggest
from contract_tests.values.bounds import CEILINGS, MAX_PROBES, discover
from contract_tests.values.causes import Rule, looser_fingerprint, rules_broken
from contract_tests.values.spec import SPEC_PATH


def _api(limit: int, *, lower: bool = False) -> tuple[list[int], object]:
    sent: list[int] = []

    def accepts(value: int) -> bool:
        sent.append(value)
        return value >= limit if lower else value <= limit

    return sent, accepts


@pytest.mark.parametrize(
    ("keyword", "documented", "enforced"),
    [("maxLength", 255, 1000), ("maxItems", 8, 16), ("maximum", 86400, 604_800)],
)
def test_discovery_finds_the_exact_bound_within_the_limit(keyword: str, documented: int, enforced: int) -> None:
    sent, accepts = _api(enforced)
    bound = discover(keyword, documented, accepts)  # type: ignore[arg-type]
    assert bound.enforced == enforced
    assert bound.probes == len(sent) <= MAX_PROBES


def test_a_bound_too_far_to_narrow_in_the_limit_is_told_as_a_range() -> None:
    sent, accepts = _api(2**31 - 7)
    bound = discover("maximum", 100, accepts)  # type: ignore[arg-type]
    assert len(sent) == MAX_PROBES and bound.enforced is None
    assert bound.accepted <= 2**31 - 7 < bound.refused  # type: ignore[operator]
    assert "not narrowed further" in bound.describe()


def test_discovery_of_a_minimum_goes_down() -> None:
    sent, accepts = _api(-40, lower=True)
    bound = discover("minimum", 1, accepts)  # type: ignore[arg-type]
    assert bound.enforced == -40 and min(sent) < -40


def test_no_bound_up_to_the_ceiling() -> None:
    _, accepts = _api(10**9)
    bound = discover("maxLength", 255, accepts)  # type: ignore[arg-type]
    assert bound.enforced is None and bound.accepted == CEILINGS["maxLength"]
    assert bound.describe().startswith("no bound found up to 65,536")


def test_discovery_stops_when_told() -> None:
    bound = discover("maxLength", 255, lambda value: None)
    assert bound.probes == 1 and bound.enforced is None and bound.stopped


def test_rules_are_named_where_the_spec_writes_them() -> None:
    assert rules_broken("SipTrunkUpdate", {"name": "x" * 300}) == [Rule("TrunkName", "", "maxLength")]
    gateways = rules_broken("SipTrunkUpdate", {"gateways": [{"gateway_address": "a", "port": 0}]})
    assert gateways == [Rule("Port", "", "minimum")]
    create = Rule("SipTrunkCreate", "/properties/gateways", "maxItems")
    assert looser_fingerprint(create) == looser_fingerprint(Rule("SipTrunkUpdate", "/properties/gateways", "maxItems"))


def _finding(cause: str, **fields: object) -> Finding:
    return Finding("bad-values", "t", "failure", "title", "detail", fingerprint=cause, **fields)  # type: ignore[arg-type]


def test_same_cause_merges_and_symptoms_fold_into_it() -> None:
    findings = merged(
        [
            _finding("a", reproduce=["curl long long"], operations=["PATCH x"], kind="looser"),
            _finding("a", reproduce=["curl short"], operations=["POST y"], kind="looser"),
            _finding("b", consequence_of="a", kind="breaking"),
            _finding("c", consequence_of="missing", kind="breaking"),
        ]
    )
    assert [f.fingerprint for f in findings] == ["a", "c"]
    assert findings[0].occurrences == 2 and findings[0].reproduce == ["curl short"]
    assert findings[0].operations == ["PATCH x", "POST y"] and len(findings[0].consequences) == 1


def test_a_merged_cause_lists_every_value_the_api_accepted() -> None:
    [cause] = merged(
        [
            _finding("a", kind="looser", evidence={"accepted": ["0"]}),
            _finding("a", kind="looser", evidence={"accepted": ["1", "0"]}),
        ]
    )
    once = _finding("b", kind="looser", evidence={"accepted": ["0"]})

    assert "Values the API accepted over the run: 0, 1." in _finding_markdown(1, cause, None)
    assert not any(line.startswith("Values the API accepted") for line in _finding_markdown(1, once, None))


def test_the_patch_applies_and_edits_only_what_the_causes_name(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    rule = {"component": "SipTrunkUpdate", "path": "/properties/gateways", "keyword": "maxItems", "documented": 8}
    bound = {"enforced": 16, "accepted": 16, "refused": 17, "summary": "16"}
    findings = [
        _finding("g", kind="looser", evidence={"rule": rule, "bound": bound}),
        _finding(
            "p",
            kind="looser",
            evidence={
                "rule": {**rule, "component": "GatewayAddress", "path": "", "keyword": "pattern", "documented": "x"},
                "accepted": ['"a_b"'],
            },
        ),
        _finding(
            "k",
            kind="additive",
            evidence={
                "component": "Gateway",
                "path": "",
                "objects": 3,
                "keys": {"weight": {"present": 3, "types": ["integer", "null"]}},
            },
        ),
        _finding(
            "s",
            kind="additive",
            evidence={"method": "delete", "path": "/sip-trunks/trunks/{trunk_id}", "status": 409, "schema": "Error"},
        ),
        _finding("x", kind="breaking", evidence={"rule": rule, "bound": bound}),
    ]
    patch, suggestions = suggest(findings, spec)
    (tmp_path / "suggestions.patch").write_text(patch, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "suggestions.patch"], cwd=tmp_path, check=True)

    after = yaml.safe_load(spec.read_text(encoding="utf-8"))["components"]["schemas"]
    assert [s.fingerprint for s in suggestions] == ["g", "p", "k", "s"], "breaking findings get no suggestion"
    assert after["SipTrunkUpdate"]["properties"]["gateways"]["maxItems"] == 16
    assert after["SipTrunkCreate"]["properties"]["gateways"]["maxItems"] == 16
    assert "pattern" not in after["GatewayAddress"] and "`a_b`" in after["GatewayAddress"]["description"]
    assert after["Gateway"]["properties"]["weight"] == {"type": ["integer", "null"]}
    assert "weight" in after["Gateway"]["required"]
    changed = [
        line for line in patch.splitlines() if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert len(changed) == 18, changed  # description, pattern, 2 bounds, 2 new lines, required, a status


@pytest.mark.parametrize(
    ("keyword", "documented", "inside", "enforced"),
    [
        ("maxLength", 255, 1, 100),
        ("maxLength", 255, 1, 254),
        ("maxLength", 253, 1, 1),
        ("maxItems", 8, 1, 3),
        ("maximum", 86400, 0, 3600),
        ("minimum", 1, 65535, 1024),
    ],
)
def test_a_stricter_bound_is_found_inwards_within_the_limit(
    keyword: str, documented: int, inside: int, enforced: int
) -> None:
    sent, accepts = _api(enforced, lower=keyword == "minimum")
    bound = discover(keyword, documented, accepts, inside=inside)  # type: ignore[arg-type]
    assert bound.enforced == enforced, bound
    assert bound.probes == len(sent) <= MAX_PROBES
    assert all((value - documented) * (inside - documented) > 0 for value in sent), "only inside the spec's range"
