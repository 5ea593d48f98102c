"""The pytest plugin of a contract run: fixtures for the checks, findings from their results."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from bolna_sip_trunks_client import AuthenticatedClient
from hypothesis.errors import FlakyFailure, FlakyStrategyDefinition
from schemathesis.schemas import BaseSchema

from contract_tests.findings.findings import Exchange, Finding, Scrubber, Severity, as_curl, merged
from contract_tests.live.safety import UnsafeRequestRefused
from contract_tests.live.settings import Settings
from contract_tests.live.target import Target
from contract_tests.live.transports import BudgetExhausted
from contract_tests.live.trunks import Workbench
from contract_tests.values.causes import fingerprint
from contract_tests.values.model import RuleNotKept
from contract_tests.values.schema import load_schema
from contract_tests.values.spec import TRUNK_PATH

CHECKS_DIR = Path(__file__).parent / "checks"
# Run order: the cheap, sharp checks first (so --fail-fast stops early), broad fuzzing next, and
# the checks that read what all the others saw last.
CHECK_MODULES = {
    "patch-semantics": "test_patch_semantics.py",
    "transport-encryption": "test_transport_encryption.py",
    "bad-values": "test_bad_values.py",
    "auth": "test_auth.py",
    "lifecycle": "test_lifecycle.py",
    "conformance": "test_conformance.py",
    "secrets": "test_secrets.py",
    "undocumented-fields": "test_undocumented_fields.py",
}
_CHECK_BY_FILE = {file: check for check, file in CHECK_MODULES.items()}
# Within that order, a run goes phase by phase: fixed probes that touch every family once and
# cost a few requests each, then fixed sweeps, then random generation with what the budget has
# left, and last the checks of everything the run saw. A test names its phase with
# `@pytest.mark.phase("sweep")`; unmarked tests are probes.
PHASES = ("probe", "sweep", "random", "whole-run")
# Bad values come last among the probes: they send several values per field and measure the
# bound behind any the API accepts, so the other families' single requests go first.
LATE_PROBES = frozenset({"bad-values"})
# What a calibration explores: bad values and the bounds behind them, and the answers' shapes.
# No PATCH-semantics fuzzing: a first run on a new account wants the spec right before that.
CALIBRATION_CHECKS = ["bad-values", "lifecycle", "conformance", "secrets", "undocumented-fields"]


class ContractPlugin:
    def __init__(self, target: Target, settings: Settings, scrub: Scrubber, *, calibrating: bool = False) -> None:
        self.calibrating = calibrating
        self.run_target = target
        self.run_settings = settings
        self.scrub = scrub
        self.findings: list[Finding] = []
        self.outcomes: dict[str, dict[str, int]] = {check: {} for check in CHECK_MODULES}
        self.stopped: str | None = None
        self.first_failure_at: float | None = None  # time.monotonic() of the first failure finding
        self.first_failure_requests: int | None = None  # requests sent when it was seen
        self._exchanges_before = 0
        self._recorded_before = 0
        self._recorded = 0  # findings the checks recorded themselves, one per cause they saw
        self._answer_failures = 0  # failures the observer of every answer reported
        target.answers.report_to(self.answer_finding)

    # -- order ------------------------------------------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", f"phase(name): when in a run the test goes, one of {', '.join(PHASES)}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        # Stable: the family order of CHECK_MODULES holds within a phase.
        items.sort(key=lambda item: (phase_of(item), phase_of(item) == 0 and check_of(item) in LATE_PROBES))

    # -- fixtures --------------------------------------------------------------------------
    @pytest.fixture(scope="session")
    def target(self) -> Target:
        return self.run_target

    @pytest.fixture(scope="session")
    def settings(self) -> Settings:
        return self.run_settings

    @pytest.fixture(scope="session")
    def workbench(self) -> Iterator[Workbench]:
        bench = Workbench(self.run_target)
        yield bench
        bench.close()

    @pytest.fixture(scope="session")
    def api(self) -> Iterator[AuthenticatedClient]:
        client = self.run_target.api_client()
        with client:
            yield client

    @pytest.fixture(scope="session")
    def schema(self) -> BaseSchema:
        target = self.run_target
        schema = load_schema(base_url=target.base_url, token=target.token, strict=self.run_settings.strict)
        schema.app = target.wsgi_app()  # every case and probe goes through the target's stack
        return schema

    @pytest.fixture(scope="session")
    def contract(self) -> ContractPlugin:
        return self

    # -- findings --------------------------------------------------------------------------
    def warn(self, check: str, test: str, title: str, detail: str) -> None:
        cause = fingerprint(check, test, "note", title)
        self.findings.append(Finding(check, test, "warning", self.scrub(title), self.scrub(detail), fingerprint=cause))

    def record(self, finding: Finding) -> None:
        """A finding a check made itself, with its kind and cause; the test's failure adds no other."""
        self.findings.append(
            replace(
                finding,
                title=self.scrub(finding.title),
                detail=self.scrub(finding.detail),
                reproduce=[self.scrub(step) for step in finding.reproduce],
            )
        )
        self._recorded += 1
        if finding.severity == "failure":
            self._failure_seen()

    def answer_finding(self, finding: Finding) -> None:
        """A finding about one answer, from the observer in the transport stack, whichever check sent it."""
        step = self.last_curl()
        self.findings.append(
            replace(finding, title=self.scrub(finding.title), detail=self.scrub(finding.detail), reproduce=[step])
        )
        if finding.kind in ("breaking", "looser"):
            self._answer_failures += 1
            self._failure_seen()

    def _failure_seen(self) -> None:
        if self.first_failure_at is None:
            self.first_failure_at = time.monotonic()
            self.first_failure_requests = self.run_target.requests_sent

    def curl(self, response: httpx.Response) -> str:
        """The reproduction step of one answer a check got."""
        request = response.request
        exchange = Exchange(
            request.method,
            str(request.url),
            request.content,
            response.status_code,
            response.content,
            request.headers.get("Authorization"),
        )
        return as_curl(exchange, self.scrub)

    def last_curl(self) -> str:
        """The reproduction step of the request sent last (Schemathesis's, which the stack saw)."""
        exchanges = self.run_target.ledger.exchanges
        return as_curl(exchanges[-1], self.scrub) if exchanges else ""

    def final_findings(self) -> list[Finding]:
        """One finding per cause; breaking and looser fail the run, additive only when strict."""
        final = []
        for finding in merged(self.findings):
            if finding.severity == "defect":
                pass
            elif finding.kind == "breaking" or (finding.kind == "looser" and not self.calibrating):
                finding = replace(finding, severity="failure")
            elif finding.kind in ("looser", "additive"):
                strict = self.run_settings.strict and not self.calibrating
                finding = replace(finding, severity="failure" if strict else "warning")
            final.append(finding)
        return final

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        self._exchanges_before = self.run_target.ledger.exchange_count
        self._recorded_before = self._recorded
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
        outcome: Any = yield
        report: pytest.TestReport = outcome.get_result()
        check = check_of(item)
        if report.when == "call" or report.outcome == "failed" or (report.when == "setup" and report.skipped):
            counts = self.outcomes.setdefault(check, {})
            counts[report.outcome] = counts.get(report.outcome, 0) + 1
        if report.when == "call" and self._answer_failures and item.config.getoption("maxfail", 0) == 1:
            item.session.shouldfail = "an answer broke the spec"  # --fail-fast, as a failed test stops it
        if report.failed and call.excinfo is not None:
            finding = self._finding(item, check, call.excinfo)
            if finding.severity == "failure" and self._recorded > self._recorded_before:
                return  # the check recorded what it found, cause by cause
            self.findings.append(finding)
            if finding.severity == "failure":
                self._failure_seen()

    def _finding(self, item: pytest.Item, check: str, excinfo: pytest.ExceptionInfo[BaseException]) -> Finding:
        error = excinfo.value
        severity: Severity = "failure"
        meter = self.run_target.budget_meter
        if _contains(error, UnsafeRequestRefused):
            severity = "defect"
            self.stopped = self.stopped or str(error)
        elif _contains(error, FlakyStrategyDefinition):
            # Hypothesis replayed an example and the API's moved-on state made it draw differently.
            severity = "defect"
        elif _contains(error, httpx.TransportError):
            # The network failed where retries could not help: nothing is known about the API.
            severity = "defect"
        elif meter.exhausted or _contains(error, BudgetExhausted):
            # Whatever failed after the budget ran out says nothing about the API.
            severity = "defect"
            self.stopped = self.stopped or (
                f"the request budget of {meter.max_requests} was spent before the checks finished; "
                "raise CONTRACT_MAX_REQUESTS or choose a smaller profile"
            )
            item.session.shouldstop = self.stopped
        detail = self.scrub(_message(error))
        title = detail.splitlines()[0][:200] if detail else type(error).__name__
        during = self.run_target.ledger.exchange_count - self._exchanges_before
        exchanges = list(self.run_target.ledger.exchanges)[-min(during, 2) :] if during else []
        reproduce = [as_curl(exchange, self.scrub) for exchange in exchanges]
        test = item.nodeid.split("::", 1)[-1]
        function, _, parameters = test.partition("[")
        broken = _first(error, RuleNotKept)
        if broken is not None and severity == "failure":
            # A merged-state rule not kept is one cause wherever it showed; an assumed one is a
            # calibration (the spec guessed it), a documented one Bolna's to fix.
            return Finding(
                check,
                test,
                severity,
                title,
                detail,
                reproduce,
                kind="breaking",
                fingerprint=fingerprint("merged-state-rule", broken.rule.id),
                operations=[f"PATCH {TRUNK_PATH}"],
                evidence={"merged_state_rule": broken.rule.id, "states": broken.rule.text},
                provenance=broken.rule.provenance,
            )
        # The test is the place of the cause: its parameters (a trunk kind, a field) are where
        # it showed, and the message carries the run's own values.
        return Finding(
            check,
            test,
            severity,
            title,
            detail,
            reproduce,
            kind=None if severity == "defect" else "breaking",
            fingerprint=_cause(check, function, severity, detail),
            operations=[parameters.rstrip("]")] if parameters else [],
        )


