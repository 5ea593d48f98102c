"""The bench's report as a test reads it: its markdown tables, and its first-contact figures."""

from __future__ import annotations

import re

from bench.first_contact import FirstContact, first_contact_from
from bench.report import Results, as_markdown
from tests.contract.contract_run import ContractRun

CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def tables(markdown: str) -> list[list[str]]:
    """The markdown tables of a document, each as its lines."""
    found: list[list[str]] = []
    previous_was_row = False
    for line in markdown.splitlines():
        is_row = line.startswith("|")
        if is_row and not previous_was_row:
            found.append([])
        if is_row:
            found[-1].append(line)
        previous_was_row = is_row
    return found


def assert_well_formed(table: list[str]) -> None:
    widths = {len(CELL_SEPARATOR.findall(line)) for line in table}
    assert len(widths) == 1, table
    assert re.fullmatch(r"\|(---\|)+", table[1]), table[1]
    assert len(table) >= 3, "a table with no rows"


def first_contact_report(results: Results) -> str:
    """The bench's markdown report of `results`, whose first-contact section is one well-formed table."""
    markdown = as_markdown(results)
    [table] = tables(markdown.split("## First contact", 1)[1])
    assert_well_formed(table)
    return markdown


def first_contact_of(run: ContractRun, server: str) -> FirstContact:
    """The bench's figures of a first contact the tests ran (`make bench` runs its own), with what
    holds against either server: three bounds measured in at most 30 requests each, at least one
    finding per cause, exit 1."""
    first = first_contact_from(run.drift, exit_code=run.code, wall_seconds=run.seconds, server=server)
    assert first.exit_code == 1 and first.symptoms >= first.total_causes
    assert first.bounds_measured == 3 and 0 < first.discovery_requests <= 3 * 30
    return first
