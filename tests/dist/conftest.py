"""sample_service/ is a user's project, run by test_kit_wheel.py from the installed wheel only."""

collect_ignore = ["sample_service"]
