"""What the spec says: the loaded spec and its rules, the model of a PATCH, valid and bad values, edges and bounds.

The bottom of the suite: imports nothing else of contract_tests; every other group may import it.
"""
