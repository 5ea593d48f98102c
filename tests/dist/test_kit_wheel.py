"""The kit's wheel (`make dist`) installed into a clean virtualenv: a user's tests run on its fixtures.

sample_service/ stands for a team's own project: code that calls Bolna through the generated
client, and tests that use only the `bolna_mock` and `bolna_client` fixtures. It runs from a
scratch folder with the virtualenv's Python in isolated mode, so nothing of this repository can be
imported: the mock, the plugin and the spec all come from the installed wheel.
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from tests.dist.test_wheel import ROOT, _run

# Its module-scoped fixtures (two wheels built and installed in a fresh virtualenv) are made once:
# pytest-xdist runs this module's tests in one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("kit-wheel")

SAMPLE = Path(__file__).with_name("sample_service")


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The client's and the kit's wheels, built by scripts/dist.py as `make dist` does."""
    output = tmp_path_factory.mktemp("dist")
    result = _run(sys.executable, ROOT / "scripts" / "dist.py", "--wheel-only", "--output", output, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return sorted(output.glob("*.whl"))


@pytest.fixture(scope="module")
def kit_python(wheels: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "kit"
    created = _run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    installed = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--disable-pip-version-check",
        "--constraint", ROOT / "constraints.txt", *wheels,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return python


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("team-project")
    for source in SAMPLE.glob("*.py"):
        shutil.copy2(source, folder / source.name)
    return folder


def test_the_kit_wheel_carries_the_spec_the_plugin_and_the_suite(wheels: list[Path]) -> None:
    (kit,) = [wheel for wheel in wheels if wheel.name.startswith("bolna_sip_trunks_contract_kit-")]
    with zipfile.ZipFile(kit) as archive:
        names = set(archive.namelist())
        (entry_points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        declared = archive.read(entry_points).decode("utf-8")
        packaged_spec = archive.read("mock_api/openapi.yaml")

    assert {"mock_api/openapi.yaml", "mock_api/schemathesis.toml", "mock_api/pytest_plugin.py"} <= names
    assert "contract_tests/mockdiff/run.py" in names
    assert any(name.startswith("contract_tests/checks/test_") for name in names)
    assert packaged_spec == (ROOT / "openapi.yaml").read_bytes()
    assert "[pytest11]\nbolna_mock = mock_api.pytest_plugin" in declared


def test_a_teams_tests_pass_on_the_installed_fixtures(kit_python: Path, project: Path) -> None:
    result = _run(kit_python, "-I", "-m", "pytest", "-q", "--strict-markers", "-p", "no:cacheprovider", cwd=project)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "9 passed" in result.stdout


def test_the_teams_code_type_checks_against_the_installed_kit(kit_python: Path, project: Path) -> None:
    mypy = Path(sys.executable).with_name("mypy")
    result = _run(mypy, "--strict", "--python-executable", kit_python, "--no-incremental", ".", cwd=project)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sample_service_checks_no_return_value_with_isinstance() -> None:
    code = (SAMPLE / "trunk_service.py").read_text(encoding="utf-8")

    assert "isinstance" not in code and ".sync_detailed(" not in code
    assert {"ConflictError", "NotFoundError", "RateLimitError", "UnprocessableEntityError"} <= set(
        re.findall(r"except errors\.(\w+)", code)
    )


def test_the_installed_suite_finds_its_spec_and_runs_mock_diff(kit_python: Path, tmp_path: Path) -> None:
    contract = kit_python.with_name("bolna-contract")
    command = (contract, "mock-diff", "--steps", "150", "--seed", "7", "--scenario", "patch-merges-gateways")
    result = _run(*command, "--quiet", "--reports", tmp_path, cwd=tmp_path, timeout=120)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "update_trunk gateways: length" in result.stdout
