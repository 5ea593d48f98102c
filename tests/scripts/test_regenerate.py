"""`make generate` is reproducible and never leaves a half-written client behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))

from check_generated import stale_files, tree_files  # noqa: E402


def _regenerate(spec: Path, output: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPTS / "regenerate.py"), "--spec", str(spec), "--output", str(output)]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)


def _broken_specs(tmp_path: Path) -> dict[str, Path]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("openapi: 3.1.0\ninfo: [\n", encoding="utf-8")
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(yaml.safe_dump({**spec, "info": {"title": "no version"}}), encoding="utf-8")
    dangling = tmp_path / "dangling.yaml"
    patch = spec["paths"]["/sip-trunks/trunks/{trunk_id}"]["patch"]
    patch["requestBody"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Nope"}
    dangling.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return {"YAML syntax error": syntax, "invalid OpenAPI": invalid, "$ref to nothing": dangling}


@pytest.mark.parametrize("problem", ["YAML syntax error", "invalid OpenAPI", "$ref to nothing"])
def test_broken_spec_fails_in_one_line_and_leaves_output_untouched(tmp_path: Path, problem: str) -> None:
    output = tmp_path / "generated"
    output.mkdir()
    (output / "keep.txt").write_text("previous client", encoding="utf-8")

    result = _regenerate(_broken_specs(tmp_path)[problem], output)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert problem in lines[0]
    assert "left unchanged" in lines[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".regenerate-")] == []
    assert tree_files(output) == {"keep.txt": b"previous client"}


def test_regenerating_twice_gives_identical_files(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert _regenerate(ROOT / "openapi.yaml", first).returncode == 0
    assert _regenerate(ROOT / "openapi.yaml", second).returncode == 0
    assert stale_files(tree_files(first), tree_files(second)) == []
    assert (first / "bolna_sip_trunks_client" / "py.typed").is_file()
    assert "do not edit" in (first / "README.md").read_text(encoding="utf-8")


def test_stale_files_names_changed_missing_and_extra() -> None:
    expected = {"a.py": b"1", "b.py": b"2", "c.py": b"3"}
    actual = {"a.py": b"1", "b.py": b"changed", "d.py": b"4"}
    assert stale_files(expected, actual) == ["b.py", "-c.py", "+d.py"]
