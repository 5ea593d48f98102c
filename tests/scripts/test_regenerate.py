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

from regenerate import stale_files, tree_files  # noqa: E402


def _regenerate(spec: Path, output: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPTS / "regenerate.py"), "--spec", str(spec), "--output", str(output)]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)


# Each broken spec, and what its one-line error must say (scripts/spec_check.py's wording).
BROKEN_SPECS = {
    "yaml-syntax": "syntax.yaml:3: YAML syntax error",
    "invalid-openapi": 'invalid.yaml:2: invalid OpenAPI at $.info: "version" is a required property',
    "dangling-ref": "dangling.yaml:{line}: $ref '#/components/schemas/Nope' points to nothing",
}


def _broken_spec(tmp_path: Path, name: str) -> tuple[Path, str]:
    """Write the broken spec `name` into tmp_path; return it with the substring its error must contain."""
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    expected = BROKEN_SPECS[name]
    if name == "yaml-syntax":
        path = tmp_path / "syntax.yaml"
        path.write_text("openapi: 3.1.0\ninfo: [\n", encoding="utf-8")
    elif name == "invalid-openapi":
        path = tmp_path / "invalid.yaml"
        # Key order kept (openapi, info, ...), so the error names line 2.
        path.write_text(yaml.safe_dump({**spec, "info": {"title": "no version"}}, sort_keys=False), encoding="utf-8")
    else:
        path = tmp_path / "dangling.yaml"
        patch = spec["paths"]["/sip-trunks/trunks/{trunk_id}"]["patch"]
        patch["requestBody"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/Nope"}
        text = yaml.safe_dump(spec, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        line = 1 + next(i for i, row in enumerate(text.splitlines()) if "#/components/schemas/Nope" in row)
        expected = expected.format(line=line)
    return path, expected


@pytest.mark.parametrize("name", sorted(BROKEN_SPECS))
def test_broken_spec_fails_in_one_line_and_leaves_output_untouched(tmp_path: Path, name: str) -> None:
    output = tmp_path / "generated"
    output.mkdir()
    (output / "keep.txt").write_text("previous client", encoding="utf-8")
    spec, expected = _broken_spec(tmp_path, name)

    result = _regenerate(spec, output)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "left unchanged" in lines[0]
    assert result.stdout == ""
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


def test_tree_files_leaves_out_caches_and_build_output(tmp_path: Path) -> None:
    for leftover in ("__pycache__/a.pyc", ".pdm-build/editable.pth", "build/lib/a.py", "x.egg-info/PKG-INFO"):
        (tmp_path / leftover).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / leftover).write_text("left by a tool", encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n", encoding="utf-8")

    assert tree_files(tmp_path) == {"pkg/a.py": b"x = 1\n"}


def _mtimes(root: Path) -> dict[str, int]:
    return {path.relative_to(root).as_posix(): path.stat().st_mtime_ns for path in root.rglob("*") if path.is_file()}


def test_a_regeneration_that_changes_nothing_touches_nothing(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    first = _regenerate(ROOT / "openapi.yaml", output)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("generate: generated/ updated from openapi.yaml (")
    assert "  added    pyproject.toml" in first.stdout.splitlines()
    # What `pip install -e generated` leaves there; a regeneration keeps its hands off it.
    (output / ".pdm-build").mkdir()
    (output / ".pdm-build" / "editable.pth").write_text("left by pip", encoding="utf-8")
    before = _mtimes(output)

    again = _regenerate(ROOT / "openapi.yaml", output)

    assert again.returncode == 0, again.stderr
    assert again.stdout == "generate: nothing changed; generated/ already matches openapi.yaml\n"
    assert _mtimes(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".regenerate-")] == []


def test_a_regeneration_names_the_files_it_changed_added_and_removed(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    assert _regenerate(ROOT / "openapi.yaml", output).returncode == 0
    stale = output / "bolna_sip_trunks_client" / "api" / "retired" / "old_operation.py"
    stale.parent.mkdir()
    stale.write_text("x = 1\n", encoding="utf-8")
    (output / "README.md").unlink()
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    spec["info"]["version"] = "9.9.9"
    edited = tmp_path / "openapi.yaml"
    edited.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    before = _mtimes(output)

    result = _regenerate(edited, output)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "generate: generated/ updated from openapi.yaml (3 files):",
        "  changed  pyproject.toml",
        "  added    README.md",
        "  removed  bolna_sip_trunks_client/api/retired/old_operation.py",
    ]
    after = _mtimes(output)
    assert {name for name in after if after[name] != before.get(name)} == {"pyproject.toml", "README.md"}
    assert not stale.parent.exists()
    assert 'version = "9.9.9"' in (output / "pyproject.toml").read_text(encoding="utf-8")
