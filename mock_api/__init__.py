"""The embedded mock of Bolna's `/sip-trunks` API: a stateful in-memory Starlette app.

`create_app()` gives a fresh mock for in-process use (Schemathesis, Starlette's TestClient);
`python -m mock_api` serves one on loopback. `SCENARIOS` names the drifts it can be told to make.
"""

from mock_api.app import create_app
from mock_api.scenarios import SCENARIOS, UnknownScenario, get_scenario, list_scenarios

__all__ = ["SCENARIOS", "UnknownScenario", "create_app", "get_scenario", "list_scenarios"]
