"""Wording shared by the report writers: values, thresholds, changes, safe links."""

from __future__ import annotations

from urllib.parse import urlsplit

from bluejay_async.cli.reports.model import MetricRow
from bluejay_async.report import Check, format_value

__all__ = ["change_text", "delta_text", "safe_url", "threshold_text", "value_text"]


def value_text(value: float | None, unit: str) -> str:
    """A metric value (``82.0%``, ``2,310.0 ms``), or ``no data``."""
    return "no data" if value is None else format_value(value, unit)


def threshold_text(check: Check, *, ascii_only: bool = False) -> str:
    """``>= 90.0%`` / ``≤ 2,500.0 ms``."""
    if ascii_only:
        sign = ">=" if check.kind == "min" else "<="
    else:
        sign = "\u2265" if check.kind == "min" else "\u2264"
    return f"{sign} {format_value(check.limit, check.unit)}"


def delta_text(row: MetricRow) -> str:
    """The change from the baseline: ``-12.0 pts`` for rates, ``+310.0 ms`` otherwise."""
    if row.delta is None:
        return ""
    if row.unit == "rate":
        return f"{row.delta * 100:+.1f} pts"
    sign = "+" if row.delta >= 0 else "-"
    return sign + format_value(abs(row.delta), row.unit)


def change_text(row: MetricRow) -> str:
    """``-12.0 pts (worse)``, or empty without a baseline."""
    if row.change is None:
        return ""
    if row.delta is None:
        return "n/a"
    return f"{delta_text(row)} ({row.change})"


def safe_url(url: str) -> str | None:
    """``url`` when it is an absolute http(s) URL, else ``None``: links in a report come from the
    API, and a ``javascript:`` or ``data:`` one must never become clickable."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return None
    return text
