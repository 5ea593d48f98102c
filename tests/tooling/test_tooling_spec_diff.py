"""scripts/spec-diff (Optic) in a scratch git repository: clean -> 0, breaking change -> non-zero."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tooling.spec_tooling_helpers import REPO, SAMPLE_SPEC, node_tooling_skip_reason, run_script

pytestmark = pytest.mark.skipif(
    node_tooling_skip_reason("optic") is not None or shutil.which("git") is None,
    reason=str(node_tooling_skip_reason("optic") or "git not on PATH"),
)

GIT_ENV = {
    "GIT_AUTHOR_NAME": "tooling-test",
    "GIT_AUTHOR_EMAIL": "tooling-test@example.invalid",
    "GIT_COMMITTER_NAME": "tooling-test",
    "GIT_COMMITTER_EMAIL": "tooling-test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _make_repo(tmp_path: Path, spec_text: str) -> Path:
    repo = tmp_path / "scratch"
    repo.mkdir()
    env = {**os.environ, **GIT_ENV, "HOME": str(tmp_path)}
    (repo / "openapi.yaml").write_text(spec_text)
    for cmd in (["init", "-q"], ["add", "openapi.yaml"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *cmd], cwd=repo, env=env, check=True, capture_output=True)
    return repo


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    return _make_repo(tmp_path, SAMPLE_SPEC.read_text())


def _edit(repo: Path, change: Callable[[dict[str, Any]], None]) -> None:
    spec = yaml.safe_load((repo / "openapi.yaml").read_text())
    change(spec)
    (repo / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))


def test_clean_tree_has_no_breaking_changes(scratch_repo: Path) -> None:
    result = run_script("spec-diff", "HEAD", cwd=scratch_repo)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No operations changed" in result.stdout
    assert "spec-diff: no breaking changes in openapi.yaml vs HEAD" in result.stdout


def test_response_field_type_change_is_breaking(scratch_repo: Path) -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["SipTrunk"]["properties"]["name"]["type"] = "integer"
        # plus a non-breaking change, which must be listed too
        spec["components"]["schemas"]["SipTrunk"]["properties"]["label"] = {"type": "string"}

    _edit(scratch_repo, change)

    result = run_script("spec-diff", "HEAD", cwd=scratch_repo)

    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "property /schema/properties/name: changed" in out
    assert "response body property 'name'" in out
    assert "This is a breaking change" in out
    assert '/schema/properties/name: {"type":"string"} -> {"type":"integer"}' in out
    assert "property /schema/properties/label: added" in out
    assert "spec-diff: BREAKING changes in openapi.yaml vs HEAD" in out


@pytest.fixture
def repo_spec_repo(tmp_path: Path) -> Path:
    """A scratch repository whose only commit holds the kit's real openapi.yaml."""
    return _make_repo(tmp_path, (REPO / "openapi.yaml").read_text(encoding="utf-8"))


def test_repo_spec_unchanged_has_no_breaking_changes(repo_spec_repo: Path) -> None:
    result = run_script("spec-diff", "HEAD", cwd=repo_spec_repo)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "spec-diff: no breaking changes in openapi.yaml vs HEAD" in result.stdout


def test_repo_spec_response_field_type_change_names_the_field(repo_spec_repo: Path) -> None:
    def change(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["SipTrunk"]["properties"]["qualify_frequency"] = {"type": "string"}

    _edit(repo_spec_repo, change)

    result = run_script("spec-diff", "HEAD", cwd=repo_spec_repo)

    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "expected response body property 'qualify_frequency' not to be expanded. This is a breaking change." in out
    # SipTrunk is the body of every trunk response; each operation shows its own breaking line.
    for operation in (
        "PATCH /sip-trunks/trunks/{trunk_id}",
        "GET /sip-trunks/trunks/{trunk_id}",
        "GET /sip-trunks/trunks",
    ):
        assert f"x {operation}:" in out
    assert out.count("This is a breaking change") >= 4, out
    assert '/schema/properties/qualify_frequency: {"type":"integer"' in out
    assert '-> {"type":"string"}' in out
    assert "spec-diff: BREAKING changes in openapi.yaml vs HEAD" in out


def test_unknown_base_ref(scratch_repo: Path) -> None:
    result = run_script("spec-diff", "no-such-ref", cwd=scratch_repo)

    assert result.returncode == 2
    assert "spec-diff: unknown git ref 'no-such-ref'" in result.stderr


def test_properties_beside_allof_are_diffed(tmp_path: Path) -> None:
    # Like openapi.yaml's SipTrunkCreate: own properties plus an allOf of if/then rules.
    # Optic 1.0.9 alone would drop those properties; spec-diff normalizes both sides.
    spec = yaml.safe_load(SAMPLE_SPEC.read_text())
    create = spec["components"]["schemas"]["SipTrunkCreate"]
    create["allOf"] = [
        {
            "if": {"required": ["transport"], "properties": {"transport": {"const": "tls"}}},
            "then": {"required": ["name"]},
        }
    ]
    repo = _make_repo(tmp_path, yaml.safe_dump(spec, sort_keys=False))

    def change(spec: dict[str, Any]) -> None:
        create = spec["components"]["schemas"]["SipTrunkCreate"]
        create["properties"]["name"]["type"] = "integer"
        create["allOf"][0]["then"]["required"] = ["name", "gateways"]

    _edit(repo, change)

    result = run_script("spec-diff", "HEAD", cwd=repo)

    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "SipTrunkCreate has allOf beside its own properties" in out
    assert "REVIEW: conditional (if/then) rule changed at #/components/schemas/SipTrunkCreate/allOf/0" in out
    assert "expected request body property 'name' not to be narrowed" in out
    assert "POST /sip-trunks/trunks | Request Body | application/json | /schema/properties/name" in out
