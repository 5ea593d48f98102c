"""Which API and how to reach it: settings and budgets, the target (mock in process, over loopback,
or the live API), the safety guard and trunk ledger, leases on a shared account, transports
(budget, rate cap, retries) and the restore record.

Imports `values`, `findings` and `observers`; only the run (cli, plugin, checks, mockdiff) imports it.
"""
