"""One edit of openapi.yaml moves the mock and the suite: a user's first calibration, end to end.

The spec is copied with six edits (tests/fixtures/calibrated_spec.py): a longer name, no codec
pattern, a larger qualify_frequency, more gateways, a new required `sip_domain` on trunks and
two new keys on validation errors. A mock built from the copy must behave like the copy, the
suite run against it with the copy must find no drift, and the drift scenarios that loosen a
field must still be drift.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from contract_tests.values.schema import CONFIG_PATH
from contract_tests.values.spec import SPEC_PATH
from tests.contract.contract_run import run_contract
from tests.fixtures.calibrated_spec import LONGEST_NAME, LONGEST_QUALIFY_FREQUENCY, MOST_GATEWAYS, write_calibrated
from tests.mock.mock_support import Api, userpass_body


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("calibrated")
    # The suite reads schemathesis.toml from the spec's folder.
    shutil.copy(CONFIG_PATH, folder / CONFIG_PATH.name)
    return write_calibrated(SPEC_PATH, folder / "openapi.yaml")


@pytest.fixture
def mock(calibrated: Path) -> Api:
    return Api(spec=calibrated)


def test_the_mock_takes_the_new_bounds_and_refuses_just_past_them(mock: Api) -> None:
    body = userpass_body(
        name="n" * LONGEST_NAME,
        gateways=[{"gateway_address": f"gw{i}.sip.invalid"} for i in range(MOST_GATEWAYS)],
        allow="ULAW, alaw",  # the codec pattern is gone
        qualify_frequency=LONGEST_QUALIFY_FREQUENCY,
    )
    created = mock.create(body)
    assert created.status_code == 201, created.text
    trunk_id = created.json()["id"]
    too_much = {"name": "n" * (LONGEST_NAME + 1), "qualify_frequency": LONGEST_QUALIFY_FREQUENCY + 1}
    refused = mock.patch(trunk_id, too_much)
    assert refused.status_code == 422
    assert [item["loc"] for item in refused.json()["detail"]] == [["body", "name"], ["body", "qualify_frequency"]]


def test_every_answer_carries_the_keys_the_copy_adds(mock: Api) -> None:
    created = mock.create_trunk()
    answers: list[Any] = [
        created,
        mock.get_trunk(created["id"]),
        *mock.list().json(),
        mock.patch(created["id"], {}).json(),
    ]
    domains = {answer["sip_domain"] for answer in answers}
    assert len(domains) == 1 and isinstance(domains.pop(), str), "sip_domain is missing or not stable"
    refused = mock.patch(created["id"], {"name": ""}).json()
    assert all({"loc", "msg", "type", "input", "url"} <= set(item) for item in refused["detail"])


def test_the_suite_finds_no_drift_in_a_mock_that_follows_the_copy(calibrated: Path, tmp_path: Path) -> None:
    run = run_contract(tmp_path, "--quiet", env={"CONTRACT_SPEC": str(calibrated)})
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]


@pytest.mark.parametrize("scenario", ["qualify-frequency-unbounded", "server-error-on-most-gateways"])
def test_a_loosened_field_is_still_drift_after_its_bound_moves(scenario: str, calibrated: Path, tmp_path: Path) -> None:
    arguments = ("--quiet", "--fail-fast", "--scenario", scenario)
    run = run_contract(tmp_path, *arguments, env={"CONTRACT_SPEC": str(calibrated)})
    assert run.code == 1, run.stdout[-3000:] + run.stderr[-2000:]
