"""The HTML report: one self-contained page (inline CSS and SVG, no script, no network).

It shows the verdict, the metrics against their thresholds and the baseline, success by
digital human (criteria by type for Cognigy), the distributions of per-call p95 latency and
call duration as charts (run duration and turns for Cognigy), the failed results with their
reasoning and links, and the results that flipped against the baseline.

Every string from the API is escaped (``html.escape``), only http(s) URLs become links, and a
Content-Security-Policy forbids scripts and every fetch, so a hostile reasoning cannot run or
load anything.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

from bluejay_async.cli.reports.charts import groups_svg, histogram_svg
from bluejay_async.cli.reports.model import Case, MetricRow, Report
from bluejay_async.cli.reports.text import change_text, safe_url, threshold_text, value_text

__all__ = ["render_html"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_CSS = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--card:#f6f8fa;--ok:#1a7f37;
--bad:#cf222e;--bar:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;
--bg:#0d1117;--card:#151b23;--ok:#3fb950;--bad:#f85149;--bar:#4493f8}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:32px 0 10px;
border-bottom:1px solid var(--line);padding-bottom:6px}
.muted{color:var(--muted);fill:var(--muted)}
.verdict{display:flex;gap:16px;align-items:center;padding:16px 20px;border-radius:10px;
border:1px solid var(--line);background:var(--card)}
.badge{font-weight:700;font-size:15px;color:#fff;padding:6px 14px;border-radius:999px;
letter-spacing:.04em}.pass .badge{background:var(--ok)}.fail .badge{background:var(--bad)}
.pass{border-left:6px solid var(--ok)}.fail{border-left:6px solid var(--bad)}
ul.problems{margin:12px 0 0;padding-left:20px;color:var(--bad)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;
margin-top:16px}.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card b{display:block;font-size:22px}.card.bad b{color:var(--bad)}.card.ok b{color:var(--ok)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 10px;
border-bottom:1px solid var(--line);vertical-align:top}td.num,th.num{text-align:right;
font-variant-numeric:tabular-nums}.ok{color:var(--ok)}.bad{color:var(--bad)}
.better{color:var(--ok)}.worse{color:var(--bad)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px}
figcaption{font-weight:600;margin-bottom:4px}svg{width:100%;height:auto;font-size:11px;
fill:var(--fg)}svg.groups{max-width:760px;font-size:12px}.card small{display:block}
svg .bar{fill:var(--bar)}svg .axis{stroke:var(--line)}svg .tick,svg .count{
fill:var(--muted)}
.result{border:1px solid var(--line);border-left:4px solid var(--bad);border-radius:6px;
padding:8px 12px;margin:8px 0}.result h3{font-size:14px;margin:0}.result p{margin:4px 0}
.result .links a{margin-right:12px}.details{font-size:12px}
footer{margin-top:40px;font-size:12px}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _links(links: tuple[tuple[str, str], ...]) -> str:
    shown = []
    for label, url in links:
        safe = safe_url(url)
        if safe is not None:
            shown.append(f'<a href="{_e(safe)}" rel="noopener noreferrer">{_e(label)}</a>')
        else:
            shown.append(f'<span class="muted">{_e(label)}: {_e(url)}</span>')
    return f'<p class="links">{"".join(shown)}</p>' if shown else ""


def _card(label: str, value: str, tone: str = "") -> str:
    return (
        f'<div class="card {tone}"><span class="muted">{_e(label)}</span><b>{_e(value)}</b></div>'
    )


def _cards(report: Report) -> str:
    met, missed, none = (report.count(o) for o in ("met", "missed", "no_verdict"))
    cards = [
        f'<div class="card"><span class="muted">{_e(report.noun)}</span><b>{len(report.cases)}</b>'
        f'<small class="muted">{met} met · {missed} missed · {none} no verdict</small></div>'
    ]
    # The metrics with a threshold first: those decided the verdict.
    rows = [r for r in report.rows if r.checks] + [r for r in report.rows if not r.checks]
    for row in rows[:4]:
        tone = "" if row.passed is None else "ok" if row.passed else "bad"
        cards.append(_card(row.label, value_text(row.value, row.unit), tone))
    return f'<div class="cards">{"".join(cards)}</div>'


def _row(row: MetricRow, with_baseline: bool) -> str:
    status = ""
    if row.passed is not None:
        status = (
            '<span class="ok">\u2714 met</span>'
            if row.passed
            else ('<span class="bad">\u2718 not met</span>')
        )
    cells = [
        f'<td title="{_e(row.basis)}">{_e(row.label)}</td>',
        f'<td class="num">{_e(value_text(row.value, row.unit))}</td>',
        f'<td class="num">{_e(", ".join(threshold_text(c) for c in row.checks))}</td>',
        f"<td>{status}</td>",
    ]
    if with_baseline:
        baseline = "" if row.change is None else value_text(row.baseline, row.unit)
        cells.append(f'<td class="num">{_e(baseline)}</td>')
        cells.append(f'<td class="{_e(row.change or "")}">{_e(change_text(row))}</td>')
    return f'<tr data-metric="{_e(row.metric)}">{"".join(cells)}</tr>'


def _metrics(report: Report) -> str:
    with_baseline = report.baseline is not None
    head = "<th>metric</th><th class=num>value</th><th class=num>threshold</th><th></th>"
    if with_baseline:
        head += f"<th class=num>{_e(report.baseline)}</th><th>change</th>"
    body = "".join(_row(r, with_baseline) for r in report.rows)
    return f'<table class="metrics"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _case(case: Case) -> str:
    reasoning = case.reasoning or "no reasoning was given"
    return (
        f'<article class="result" data-id="{_e(case.id)}"><h3>{_e(case.name)}</h3>'
        f"<p>{_e(reasoning)}</p>"
        f'<p class="details muted">{_e(" · ".join(case.details))}</p>{_links(case.links)}</article>'
    )


def _flips(report: Report) -> str:
    to_missed = [f for f in report.flips if f.direction == "to_missed"]
    to_met = sum(f.direction == "to_met" for f in report.flips)
    if report.baseline is None:
        return ""
    only_before, only_now = report.unmatched
    parts = [
        f"<h2>Against {_e(report.baseline)}</h2><p>{len(to_missed)} met their goal in the "
        f"baseline and miss it now; {to_met} went the other way. {only_before} calls of the "
        f"baseline and {only_now} of this run have no counterpart.</p>"
    ]
    for flip in to_missed:
        parts.append(
            f'<article class="result flip"><h3>{_e(flip.name)}</h3>'
            f"<p>{_e(flip.reasoning or 'no reasoning was given')}</p>"
            f'<p class="details muted">baseline: {_e(flip.baseline_reasoning or "-")}</p>'
            f"{_links(flip.links)}</article>"
        )
    return "".join(parts)


def render_html(report: Report, *, generated: datetime | None = None) -> str:
    """The report as one HTML page."""
    when = (generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    tone = "pass" if report.passed else "fail"
    problems = "".join(f"<li>{_e(p)}</li>" for p in (*report.failures, *report.regressions))
    verdict = (
        f'<section class="verdict {tone}" data-passed="{str(report.passed).lower()}">'
        f'<span class="badge">{"PASSED" if report.passed else "FAILED"}</span>'
        f"<div><strong>{_e(report.headline)}</strong>"
        + (f'<ul class="problems">{problems}</ul>' if problems else "")
        + "</div></section>"
    )
    charts = "".join(
        f"<figure><figcaption>{_e(s.title)}</figcaption>{histogram_svg(s)}</figure>"
        for s in report.series
    )
    missed = [c for c in report.cases if c.outcome == "missed"]
    failed = "".join(_case(c) for c in missed) or '<p class="muted">None.</p>'
    groups = groups_svg(report.groups) if report.groups else '<p class="muted">No data.</p>'
    title = f"{report.product} gate: {report.title}"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
        f'<h1>{_e(title)}</h1><p class="muted">{_e(report.product)} simulation report</p>'
        f"{verdict}{_cards(report)}"
        f"<h2>Metrics</h2>{_metrics(report)}"
        f"<h2>{_e(report.group_title)}</h2>{groups}"
        f'<h2>Distributions</h2><div class="charts">{charts}</div>'
        f"<h2>{_e(report.missed_title)} ({len(missed)})</h2>{failed}"
        f"{_flips(report)}"
        f'<footer class="muted">Generated by bluejay-async on {_e(when)}.</footer>'
        "</main></body></html>\n"
    )
