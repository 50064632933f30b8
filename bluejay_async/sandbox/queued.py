"""Runs started through ``POST /v1/queue-simulation-run``, and how they progress over time.

Everything about a queued run is decided when it is queued, from the seed: which calls meet
their goal (each with probability ``goal_success_rate``), and when each call starts and finishes
(seconds after queueing, the last finish exactly at ``run_seconds``). Looking at the run later
only compares the clock with those moments:

* before its start a call's result is ``queued``; from its start ``in_progress`` (with its
  ``start_time``); from its finish it is complete, with outcome, evaluations, latency, duration
  and transcript/recording URLs, exactly as a seeded result;
* the run is ``RUNNING`` until its last call finishes, then ``COMPLETED`` with a summary; its
  counters count finished calls only.

Call timestamps are those of realistic calls (minutes long, one every 45 seconds or so) counted
from the run's ``created_at``; ``run_seconds`` only sets how soon the sandbox reports them.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from datetime import datetime, timezone

import attrs

from .data.common import FAILED, INCOMPLETE, JSON, PASSED, iso, rng_for
from .data.results import call_start, make_result, pending_result
from .data.simulations import RunPlan, run_summary

QUEUED, IN_PROGRESS, FINISHED = 0, 1, 2
"""Stages of one call, in order."""


@attrs.frozen
class QueuedRun:
    """A queued run: its final plan and the moment each of its calls starts and finishes."""

    plan: RunPlan
    """The run as it ends: every outcome decided, status ``COMPLETED``."""
    queued_at: float
    """Clock reading when the run was queued."""
    starts: tuple[float, ...]
    """Seconds after queueing at which each call starts."""
    finishes: tuple[float, ...]
    """Seconds after queueing at which each call finishes."""
    _marks: tuple[float, ...] = attrs.field(init=False)

    @_marks.default
    def _sorted_marks(self) -> tuple[float, ...]:
        return tuple(sorted((*self.starts, *self.finishes)))

    def phase(self, now: float) -> int:
        """How many starts and finishes have happened by ``now``: equal phases, equal state."""
        return bisect_right(self._marks, now - self.queued_at)

    def stage(self, position: int, now: float) -> int:
        """:data:`QUEUED`, :data:`IN_PROGRESS` or :data:`FINISHED` for call ``position``."""
        elapsed = now - self.queued_at
        if elapsed >= self.finishes[position]:
            return FINISHED
        return IN_PROGRESS if elapsed >= self.starts[position] else QUEUED

    def snapshot(self, now: float) -> RunPlan:
        """The run as it stands at ``now`` (its row and retrieve header are made from this)."""
        final = self.plan
        elapsed = now - self.queued_at
        outcomes = tuple(
            outcome if elapsed >= finish else INCOMPLETE
            for outcome, finish in zip(final.outcomes, self.finishes, strict=True)
        )
        if INCOMPLETE not in outcomes:
            return final
        done = len(outcomes) - outcomes.count(INCOMPLETE)
        return attrs.evolve(
            final,
            outcomes=outcomes,
            status="RUNNING",
            summary=None,
            curr_step_id=1 + 10 * done // len(outcomes),
        )

    def result(self, seed: int, position: int, stage: int) -> JSON:
        """Result ``position`` as retrieve shows it at ``stage``."""
        plan = self.plan
        if stage == FINISHED:
            return make_result(seed, plan, position)
        humans = plan.digital_humans
        human = humans[position] if humans is not None else None
        if stage == QUEUED:
            return pending_result(plan.result_ids[position], human, "queued", None)
        started = iso(call_start(seed, plan, position))
        return pending_result(plan.result_ids[position], human, "in_progress", started)


def queue_run(
    seed: int,
    simulation: JSON,
    run_id: int,
    result_ids: tuple[int, ...],
    digital_humans: tuple[int, ...],
    *,
    now: float,
    run_seconds: float,
    goal_success_rate: float,
    phone_number: str | None,
) -> QueuedRun:
    """Decide everything about a run queued at ``now``; ``digital_humans`` pairs with results."""
    outcomes = tuple(
        PASSED if rng_for(seed, "queued-goal", rid).random() < goal_success_rate else FAILED
        for rid in result_ids
    )
    summary = None
    if result_ids:
        passed = outcomes.count(PASSED)
        summary = run_summary(rng_for(seed, "queued-run", run_id), passed, len(outcomes) - passed)
    plan = RunPlan(
        run_id=run_id,
        simulation_id=simulation["id"],
        domain=simulation["domain"],
        ordinal=len(simulation["run_ids"]),
        created_at=datetime.fromtimestamp(now, timezone.utc),
        result_ids=result_ids,
        outcomes=outcomes,
        status="COMPLETED",
        summary=summary,
        curr_step_id=12,
        phone_number=phone_number,
        digital_humans=digital_humans,
    )
    starts, finishes = _timings(seed, run_id, len(result_ids), run_seconds)
    return QueuedRun(plan, now, starts, finishes)


def _timings(
    seed: int, run_id: int, count: int, run_seconds: float
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Start and finish of each call: finishes spread over the run, the last one at its end."""
    if count == 0:
        return (), ()
    rng = rng_for(seed, "queued-timing", run_id)
    draws = [(rng.uniform(0.2, 1.0), rng.uniform(0.0, 0.5)) for _ in range(count)]
    longest = max(finish for finish, _ in draws)
    if math.isinf(run_seconds):  # a run that never ends: every call starts and none finishes
        return (0.0,) * count, (math.inf,) * count
    finishes = tuple(run_seconds * (finish / longest) for finish, _ in draws)
    starts = tuple(end * lead for end, (_, lead) in zip(finishes, draws, strict=True))
    return starts, finishes
