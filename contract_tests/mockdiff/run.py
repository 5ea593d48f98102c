"""`bolna-contract mock-diff`: the same random steps to the API and to a fresh mock, and what differs.

Exit codes as for `run`: 0 the answers agree, 1 they differ, 2 the run could not judge (budget
spent, interrupted, the server unreachable or refusing); every 2 comes with one stderr line.
"""

from __future__ import annotations

import logging
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from contract_tests.findings.findings import Scrubber, as_curl
from contract_tests.findings.suggestions import Suggestion
from contract_tests.live.safety import RunInterrupted, UnsafeRequestRefused
from contract_tests.live.settings import Settings
from contract_tests.live.target import Target, clean_up
from contract_tests.live.transports import BudgetExhausted
from contract_tests.mockdiff.compare import Difference
from contract_tests.mockdiff.execution import Execution, StepResult, fresh_mock
from contract_tests.mockdiff.report import DiffSummary, Group, console_summary, write_reports
from contract_tests.mockdiff.shrink import dependencies, shortest, simpler_last_body
from contract_tests.mockdiff.steps import Step, generate
from contract_tests.mockdiff.suggest import suggest_spec
from contract_tests.values.spec import SPEC_PATH

DEFAULT_STEPS = 200
REPLAYS_PER_DIFFERENCE = 16
REPLAYS_IN_ALL = 100
WORDINGS_KEPT = 50  # per difference: enough to tell a fixed wording from one that varies


@dataclass
class _State:
    scrub: Scrubber  # the token and every password the run sent, out of everything shown
    groups: dict[tuple[str, str, str], Group] = field(default_factory=dict)
    results: list[StepResult] = field(default_factory=list)
    stopped: str | None = None
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)
    # The last replay that showed each difference: its live exchanges give the curl commands.
    replays: dict[tuple[str, str, str], list[StepResult]] = field(default_factory=dict)


def mock_diff(target: Target, settings: Settings, *, steps: int, seed: int | None) -> int:
    seed = secrets.randbelow(2**32) if seed is None else seed
    sequence = generate(seed, steps)
    state = _State(scrub=Scrubber(lambda: target.token, lambda: target.ledger.secrets))
    scrub = state.scrub
    started = time.monotonic()
    if not settings.quiet:
        print(f"bolna-contract mock-diff: {steps} steps (seed {seed}) to {target.description} and a fresh mock")
    # A mock that fails answers 500, which shows as a difference; its traceback on stderr would
    # only bury the one line an exit 2 promises.
    quiet_mock = logging.NullHandler()
    logging.getLogger("mock_api").addHandler(quiet_mock)
    try:
        _first_run(target, sequence, state, quiet=settings.quiet)
        try:
            _shorten(target, sequence, state)
        except BudgetExhausted:
            # The comparison is complete; only the search for shorter sequences ran out.
            state.notes.append("the budget ran out while replaying: some sequences are not the shortest")
            for group in state.groups.values():
                if not group.steps:
                    group.steps = dependencies(sequence[: group.first_step], sequence[group.first_step])
                    group.confirmed = False
                    group.reproduce = _curl_of(group, state)
    except (RunInterrupted, KeyboardInterrupt):
        state.interrupted = True
        state.stopped = "interrupted"
    except BudgetExhausted as error:
        state.stopped = f"{error}; raise CONTRACT_MAX_REQUESTS or lower --steps"
    except UnsafeRequestRefused as error:
        state.stopped = f"suite defect: {error}"
    except httpx.HTTPError as error:
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        state.stopped = f"{target.description} stopped answering: {text}"
    finally:
        logging.getLogger("mock_api").removeHandler(quiet_mock)
        try:
            state.notes += clean_up(target)
        except KeyboardInterrupt:
            state.notes.append("clean-up interrupted: run `make contract-cleanup`")
    groups = sorted(state.groups.values(), key=lambda g: (g.difference.operation, g.first_step))
    patch, suggestions = _suggestions(groups)
    summary = DiffSummary(
        target=target.description,
        seed=seed,
        steps_planned=steps,
        steps_run=len(state.results),
        requests=target.requests_sent,
        retries=target.retries.retries,
        transient=dict(target.retries.log.transient),
        persistent=dict(target.retries.log.persistent),
        seconds=time.monotonic() - started,
        groups=groups,
        complete=state.stopped is None,
        notes=[*state.notes, *_stop_notes(state)],
        patch=patch,
        suggestions=suggestions,
    )
    written = write_reports(summary, settings.reports_dir, scrub)
    print(scrub(console_summary(summary, written)), flush=True)
    if summary.exit_code == 2:
        print(f"bolna-contract: mock-diff {scrub(state.stopped or 'could not judge the API')}", file=sys.stderr)
    return summary.exit_code


