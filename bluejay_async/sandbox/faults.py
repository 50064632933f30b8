"""Fault injection: rules, their seeded selection, token buckets, presets and counters.

A :class:`FaultRule` names a route (or ``"*"``) and a kind of fault. For every request to a
route the :class:`FaultEngine` walks the active rules in order:

* a rule only *sees* requests to its route; ``after`` skips the first K it sees, ``times``
  stops it after it has fired N times, ``probability`` (drawn from a ``random.Random`` seeded
  from the sandbox seed and the rule's position) decides each remaining request;
* ``latency`` rules that fire add their ``delay`` and evaluation goes on;
* ``rate_limit`` rules take a token from their bucket (one bucket per route); an empty bucket
  fires the rule, with the wait until the next token as ``Retry-After``;
* the first other rule that fires decides what happens to the request; later rules do not
  see it.

The same seed and the same request sequence therefore give the same faults.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Literal

import attrs

FaultKind = Literal["status", "rate_limit", "drop_before", "drop_after", "latency", "truncate"]

KINDS: tuple[str, ...] = (
    "status",
    "rate_limit",
    "drop_before",
    "drop_after",
    "latency",
    "truncate",
)
ROUTES: tuple[str, ...] = (
    "create_simulation",
    "get_simulation_runs",
    "retrieve_simulation_results",
    "update_simulation_result",
    "queue_simulation_run",
    "cognigy_runs",
)
GET_ROUTES: tuple[str, ...] = ("get_simulation_runs", "retrieve_simulation_results", "cognigy_runs")


def _check_route(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value != "*" and value not in ROUTES:
        raise ValueError(f"unknown route {value!r}; expected one of {ROUTES} or '*'")


def _check_kind(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value not in KINDS:
        raise ValueError(f"unknown fault kind {value!r}; expected one of {KINDS}")


@attrs.frozen
class FaultRule:
    """One fault to inject on a route.

    ``kind`` and ``route`` may be positional; everything else is keyword-only.

    * ``status``: answer ``status`` without running the handler; the body is the service's
      JSON error shape, or an HTML proxy page with ``html=True``. ``retry_after`` (seconds)
      is sent as ``Retry-After``, as an HTTP date when ``retry_after_http_date=True``.
    * ``rate_limit``: token bucket of ``rate`` requests/second with ``burst`` tokens
      (default: one second's worth, at least 1); an empty bucket answers 429 with
      ``Retry-After`` = whole seconds until the next token, and ``X-RateLimit-*`` headers.
    * ``drop_before``: close the connection before the handler runs (nothing is applied).
    * ``drop_after``: run the handler (a write *is* applied), then close without answering.
    * ``latency``: wait ``delay`` seconds, then carry on.
    * ``truncate``: run the handler, announce the full ``Content-Length`` but send only the
      first ``truncate_at`` fraction of the body and close; with ``broken_json=True`` send a
      complete response whose body is that cut-off (unparseable) JSON instead.
    """

    kind: FaultKind = attrs.field(validator=_check_kind)
    route: str = attrs.field(default="*", validator=_check_route)
    status: int = attrs.field(
        default=503, kw_only=True, validator=[attrs.validators.ge(100), attrs.validators.le(599)]
    )
    html: bool = attrs.field(default=False, kw_only=True)
    retry_after: float | None = attrs.field(default=None, kw_only=True)
    retry_after_http_date: bool = attrs.field(default=False, kw_only=True)
    rate: float = attrs.field(default=10.0, kw_only=True, validator=attrs.validators.gt(0))
    burst: float | None = attrs.field(default=None, kw_only=True)
    delay: float = attrs.field(default=0.0, kw_only=True, validator=attrs.validators.ge(0))
    truncate_at: float = attrs.field(
        default=0.5, kw_only=True, validator=[attrs.validators.gt(0), attrs.validators.lt(1)]
    )
    broken_json: bool = attrs.field(default=False, kw_only=True)
    probability: float = attrs.field(
        default=1.0, kw_only=True, validator=[attrs.validators.ge(0), attrs.validators.le(1)]
    )
    times: int | None = attrs.field(default=None, kw_only=True)
    after: int = attrs.field(default=0, kw_only=True, validator=attrs.validators.ge(0))

    def applies_to(self, route: str) -> bool:
        """Whether this rule sees requests to ``route``."""
        return self.route == "*" or self.route == route


class TokenBucket:
    """A classic token bucket: ``rate`` tokens/second, at most ``burst`` stored."""

    def __init__(
        self, rate: float, burst: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._last = clock()

    @property
    def tokens(self) -> float:
        """Tokens available now."""
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def take(self) -> float:
        """Take a token: 0.0 on success, else the seconds until one is available."""
        self._refill()
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate


@attrs.define
class _RuleState:
    rule: FaultRule
    rng: random.Random
    seen: int = 0
    fired: int = 0
    buckets: dict[str, TokenBucket] = attrs.Factory(dict)


@attrs.frozen
class FaultDecision:
    """What the engine decided for one request."""

    delay: float = 0.0
    """Total seconds of injected latency."""
    latency_hits: int = 0
    """How many latency rules fired."""
    rule: FaultRule | None = None
    """The rule that decides the response, if any fired."""
    wait: float = 0.0
    """For a ``rate_limit`` rule: seconds until the bucket has a token."""
    bucket: TokenBucket | None = None
    """For a ``rate_limit`` rule that let the request pass or fired: its bucket."""


_NO_FAULT = FaultDecision()


class FaultEngine:
    """Holds the active rules and their selection state; see the module docstring."""

    def __init__(self, seed: int, rules: Iterable[FaultRule] = ()) -> None:
        self._seed = seed
        self._states: list[_RuleState] = []
        self._generation = 0
        self.set_rules(rules)

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        """The active rules, in evaluation order."""
        return tuple(s.rule for s in self._states)

    @property
    def active(self) -> bool:
        """Whether any rule is active (the no-fault path skips the engine entirely)."""
        return bool(self._states)

    def set_rules(self, rules: Iterable[FaultRule]) -> None:
        """Replace the active rules; their counters, random streams and buckets restart."""
        self._generation += 1
        self._states = [
            _RuleState(rule, random.Random(f"{self._seed}:fault:{self._generation}:{i}"))
            for i, rule in enumerate(rules)
        ]

    def decide(self, route: str) -> FaultDecision:
        """Decide the faults for one request to ``route``."""
        delay = 0.0
        latency_hits = 0
        passed_bucket: TokenBucket | None = None
        for st in self._states:
            rule = st.rule
            if not rule.applies_to(route):
                continue
            st.seen += 1
            if st.seen <= rule.after or (rule.times is not None and st.fired >= rule.times):
                continue
            if rule.kind == "rate_limit":
                bucket = st.buckets.get(route)
                if bucket is None:
                    burst = rule.burst if rule.burst is not None else max(1.0, rule.rate)
                    bucket = st.buckets[route] = TokenBucket(rule.rate, burst)
                wait = bucket.take()
                if wait <= 0.0:
                    passed_bucket = bucket
                    continue
                st.fired += 1
                return FaultDecision(delay, latency_hits, rule, wait, bucket)
            if rule.probability < 1.0 and st.rng.random() >= rule.probability:
                continue
            st.fired += 1
            if rule.kind == "latency":
                delay += rule.delay
                latency_hits += 1
                continue
            return FaultDecision(delay, latency_hits, rule, 0.0, None)
        if delay or passed_bucket is not None:
            return FaultDecision(delay, latency_hits, None, 0.0, passed_bucket)
        return _NO_FAULT


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` delta-seconds: an integer, rounded up (the header has no fractions)."""
    return str(max(0, math.ceil(seconds - 1e-9)))


@attrs.define
class SandboxCounters:
    """What the sandbox did, for assertions in tests and benchmarks."""

    requests: Counter[str] = attrs.Factory(Counter)
    """Requests received per route name (``"unmatched"`` for unknown paths)."""
    faults: Counter[tuple[str, str]] = attrs.Factory(Counter)
    """Faults injected per ``(route, kind)``."""
    writes: Counter[str] = attrs.Factory(Counter)
    """Writes actually applied per route (``create_simulation``, ``update_simulation_result``,
    ``queue_simulation_run``)."""
    responses: Counter[tuple[str, int]] = attrs.Factory(Counter)
    """Responses sent per ``(route, status)``; dropped connections are not counted."""

    def reset(self) -> None:
        """Zero every counter."""
        self.requests.clear()
        self.faults.clear()
        self.writes.clear()
        self.responses.clear()

    def faults_of_kind(self, kind: str) -> int:
        """Faults of ``kind`` injected on any route."""
        return sum(n for (_, k), n in self.faults.items() if k == kind)


FAULT_PRESETS: dict[str, tuple[FaultRule, ...]] = {
    "none": (),
    # What a production client meets on a bad day; short delays so a demo finishes in seconds.
    # No drop_after on POSTs: a retried POST must not be able to duplicate a write here.
    "realistic": (
        FaultRule("latency", "*", delay=0.05, probability=0.10),
        FaultRule("status", "*", status=429, retry_after=1, probability=0.03),
        FaultRule("status", "*", status=502, html=True, probability=0.03),
        FaultRule("status", "*", status=503, html=True, probability=0.02),
        FaultRule("drop_before", "*", probability=0.02),
        *(FaultRule("truncate", r, probability=0.02) for r in GET_ROUTES),
    ),
    # Many more failures, still no duplicate-write hazard.
    "flaky": (
        FaultRule("latency", "*", delay=0.02, probability=0.2),
        FaultRule("status", "*", status=429, retry_after=0, probability=0.08),
        FaultRule("status", "*", status=500, probability=0.05),
        FaultRule("status", "*", status=502, html=True, probability=0.05),
        FaultRule("status", "*", status=503, retry_after=0, probability=0.05),
        FaultRule("status", "*", status=504, html=True, probability=0.03),
        FaultRule("drop_before", "*", probability=0.05),
        *(FaultRule("truncate", r, probability=0.05) for r in GET_ROUTES),
        *(FaultRule("truncate", r, broken_json=True, probability=0.03) for r in GET_ROUTES),
    ),
    # A server that throttles every route to 50 requests/second.
    "rate-limited": (FaultRule("rate_limit", "*", rate=50.0),),
    # Everything, including writes applied and then lost (a retried POST duplicates them).
    "chaos": (
        FaultRule("latency", "*", delay=0.02, probability=0.2),
        FaultRule("status", "*", status=429, retry_after=0, probability=0.1),
        FaultRule("status", "*", status=503, probability=0.1),
        FaultRule("drop_before", "*", probability=0.05),
        FaultRule("drop_after", "create_simulation", probability=0.1),
        FaultRule("drop_after", "update_simulation_result", probability=0.1),
        *(FaultRule("truncate", r, probability=0.05) for r in GET_ROUTES),
    ),
}
"""Named fault mixes for ``serve --faults NAME`` and for tests."""
