"""Inline SVG charts of the HTML report: a histogram of a per-call value, success by group.

Each chart carries its data in ``data-*`` attributes (the bins' edges and counts, the p50 and
p95 the summary computed, each group's counts), so what it draws can be checked against the
summary by a parser. Every label is escaped; nothing is fetched and no script runs.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from html import escape

from bluejay_async.cli.reports.model import Group, Series
from bluejay_async.report import format_value

__all__ = ["Bin", "bins", "groups_svg", "histogram_svg"]

Bin = tuple[float, float, int]
"""``(low, high, count)``: values ``low <= v < high`` (the last bin includes ``high``)."""

_WIDTH, _HEIGHT = 560, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 16, 40, 40
_COLORS = {"met": "#1a7f37", "missed": "#cf222e", "no_verdict": "#8c959f"}


def _nice(step: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``step``."""
    power = 10.0 ** math.floor(math.log10(step))
    return next(f * power for f in (1.0, 2.0, 2.5, 5.0, 10.0) if f * power >= step * (1 - 1e-12))


def bins(values: Sequence[float], most: int = 20) -> list[Bin]:
    """Equal-width bins with round edges covering ``values`` (Sturges' count, at most
    ``most``); empty for no values, one bin when all values are equal."""
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [(low, high, len(values))]
    wanted = min(most, max(1, math.ceil(math.log2(len(values))) + 1))
    step = _nice((high - low) / wanted)
    start = math.floor(low / step) * step
    edges = [round(start, 9)]
    while edges[-1] < high or len(edges) < 2:
        edges.append(round(start + len(edges) * step, 9))
    counts = [0] * (len(edges) - 1)
    for value in values:
        index = min(len(counts) - 1, bisect.bisect_right(edges, value) - 1)
        counts[index] += 1
    return [(edges[i], edges[i + 1], n) for i, n in enumerate(counts)]


def _num(value: float) -> str:
    return f"{value:.6g}"


def _short(value: float, unit: str) -> str:
    if unit == "count":
        return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4g}"
    return text + ("" if unit in ("rate", "score") else f" {unit}")


def _marker(x: float, label: str, color: str, dashed: bool, css: str, row: int) -> str:
    """A vertical line at ``x`` with its label on text row ``row`` (0..2) above the plot."""
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    y = 10 + 10 * row
    near_right = x > _WIDTH - _RIGHT - 90
    anchor = ' text-anchor="end"' if near_right else ""
    text_x = x - 3 if near_right else x + 3
    return (
        f'<g class="marker {css}"><line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 8}" '
        f'y2="{_HEIGHT - _BOTTOM}" stroke="{color}" stroke-width="1.5"{dash}/>'
        f'<text x="{text_x:.1f}" y="{y}" fill="{color}"{anchor}>{escape(label)}</text></g>'
    )


