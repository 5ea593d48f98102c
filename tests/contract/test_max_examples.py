"""`--max-examples N` / CONTRACT_MAX_EXAMPLES: what each generating check draws, in place of the
profile's numbers, the rest of the profile kept (as Schemathesis's option of that name)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from contract_tests.live.profiles import PROFILES, budget_for
from contract_tests.live.settings import ConfigError, settings_from_env
from contract_tests.live.target import open_target
from tests.contract.contract_run import run_contract


@pytest.mark.parametrize("live", [True, False], ids=["live", "mock"])
def test_it_replaces_every_generating_budget_and_keeps_the_rest(live: bool) -> None:
    profile = PROFILES["default"].live if live else PROFILES["default"].mock

    budget = budget_for("default", live=live, max_examples=2)

    assert budget == replace(profile, fuzz_examples=2, stateful_examples=2, patch_examples=2)
    assert budget_for("default", live=live) == profile


def test_the_setting_reaches_the_target_a_run_checks_with() -> None:
    target = open_target(settings_from_env({"CONTRACT_PROFILE": "quick", "CONTRACT_MAX_EXAMPLES": "3"}))
    try:
        assert (target.budget.fuzz_examples, target.budget.stateful_examples, target.budget.patch_examples) == (3, 3, 3)
    finally:
        target.close()
    assert settings_from_env({"CONTRACT_MAX_EXAMPLES": ""}).max_examples is None


@pytest.mark.parametrize("value", ["0", "1.5", "many"])
def test_a_number_that_generates_nothing_or_no_number_is_a_setting_to_fix(value: str) -> None:
    with pytest.raises(ConfigError, match="CONTRACT_MAX_EXAMPLES"):
        settings_from_env({"CONTRACT_MAX_EXAMPLES": value})


def test_the_option_beats_the_setting_and_the_reports_say_so(tmp_path: Path) -> None:
    run = run_contract(tmp_path, "--max-examples", "2", env={"CONTRACT_MAX_EXAMPLES": "7"})

    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.drift["profile"] == "quick" and run.drift["max_examples"] == 2
    assert "(profile quick, max examples 2)" in run.stdout.splitlines()[0]
    assert "- Profile: quick, max examples 2" in (tmp_path / "drift.md").read_text(encoding="utf-8")
