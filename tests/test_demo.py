"""The README's main job: the demo runs the whole flow against the sandbox, faults or not."""

from __future__ import annotations

import io

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
    assert f"(faults {'on' if faults else 'off'})" in report


def test_demo_faults_never_put_an_ambiguous_failure_on_a_write() -> None:
    for rule in demo_faults():
        if rule.route in ("*", "create_simulation", "update_simulation_result"):
            assert rule.kind == "latency" or (rule.kind == "status" and rule.status == 429)
