"""Soak under mixed faults: 5 000 ``retrieve_many`` fetches and a 20 000-run Cognigy walk.

A fifth of the sandbox's answers is faulted (eleven kinds, fixed seed). Every item must arrive
exactly once, nothing may raise, no unit may take more than ``max_attempts`` attempts, and the
API key must stay out of every log line. The figures are printed (``pytest -s`` shows them,
and ``python benchmarks/soak.py`` prints them without pytest).
"""

from __future__ import annotations

import pytest

from tests.reliability.soak import (
    FAULT_RATE,
    MIX,
    POLICY,
    SoakReport,
    soak_cognigy_walk,
    soak_retrieve_many,
)

pytestmark = pytest.mark.soak


def check(report: SoakReport, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\n" + report.text())
    assert report.duplicates == 0
    assert report.unhandled == 0
    assert report.max_unit_attempts <= POLICY.max_attempts
    # Faults were injected at about the configured rate, and of the kinds of the mix.
    assert 0.5 * FAULT_RATE < report.faulted / report.attempts < 1.5 * FAULT_RATE
    assert set(report.faults) == {kind for kind, _ in MIX}
    # Every fault costs one more attempt, and nothing else does (but for the odd attempt of a
    # loaded machine that outlives the timeout by itself: at most 1% of the units).
    assert report.units + report.faulted <= report.attempts
    assert report.attempts <= report.units + report.faulted + report.units // 100
    assert report.secret_leaks == 0


async def test_soak_retrieve_many_5000(capsys: pytest.CaptureFixture[str]) -> None:
    report = await soak_retrieve_many(5_000)
    check(report, capsys)
    assert report.units == report.items
    # An id may only fail by spending every attempt; at this rate none is expected to.
    assert report.delivered + len(report.failed) == report.items
    assert report.failed == []


async def test_soak_cognigy_walk_20000(capsys: pytest.CaptureFixture[str]) -> None:
    report = await soak_cognigy_walk(20_000)
    check(report, capsys)
    assert report.delivered == report.items
    assert report.units == report.items // 100
