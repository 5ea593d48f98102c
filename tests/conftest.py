"""Fixtures live in small plugin modules under tests/fixtures/."""

import pytest

pytest_plugins = [
    "tests.fixtures.served_mock",
    "tests.fixtures.spec_documents",
    "tests.fixtures.fault_proxy",
    "tests.fixtures.bad_servers",
    "tests.fixtures.broken_specs",
    "pytester",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the long tests (full fuzz counts, served mock)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="long test: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
