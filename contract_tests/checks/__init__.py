"""The contract checks, one module per check family (see plugin.CHECK_MODULES for the order)."""
