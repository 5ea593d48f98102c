"""The bound an API really enforces, once it accepted a value past the documented one, or
refused the documented one itself.

Grow (double the distance from the documented bound) until the answer changes, then bisect
between the last accepted and the first refused value: outwards when the API is looser than
the spec, inwards (towards the other bound) when it is stricter. At most `MAX_PROBES` requests
per bound; past a ceiling the answer is "no bound found up to N".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

UPPER = frozenset({"maxLength", "maxItems", "maximum"})
LOWER = frozenset({"minimum"})
CEILINGS = {"maxLength": 65_536, "maxItems": 65_536, "maximum": 2**31, "minimum": 2**31}
# Requests per bound, the restore of the field afterwards included (see the bad-values check).
MAX_REQUESTS = 30
MAX_PROBES = MAX_REQUESTS - 1


@dataclass(frozen=True)
class Bound:
    keyword: str
    documented: int
    accepted: int  # the farthest value seen accepted
    refused: int | None  # the nearest value seen refused past it; None: none up to the ceiling
    probes: int
    stopped: str = ""  # why probing ended before the bound was exact, if it did

    @property
    def exact(self) -> bool:
        return self.refused is not None and abs(self.refused - self.accepted) == 1

    @property
    def enforced(self) -> int | None:
        """The bound to write in the spec: the farthest accepted value, when it is exact."""
        return self.accepted if self.exact else None

    def describe(self) -> str:
        if self.refused is None and not self.stopped:
            return f"no bound found up to {self.accepted:,} ({self.probes} requests)"
        if self.exact:
            return f"the API enforces {self.keyword} {self.accepted:,} ({self.probes} requests)"
        between = f"accepts {self.accepted:,}" + (f", refuses {self.refused:,}" if self.refused is not None else "")
        return f"{between}; not narrowed further: {self.stopped or 'request limit'} ({self.probes} requests)"

    def as_dict(self) -> dict[str, object]:
        return {
            "keyword": self.keyword,
            "documented": self.documented,
            "enforced": self.enforced,
            "accepted": self.accepted,
            "refused": self.refused,
            "requests": self.probes,
            "summary": self.describe(),
        }


class _Prober:
    """`accepts(value)` within the probe limit; None (and why, in `stopped`) ends the search."""

    def __init__(self, accepts: Callable[[int], bool | None], max_probes: int) -> None:
        self.accepts = accepts
        self.max_probes = max_probes
        self.probes = 0
        self.stopped = ""

    def ask(self, value: int) -> bool | None:
        answer = None
        if self.probes < self.max_probes:
            self.probes += 1
            answer = self.accepts(value)
        if answer is None:
            self.stopped = "request limit" if self.probes >= self.max_probes else "stopped"
        return answer

    def bisect(self, accepted: int, refused: int) -> tuple[int, int]:
        """Narrow the gap between an accepted and a refused value to one, or as far as probing goes."""
        while abs(refused - accepted) > 1:
            middle = (accepted + refused) // 2
            answer = self.ask(middle)
            if answer is None:
                break
            if answer:
                accepted = middle
            else:
                refused = middle
        return accepted, refused


def discover(
    keyword: str,
    documented: int,
    accepts: Callable[[int], bool | None],
    *,
    max_probes: int = MAX_PROBES,
    inside: int | None = None,
) -> Bound:
    """Probe with `accepts(value)` (None: stop, e.g. the budget is spent) for the enforced bound.

    The value just past `documented` is known to be accepted: that is what made the finding.
    With `inside` (the other edge the spec allows, e.g. minLength for a maxLength), `documented`
    itself is known refused, and the search goes inwards, no further than `inside`.
    """
    if keyword not in UPPER | LOWER:
        raise ValueError(f"no probing for {keyword}")
    prober = _Prober(accepts, max_probes)
    if inside is not None:
        return _discover_inwards(keyword, documented, inside, prober)
    sign = 1 if keyword in UPPER else -1
    ceiling = CEILINGS[keyword]
    # Probe on the distance from the documented bound, so one search serves both directions.
    last_accepted, first_refused = documented + sign, None
    step = max(1, abs(documented))
    while first_refused is None:
        candidate = last_accepted + sign * step
        if abs(candidate) > ceiling:
            candidate = sign * ceiling
        if candidate == last_accepted:
            break  # at the ceiling already
        answer = prober.ask(candidate)
        if answer is None:
            break
        if answer:
            last_accepted = candidate
            step *= 2
        else:
            first_refused = candidate
    if first_refused is not None:
        last_accepted, first_refused = prober.bisect(last_accepted, first_refused)
    return Bound(keyword, documented, last_accepted, first_refused, prober.probes, prober.stopped)


def _discover_inwards(keyword: str, documented: int, inside: int, prober: _Prober) -> Bound:
    """The same grow-and-bisect search, from the refused `documented` edge towards `inside`."""
    sign = -1 if keyword in UPPER else 1  # the direction of the inside
    first_refused, last_accepted = documented, None
    # A 64th of the range first: a few doublings reach the other bound, and the bisection after
    # them stays within the request limit even for the widest range.
    step = max(1, abs(documented - inside) // 64)
    while last_accepted is None:
        candidate = first_refused + sign * step
        if (candidate - inside) * sign > 0:
            candidate = inside
        if candidate == first_refused:
            prober.stopped = prober.stopped or f"refused down to {inside:,}, the other bound"
            break
        answer = prober.ask(candidate)
        if answer is None:
            break
        if answer:
            last_accepted = candidate
        else:
            first_refused = candidate
            step *= 2
    if last_accepted is None:
        return Bound(keyword, documented, inside, first_refused, prober.probes, prober.stopped or "nothing accepted")
    last_accepted, first_refused = prober.bisect(last_accepted, first_refused)
    return Bound(keyword, documented, last_accepted, first_refused, prober.probes, prober.stopped)