def histogram_svg(series: Series) -> str:
    """A histogram of ``series.values`` with its p50 and p95 (and threshold) marked."""
    dist = series.distribution
    attrs = (
        f'class="chart histogram" data-metric="{escape(series.metric)}" '
        f'data-count="{dist.count}" data-missing="{dist.missing}"'
    )
    if dist.p50 is not None and dist.p95 is not None:
        attrs += f' data-p50="{_num(dist.p50)}" data-p95="{_num(dist.p95)}"'
    label = f"{escape(series.title)}: {dist.count} values"
    found = bins(series.values)
    if not found:
        return (
            f'<svg {attrs} role="img" aria-label="{label}" viewBox="0 0 {_WIDTH} 60">'
            f'<text x="{_WIDTH / 2}" y="34" text-anchor="middle" class="muted">no data</text></svg>'
        )
    low, high = found[0][0], found[-1][1]
    limit = series.limit.limit if series.limit is not None else None
    if limit is not None and limit > high and limit <= high + (high - low or 1) * 0.5:
        high = limit  # show a threshold just past the data
    span = (high - low) or 1.0
    plot_w = _WIDTH - _LEFT - _RIGHT
    plot_h = _HEIGHT - _TOP - _BOTTOM
    tallest = max(n for *_, n in found)

    def x_of(value: float) -> float:
        if len(found) == 1 and found[0][0] == found[0][1]:
            return _LEFT + plot_w / 2
        return _LEFT + (value - low) / span * plot_w

    parts = [f'<svg {attrs} role="img" aria-label="{label}" viewBox="0 0 {_WIDTH} {_HEIGHT}">']
    parts.append(f"<title>{label}</title>")
    base = _HEIGHT - _BOTTOM
    for lo, hi, n in found:
        x0, x1 = (x_of(lo), x_of(hi)) if hi > lo else (_LEFT + plot_w / 3, _LEFT + plot_w * 2 / 3)
        height = plot_h * n / tallest
        tip = f"{n} of {dist.count}: {_short(lo, series.unit)} to {_short(hi, series.unit)}"
        parts.append(
            f'<rect class="bar" data-low="{_num(lo)}" data-high="{_num(hi)}" data-count="{n}" '
            f'x="{x0 + 1:.1f}" y="{base - height:.1f}" width="{max(1.0, x1 - x0 - 2):.1f}" '
            f'height="{height:.1f}"><title>{escape(tip)}</title></rect>'
        )
        if n:
            parts.append(
                f'<text x="{(x0 + x1) / 2:.1f}" y="{base - height - 4:.1f}" '
                f'text-anchor="middle" class="count">{n}</text>'
            )
    parts.append(
        f'<line x1="{_LEFT}" x2="{_WIDTH - _RIGHT}" y1="{base}" y2="{base}" class="axis"/>'
    )
    ticks = [found[0][0]] + [hi for _, hi, _ in found]
    every = max(1, math.ceil(len(ticks) / 7))
    for i, tick in enumerate(ticks):
        last = i == len(ticks) - 1
        if i % every == 0 or last:
            anchor = "end" if last and len(ticks) > 1 else "middle"
            parts.append(
                f'<text x="{x_of(tick):.1f}" y="{base + 16}" text-anchor="{anchor}" class="tick">'
                f"{escape(_short(tick, series.unit))}</text>"
            )
    if dist.p50 is not None and dist.p95 is not None:
        p50, p95 = format_value(dist.p50, series.unit), format_value(dist.p95, series.unit)
        parts.append(_marker(x_of(dist.p50), f"p50 {p50}", "#57606a", True, "p50", 0))
        parts.append(_marker(x_of(dist.p95), f"p95 {p95}", "#0969da", True, "p95", 1))
    if limit is not None and low <= limit <= high:
        text = f"limit {format_value(limit, series.unit)}"
        parts.append(_marker(x_of(limit), text, "#cf222e", False, "limit", 2))
    unit = f" ({escape(series.unit)})" if series.unit in ("ms", "s") else ""
    parts.append(
        f'<text x="{_WIDTH / 2}" y="{_HEIGHT - 6}" text-anchor="middle" class="muted">'
        f"{escape(series.title)}{unit}</text></svg>"
    )
    return "".join(parts)


def groups_svg(groups: Sequence[Group]) -> str:
    """One stacked bar per group: met, missed, no verdict."""
    row, label_w, bar_w = 26, 220, 260
    height = max(1, len(groups)) * row + 8
    parts = [
        f'<svg class="chart groups" data-groups="{len(groups)}" role="img" '
        f'aria-label="success by group" viewBox="0 0 {label_w + bar_w + 90} {height}">'
    ]
    widest = max((g.met + g.missed + g.no_verdict for g in groups), default=1) or 1
    for i, group in enumerate(groups):
        y = 4 + i * row
        name = group.label if len(group.label) <= 34 else group.label[:33] + "\u2026"
        parts.append(
            f'<g class="group" data-label="{escape(group.label)}" data-met="{group.met}" '
            f'data-missed="{group.missed}" data-no-verdict="{group.no_verdict}">'
            f"<title>{escape(group.label)}: {group.met} met, {group.missed} missed, "
            f"{group.no_verdict} without a verdict</title>"
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(name)}</text>'
        )
        x = float(label_w)
        for kind, n in (
            ("met", group.met),
            ("missed", group.missed),
            ("no_verdict", group.no_verdict),
        ):
            if n:
                w = bar_w * n / widest
                parts.append(
                    f'<rect class="{kind}" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="16" '
                    f'fill="{_COLORS[kind]}"/>'
                )
                x += w
        judged = group.met + group.missed
        share = f"{group.met}/{judged}" if judged else "no verdict"
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}" class="count">{share}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