def _cause(check: str, function: str, severity: str, detail: str) -> str:
    """The fingerprint of a failed test's cause, from what its message names, never its values.

    An answer no check could read is one cause wherever it showed; fields that differ from what
    the contract expects are one cause whichever PATCH showed them; otherwise the test is the place.
    """
    _, _, reason = detail.partition(" could not read the API's answer: ")
    if reason and severity != "defect":
        return fingerprint("unreadable-answer", reason.splitlines()[0])
    setup = re.search(r"could not ([a-z ]+?)(?: \S*\d\S*)?: (\d{3})\b", detail)
    if setup and severity != "defect":
        # A step every check needs (create a trunk, add a number) failing the same way is one cause.
        return fingerprint("setup-step", setup[1], setup[2])
    fields = sorted(set(re.findall(r"""[\[,] ?["'](\w+): expected""", detail)))
    if fields and severity != "defect":
        return fingerprint(check, "fields-differ", *fields)
    return fingerprint(check, function, severity)


def phase_of(item: pytest.Item) -> int:
    marker = item.get_closest_marker("phase")
    name = marker.args[0] if marker else PHASES[0]
    if name not in PHASES:
        raise ValueError(f"{item.nodeid}: unknown phase {name!r}; one of {', '.join(PHASES)}")
    return PHASES.index(name)


