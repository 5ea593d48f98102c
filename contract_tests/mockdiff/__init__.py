"""mock-diff: one seeded random sequence of operations sent to the API and to a fresh embedded mock.

`steps` draws the sequence (from the spec's schemas), `execution` sends it to both sides,
`compare` says where two answers differ, `shrink` finds the shortest sequence that shows each
difference, `report` writes it down, `run` is the command.
"""
