"""The sandbox's configuration."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .faults import FaultRule

_non_negative = attrs.validators.ge(0)


def _rules(rules: Iterable[FaultRule]) -> tuple[FaultRule, ...]:
    return tuple(rules)


@attrs.frozen(kw_only=True)
class SandboxConfig:
    """Everything that shapes a sandbox; the same config always gives the same data."""

    seed: int = 0
    """Seeds every generated value and every fault draw."""
    simulations: int = attrs.field(default=3, validator=_non_negative)
    """Bluejay simulations seeded at start, ids ``1..simulations``."""
    runs_per_simulation: int = attrs.field(default=4, validator=_non_negative)
    """Runs per seeded simulation (and per created one without ``num_runs``)."""
    results_per_run: int = attrs.field(default=10, validator=_non_negative)
    """Results (one per digital-human call) per run."""
    cognigy_runs_per_batch: int = attrs.field(default=250, validator=_non_negative)
    """Runs in every Cognigy batch until :meth:`SandboxState.cognigy_append` adds more."""
    api_key: str = "sandbox"
    """Accepted as Bluejay ``X-API-Key`` and as Cognigy Bearer token or ``X-API-Key``."""
    latency: float = attrs.field(default=0.0, validator=attrs.validators.ge(0.0))
    """Seconds added to every request."""
    faults: tuple[FaultRule, ...] = attrs.field(default=(), converter=_rules)
    """Fault rules active from the start (see :mod:`bluejay_async.sandbox.faults`)."""
    cognigy_max_page_size: int = attrs.field(default=100, validator=attrs.validators.ge(1))
    """Most runs a Cognigy page holds, whatever ``limit`` asked for."""
    cognigy_cursors: bool = True
    """Return opaque ``next``/``previous`` cursors (else both are null: offset paging only)."""
    host: str = "127.0.0.1"
    """Interface :func:`run_sandbox` binds."""
    port: int = attrs.field(default=0, validator=_non_negative)
    """Port :func:`run_sandbox` binds (0: an ephemeral port)."""
    request_log_size: int = attrs.field(default=10_000, validator=_non_negative)
    """How many :class:`RequestRecord` entries ``Sandbox.request_log`` keeps."""
    body_cache_size: int = attrs.field(default=8192, validator=_non_negative)
    """How many serialised retrieve-simulation-results bodies are kept (LRU)."""
    run_seconds: float = attrs.field(default=30.0, validator=attrs.validators.ge(0.0))
    """How long a run queued through ``POST /v1/queue-simulation-run`` takes: each call finishes
    at its own seeded moment within this many seconds, the last one exactly at the end, and the
    run is COMPLETED then. 0 completes a run at once; ``math.inf`` gives a run that never ends."""
    goal_success_rate: float = attrs.field(
        default=0.8, validator=[attrs.validators.ge(0.0), attrs.validators.le(1.0)]
    )
    """Probability that a call of a queued run meets its goal (drawn per result from the seed)."""
    warm: bool = False
    """Generate and serialise every retrieve body before serving (about 1.7 ms per run), so
    benchmarks measure serving rather than first-request generation."""
