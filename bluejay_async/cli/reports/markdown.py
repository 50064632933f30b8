"""The Markdown summary (GitHub-flavoured), as written to ``--markdown`` and to
``$GITHUB_STEP_SUMMARY``: the verdict, the metrics against their thresholds and the baseline,
then the failed results with their reasoning and transcript links.

Strings from the API are escaped so that they read as text: no Markdown, HTML or link syntax in
a reasoning can change the page, and only http(s) URLs become links.
"""

from __future__ import annotations

import re

from bluejay_async.cli.reports.model import Case, Report
from bluejay_async.cli.reports.text import change_text, safe_url, threshold_text, value_text

__all__ = ["escape_markdown", "render_markdown"]

# Every string is placed mid-line (after "- **" or in a table cell), so the characters that
# only matter at a line's start (#, -, +, 1.) need no escape.
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MAX_LISTED = 50


def escape_markdown(text: str) -> str:
    """``text`` on one line, with Markdown syntax and HTML made literal."""
    escaped = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link(label: str, url: str) -> str | None:
    safe = safe_url(url)
    if safe is None:
        return None
    return f"[{label}](<{safe.replace('<', '%3C').replace('>', '%3E')}>)"


def _case_line(case: Case) -> str:
    line = f"- **{escape_markdown(case.name)}**"
    if case.reasoning:
        line += f": {escape_markdown(case.reasoning)}"
    links = [link for label, url in case.links if (link := _link(label, url))]
    if links:
        line += " (" + " · ".join(links) + ")"
    return line


def render_markdown(report: Report) -> str:
    """The report as Markdown, ending with a newline."""
    mark = "\u2705" if report.passed else "\u274c"
    verdict = "passed" if report.passed else "failed"
    lines = [
        f"## {mark} {report.product} gate {verdict}: {escape_markdown(report.title)}",
        "",
        f"**{escape_markdown(report.headline)}**. {escape_markdown(report.tally)}.",
        "",
    ]
    problems = [*report.failures, *report.regressions]
    if problems:
        lines += [f"- {escape_markdown(p)}" for p in problems] + [""]
    with_baseline = report.baseline is not None
    header = "| Metric | Value | Threshold | |"
    rule = "|---|---:|---:|:-:|"
    if with_baseline:
        header += f" Baseline ({escape_markdown(report.baseline or '')}) | Change |"
        rule += "---:|---|"
    lines += [header, rule]
    for row in report.rows:
        limit = ", ".join(threshold_text(c) for c in row.checks)
        status = "" if row.passed is None else "\u2705" if row.passed else "\u274c"
        cells = [
            escape_markdown(row.label),
            escape_markdown(value_text(row.value, row.unit)),
            escape_markdown(limit),
            status,
        ]
        if with_baseline:
            baseline = "" if row.change is None else value_text(row.baseline, row.unit)
            cells += [escape_markdown(baseline), escape_markdown(change_text(row))]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    missed = [c for c in report.cases if c.outcome == "missed"]
    if missed:
        lines += [f"### {report.missed_title} ({len(missed)})", ""]
        lines += [_case_line(c) for c in missed[:_MAX_LISTED]]
        if len(missed) > _MAX_LISTED:
            lines.append(f"- and {len(missed) - _MAX_LISTED} more (see the JUnit or HTML report)")
        lines.append("")
    to_missed = [f for f in report.flips if f.direction == "to_missed"]
    if to_missed:
        lines += [f"### Met their goal in {escape_markdown(report.baseline or '')}, missed now", ""]
        for flip in to_missed[:_MAX_LISTED]:
            line = f"- **{escape_markdown(flip.name)}**"
            if flip.reasoning:
                line += f": {escape_markdown(flip.reasoning)}"
            lines.append(line)
        lines.append("")
    return "\n".join(lines)
