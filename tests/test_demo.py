"""The README's main job: the demo runs the whole flow against the sandbox, faults or not."""

from __future__ import annotations

import io
import re

import pytest

from bluejay_async.demo import demo_faults, run_demo


@pytest.mark.parametrize("faults", [False, True])
async def test_the_demo_completes_and_reports(faults: bool) -> None:
    out = io.StringIO()

    assert await run_demo(faults=faults, runs=6, out=out, run_seconds=0) == 0

    report = out.getvalue()
    assert "60 fetched, 0 runs failed" in report
    assert "applied and read back" in report
    assert "300 runs paged" in report
    assert f"(faults {'on' if faults else 'off'}" in report
    if faults:
        assert re.search(r"\d+ answered with an injected fault \(faults on\), each retried", report)
    else:
        assert "no faults injected" in report


async def test_every_result_is_counted_once_in_the_goals_line() -> None:
    out = io.StringIO()

    assert await run_demo(runs=12, out=out) == 0

    report = out.getvalue()
    fetched_line = re.search(r"results +(\d+) fetched", report)
    assert fetched_line is not None, report
    fetched = int(fetched_line[1])
    goals = re.search(
        r"goals +(\d+) met, (\d+) missed, (\d+) without a verdict(?: \(calls: (.*)\))?", report
    )
    assert goals is not None, report
    met, missed, unjudged = (int(goals[i]) for i in (1, 2, 3))
    assert met + missed + unjudged == fetched == 120
    if unjudged:
        by_status = [part.split(" ", 1) for part in goals[4].split(", ")]
        assert sum(int(n) for n, _ in by_status) == unjudged


def test_demo_faults_never_put_an_ambiguous_failure_on_a_write() -> None:
    for rule in demo_faults():
        if rule.route in ("*", "create_simulation", "update_simulation_result"):
            assert rule.kind == "latency" or (rule.kind == "status" and rule.status == 429)
