"""A small fixed run whose figures are computed by hand in the tests."""

from __future__ import annotations

import pytest

from bluejay_async import SimulationResults
from tests.report.builders import evaluation, metric, result, run


def five_results() -> list:  # type: ignore[type-arg]
    return [
        result(
            1,
            evaluation(
                True,
                p95=1000,
                avg=400,
                turns=6,
                metrics=[metric("Policy", "true"), metric("Empathy", "80", "score")],
            ),
            scenario="Book",
        ),
        result(
            2,
            evaluation(
                False,
                hallucination=True,
                redundancy=True,
                p95=3000,
                avg=1600,
                turns=10,
                metrics=[metric("Policy", "false"), metric("Empathy", "40", "score")],
            ),
            scenario="Cancel",
            seconds=None,
            duration=120_000,
        ),
        result(3, status="failed", seconds=10),
        result(
            4,
            evaluation(False, p95=9999, created=0),
            evaluation(
                True,
                hallucination=None,
                p95=2000,
                avg=1000,
                turns=8,
                created=30,
                metrics=[metric("Resolution", "resolved", "enum")],
            ),
        ),
        result(5, status="in_progress", seconds=None),
    ]


@pytest.fixture
def fixed_run() -> SimulationResults:
    """Five results: met, missed, errored (no evaluation), re-evaluated to met, in progress."""
    return run(five_results())
