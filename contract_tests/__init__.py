"""Contract suite for Bolna's /sip-trunks API: drives a target with Schemathesis and the generated client.

Grouped by concern, each group importing only those below it (tests/tooling/test_layers.py):

- `values/`: what the spec says (the loaded spec, the model of a PATCH, valid and bad values, bounds);
- `findings/`: what a run found and how it is told (causes, reports, the spec patch, the baseline);
- `observers/`: every answer checked as it arrives;
- `live/`: which API and how to reach it safely (settings, target, guard, leases, transports);
- the run on top: `cli` (`bolna-contract`), `plugin` (the pytest run), `checks/` (one module per
  check family), `mockdiff/` (`bolna-contract mock-diff`), `drift_issue` (`python -m
  contract_tests.drift_issue`).
"""
