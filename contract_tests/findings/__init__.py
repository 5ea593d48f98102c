"""What a run found and how it is told: findings, drift.md / drift.json / junit.xml, the spec patch,
the baseline and the comparison with the previous night (the rules a finding's cause names live in
`values/causes.py`).

Imports only `values`; the observers, the live layer and the run import it.
"""
