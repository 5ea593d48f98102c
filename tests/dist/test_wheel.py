"""The wheel that `make dist` builds installs into a clean virtualenv and works there on its own."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.live.safety import TRUNKS_PATH
from tests.fixtures.fault_proxy import Action, Fault, StartFaultProxy, at
from tests.fixtures.served_mock import serve_mock

# Its module-scoped fixtures (a wheel built and installed in a fresh virtualenv) are made once:
# pytest-xdist runs this module's tests in one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("client-wheel")

ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
SMOKE_SCRIPT = Path(__file__).with_name("client_smoke.py")
RETRY_SCRIPT = Path(__file__).with_name("retry_smoke.py")
SAMPLE_SERVICE = Path(__file__).with_name("sample_service")


def _run(*command: str | Path, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH or PYTHON* settings from the test run may leak into the clean virtualenv.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return subprocess.run(
        [*map(str, command)], capture_output=True, text=True, check=False, cwd=cwd, env=env, timeout=timeout
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One wheel per test module, built by scripts/dist.py as `make dist` does."""
    output = tmp_path_factory.mktemp("dist")
    dist = ROOT / "scripts" / "dist.py"
    result = _run(sys.executable, dist, "--wheel-only", "--client-only", "--output", output, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = output.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def clean_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python of a new virtualenv (no system site-packages) that holds the wheel and its dependencies."""
    venv = tmp_path_factory.mktemp("venv") / "client"
    # --without-pip plus this interpreter's pip aimed at the new one (--python) skips ensurepip.
    created = _run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    installed = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check",
        "--constraint", ROOT / "constraints.txt", wheel,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return python


def test_wheel_metadata_carries_the_spec_version(wheel: Path) -> None:
    version = str(SPEC["info"]["version"])
    with zipfile.ZipFile(wheel) as archive:
        (metadata_name,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        metadata = archive.read(metadata_name).decode("utf-8")

    headers = dict(line.split(": ", 1) for line in metadata.split("\n\n", 1)[0].splitlines() if ": " in line)
    assert headers["Name"] == "bolna-sip-trunks-client"
    assert headers["Version"] == version
    assert wheel.name == f"bolna_sip_trunks_client-{version}-py3-none-any.whl"


@pytest.fixture(scope="module")
def smoke_report(clean_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    scratch = tmp_path_factory.mktemp("elsewhere")
    trunk = scratch / "trunk.json"
    trunk.write_text(json.dumps(SPEC["components"]["examples"]["ZadarmaTrunk"]["value"]), encoding="utf-8")
    # -I: no script folder, no PYTHON* variables, no user site-packages on sys.path.
    result = _run(clean_python, "-I", SMOKE_SCRIPT, trunk, cwd=scratch, timeout=60)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_client_is_imported_from_the_clean_venv(clean_python: Path, smoke_report: dict[str, Any]) -> None:
    venv = clean_python.parent.parent
    assert Path(smoke_report["module_file"]).is_relative_to(venv), smoke_report["module_file"]
    assert not any(entry and Path(entry).is_relative_to(ROOT) for entry in smoke_report["sys_path"])
    assert smoke_report["version"] == str(SPEC["info"]["version"])


def test_patch_sends_only_the_set_field_and_parses_documented_answers(smoke_report: dict[str, Any]) -> None:
    trunk_id = SPEC["components"]["examples"]["ZadarmaTrunk"]["value"]["id"]

    assert smoke_report["update_body"] == {"name": "x"}
    assert smoke_report["detailed"] == {
        "ok_status": 200,
        "ok_type": "SipTrunk",
        "ok_name": "x",
        "bad_status": 422,
        "bad_type": "ValidationError",
        "bad_messages": ["String should have at least 1 character"],
    }
    first = smoke_report["requests"][0]
    assert first == {
        "method": "PATCH",
        "path": f"/sip-trunks/trunks/{trunk_id}",
        "authorization": None,  # set_httpx_client replaces the client's headers, token included
        "body": {"name": "x"},
    }


def test_readme_usage_example_runs_sync_and_async(smoke_report: dict[str, Any]) -> None:
    assert smoke_report["example"] == {
        "sync": "SipTrunk is_active=False",
        "invalid": "UnprocessableEntityError String should have at least 1 character",
        "missing": "NotFoundError PATCH /sip-trunks/trunks/missing: 404 Not Found: Trunk not found",
        "async": "SipTrunk is_active=True",
    }
    example_requests = smoke_report["requests"][2:]
    assert [request["body"] for request in example_requests] == [
        {"is_active": False},
        {"name": ""},
        {"is_active": False},
        {"is_active": True},
    ]
    assert {request["authorization"] for request in example_requests} == {"Bearer smoke-token"}


def test_the_vendored_client_rides_out_429s_and_never_resends_a_dropped_create(
    clean_python: Path, fault_proxy: StartFaultProxy, tmp_path: Path
) -> None:
    token = "wheel-retry-token"
    lose_the_first_create = Fault(Action.DROP_AFTER_FORWARDING, at(1), "POST", TRUNKS_PATH)
    with (
        serve_mock("--rate-limit-every", "3", "--retry-after", "0", token=token) as limited,
        serve_mock(token=token) as plain,
    ):
        counting = fault_proxy(limited.base_url)  # no faults: it records what the mock answered
        dropping = fault_proxy(plain.base_url, lose_the_first_create)
        result = _run(
            clean_python, "-I", RETRY_SCRIPT, counting.base_url, dropping.base_url, token, cwd=tmp_path, timeout=120
        )
        made = plain.trunks()

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["calls"] == ["SipTrunk", "SipTrunk", "SipTrunk", "SipTrunk", "SipTrunk", "1 trunks", "200"]
    assert [seen.upstream_status for seen in counting.seen].count(429) >= 3
    assert report["lost_create"] in ("APIConnectionError from RemoteProtocolError", "APIConnectionError from ReadError")
    assert len(dropping.requests_to("POST", TRUNKS_PATH)) == 1
    assert [trunk["name"] for trunk in made] == ["Main line"]


def test_the_sample_service_is_typed_by_the_client_alone_and_runs_against_the_served_mock(
    clean_python: Path, tmp_path: Path
) -> None:
    """sample_service/'s code (not its tests, which need the kit) with nothing but the client wheel."""
    for name in ("trunk_service.py", "revealed_types.py"):
        shutil.copy2(SAMPLE_SERVICE / name, tmp_path / name)
    mypy = Path(sys.executable).with_name("mypy")
    checked = _run(mypy, "--strict", "--python-executable", clean_python, "--no-incremental", ".", cwd=tmp_path)
    token = "wheel-sample-token"
    with (
        serve_mock(token=token) as plain,
        serve_mock("--rate-limit-every", "2", "--retry-after", "0", token=token) as limited,
    ):
        result = _run(clean_python, "-I", "trunk_service.py", plain.base_url, limited.base_url, token, cwd=tmp_path)
        left = plain.trunks()

    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Every operation's sync()/asyncio() is typed as its success model alone: no Optional, no error model.
    revealed = re.findall(r'^revealed_types\.py:\d+: note: Revealed type is "(.+)"$', checked.stdout, re.MULTILINE)
    model = "bolna_sip_trunks_client.models"
    assert revealed == [
        f"{model}.sip_trunk.SipTrunk",  # update_sip_trunk.sync
        f"{model}.sip_trunk.SipTrunk",  # update_sip_trunk.asyncio
        f"{model}.sip_trunk.SipTrunk",
        f"{model}.sip_trunk.SipTrunk",
        f"list[{model}.sip_trunk.SipTrunk]",
        f"{model}.message.Message",
        f"{model}.phone_number.PhoneNumber",
        f"list[{model}.phone_number.PhoneNumber]",
        f"{model}.message.Message",
    ]
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "open": "opened Office with +4930111222",
        "open_with_a_taken_number": "taken",  # 409
        "open_with_a_bad_address": "invalid: gateway_address, ip_address",  # 422
        "rename_to_blank": "invalid: name",  # 422
        "pause_unknown": "refused: 404",
        "pause": "done",
        "close": "closed 1",
        "pause_rate_limited": "done after 1 429",  # the client's retries off: the service waited itself
    }
    assert left == []
