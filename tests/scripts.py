"""Run a Python script or a pytest file in a subprocess, pointed at a sandbox by environment."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import attrs

from bluejay_async.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[1]
_SETTINGS = (
    "BLUEJAY_API_KEY",
    "BLUEJAY_BASE_URL",
    "COGNIGY_TOKEN",
    "COGNIGY_API_KEY",
    "COGNIGY_BASE_URL",
)
_TIMEOUT = 120.0


@attrs.frozen
class Ran:
    """How a script ended."""

    code: int
    stdout: str
    stderr: str


def sandbox_environment(sb: Sandbox) -> dict[str, str]:
    """This process's environment, its API settings replaced by those of ``sb``."""
    env = {k: v for k, v in os.environ.items() if k not in _SETTINGS}
    env.update(
        PYTHONPATH=str(ROOT),
        BLUEJAY_API_KEY=sb.api_key,
        BLUEJAY_BASE_URL=sb.bluejay_url,
        COGNIGY_TOKEN=sb.api_key,
        COGNIGY_BASE_URL=sb.cognigy_url,
    )
    return env


async def run_python(*args: str | Path, env: Mapping[str, str], cwd: Path) -> Ran:
    """``python ARGS`` to completion (killed if it outlives a generous timeout)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *(str(a) for a in args),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
    )
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=_TIMEOUT)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.communicate()
    assert proc.returncode is not None
    return Ran(proc.returncode, stdout.decode(), stderr.decode())


def mypy_strict(paths: list[Path]) -> str:
    """``mypy --strict PATHS`` with the project's configuration; returns its report on errors.

    In a subprocess: mypy raises the interpreter's recursion limit, which would change how
    later tests in this process parse deeply nested JSON. Without a cache: a cached module of
    the same name and content would replay its old report instead of checking the new file.
    """
    config = ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", os.devnull]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", *config, *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=_TIMEOUT,
        check=False,
    )
    return "" if done.returncode == 0 else done.stdout + done.stderr
