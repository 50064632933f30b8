"""Outcomes: what each class holds, and a type checker narrowing ``Outcome`` on ``.ok``."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bluejay_async.core.bulk import Failure, Outcome, Success
from bluejay_async.errors import NotFoundError

ROOT = Path(__file__).resolve().parents[2]


def not_found() -> NotFoundError:
    return NotFoundError("no run 7", status_code=404, method="GET", url="/x/7")


def test_a_success_holds_the_value_and_no_error() -> None:
    item: Outcome[int, str] = Success(7, "record")
    assert (item.key, item.value, item.error, item.ok) == (7, "record", None, True)
    assert item.unwrap() == "record"


def test_a_failure_holds_the_error_and_no_value() -> None:
    error = not_found()
    item: Outcome[int, str] = Failure(7, error)
    assert (item.key, item.value, item.error, item.ok) == (7, None, error, False)
    with pytest.raises(NotFoundError) as caught:
        item.unwrap()
    assert caught.value is error


def test_outcomes_compare_by_value() -> None:
    assert Success(1, "a") == Success(1, "a")
    assert Success(1, "a") != Failure(1, not_found())  # type: ignore[comparison-overlap]


def test_a_success_survives_pickle() -> None:
    assert pickle.loads(pickle.dumps(Success(1, "a"))) == Success(1, "a")


CHECKED = """
    from bluejay_async import BluejayClient
    from bluejay_async.core.bulk import Failure, Outcome, Success
    from bluejay_async.models import SimulationResults


    async def count(bj: BluejayClient, run_ids: list[int]) -> int:
        total = 0
        async for item in bj.results.retrieve_many(run_ids):
            if item.ok:
                total += len(item.value.simulation_results)
            else:
                print(item.key, item.error.message)
        return total


    def narrowed(item: Outcome[int, SimulationResults]) -> SimulationResults | None:
        if isinstance(item, Success):
            return item.value
        assert isinstance(item, Failure)
        return item.value


    def unwrapped(item: Outcome[int, SimulationResults]) -> int:
        return len(item.unwrap().simulation_results)
"""

REFUSED = """
    from bluejay_async import BluejayClient


    async def careless(bj: BluejayClient, run_ids: list[int]) -> int:
        total = 0
        async for item in bj.results.retrieve_many(run_ids):
            total += len(item.value.simulation_results)  # value may be None: not narrowed
        return total
"""


def mypy_strict(tmp_path: Path, source: str) -> tuple[str, int]:
    """``mypy --strict`` on ``source``, in a subprocess without a cache: in-process mypy raises
    the interpreter's recursion limit for the tests that follow, and a cache could replay an
    old report of a module of the same name."""
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    command = [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
    command += ["--cache-dir", os.devnull, str(script)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    return done.stdout + done.stderr, done.returncode


def test_mypy_narrows_an_outcome_on_ok(tmp_path: Path) -> None:
    """``if item.ok: item.value.simulation_results`` type-checks under ``mypy --strict``."""
    report, status = mypy_strict(tmp_path, CHECKED)
    assert status == 0, report


def test_mypy_refuses_the_value_of_an_outcome_not_narrowed(tmp_path: Path) -> None:
    report, status = mypy_strict(tmp_path, REFUSED)
    assert status == 1
    assert 'Item "None" of "SimulationResults | None" has no attribute' in report, report
