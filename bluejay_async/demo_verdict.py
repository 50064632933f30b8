"""How the demo prints a judged run and a comparison: short, aligned, readable in a CI log.

Every figure comes from :mod:`bluejay_async.report` (summaries, gate checks, comparison deltas
and their sentences); this module only lays them out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Any, TextIO

import attrs

from bluejay_async.report import (
    Comparison,
    GateResult,
    MetricDelta,
    RegressionLimits,
    ResultVerdict,
    RunSummary,
    Thresholds,
    format_value,
)

__all__ = ["print_comparison", "print_criteria", "print_run"]

_PAD = " " * 18
_DELTAS = (
    ("goal_success_rate", "goal success rate"),
    ("hallucination_rate", "hallucination rate"),
    ("no_verdict_rate", "no verdict"),
    ("p95_latency_ms", "p95 latency"),
    ("mean_latency_ms", "mean latency"),
    ("mean_call_duration_s", "mean call length"),
)
"""The comparison's metrics shown, with short labels (``Comparison.deltas`` has them all)."""
_FLIPS_SHOWN = 3
_REASONING_CHARS = 72


def print_criteria(thresholds: Thresholds, limits: RegressionLimits, out: TextIO) -> None:
    """What the gate and the comparison check, from the fields that are set."""
    _block("thresholds", _wrap(_criteria(thresholds)), out)
    _block("limits", _wrap(_criteria(limits)), out)


def print_run(
    summary: RunSummary, verdict: GateResult[RunSummary], seconds: float, out: TextIO
) -> None:
    """A run's figures and its gate."""
    statuses = ", ".join(f"{n} {status}" for status, n in summary.status_counts.items())
    goal = summary.goal
    _line("finished", f"in {seconds:.1f} s: {summary.total} results ({statuses})", out)
    _line(
        "goal",
        f"{goal.hits} met, {goal.judged - goal.hits} missed, {goal.missing} without a verdict: "
        f"{_value(summary.goal_success_rate, 'rate')} success",
        out,
    )
    flagged = summary.hallucination
    _line(
        "hallucination",
        f"{flagged.hits} of {flagged.judged} results "
        f"({_value(summary.hallucination_rate, 'rate')})",
        out,
    )
    _line(
        "agent latency",
        f"p50 {_value(summary.p50_latency_ms, 'ms')}, p95 {_value(summary.p95_latency_ms, 'ms')}"
        f" (of each call's p95), mean {_value(summary.mean_latency_ms, 'ms')}",
        out,
    )
    checks = len(verdict.checks)
    if verdict.passed:
        _line("gate", f"PASSED: {checks} of {checks} thresholds met", out)
    else:
        missed = len(verdict.failures)
        _block("gate", [f"FAILED: {missed} of {checks} thresholds missed"], out)
        _bullets(verdict.failures, out)


def print_comparison(diff: Comparison, verdict: GateResult[RunSummary], out: TextIO) -> None:
    """The candidate against the baseline, and the verdict a CI job would act on."""
    before = ", ".join(r.run_id for r in diff.baseline.runs)
    after = ", ".join(r.run_id for r in diff.current.runs)
    print(file=out)
    _line("compare", f"run {after} against the baseline run {before}", out)
    for metric, label in _DELTAS:
        delta = diff.delta(metric)
        if delta is not None:
            print(f"{_PAD}{label:<19}{_delta(delta)}", file=out)
    missed, met = len(diff.flipped_to_missed), len(diff.flipped_to_met)
    _line("flipped", f"{_results(missed)} from goal met to missed, {met} from missed to met", out)
    for pair in diff.flipped_to_missed[:_FLIPS_SHOWN]:
        reason = _shorten(pair.current.goal_reasoning or "no reasoning given")
        print(f"{_PAD}- {_who(pair.current)}: {reason}", file=out)
    if missed > _FLIPS_SHOWN:
        print(f"{_PAD}  and {missed - _FLIPS_SHOWN} more", file=out)
    if diff.regressed:
        _line("regression", f"REGRESSED: {len(diff.regressions)} limits exceeded", out)
        _bullets(diff.regressions, out)
    else:
        _line("regression", "none: every limit held", out)
    problems = ([] if verdict.passed else ["fails its gate"]) + (
        ["regressed"] if diff.regressed else []
    )
    if problems:
        outcome = f"the candidate {' and '.join(problems)}: `bluejay-async gate` exits 3"
    else:
        outcome = "the candidate passes and did not regress: `bluejay-async gate` exits 0"
    _line("verdict", outcome, out)


def _criteria(limits: Any) -> list[str]:
    """``name <= value`` for each field of a ``Thresholds`` / ``RegressionLimits`` that is set
    (named by the field: ``max_p95_latency_rise_ms`` is "p95 latency rise <= 300.0 ms")."""
    shown = []
    for field in attrs.fields(type(limits)):
        value = getattr(limits, field.name)
        if value is None or isinstance(value, dict):
            continue  # unset, or a per-custom-metric mapping (not used by the demo)
        relation, words = field.name.split("_", 1)
        if words.endswith(("_ms", "_s")):
            words, unit = words.rsplit("_", 1)
        elif words.endswith("_rate"):
            unit = "rate"
        else:
            unit = "points" if words.endswith(("_drop", "_rise")) else "count"
        text = f"{value * 100:.1f} points" if unit == "points" else format_value(value, unit)
        sign = ">=" if relation == "min" else "<="
        shown.append(f"{words.replace('_', ' ')} {sign} {text}")
    return shown


def _wrap(items: list[str], width: int = 80) -> list[str]:
    """``items`` joined with commas, in lines of at most ``width`` characters where possible."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(item) + 2 <= width:
            lines[-1] += f", {item}"
        else:
            lines.append(item)
    return lines


def _delta(d: MetricDelta) -> str:
    old, new = _value(d.baseline, d.unit), _value(d.current, d.unit)
    if d.delta is None:
        change = "n/a"
    elif d.unit == "rate":
        change = f"{d.delta * 100:+.1f} points"
    else:
        change = format_value(d.delta, d.unit)
        change = change if change.startswith("-") else "+" + change
    return f"{old:>10} -> {new:>10}  {change:>13}  {d.change}"


def _value(value: float | None, unit: str) -> str:
    return "no data" if value is None else format_value(value, unit)


def _who(result: ResultVerdict) -> str:
    if result.digital_human_id is None:
        return result.title
    return f"result {result.result_id}, digital human {result.digital_human_id}"


def _results(n: int) -> str:
    return f"{n} result{'' if n == 1 else 's'}"


def _shorten(text: str) -> str:
    return textwrap.shorten(text, _REASONING_CHARS, placeholder=" ...")


def _line(label: str, text: str, out: TextIO) -> None:
    print(f"  {label:<16}{text}", file=out)


def _block(label: str, lines: list[str], out: TextIO) -> None:
    for index, text in enumerate(lines):
        _line(label if index == 0 else "", text, out)


def _bullets(sentences: Iterable[str], out: TextIO) -> None:
    for sentence in sentences:
        print(f"{_PAD}- {sentence}", file=out)
