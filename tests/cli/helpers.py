"""Run the command line as a real subprocess: ``sys.executable -m bluejay_async ...``."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from bluejay_async.core import codec as _codec
from bluejay_async.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
_CREDENTIALS = (
    "BLUEJAY_API_KEY",
    "BLUEJAY_BASE_URL",
    "COGNIGY_TOKEN",
    "COGNIGY_API_KEY",
    "COGNIGY_BASE_URL",
)
_TIMEOUT = 60.0


def cli_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without any credential, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in _CREDENTIALS}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def sandbox_env(sb: Sandbox, **extra: str) -> dict[str, str]:
    """An environment pointing the Bluejay and Cognigy commands at ``sb``."""
    return cli_env(
        {
            "BLUEJAY_API_KEY": sb.api_key,
            "BLUEJAY_BASE_URL": sb.bluejay_url,
            "COGNIGY_TOKEN": sb.api_key,
            "COGNIGY_BASE_URL": sb.cognigy_url,
            **extra,
        }
    )


@attrs.frozen
class Finished:
    """How a command line process ended."""

    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """The lines of stderr."""
        return self.stderr.splitlines()


@contextlib.asynccontextmanager
async def started(
    *args: str, env: Mapping[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bluejay_async ARGS`` running; killed and reaped when the block ends."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bluejay_async",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env) if env is not None else cli_env(),
        cwd=ROOT,
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.communicate()


async def finish(proc: asyncio.subprocess.Process) -> Finished:
    """Wait for ``proc`` to exit and collect its output."""
    stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=_TIMEOUT)
    assert proc.returncode is not None
    return Finished(proc.returncode, stdout.decode(), stderr.decode())


async def run_cli(*args: str, env: Mapping[str, str] | None = None) -> Finished:
    """Run ``python -m bluejay_async ARGS`` to completion."""
    async with started(*args, env=env) as proc:
        return await finish(proc)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every record of a JSON lines file."""
    return [_codec.loads(line) for line in path.read_bytes().splitlines()]


def expected_results(sb: Sandbox, simulation_id: int) -> set[tuple[int, int]]:
    """``(run_id, result_id)`` of every result the sandbox holds for ``simulation_id``."""
    state = sb.state
    return {
        (run_id, result_id)
        for run_id in state.simulations[simulation_id]["run_ids"]
        for result_id in state.plans[run_id].result_ids
    }
