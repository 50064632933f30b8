"""The report as terminal text: metrics against thresholds (and baseline), missed goals, and
the verdict as the last line, where a CI log is read first.

Plain ASCII layout; colour (the verdict and each metric's status) only when asked for, which
the caller does for a terminal outside CI without ``$NO_COLOR``.
"""

from __future__ import annotations

import attrs

from bluejay_async.cli.reports.model import Report
from bluejay_async.cli.reports.text import change_text, threshold_text, value_text
from bluejay_async.report import Comparison, format_value

__all__ = ["render_comparison", "render_console"]

_GREEN, _RED, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[0m"
_MAX_LISTED = 20


def _one_line(text: str, width: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "\u2026"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def render_console(report: Report, *, color: bool = False) -> str:
    """The report as text lines (ending with a newline)."""

    def paint(text: str, good: bool) -> str:
        return f"{_GREEN if good else _RED}{text}{_RESET}" if color else text

    lines = [
        f"{report.title}: {report.tally}",
        "",
    ]
    header = ["METRIC", "VALUE", "THRESHOLD", ""]
    with_baseline = report.baseline is not None
    if with_baseline:
        header += ["BASELINE", "CHANGE"]
    table = [header]
    for row in report.rows:
        status = "" if row.passed is None else "ok" if row.passed else "FAIL"
        cells = [
            row.label,
            value_text(row.value, row.unit),
            ", ".join(threshold_text(c, ascii_only=True) for c in row.checks),
            status,
        ]
        if with_baseline:
            cells += [
                "" if row.change is None else value_text(row.baseline, row.unit),
                change_text(row),
            ]
        table.append(cells)
    lines += _table(table)
    missed = [c for c in report.cases if c.outcome == "missed"]
    if missed:
        lines += ["", f"{report.missed_title.lower()} ({len(missed)}):"]
        for case in missed[:_MAX_LISTED]:
            lines.append(f"  {_one_line(case.name)}")
            if case.reasoning:
                lines.append(f"    {_one_line(case.reasoning)}")
            lines += [f"    {label}: {url}" for label, url in case.links[:1]]
        if len(missed) > _MAX_LISTED:
            lines.append(f"  and {len(missed) - _MAX_LISTED} more")
    to_missed = [f for f in report.flips if f.direction == "to_missed"]
    if to_missed:
        lines += ["", f"met their goal in {report.baseline}, missed now ({len(to_missed)}):"]
        lines += [f"  {_one_line(f.name)}" for f in to_missed[:_MAX_LISTED]]
    problems = [*report.failures, *report.regressions]
    if problems:
        lines.append("")
        lines += [f"  - {_one_line(p, 400)}" for p in problems]
    lines += ["", paint(report.headline, report.passed)]
    return "\n".join(lines) + "\n"


def render_comparison(comparison: Comparison, *, color: bool = False) -> str:
    """``compare``'s table: each metric in both runs, then the flipped results."""
    before = ", ".join(r.run_id for r in comparison.baseline.runs) or "-"
    after = ", ".join(r.run_id for r in comparison.current.runs) or "-"
    rows = [["METRIC", f"BASELINE ({before})", f"CANDIDATE ({after})", "CHANGE"]]
    for d in comparison.deltas:
        if d.baseline is None and d.current is None:
            continue
        if d.delta is None:
            change = "n/a"
        elif d.unit == "rate":
            change = f"{d.delta * 100:+.1f} pts ({d.change})"
        else:
            sign = "+" if d.delta >= 0 else "-"
            change = f"{sign}{format_value(abs(d.delta), d.unit)} ({d.change})"
        rows.append(
            [d.label, value_text(d.baseline, d.unit), value_text(d.current, d.unit), change]
        )
    lines = _table(rows)
    for title, pairs in (
        ("met their goal in the baseline, missed now", comparison.flipped_to_missed),
        ("missed their goal in the baseline, met now", comparison.flipped_to_met),
    ):
        lines += ["", f"{title} ({len(pairs)}):"]
        for pair in pairs[:_MAX_LISTED]:
            lines.append(f"  {_one_line(pair.current.title)}")
            if pair.current.goal_reasoning:
                lines.append(f"    {_one_line(pair.current.goal_reasoning)}")
    lines.append("")
    lines.append(
        f"{len(comparison.pairs)} results matched; {len(comparison.only_in_baseline)} only in the "
        f"baseline, {len(comparison.only_in_current)} only in the candidate"
    )
    if comparison.regressions:
        lines += [f"  - {_one_line(r, 400)}" for r in comparison.regressions]
        verdict = f"REGRESSED: {len(comparison.regressions)} limits exceeded"
        lines.append(f"{_RED}{verdict}{_RESET}" if color else verdict)
    elif any(v is not None for v in attrs.asdict(comparison.limits).values()):
        verdict = "NO REGRESSION: every limit met"
        lines.append(f"{_GREEN}{verdict}{_RESET}" if color else verdict)
    return "\n".join(lines) + "\n"
