"""``export`` as a real subprocess: complete files under faults, failures, interruption, resume."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bluejay_async.sandbox import FaultRule, Sandbox, SandboxConfig, run_sandbox

from .helpers import expected_results, finish, read_jsonl, run_cli, sandbox_env, started

RETRIEVE = "retrieve_simulation_results"


def _pairs(path: Path) -> list[tuple[int, int]]:
    return [(record["run_id"], record["id"]) for record in read_jsonl(path)]


def _complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _file_names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


async def _wait_for_lines(path: Path, count: int) -> None:
    """Wait until ``path`` holds at least ``count`` complete lines."""

    async def poll() -> None:
        while True:
            if _complete_lines(path) >= count:
                return
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout=30)


@pytest.fixture
async def small_sandbox() -> AsyncIterator[Sandbox]:
    """Simulations of 6 runs with 2 results each."""
    async with run_sandbox(SandboxConfig(runs_per_simulation=6, results_per_run=2)) as sb:
        yield sb


async def test_export_writes_every_result_once(sandbox: Sandbox, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"

    done = await run_cli("export", "2", "--out", str(out), env=sandbox_env(sandbox))

    assert done.code == 0, done.stderr
    pairs = _pairs(out)
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == expected_results(sandbox, 2)
    assert {record["simulation_id"] for record in read_jsonl(out)} == {2}
    assert done.error_lines == [f"exported {len(pairs)} results of 4 runs to {out}"]
    assert done.stdout == ""
    assert _file_names(tmp_path) == ["results.jsonl"]


async def test_a_faulted_export_still_produces_a_complete_file(tmp_path: Path) -> None:
    # Transient failures of every kind, each rule firing exactly twice on later and later
    # requests: the SDK retries them all, so the file must come out complete.
    faults = (
        FaultRule("status", "get_simulation_runs", status=502, html=True, times=1),
        FaultRule("status", RETRIEVE, status=500, times=2),
        FaultRule("status", RETRIEVE, status=503, html=True, after=2, times=2),
        FaultRule("drop_before", RETRIEVE, after=4, times=2),
        FaultRule("truncate", RETRIEVE, after=6, times=2),
    )
    config = SandboxConfig(seed=5, runs_per_simulation=12, results_per_run=3, faults=faults)
    out = tmp_path / "results.jsonl"

    async with run_sandbox(config) as sb:
        done = await run_cli(
            "export", "1", "--out", str(out), "--concurrency", "4", "--max-attempts", "10",
            env=sandbox_env(sb),
        )  # fmt: skip
        expected = expected_results(sb, 1)
        injected = sb.counters.faults.copy()

    assert done.code == 0, done.stderr
    pairs = _pairs(out)
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == expected
    assert injected == {  # every fault was met, and ridden out
        ("get_simulation_runs", "status"): 1,
        (RETRIEVE, "status"): 4,
        (RETRIEVE, "drop_before"): 2,
        (RETRIEVE, "truncate"): 2,
    }


async def test_failed_runs_are_listed_and_resume_fetches_only_them(
    small_sandbox: Sandbox, tmp_path: Path
) -> None:
    sb = small_sandbox
    run_ids = sb.state.simulations[1]["run_ids"]
    sb.set_faults([FaultRule("status", RETRIEVE, status=500, after=2, times=2)])
    out = tmp_path / "results.jsonl"
    env = sandbox_env(sb)
    args = ["export", "1", "--out", str(out), "--concurrency", "1", "--max-attempts", "1"]

    failed = await run_cli(*args, env=env)

    assert failed.code == 1
    failed_runs = run_ids[2:4]  # one request at a time, in listing order: the 3rd and 4th fail
    assert failed.error_lines[1:] == [
        *(f"failed: run {run}: 500 ServerError on GET {sb.bluejay_url}"
          f"/v1/retrieve-simulation-results/{run}: Internal Server Error" for run in failed_runs),
        "error: 2 of 6 runs failed; run the same command with --resume to fetch them again",
    ]  # fmt: skip
    saved = _pairs(out)
    assert set(saved) == {pair for pair in expected_results(sb, 1) if pair[0] not in failed_runs}

    sb.clear_faults()
    sb.counters.reset()
    resumed = await run_cli(*args, "--resume", env=env)

    assert resumed.code == 0, resumed.stderr
    assert sb.counters.requests[RETRIEVE] == 2
    pairs = _pairs(out)
    assert pairs[: len(saved)] == saved
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == expected_results(sb, 1)
    assert resumed.error_lines == [
        f"exported 12 results of 6 runs to {out} (4 runs were already there)"
    ]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL])
async def test_an_interrupted_export_resumes_where_it_stopped(
    small_sandbox: Sandbox, tmp_path: Path, stop: signal.Signals
) -> None:
    sb = small_sandbox
    # Three runs come back at once, then the server stalls: the export is stopped mid-way.
    sb.set_faults([FaultRule("latency", RETRIEVE, delay=30.0, after=3)])
    out = tmp_path / "results.jsonl"
    partial = tmp_path / "results.jsonl.part"
    args = ["export", "1", "--out", str(out), "--concurrency", "1"]

    async with started(*args, env=sandbox_env(sb)) as proc:
        await _wait_for_lines(partial, 3 * 2)
        proc.send_signal(stop)
        interrupted = await finish(proc)

    assert not out.exists()  # never half-written
    assert len(read_jsonl(partial)) == 3 * 2
    if stop == signal.SIGINT:
        assert interrupted.code == 130
        assert interrupted.error_lines == [
            f"3 runs saved in {partial}; run the same command with --resume to finish",
            "interrupted",
        ]
    sb.clear_faults()
    sb.counters.reset()
    resumed = await run_cli(*args, "--resume", env=sandbox_env(sb))

    assert resumed.code == 0, resumed.stderr
    # The last run saved before the interruption is fetched again: it may have been cut short.
    assert sb.counters.requests[RETRIEVE] == 6 - 2
    assert resumed.error_lines == [
        f"exported 12 results of 6 runs to {out} (2 runs were already there)"
    ]
    pairs = _pairs(out)
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == expected_results(sb, 1)
    assert not partial.exists()


async def test_resume_refuses_a_file_of_another_simulation(
    small_sandbox: Sandbox, tmp_path: Path
) -> None:
    out = tmp_path / "results.jsonl"
    env = sandbox_env(small_sandbox)
    first = await run_cli("export", "1", "--out", str(out), env=env)
    before = out.read_bytes()

    other = await run_cli("export", "2", "--out", str(out), "--resume", env=env)

    assert first.code == 0, first.stderr
    assert other.code == 2
    assert other.error_lines == [
        f"error: {out} holds results of simulation 1, not 2; choose another --out"
    ]
    assert out.read_bytes() == before


async def test_an_unwritable_output_is_an_input_error_before_any_request(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    out = tmp_path / "missing-dir" / "results.jsonl"

    done = await run_cli("export", "1", "--out", str(out), env=sandbox_env(sandbox))

    assert done.code == 2
    assert done.error_lines == [f"error: --out {out}: No such file or directory ({out}.part)"]
    assert sum(sandbox.counters.requests.values()) == 0
