"""``run``, ``gate``, ``compare`` and ``cognigy gate`` as real subprocesses: every exit status,
every report file, CI logs without a terminal, an interrupt and a timeout during the wait.

The expected figures are computed in-process with the SDK from an identical sandbox (the
sandbox is deterministic), so the thresholds are chosen to pass or fail by construction.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import xmlschema
from junitparser import JUnitXml

from bluejay_async.report import RunSummary, summarize
from bluejay_async.sandbox import SandboxConfig
from tests.loops import run_apart

from .helpers import ROOT, cli_env, finish, run_cli, started
from .judge_data import JUNIT_XSD, queue_and_wait

FAST = ("--sandbox", "--sandbox-run-seconds", "0", "--sandbox-goal-success-rate", "1")


def env(**extra: str) -> dict[str, str]:
    """No credentials, not in CI, no step summary, unless the test says so."""
    base = cli_env()
    for name in ("CI", "GITHUB_STEP_SUMMARY", "NO_COLOR"):
        base.pop(name, None)
    base.update(extra)
    return base


@pytest.fixture(scope="module")
def good() -> RunSummary:
    """What ``run 1 FAST`` queues and reads."""
    config = SandboxConfig(run_seconds=0, goal_success_rate=1.0)
    return summarize(run_apart(queue_and_wait(config)))


def _percent(rate: float | None) -> str:
    assert rate is not None
    return f"{rate * 100:.6f}%"


async def _read_until(stream: asyncio.StreamReader, done: Callable[[str], bool]) -> list[str]:
    lines: list[str] = []
    while True:
        raw = await asyncio.wait_for(stream.readline(), timeout=60)
        assert raw, f"the stream ended before the line was seen: {lines}"
        lines.append(raw.decode())
        if done(lines[-1]):
            return lines


# --- exit statuses ------------------------------------------------------------------------------


async def test_a_passing_gate_exits_0(good: RunSummary) -> None:
    at_the_limit = _percent(good.goal_success_rate)

    done = await run_cli("run", "1", *FAST, "--min-goal-success-rate", at_the_limit, env=env())

    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (
        f"run {good.runs[0].run_id} of simulation 1: {good.total} results: "
        f"{good.goal.hits} met their goal, {len(good.failed_results)} missed it, "
        f"{good.no_verdict} without a verdict"
    )
    assert lines[-1] == "PASSED: all 1 threshold met"


async def test_a_failing_gate_exits_3_with_each_breach(good: RunSummary) -> None:
    assert good.p95_latency_ms is not None
    assert good.mean_latency_ms is not None
    done = await run_cli(
        "run", "1", *FAST,
        "--min-goal-success-rate", _percent(good.goal_success_rate),
        "--max-p95-latency-ms", str(good.p95_latency_ms - 1),
        "--max-mean-latency-ms", str(good.mean_latency_ms - 1),
        env=env(),
    )  # fmt: skip

    assert done.code == 3, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "FAILED: 2 of 3 thresholds not met"
    breaches = [line for line in lines if line.startswith("  - ")]
    assert breaches[0].startswith("  - p95 latency ")
    assert breaches[1].startswith("  - mean latency ")
    assert len(breaches) == 2
    for result in good.failed_results:
        assert f"(digital human {result.digital_human_id})" in done.stdout


async def test_an_api_failure_exits_1() -> None:
    done = await run_cli("gate", "99999", "--sandbox", env=env())

    assert done.code == 1
    assert done.error_lines[-1].startswith("error: ")
    assert "404" in done.error_lines[-1]
    assert done.stdout == ""


async def test_a_run_that_does_not_finish_in_time_exits_1() -> None:
    done = await run_cli(
        "run", "1", "--sandbox", "--sandbox-run-seconds", "inf",
        "--timeout", "0.3s", "--poll-interval", "0.1s", "--min-goal-success-rate", "0.9",
        env=env(),
    )  # fmt: skip

    assert done.code == 1
    queued = done.error_lines[0]
    assert queued.startswith("queued run ")
    run_id = queued.split()[2]
    assert f"note: run {run_id} goes on on the server; judge it later with: " in done.stderr
    assert done.error_lines[-1].startswith(f"error: run {run_id} did not finish within 0.3 s (")
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "1", "--sandbox", "--max-goal-success-drop", "5%"], "need --baseline"),
        (["gate", "1001", "--min-goal-success-rate", "90"], "did you mean 90%?"),
        (["run", "1", "--sandbox-run-seconds", "0"], "--sandbox-run-seconds needs --sandbox"),
        (["gate", "1001", "--sandbox", "--max-poll-interval", "1s"], "max_poll_interval"),
        (["run", "1"], "no Bluejay API key"),
    ],
)
async def test_usage_errors_exit_2(argv: list[str], message: str) -> None:
    done = await run_cli(*argv, env=env())

    assert done.code == 2
    assert message in done.stderr
    assert done.stdout == ""


async def test_an_interrupt_during_the_wait_exits_130() -> None:
    argv = ["run", "1", "--sandbox", "--sandbox-run-seconds", "inf", "--poll-interval", "0.2s"]
    async with started(*argv, env=env()) as proc:
        assert proc.stderr is not None
        seen = await _read_until(proc.stderr, lambda line: "results finished" in line)
        proc.send_signal(signal.SIGINT)
        done = await finish(proc)

    assert done.code == 130
    assert seen[0].startswith("note: no thresholds given, so the gate checks nothing")
    run_id = seen[1].split()[2]
    assert seen[-1].startswith(f"run {run_id}: 0 of 10 results finished (")
    assert done.error_lines[-2:] == [
        f"note: run {run_id} goes on on the server; judge it later with: "
        f"bluejay-async gate {run_id}",
        "interrupted",
    ]
    assert done.stdout == ""


# --- reports ------------------------------------------------------------------------------------


async def test_every_report_file_and_the_step_summary(tmp_path: Path, good: RunSummary) -> None:
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("# earlier step\n", encoding="utf-8")
    junit, markdown, page = tmp_path / "out/junit.xml", tmp_path / "summary.md", tmp_path / "r.html"

    done = await run_cli(
        "run", "1", *FAST, "--max-p95-latency-ms", "1",
        "--junit", str(junit), "--markdown", str(markdown), "--html", str(page),
        env=env(GITHUB_STEP_SUMMARY=str(step_summary)),
    )  # fmt: skip

    assert done.code == 3, done.stderr
    assert done.error_lines[-1] == f"wrote {junit}, {markdown}, {page}"
    xmlschema.XMLSchema(JUNIT_XSD).validate(str(junit))
    (suite,) = JUnitXml.fromfile(str(junit))
    assert suite.tests == good.total + 1
    assert suite.failures == len(good.failed_results) + 1
    text = markdown.read_text(encoding="utf-8")
    assert text.startswith("## \u274c Bluejay gate failed: run ")
    assert step_summary.read_text(encoding="utf-8") == "# earlier step\n" + text + "\n"
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert 'data-passed="false"' in html


async def test_json_is_one_document_with_summary_verdict_and_status(good: RunSummary) -> None:
    done = await run_cli("run", "1", *FAST, "--max-p95-latency-ms", "1", "--json", env=env())

    assert done.code == 3, done.stderr
    document = json.loads(done.stdout)
    assert list(document) == [
        "product", "title", "passed", "exit_status", "headline", "summary", "gate", "comparison",
    ]  # fmt: skip
    assert (document["passed"], document["exit_status"], document["comparison"]) == (False, 3, None)
    summary, expected = document["summary"], json.loads(json.dumps(good.to_dict()))
    # The run's created_at is the moment it was queued; every figure is the same.
    assert [r["run_id"] for r in summary.pop("runs")] == [r["run_id"] for r in expected.pop("runs")]
    assert summary == expected
    assert document["gate"]["passed"] is False
    assert [c["threshold"] for c in document["gate"]["checks"]] == ["max_p95_latency_ms"]
    assert done.error_lines[-1] == document["headline"]


async def test_a_report_that_cannot_be_written_exits_1(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")

    done = await run_cli("run", "1", *FAST, "--junit", str(blocker / "junit.xml"), env=env())

    assert done.code == 1
    assert done.error_lines[-1].startswith("error: ")
    assert done.stdout.splitlines()[-1].startswith("PASSED")  # the verdict was shown first


# --- progress -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ci", [True, False])
async def test_ci_logs_have_plain_lines_and_no_ansi(ci: bool) -> None:
    extra = {"CI": "true"} if ci else {}  # without CI, stderr is a pipe: plain lines too

    done = await run_cli("run", "1", *FAST, "--max-p95-latency-ms", "1", env=env(**extra))

    assert done.code == 3
    assert "\x1b" not in done.stderr + done.stdout
    assert "\r" not in done.stderr
    progress = [line for line in done.error_lines if "results finished" in line]
    assert progress
    assert progress[-1].startswith("run 1013: 10 of 10 results finished (")


async def test_a_bar_on_a_terminal() -> None:
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bluejay_async", "run", "1", *FAST,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=follower,
            env=env(), cwd=ROOT,
        )  # fmt: skip
    finally:
        os.close(follower)

    def read_all() -> bytes:
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                return b"".join(chunks)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    try:
        terminal, (stdout, _) = await asyncio.gather(
            asyncio.to_thread(read_all), asyncio.wait_for(proc.communicate(), 60)
        )
    finally:
        os.close(leader)
    shown = terminal.decode()

    assert proc.returncode == 0
    assert "\r\x1b[Krun 1013 [" in shown
    assert "10 of 10 results finished" in shown
    assert "\x1b" not in stdout.decode()  # stdout is a pipe: no colour in the verdict
