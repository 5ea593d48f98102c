"""Golden files of what the error templates make of a spec, and that what they make works.

golden/errors-spec.yaml documents statuses the kit's own spec does not (403, a 405 without a
body, a 5XX range, a 201 beside a 200) and error models under other names; the client rendered
from it must match the golden files byte for byte, type-check under mypy --strict, and raise the
class of each status with the documented model as its body. After an intended change of
templates/client/, rewrite the golden files with `UPDATE_GOLDEN=1 pytest tests/client/test_error_templates.py`
and read their diff.
"""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from regenerate import render_client  # noqa: E402

# Its module-scoped fixture (the client rendered from a small spec) is made once: pytest-xdist
# runs this module's tests in one worker (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("error-templates")

GOLDEN = Path(__file__).with_name("golden")
SPEC = GOLDEN / "errors-spec.yaml"
PACKAGE = "bolna_sip_trunks_client"
# Generated file -> its golden copy (.txt, so that no linter or test collector picks it up).
GOLDEN_FILES = {
    "__init__.py": "package_init.py.txt",
    "errors.py": "errors.py.txt",
    "api/things/get_thing.py": "get_thing.py.txt",
    "api/things/put_thing.py": "put_thing.py.txt",
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client project rendered from the small spec, as `make generate` renders generated/."""
    destination = tmp_path_factory.mktemp("golden") / "client"
    render_client(destination, SPEC)
    return destination


@pytest.mark.parametrize("generated", sorted(GOLDEN_FILES))
def test_the_rendered_client_matches_its_golden_file(rendered: Path, generated: str) -> None:
    actual = (rendered / PACKAGE / generated).read_text(encoding="utf-8")
    golden = GOLDEN / GOLDEN_FILES[generated]
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")

    diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), str(golden), generated, lineterm="")
    assert actual == expected, "\n".join(diff)


def test_the_rendered_client_type_checks_strictly(rendered: Path) -> None:
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run(
        [str(mypy), "--strict", "--no-incremental", "--cache-dir", os.devnull, PACKAGE],
        capture_output=True,
        text=True,
        cwd=rendered,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


# Runs with the rendered package first on sys.path; answers each status through httpx.MockTransport.
PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import httpx
import bolna_sip_trunks_client
from bolna_sip_trunks_client import Client, errors
from bolna_sip_trunks_client.api.things import get_thing

ANSWERS = {
    "forbidden": httpx.Response(403, json={"detail": "not yours"}),
    "unknown": httpx.Response(404, json={"detail": "no such thing"}),
    "wrong-method": httpx.Response(405, text="use PUT"),
    "malformed": httpx.Response(422, json={"detail": [{"loc": ["path", "thing_id"], "msg": "too long"}]}),
    "teapot": httpx.Response(418, json={"detail": "short and stout"}),
    "broken": httpx.Response(502, json={"detail": "upstream down"}),
    "broken-text": httpx.Response(500, text="Internal Server Error"),
    "ok": httpx.Response(200, json={"id": "ok"}),
}
transport = httpx.MockTransport(lambda request: ANSWERS[request.url.path.rsplit("/", 1)[-1]])
client = Client(base_url="http://127.0.0.1", max_retries=0, httpx_args={"transport": transport})
seen = {"module": bolna_sip_trunks_client.__file__}
for name in ANSWERS:
    try:
        seen[name] = ["returned", get_thing.sync(name, client=client).id]
    except errors.APIStatusError as error:
        items = [[item.loc, item.msg] for item in getattr(error, "errors", [])]
        seen[name] = [type(error).__name__, type(error.body).__name__, error.message, items]
print(json.dumps(seen))
"""


def test_each_status_raises_its_class_with_the_documented_body(rendered: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(rendered)], capture_output=True, text=True, check=False, timeout=60
    )

    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert Path(seen.pop("module")).is_relative_to(rendered)
    path = "GET /things"
    assert seen == {
        "forbidden": ["PermissionDeniedError", "Problem", f"{path}/forbidden: 403 Forbidden: not yours", []],
        "unknown": ["NotFoundError", "Problem", f"{path}/unknown: 404 Not Found: no such thing", []],
        "wrong-method": ["APIStatusError", "str", f"{path}/wrong-method: 405 Method Not Allowed: use PUT", []],
        "malformed": [
            "UnprocessableEntityError",
            "FieldProblems",
            f"{path}/malformed: 422 Unprocessable Entity: path.thing_id: too long",
            [[["path", "thing_id"], "too long"]],
        ],
        "teapot": ["APIStatusError", "str", f'{path}/teapot: 418 I\'m a Teapot: {{"detail":"short and stout"}}', []],
        "broken": ["InternalServerError", "Problem", f"{path}/broken: 502 Bad Gateway: upstream down", []],
        "broken-text": [
            "InternalServerError",
            "str",
            f"{path}/broken-text: 500 Internal Server Error: Internal Server Error",
            [],
        ],
        "ok": ["returned", "ok"],
    }


def test_every_exception_is_exported_from_the_package_root() -> None:
    """`from bolna_sip_trunks_client import NotFoundError` works for every class errors.py raises."""
    import bolna_sip_trunks_client
    from bolna_sip_trunks_client import errors

    raised = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, errors.BolnaAPIError)
    }
    exported = set(bolna_sip_trunks_client.__all__) - {"AuthenticatedClient", "Client"}
    assert exported == raised
    assert all(getattr(bolna_sip_trunks_client, name) is getattr(errors, name) for name in raised)
