"""``runs``, ``results`` and ``cognigy runs`` as real subprocesses against the sandbox."""

from __future__ import annotations

from datetime import datetime

import pytest

from bluejay_async.core import codec as _codec
from bluejay_async.sandbox import Sandbox, SandboxConfig, SandboxState

from .helpers import cli_env, run_cli, sandbox_env


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_runs_prints_a_table_of_the_sandboxed_simulation() -> None:
    state = SandboxState(SandboxConfig())  # what --sandbox serves: the default seeded data

    done = await run_cli("runs", "1", "--sandbox")

    assert done.code == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header.split() == ["RUN", "STATUS", "CREATED", "PASSED", "FAILED", "TOTAL", "SUMMARY"]
    assert [int(row.split()[0]) for row in rows] == state.simulations[1]["run_ids"]
    assert all(row.split()[2].endswith("Z") for row in rows)
    assert done.stderr == ""


async def test_runs_json_and_jsonl_carry_the_same_records(sandbox: Sandbox) -> None:
    env = sandbox_env(sandbox)

    as_json = await run_cli("runs", "2", "--json", env=env)
    as_lines = await run_cli("runs", "2", "--jsonl", env=env)

    assert (as_json.code, as_lines.code) == (0, 0)
    records = _codec.loads(as_json.stdout)
    assert records == [_codec.loads(line) for line in as_lines.stdout.splitlines()]
    assert [r["id"] for r in records] == sandbox.state.simulations[2]["run_ids"]
    assert all(r["experiment_id"] == 2 for r in records)
    assert all(_parse_time(r["created_at"]).tzinfo is not None for r in records)


async def test_results_jsonl_has_a_record_per_result_with_its_run(sandbox: Sandbox) -> None:
    run_id = sandbox.state.simulations[3]["run_ids"][1]

    done = await run_cli("results", str(run_id), "--jsonl", env=sandbox_env(sandbox))

    assert done.code == 0, done.stderr
    records = [_codec.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in records] == list(sandbox.state.plans[run_id].result_ids)
    assert {(r["run_id"], r["simulation_id"]) for r in records} == {(run_id, 3)}
    assert all(isinstance(_parse_time(r["start_time"]), datetime) for r in records)


async def test_results_table_names_the_run_above_its_rows(sandbox: Sandbox) -> None:
    run_id = sandbox.state.simulations[1]["run_ids"][0]

    done = await run_cli("results", str(run_id), env=sandbox_env(sandbox))

    assert done.code == 0, done.stderr
    title, header, *rows = done.stdout.splitlines()
    assert title.startswith(f"run {run_id} of simulation 1: ")
    assert header.split()[:3] == ["RESULT", "STATUS", "STARTED"]
    assert [int(row.split()[0]) for row in rows] == list(sandbox.state.plans[run_id].result_ids)


async def test_cognigy_runs_follows_the_pages_up_to_the_limit(sandbox: Sandbox) -> None:
    done = await run_cli(
        "cognigy", "runs", "sim-a", "batch-b", "--project", "p1",
        "--page-size", "7", "--limit", "20", "--jsonl",
        env=sandbox_env(sandbox),
    )  # fmt: skip

    assert done.code == 0, done.stderr
    records = [_codec.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 20
    assert len({r["id"] for r in records}) == 20
    assert {r["simulationReference"] for r in records} == {"sim-a"}
    assert all(isinstance(r["createdAt"], int) for r in records)  # epoch milliseconds
    assert sandbox.counters.requests["cognigy_runs"] == 3


async def test_cognigy_runs_table_on_the_sandbox() -> None:
    done = await run_cli("cognigy", "runs", "s", "b", "--project", "p", "--limit", "3", "--sandbox")

    assert done.code == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header.split()[:3] == ["SEQ", "RUN", "STATUS"]
    assert len(rows) == 3


async def test_a_wrong_key_is_one_error_line_that_never_shows_the_key(sandbox: Sandbox) -> None:
    secret = "not-the-key-7f3a9"

    done = await run_cli("runs", "1", env=sandbox_env(sandbox, BLUEJAY_API_KEY=secret))

    assert done.code == 1
    assert done.stdout == ""
    assert len(done.error_lines) == 1
    assert done.error_lines[0].startswith("error: 401 AuthenticationError on GET ")
    assert secret not in done.stderr


async def test_a_cognigy_error_line_carries_the_trace_id(sandbox: Sandbox) -> None:
    secret = "wrong-token-51c2"
    env = sandbox_env(sandbox, COGNIGY_TOKEN=secret)

    done = await run_cli("cognigy", "runs", "s", "b", "--project", "p", env=env)

    assert done.code == 1
    (line,) = done.error_lines
    assert line.startswith("error: 401 AuthenticationError")
    assert "(trace id " in line
    assert secret not in done.stderr


async def test_a_missing_simulation_exits_1(sandbox: Sandbox) -> None:
    done = await run_cli("runs", "99", "--json", env=sandbox_env(sandbox))

    assert (done.code, done.stdout) == (1, "")
    (line,) = done.error_lines
    assert line.startswith("error: 404 NotFoundError")


async def test_missing_credentials_are_a_usage_error() -> None:
    bluejay = await run_cli("runs", "1", env=cli_env())
    cognigy = await run_cli("cognigy", "runs", "s", "b", "--project", "p", env=cli_env())

    assert (bluejay.code, cognigy.code) == (2, 2)
    assert bluejay.error_lines == [
        "error: no Bluejay API key: set BLUEJAY_API_KEY or pass --api-key (or try --sandbox)"
    ]
    assert cognigy.error_lines[0].startswith("error: no Cognigy credentials: set COGNIGY_TOKEN")


async def test_flags_win_over_the_environment(sandbox: Sandbox) -> None:
    env = cli_env({"BLUEJAY_API_KEY": "stale", "BLUEJAY_BASE_URL": "http://127.0.0.1:9"})

    done = await run_cli(
        "runs", "1", "--json", "--api-key", sandbox.api_key, "--base-url", sandbox.bluejay_url,
        env=env,
    )  # fmt: skip

    assert done.code == 0, done.stderr
    assert len(_codec.loads(done.stdout)) == len(sandbox.state.simulations[1]["run_ids"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["runs"], "error: SIMULATION_ID is required; see bluejay-async runs --help"),
        (["runs", "1", "--json", "--jsonl"], "error: --jsonl and --json cannot be used together"),
        (["runs", "1", "--sandbox-faults", "flaky"], "error: --sandbox-faults needs --sandbox"),
        (["runs", "1", "--sandbox", "--base-url", "http://127.0.0.1:9"], "cannot be used"),
        (["export", "1", "--out", "x.jsonl", "--concurrency", "0"], "--concurrency must be 1 or"),
        (["results", "", "--sandbox"], "error: RUN_ID must not be empty"),
    ],
)
async def test_usage_errors_exit_2_without_a_traceback(args: list[str], message: str) -> None:
    done = await run_cli(*args)

    assert done.code == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


async def test_help_lists_the_new_commands_beside_serve_and_demo() -> None:
    done = await run_cli("--help")

    assert done.code == 0
    for command in ("serve", "demo", "runs", "results", "export", "cognigy"):
        assert command in done.stdout