def check_of(item: pytest.Item) -> str:
    return _CHECK_BY_FILE.get(Path(str(item.fspath)).name, "suite")


E = TypeVar("E", bound=BaseException)


def _contains(error: BaseException, kind: type[BaseException]) -> bool:
    return _first(error, kind) is not None


def _first(error: BaseException, kind: type[E]) -> E | None:
    """The first `kind` in `error`, its groups (Hypothesis, Schemathesis) or its causes."""
    if isinstance(error, kind):
        return error
    if isinstance(error, BaseExceptionGroup):
        return next((found for inner in error.exceptions if (found := _first(inner, kind)) is not None), None)
    return _first(error.__cause__, kind) if error.__cause__ else None


def _message(error: BaseException) -> str:
    if isinstance(error, FlakyFailure) and error.exceptions:
        # The API's state moved on between Hypothesis's attempts; the first failure is the finding.
        return _message(error.exceptions[0])
    text = str(error).strip()
    if isinstance(error, AssertionError):
        # pytest's rewritten assertion adds the failing expression after the message.
        return text.split("\nassert ", 1)[0][:4000] or "assertion failed"
    if isinstance(error, BaseExceptionGroup):
        return text[:4000]  # Schemathesis's failure report, already written for people
    # Anything else broke while reading an answer: say where, since the bare text ("'auth_type'")
    # means nothing on its own.
    reader = "the generated client" if _raised_in(error, "bolna_sip_trunks_client") else "the check"
    return f"{reader} could not read the API's answer: {type(error).__name__}: {text}"[:4000]


def _raised_in(error: BaseException, package: str) -> bool:
    traceback = error.__traceback__
    while traceback is not None:
        if package in traceback.tb_frame.f_code.co_filename:
            return True
        traceback = traceback.tb_next
    return False
