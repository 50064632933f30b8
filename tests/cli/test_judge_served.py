"""The gate commands against a served sandbox (as with ``serve``): progress on the sandbox's
manual clock, a baseline comparison, ``compare``, ``gate`` on runs that exist, ``cognigy gate``.

The sandbox runs in the test's event loop; the command line is a real subprocess that reaches it
over HTTP. Time moves only when the test moves the sandbox's clock.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import xmlschema
from junitparser import JUnitXml

from bluejay_async import BluejayClient
from bluejay_async.report import RegressionLimits, compare, summarize
from bluejay_async.sandbox import ManualClock, Sandbox, SandboxConfig, run_sandbox
from cognigy_async import CognigyClient
from cognigy_async import report as cognigy

from .helpers import finish, run_cli, sandbox_env, started
from .judge_data import JUNIT_XSD

POLL_FAST = ("--poll-interval", "0.05s", "--max-poll-interval", "0.05s")


def served_env(sb: Sandbox, **extra: str) -> dict[str, str]:
    env = sandbox_env(sb, **extra)
    for name in ("GITHUB_STEP_SUMMARY", "NO_COLOR"):
        env.pop(name, None)
    env.setdefault("CI", "true")
    return env


@pytest.fixture
async def clock_sandbox() -> AsyncIterator[tuple[Sandbox, ManualClock]]:
    clock = ManualClock()
    async with run_sandbox(SandboxConfig(run_seconds=60), clock=clock) as sb:
        yield sb, clock


@pytest.fixture
async def instant() -> AsyncIterator[tuple[Sandbox, BluejayClient]]:
    async with (
        run_sandbox(SandboxConfig(run_seconds=0)) as sb,
        BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url) as bj,
    ):
        yield sb, bj


async def _read_until(
    stream: asyncio.StreamReader | None, done: Callable[[str], bool]
) -> list[str]:
    assert stream is not None
    lines: list[str] = []
    while True:
        raw = await asyncio.wait_for(stream.readline(), timeout=60)
        assert raw, f"the stream ended before the line was seen: {lines}"
        lines.append(raw.decode().rstrip("\n"))
        if done(lines[-1]):
            return lines


def _percent(rate: float | None) -> str:
    assert rate is not None
    return f"{rate * 100:.6f}%"


async def test_progress_lines_follow_the_run(clock_sandbox: tuple[Sandbox, ManualClock]) -> None:
    sb, clock = clock_sandbox
    argv = ["run", "1", *POLL_FAST, "--min-results", "1"]

    async with started(*argv, env=served_env(sb)) as proc:
        lines = await _read_until(proc.stderr, lambda line: "results finished" in line)
        run_id = int(lines[0].split()[2])
        run = sb.state.queued[run_id]
        ends = sorted(run.finishes)
        clock.advance((ends[2] + ends[3]) / 2)  # between the third and the fourth call's end
        finished = sum(f <= clock() - run.queued_at for f in run.finishes)
        lines += await _read_until(proc.stderr, lambda line: f": {finished} of 10 " in line)
        clock.advance(60)
        done = await finish(proc)

    assert done.code == 0, done.stderr
    assert lines[0] == f"queued run {run_id} of simulation 1: 10 calls"
    assert lines[1].startswith(f"run {run_id}: 0 of 10 results finished (")
    assert lines[-1].startswith(f"run {run_id}: {finished} of 10 results finished (")
    assert done.error_lines[-2].startswith(f"run {run_id}: 10 of 10 results finished (")
    assert done.error_lines[-1].startswith(f"run {run_id} finished: 10 results (")


async def test_gate_waits_for_a_run_in_progress(clock_sandbox: tuple[Sandbox, ManualClock]) -> None:
    sb, clock = clock_sandbox
    async with BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url) as bj:
        run_id = (await bj.runs.queue(2)).simulation_run_id
        argv = ["gate", run_id, *POLL_FAST, "--min-results", "10"]
        async with started(*argv, env=served_env(sb)) as proc:
            await _read_until(proc.stderr, lambda line: "0 of 10 results finished" in line)
            clock.advance(60)
            done = await finish(proc)
        expected = summarize(await bj.results.retrieve(run_id))

    assert done.code == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "PASSED: all 1 threshold met"
    assert f"{expected.goal.hits} met their goal" in done.stdout


async def test_gate_of_a_finished_run_at_and_above_its_figures(
    instant: tuple[Sandbox, BluejayClient],
) -> None:
    sb, bj = instant
    expected = summarize(await bj.results.retrieve(1001))
    rate = _percent(expected.goal_success_rate)

    at_limit = await run_cli("gate", "1001", "--min-goal-success-rate", rate, env=served_env(sb))
    above = await run_cli("gate", "1001", "--min-goal-success-rate", "100%", env=served_env(sb))

    assert at_limit.code == 0, at_limit.stderr
    assert above.code == 3, above.stderr
    assert above.stdout.splitlines()[-1] == "FAILED: 1 of 1 thresholds not met"


async def test_a_regression_against_a_baseline(
    instant: tuple[Sandbox, BluejayClient], tmp_path: Path
) -> None:
    sb, bj = instant
    sb.state.goal_success_rate = 1.0
    baseline_id = (await bj.runs.queue(1)).simulation_run_id
    baseline = await bj.runs.wait(baseline_id)
    sb.state.goal_success_rate = 0.3
    markdown = tmp_path / "summary.md"

    done = await run_cli(
        "run", "1", "--baseline", baseline_id, "--json", "--markdown", str(markdown),
        "--max-goal-success-drop", "5%", "--max-flipped-to-missed", "0",
        env=served_env(sb),
    )  # fmt: skip

    assert done.code == 3, done.stderr
    document = json.loads(done.stdout)
    current_id = document["summary"]["runs"][0]["run_id"]
    limits = RegressionLimits(max_goal_success_drop=0.05, max_flipped_to_missed=0)
    expected = compare(baseline, await bj.results.retrieve(current_id), limits)
    comparison = document["comparison"]
    assert expected.regressed
    assert comparison["regressions"] == list(expected.regressions)
    assert comparison["baseline"]["runs"][0]["run_id"] == baseline_id
    assert "current" not in comparison
    assert [p["current"]["result_id"] for p in comparison["flipped_to_missed"]] == [
        p.current.result_id for p in expected.flipped_to_missed
    ]
    assert document["gate"]["checks"] == []
    n = len(expected.regressions)
    assert document["headline"] == (
        f"FAILED: no thresholds set; regressed against run {baseline_id} "
        f"({n} limit{'s' if n != 1 else ''})"
    )
    text = markdown.read_text(encoding="utf-8")
    assert f"| Baseline (run {baseline_id}) | Change |" in text
    goal_row = next(line for line in text.splitlines() if line.startswith("| goal success rate"))
    assert goal_row.endswith("(worse) |")
    flipped = f"### Met their goal in run {baseline_id}, missed now"
    assert (flipped in text) == bool(expected.flipped_to_missed)


async def test_within_the_regression_limits_passes(instant: tuple[Sandbox, BluejayClient]) -> None:
    sb, bj = instant
    baseline_id = (await bj.runs.queue(1)).simulation_run_id

    done = await run_cli(
        "run", "1", "--baseline", baseline_id, "--max-goal-success-drop", "100%",
        env=served_env(sb),
    )  # fmt: skip

    assert done.code == 0, done.stderr
    assert done.stdout.splitlines()[-1] == (
        f"PASSED: no thresholds set; no regression against run {baseline_id}"
    )
    assert "BASELINE" in done.stdout.splitlines()[2]


async def test_compare_prints_deltas_and_flips(instant: tuple[Sandbox, BluejayClient]) -> None:
    sb, bj = instant
    sb.state.goal_success_rate = 1.0
    before = (await bj.runs.queue(1)).simulation_run_id
    sb.state.goal_success_rate = 0.3
    after = (await bj.runs.queue(1)).simulation_run_id
    expected = compare(await bj.results.retrieve(before), await bj.results.retrieve(after))

    table = await run_cli("compare", before, after, env=served_env(sb))
    limited = await run_cli(
        "compare", before, after, "--max-goal-success-drop", "5%", "--json", env=served_env(sb)
    )

    assert table.code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["METRIC", "BASELINE", f"({before})", "CANDIDATE", f"({after})",
                                "CHANGE"]  # fmt: skip
    goal = next(line for line in lines if line.startswith("goal success rate"))
    assert "(worse)" in goal
    assert f"met their goal in the baseline, missed now ({len(expected.flipped_to_missed)}):" in (
        table.stdout
    )
    assert limited.code == 3, limited.stderr
    document = json.loads(limited.stdout)
    assert (document["passed"], document["exit_status"]) == (False, 3)
    assert document["comparison"]["regressions"][0].startswith("goal success rate dropped ")


async def test_run_with_chosen_digital_humans(instant: tuple[Sandbox, BluejayClient]) -> None:
    sb, _ = instant
    done = await run_cli(
        "run", "1", "--digital-human", "5130", "--digital-human", "5193",
        "--runs-per-digital-human", "2", "--json", env=served_env(sb),
    )  # fmt: skip

    assert done.code == 0, done.stderr
    results = json.loads(done.stdout)["summary"]["results"]
    assert sorted(r["digital_human_id"] for r in results) == [5130, 5130, 5193, 5193]


async def test_cognigy_gate(tmp_path: Path) -> None:
    async with (
        run_sandbox(SandboxConfig(cognigy_runs_per_batch=40)) as sb,
        CognigyClient(api_key=sb.api_key, base_url=sb.cognigy_url) as cg,
    ):
        runs = [r async for r in cg.runs.iterate("sim-1", "batch-1", project_id="p1")]
        expected = cognigy.summarize(runs)
        args = ("cognigy", "gate", "sim-1", "batch-1", "--project", "p1")
        junit = tmp_path / "junit.xml"
        at_limit = await run_cli(
            *args, "--min-success-rate", _percent(expected.success_rate), env=served_env(sb)
        )
        failing = await run_cli(
            *args, "--min-success-rate", "100%", "--max-error-rate", "0", "--json",
            "--junit", str(junit), env=served_env(sb),
        )  # fmt: skip

    assert at_limit.code == 0, at_limit.stderr
    assert at_limit.stdout.splitlines()[0] == (
        f"batch batch-1 of simulation sim-1: {expected.total} runs: {expected.success.hits} "
        f"succeeded, {len(expected.failed_runs)} failed, {expected.success.missing} without a "
        "verdict"
    )
    assert failing.code == 3, failing.stderr
    document = json.loads(failing.stdout)
    assert (document["product"], document["comparison"]) == ("cognigy", None)
    assert document["summary"]["total"] == expected.total
    xmlschema.XMLSchema(JUNIT_XSD).validate(str(junit))
    (suite,) = JUnitXml.fromfile(str(junit))
    assert suite.tests == expected.total + 1
    assert suite.failures == len(expected.failed_runs) + 1
