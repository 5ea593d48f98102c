"""Stock Schemathesis finds nothing wrong with the mock in-process: every operation, all checks.

The configuration is the repository's `schemathesis.toml`, shared with the CLI and the suite.
Examples, coverage and fuzzing phases run per operation in positive and negative mode through the
pytest integration; the stateful phase runs `schema.as_state_machine()` against the same app.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import BaseSchema

from mock_api import create_app

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "openapi.yaml"
CONFIG = REPO / "schemathesis.toml"
TOKEN = "schemathesis-token"

# At least this many generated cases over the whole run; with --slow, at least SLOW_MINIMUM_CASES.
MINIMUM_CASES = 2000
SLOW_MINIMUM_CASES = 10_000
# Examples per operation and phase (schemathesis.toml says 250): with the coverage phase's and
# the stateful phase's cases, 150 per operation pass MINIMUM_CASES; with --slow, the 8 operations'
# fuzzed cases alone pass 10,000.
MAX_EXAMPLES = 150
SLOW_MAX_EXAMPLES = 1_250
# Stateful scenarios; with the config's `max-steps` each is a short chain of linked calls.
STATEFUL_SCENARIOS = 50

# Cases sent, by phase, so the last test can check the total; filled as the tests run. The
# module's tests share this counter, so pytest-xdist runs them in one process (--dist loadgroup).
SENT: Counter[str] = Counter()
pytestmark = pytest.mark.xdist_group("stock-schemathesis-counts")


def load_schema(*, max_examples: int | None = None) -> BaseSchema:
    config = SchemathesisConfig.from_path(CONFIG)
    schema = schemathesis.openapi.from_path(SPEC, config=config)
    # schemathesis.toml holds no token; like the CLI's -H, the test brings its own.
    schema.config.update(headers={"Authorization": f"Bearer {TOKEN}"})
    if max_examples is not None:
        schema.config.generation.update(max_examples=max_examples)
    schema.app = create_app(token=TOKEN)
    return schema


@pytest.fixture
def mock_schema(request: pytest.FixtureRequest) -> Iterator[BaseSchema]:
    yield load_schema(max_examples=SLOW_MAX_EXAMPLES if request.config.getoption("--slow") else MAX_EXAMPLES)


lazy_schema = schemathesis.pytest.from_fixture("mock_schema")


@lazy_schema.parametrize()
def test_every_operation_passes_all_checks(case: Case[Any]) -> None:
    phase = case.meta.phase.name.value if case.meta is not None else "explicit"
    SENT[phase] += 1
    response = case.call_and_validate()
    # call_and_validate runs the not_a_server_error check too; stated here so no configuration can drop it.
    assert response.status_code < 500, f"{case.method} {case.path} answered {response.status_code}"


def test_stateful_phase_passes_all_checks() -> None:
    schema = load_schema()
    max_steps = schema.config.phases.stateful.max_steps

    class FreshMockPerScenario(schema.as_state_machine()):  # type: ignore[misc]
        # Each scenario starts from an empty store: responses then depend only on the scenario's
        # own steps, which Hypothesis needs to replay a scenario the same way.
        def setup(self) -> None:
            self.app = create_app(token=TOKEN)

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            return {"app": self.app}

        def call(self, case: Case[Any], **kwargs: Any) -> Any:
            SENT["stateful"] += 1
            return super().call(case, **kwargs)

    FreshMockPerScenario.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=max_steps,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            database=None,
        )
    )
    assert SENT["stateful"] >= STATEFUL_SCENARIOS


def test_the_run_generated_enough_cases(request: pytest.FixtureRequest) -> None:
    if not SENT["stateful"] or sum(SENT.values()) == SENT["stateful"]:
        pytest.skip("counts only when the whole module runs")
    minimum = SLOW_MINIMUM_CASES if request.config.getoption("--slow") else MINIMUM_CASES
    assert sum(SENT.values()) >= minimum, dict(SENT)
