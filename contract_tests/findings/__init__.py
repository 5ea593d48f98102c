"""What a run found and how it is told: findings, their causes, drift.md / drift.json, the spec patch,
the baseline and the comparison with the previous night.

Imports only `values`; the observers, the live layer and the run import it.
"""
