"""The repository's schemathesis.toml never stops a Schemathesis command, whatever the environment.

Schemathesis refuses a whole configuration file when one `${NAME}` in it is unset, before any
command runs (`--help` included); the file must therefore name no variable at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from schemathesis.config import SchemathesisConfig

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "schemathesis.toml"
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
# Whatever the command would send goes to a closed loopback port, never off the machine.
NOWHERE = "http://127.0.0.1:9"
KIT_VARIABLES = ("BOLNA_API_KEY", "BOLNA_API_KEY_FILE", "BOLNA_BASE_URL", "MOCK_TOKEN")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def environment(with_kit_variables: bool) -> dict[str, str]:
    dropped = {*KIT_VARIABLES, *PROXY_VARIABLES, *(name.lower() for name in PROXY_VARIABLES)}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    if with_kit_variables:
        env |= {"BOLNA_API_KEY": "some-token", "BOLNA_BASE_URL": "https://api.bolna.ai"}
    return env | {"HTTP_PROXY": NOWHERE, "HTTPS_PROXY": NOWHERE, "ALL_PROXY": NOWHERE}


def schemathesis(*args: str, with_kit_variables: bool) -> subprocess.CompletedProcess[str]:
    # Run from the repository, where Schemathesis finds schemathesis.toml by itself.
    env = environment(with_kit_variables)
    command = [SCHEMATHESIS, "--no-color", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_file_names_no_environment_variable() -> None:
    settings = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert "${" not in repr(settings)
    loaded = SchemathesisConfig.from_path(CONFIG)
    assert loaded.projects.default.headers in (None, {})


@pytest.mark.parametrize("with_kit_variables", [False, True], ids=["bare-environment", "kit-variables-set"])
def test_run_help_works_in_the_repository(with_kit_variables: bool) -> None:
    result = schemathesis("run", "--help", with_kit_variables=with_kit_variables)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Usage:" in result.stdout


@pytest.mark.parametrize("with_kit_variables", [False, True], ids=["bare-environment", "kit-variables-set"])
def test_a_run_against_an_account_with_its_own_header_loads_the_configuration(with_kit_variables: bool) -> None:
    # The first command a Schemathesis user tries against their account. A filter that matches
    # no operation leaves only Schemathesis's two capability probes, and --proxy sends those to
    # a closed loopback port: what is tested is that the configuration loads.
    result = schemathesis(
        "run", "openapi.yaml",
        "-u", "https://api.bolna.ai",
        "-H", "Authorization: Bearer some-token",
        "--include-operation-id", "no-such-operation",
        "--phases", "examples",
        "--proxy", NOWHERE,
        with_kit_variables=with_kit_variables,
    )  # fmt: skip
    output = result.stdout + result.stderr

    assert "environment variable" not in output and "configuration is incorrect" not in output, output
    assert f"Configuration:    {CONFIG}" in output, output
    assert "No test cases were generated" in output, output
