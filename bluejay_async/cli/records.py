"""What the commands print: a :class:`~bluejay_async.cli.output.View` per kind of record.

JSON forms come from the SDK's converter (:func:`bluejay_async.core.converter.unstructure`), so
they carry the API's field names, ISO timestamps and epoch-millisecond integers. A simulation
result is printed and exported as one flat record: the run's ``run_id`` and ``simulation_id``
followed by the result's own fields.
"""

from __future__ import annotations

from typing import Any

import attrs

from bluejay_async.cli.output import Column, View
from bluejay_async.core.converter import unstructure
from bluejay_async.models import (
    Evaluation,
    SimulationResult,
    SimulationResults,
    SimulationRun,
    SimulationRunDetail,
)
from cognigy_async.models import Run

__all__ = [
    "COGNIGY_RUN_VIEW",
    "RESULT_VIEW",
    "RUN_VIEW",
    "RunResult",
    "id_value",
    "result_record",
    "run_results",
    "run_title",
]


def id_value(text: str) -> int | str:
    """An id the API sent as a string, as an int when it is one (``"1001"`` -> ``1001``)."""
    if text.isascii() and text.isdigit() and (text == "0" or not text.startswith("0")):
        return int(text)
    return text


@attrs.frozen
class RunResult:
    """One simulation result together with the run it belongs to."""

    run: SimulationRunDetail
    result: SimulationResult


def run_results(results: SimulationResults) -> list[RunResult]:
    """Every result of a retrieved run, each paired with the run."""
    return [RunResult(results.simulation_run, result) for result in results.simulation_results]


def result_record(item: RunResult) -> dict[str, Any]:
    """The JSON record of one result: ``run_id``, ``simulation_id``, then the result's fields."""
    return {
        "run_id": id_value(item.run.id),
        "simulation_id": id_value(item.run.simulation_id),
        **unstructure(item.result),
    }


def run_title(run: SimulationRunDetail) -> str:
    """The line above a results table: which run, its status and its score."""
    score = ""
    if run.total_tests is not None:
        score = f", {run.tests_passed or 0}/{run.total_tests} passed"
    return f"run {run.id} of simulation {run.simulation_id}: {run.status or 'unknown'}{score}"


def _first_evaluation(result: SimulationResult) -> Evaluation | None:
    return result.evaluations[0] if result.evaluations else None


def _goal(item: RunResult) -> str | None:
    evaluation = _first_evaluation(item.result)
    if evaluation is None or evaluation.goal_success is None:
        return None
    return "met" if evaluation.goal_success else "missed"


def _p95_latency(item: RunResult) -> float | None:
    evaluation = _first_evaluation(item.result)
    if evaluation is None or evaluation.latency is None:
        return None
    return evaluation.latency.p95_agent_latency


def _call_summary(item: RunResult) -> str | None:
    evaluation = _first_evaluation(item.result)
    return None if evaluation is None else evaluation.call_summary


def _success_rate(run: Run) -> str | None:
    rate = run.metrics.success_rate
    if rate is None or rate.percentage is None:
        return None
    return f"{rate.percentage:.0f}%"


def _seconds(milliseconds: int | None) -> str | None:
    return None if milliseconds is None else f"{milliseconds / 1000:.1f}"


RUN_VIEW: View[SimulationRun] = View(
    columns=[
        Column("RUN", lambda r: r.id, "right"),
        Column("STATUS", lambda r: r.status),
        Column("CREATED", lambda r: r.created_at),
        Column("PASSED", lambda r: r.tests_passed, "right"),
        Column("FAILED", lambda r: r.tests_failed, "right"),
        Column("TOTAL", lambda r: r.total_tests, "right"),
        Column("SUMMARY", lambda r: r.summary, max_width=60),
    ],
    to_json=unstructure,
    noun="runs",
)
"""A simulation's runs (``runs SIMULATION_ID``)."""

RESULT_VIEW: View[RunResult] = View(
    columns=[
        Column("RESULT", lambda i: i.result.id, "right"),
        Column("STATUS", lambda i: i.result.status),
        Column("STARTED", lambda i: i.result.start_time),
        Column("SECONDS", lambda i: _seconds(i.result.duration), "right"),
        Column("GOAL", _goal),
        Column("P95 MS", _p95_latency, "right"),
        Column("SUMMARY", _call_summary, max_width=60),
    ],
    to_json=result_record,
    noun="results",
)
"""A run's simulation results (``results RUN_ID``, and the lines of ``export``)."""

COGNIGY_RUN_VIEW: View[Run] = View(
    columns=[
        Column("SEQ", lambda r: r.sequence, "right"),
        Column("RUN", lambda r: r.id),
        Column("STATUS", lambda r: r.metrics.status),
        Column("SUCCESS", lambda r: r.metrics.success),
        Column("RATE", _success_rate, "right"),
        Column("SENTIMENT", lambda r: r.metrics.sentiment),
        Column("TURNS", lambda r: r.total_turns, "right"),
        Column("SECONDS", lambda r: _seconds(r.duration), "right"),
        Column("CREATED", lambda r: r.created_at),
    ],
    to_json=unstructure,
    noun="runs",
)
"""A Cognigy batch's runs (``cognigy runs SIM_REF BATCH_REF``)."""