def _suggestions(groups: list[Group]) -> tuple[str, list[Suggestion]]:
    """The spec patch for the differences of wording and order; each group learns what became of its own."""
    absorbable = [(g.difference, g.wordings) for g in groups if g.wordings or g.difference.kind == "order"]
    if not absorbable:
        return "", []
    from mock_api.app import RESOURCES
    from mock_api.spec import mock_spec

    patch, suggestions, outcome = suggest_spec(absorbable, mock_spec(SPEC_PATH, RESOURCES), SPEC_PATH)
    for group in groups:
        group.suggestion = outcome.get(group.difference.key)
    return patch, suggestions


def _first_run(target: Target, sequence: list[Step], state: _State, *, quiet: bool) -> None:
    def record(result: StepResult) -> None:
        state.results.append(result)
        for difference in result.differences:
            group = state.groups.get(difference.key)
            if group is None:
                group = state.groups[difference.key] = Group(difference, first_step=result.step.index)
            else:
                group.occurrences += 1
            if difference.wording is not None and len(group.wordings) < WORDINGS_KEPT:
                group.wordings.append(difference.wording)
        done = len(state.results)
        if not quiet and (done % 100 == 0 or done == len(sequence)):
            print(f"[{done:>5}/{len(sequence)}] steps  differences {len(state.groups)}", flush=True)

    with fresh_mock() as mock_http:
        execution = Execution(target, mock_http)
        try:
            execution.run(sequence, record)
        finally:
            state.notes += execution.close()


def _shorten(target: Target, sequence: list[Step], state: _State) -> None:
    """Give each difference its shortest sequence, as far as the replay cap and budget allow."""
    replays_left = REPLAYS_IN_ALL
    for group in state.groups.values():
        final = sequence[group.first_step]
        candidate = dependencies(sequence[: group.first_step], final)

        def reproduces(steps: list[Step], seen: Difference = group.difference) -> bool:
            return _shows(target, steps, seen, state)

        affordable = _affordable(target, candidate)
        if replays_left > 0 and affordable and reproduces(candidate):
            replays_left -= 1
            budget = min(REPLAYS_PER_DIFFERENCE, replays_left)
            checked = _within_budget(target, reproduces)
            group.steps, spent = shortest(candidate, checked, max_replays=budget)
            group.steps, spent_on_body = simpler_last_body(group.steps, checked, max_replays=budget - spent)
            replays_left -= spent + spent_on_body
            group.confirmed = True
        else:
            if replays_left > 0 and affordable:
                replays_left -= 1
            group.steps = candidate
        group.reproduce = _curl_of(group, state)


def _within_budget(target: Target, reproduces: Callable[[list[Step]], bool]) -> Callable[[list[Step]], bool]:
    return lambda steps: _affordable(target, steps) and reproduces(steps)


def _affordable(target: Target, steps: list[Step]) -> bool:
    """A replay sends each step once and deletes what it made; keep a margin for the clean-up."""
    meter = target.budget_meter
    needed = 2 * len(steps) + 10
    return meter.max_requests - meter.sent >= needed


def _shows(target: Target, steps: list[Step], seen: Difference, state: _State) -> bool:
    """Whether a fresh replay of `steps` shows `seen` at its last step: the same operation, field
    and kind, and for a status the same pair of statuses (a 404 for a 200 would be another story)."""
    with fresh_mock() as mock_http:
        execution = Execution(target, mock_http)
        try:
            results = execution.run(steps)
        finally:
            execution.close()
    replayed = results[-1]
    if any(_same(difference, seen) for difference in replayed.differences):
        state.replays[seen.key] = results
        return True
    return False


def _curl_of(group: Group, state: _State) -> list[str]:
    scrub = state.scrub
    replay = state.replays.get(group.difference.key) if group.confirmed else None
    if replay is not None and [r.step for r in replay] == group.steps:
        return [as_curl(result.live_exchange, scrub) for result in replay]
    # Not replayed: the first run's own exchanges for these steps.
    by_index = {result.step.index: result for result in state.results}
    return [as_curl(by_index[step.index].live_exchange, scrub) for step in group.steps if step.index in by_index]


def _stop_notes(state: _State) -> list[str]:
    if state.interrupted:
        return ["interrupted: this report is partial"]
    return [f"stopped early ({state.stopped}): this report is partial"] if state.stopped else []


def _same(difference: Difference, seen: Difference) -> bool:
    if difference.key != seen.key:
        return False
    return difference.kind != "status" or (difference.live, difference.mock) == (seen.live, seen.mock)
