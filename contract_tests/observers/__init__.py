"""Every answer checked as it arrives: documented status and headers, the body against its schema,
undocumented keys, Schemathesis's failures as findings, and an edge's page told from the API's.

Imports `values` and `findings`; the live layer and the run import it.
"""
