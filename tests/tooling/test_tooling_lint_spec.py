"""scripts/lint-spec: one clear line and a non-zero exit on a broken spec; Spectral project rules."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.tooling.spec_tooling_helpers import REPO, SAMPLE_SPEC, node_tooling_skip_reason, run_script


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, f"expected exactly one line, got {len(lines)}:\n" + "\n".join(lines)
    line: str = lines[0]
    return line


def test_yaml_syntax_error_is_one_line(tmp_path: Path) -> None:
    text = SAMPLE_SPEC.read_text().replace("  version: 0.1.0", "  version: [0.1.0", 1)
    assert text != SAMPLE_SPEC.read_text()
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text)

    result = run_script("lint-spec", spec)

    assert result.returncode == 1
    line = _one_line(result)
    assert "YAML syntax error" in line
    assert "openapi.yaml:7:" in line  # the line of the broken flow sequence (plus the 2 comment lines)


def test_invalid_openapi_is_one_line(sample_spec: dict[str, Any], write_spec: Callable[..., Path]) -> None:
    del sample_spec["info"]["version"]
    spec = write_spec(sample_spec)

    result = run_script("lint-spec", spec)

    assert result.returncode == 1
    line = _one_line(result)
    assert "invalid OpenAPI at $.info" in line
    assert '"version" is a required property' in line


def test_invalid_schema_inside_component_names_its_location(
    sample_spec: dict[str, Any], write_spec: Callable[..., Path]
) -> None:
    sample_spec["components"]["schemas"]["Gateway"]["properties"]["port"]["type"] = "int"
    spec = write_spec(sample_spec)

    result = run_script("lint-spec", spec)

    assert result.returncode == 1
    line = _one_line(result)
    assert "$.components.schemas.Gateway.properties.port.type" in line
    assert "'int'" in line


def test_dangling_ref_is_one_line(sample_spec: dict[str, Any], write_spec: Callable[..., Path]) -> None:
    items = sample_spec["components"]["schemas"]["SipTrunk"]["properties"]["gateways"]["items"]
    items["$ref"] = "#/components/schemas/NoSuchSchema"
    spec = write_spec(sample_spec)

    result = run_script("lint-spec", spec)

    assert result.returncode == 1
    line = _one_line(result)
    assert "$ref '#/components/schemas/NoSuchSchema' points to nothing" in line


def test_duplicate_key_is_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text('openapi: 3.1.0\ninfo:\n  title: a\n  title: b\n  version: "1"\npaths: {}\n')

    result = run_script("lint-spec", spec)

    assert result.returncode == 1
    assert "openapi.yaml:4: duplicate key 'title'" in _one_line(result)


def test_missing_npm_skips_spectral_with_one_line(tmp_path: Path) -> None:
    # A PATH holding only what the script needs before the npm check: no node, no npm.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "env", "dirname", "basename"):
        found = shutil.which(tool)
        assert found, tool
        os.symlink(found, bin_dir / tool)

    result = run_script("lint-spec", SAMPLE_SPEC, env={"PATH": str(bin_dir)})

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "lint-spec: tests/tooling/sample_openapi.yaml: valid OpenAPI (3.1.0)",
        "lint-spec: Spectral skipped: npm is missing (install Node.js 20+ and npm to run it)",
    ]


needs_spectral = pytest.mark.skipif(
    node_tooling_skip_reason("spectral") is not None,
    reason=str(node_tooling_skip_reason("spectral")),
)


@needs_spectral
def test_sample_spec_is_clean() -> None:
    result = run_script("lint-spec", SAMPLE_SPEC)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No results with a severity of 'error' found!" in result.stdout
    assert "warning" not in result.stdout


@needs_spectral
def test_project_rules_fire(sample_spec: dict[str, Any], write_spec: Callable[..., Path]) -> None:
    trunks = sample_spec["paths"]["/sip-trunks/trunks"]
    trunks["get"]["operationId"] = "listSipTrunks"  # not snake_case
    del trunks["get"]["responses"]["401"]  # no 4xx left
    del trunks["post"]["summary"]
    trunks["post"]["tags"] = []
    schemas = sample_spec["components"]["schemas"]
    schemas["GatewayInput"]["properties"]["port"]["default"] = 5060  # reached from SipTrunkUpdate
    schemas["SipTrunkUpdate"]["properties"]["transport"]["default"] = "udp"
    # a default beside a $ref (dropped from Spectral's resolved view) and one in a shared schema
    schemas["Name"] = {"type": "string", "minLength": 1, "default": "unnamed"}
    schemas["SipTrunkUpdate"]["properties"]["name"] = {"$ref": "#/components/schemas/Name", "default": "x"}
    del schemas["Gateway"]["additionalProperties"]  # nested in a response
    spec = write_spec(sample_spec)

    result = run_script("lint-spec", spec)

    assert result.returncode == 1
    out = result.stdout
    for expected in (
        "operation-operationId-snake-case",
        "operation-4xx-response",
        "operation-summary-required",
        "operation-tags",
        "components.schemas.GatewayInput.properties.port.default",
        "components.schemas.SipTrunkUpdate.properties.transport.default",
        "components.schemas.SipTrunkUpdate.properties.name.default",
        "components.schemas.Name.default",
        "patch-body-no-default ",
        "patch-body-no-default-via-ref",
        "response-schema-no-additional-properties",
    ):
        assert expected in out, f"{expected!r} missing from:\n{out}"
    # POST body (SipTrunkCreate) may keep its default: only PATCH bodies are checked.
    assert "SipTrunkCreate" not in out


@needs_spectral
@pytest.mark.skipif(not (REPO / "openapi.yaml").exists(), reason="openapi.yaml not written yet")
def test_repo_spec_has_no_errors() -> None:
    result = run_script("lint-spec")

    assert result.returncode == 0, result.stdout + result.stderr
    assert " error " not in result.stdout


@needs_spectral
def test_a_rule_without_provenance_is_an_error(sample_spec: dict[str, Any], write_spec: Callable[..., Path]) -> None:
    schemas = sample_spec["components"]["schemas"]
    del schemas["GatewayInput"]["x-provenance"]  # a required list
    schemas["Gateway"]["x-provenance"] = "maybe"  # not a provenance
    del sample_spec["components"]["responses"]["Unauthorized"]["x-provenance"]  # a status
    spec = write_spec(sample_spec)

    result = run_script("lint-spec", spec)

    assert result.returncode == 1
    flagged = [line for line in result.stdout.splitlines() if "rule-provenance" in line]
    assert len(flagged) == 3, result.stdout
    for place in ("components.schemas.GatewayInput", "components.schemas.Gateway", "components.responses.Unauthorized"):
        assert any(line.rstrip().endswith(place) or f"{place}.x-provenance" in line for line in flagged), place
