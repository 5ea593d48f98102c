"""The merged-state rules of PATCH say where they come from (`x-merged-state-rules`), and the
checks read it: an assumed rule the API does not keep is a calibration whose patch drops it (the
mock and the model follow the edited spec), a documented one stays Bolna's to fix."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from contract_tests.values.causes import fingerprint
from contract_tests.values.schema import CONFIG_PATH
from contract_tests.values.spec import MERGED_STATE_RULES, SPEC_PATH, TRUNK_PATH, load_spec, merged_state_rules
from tests.contract.contract_run import ContractRun, run_contract
from tests.mock.mock_support import Api, ip_based_body

# Its module-scoped fixture (a whole run of a scenario) is made once: pytest-xdist runs this
# module's tests in one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("merged-state-rules")

PATCH_NAME = "openapi.suggestions.patch"


def _rule(provenance: str) -> str:
    (rule_id,) = [str(rule["id"]) for rule in merged_state_rules() if rule.get("x-provenance") == provenance][:1]
    return rule_id


ASSUMED, DOCUMENTED = _rule("assumed"), _rule("docs")
# The mock's drift scenario that stops keeping each rule on PATCH.
NOT_KEPT = {
    "ip-based-keeps-an-identifier": "ip-based-may-lose-identifiers",
    "sdes-requires-tls": "sdes-allowed-without-tls",
}


def _finding(run: ContractRun, rule_id: str) -> dict[str, object]:
    found = [f for f in run.drift["findings"] if f["fingerprint"] == fingerprint("merged-state-rule", rule_id)]
    assert len(found) == 1, [f["title"] for f in run.drift["findings"]]
    finding: dict[str, object] = found[0]
    return finding


def _section(run: ContractRun, finding: dict[str, object]) -> str:
    """The finding's own section of drift.md (other drift of the same scenario has its own)."""
    sections = (run.reports / "drift.md").read_text(encoding="utf-8").split("\n### ")
    (section,) = [text.split("\n## ")[0] for text in sections if f"Fingerprint `{finding['fingerprint']}`" in text]
    return section


@pytest.fixture(scope="module")
def assumed_run(tmp_path_factory: pytest.TempPathFactory) -> ContractRun:
    return run_contract(tmp_path_factory.mktemp("assumed"), "--scenario", NOT_KEPT[ASSUMED])


def test_an_assumed_rule_not_kept_is_a_calibration_whose_patch_drops_it(assumed_run: ContractRun) -> None:
    finding = _finding(assumed_run, ASSUMED)

    assert assumed_run.code == 1, "a spec promising a rule the API does not keep fails a plain run"
    assert finding["provenance"] == "assumed" and finding["kind"] == "breaking", finding
    assert ASSUMED in str(finding["title"])
    section = _section(assumed_run, finding)
    assert "Calibration: the spec guessed" in section and "tell Bolna" not in section, section
    patch = (assumed_run.reports / PATCH_NAME).read_text(encoding="utf-8")
    assert f"-        - id: {ASSUMED}" in patch and f"-        - id: {DOCUMENTED}" not in patch


def test_the_patch_makes_the_next_run_clean(assumed_run: ContractRun, tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text(SPEC_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy2(CONFIG_PATH, tmp_path / CONFIG_PATH.name)  # Schemathesis reads it beside the spec
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", str(assumed_run.reports / PATCH_NAME)], cwd=tmp_path, check=True)
    rules = yaml.safe_load(spec.read_text(encoding="utf-8"))["paths"][TRUNK_PATH]["patch"][MERGED_STATE_RULES]
    assert [rule["id"] for rule in rules] == [DOCUMENTED]

    after = run_contract(tmp_path / "after", "--scenario", NOT_KEPT[ASSUMED], env={"CONTRACT_SPEC": str(spec)})

    assert after.code == 0, after.stdout[-3000:]


def test_a_documented_rule_not_kept_stays_bolnas_with_no_suggestion(tmp_path: Path) -> None:
    run = run_contract(tmp_path, "--scenario", NOT_KEPT[DOCUMENTED])
    finding = _finding(run, DOCUMENTED)

    assert run.code == 1 and finding["provenance"] == "docs" and finding["kind"] == "breaking", finding
    section = _section(run, finding)
    assert "Bolna documents this rule" in section and "Calibration" not in section, section
    patch = run.reports / PATCH_NAME
    assert not patch.exists() or f"id: {DOCUMENTED}" not in patch.read_text(encoding="utf-8")


def test_the_mock_checks_on_patch_only_the_rules_the_spec_lists(tmp_path: Path) -> None:
    document = load_spec()
    patch = document["paths"][TRUNK_PATH]["patch"]
    spec = tmp_path / "openapi.yaml"
    spec.write_text(
        yaml.safe_dump(
            document
            | {
                "paths": document["paths"]
                | {
                    TRUNK_PATH: document["paths"][TRUNK_PATH]
                    | {
                        "patch": patch
                        | {MERGED_STATE_RULES: [r for r in patch[MERGED_STATE_RULES] if r["id"] != ASSUMED]}
                    }
                }
            },
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    emptied = {}
    for source in (SPEC_PATH, spec):
        api = Api(spec=source)
        trunk = api.create_trunk(ip_based_body())
        emptied[source] = api.patch(trunk["id"], {"ip_identifiers": []})

    assert emptied[SPEC_PATH].status_code == 400
    assert emptied[spec].status_code == 200 and emptied[spec].json()["ip_identifiers"] == []
