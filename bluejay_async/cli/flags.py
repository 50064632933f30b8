"""Argument types of the gate commands: rates, durations, milliseconds, ``NAME=VALUE`` pairs.

Each is an argparse ``type``: it returns the parsed value or raises
:class:`argparse.ArgumentTypeError`, which argparse reports as a usage error (exit status 2).

- **Rates** are fractions or percentages: ``0.9`` and ``90%`` are the same rate. A bare ``90`` is
  refused rather than guessed.
- **Durations** are seconds, or numbers with units added up: ``90``, ``5s``, ``30m``, ``1h30m``,
  ``250ms``.
- **Milliseconds** (the ``*-ms`` flags) are a bare number of milliseconds, or a duration with a
  unit: ``2500`` and ``2.5s`` are the same.
"""

from __future__ import annotations

import argparse
import math
import re

__all__ = [
    "count",
    "duration",
    "milliseconds",
    "named_rate",
    "named_score",
    "non_negative",
    "rate",
    "run_length",
    "wait_timeout",
    "wait_interval",
]

_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h)", re.IGNORECASE)
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def rate(text: str) -> float:
    """``0.9`` or ``90%``: a fraction in 0..1."""
    raw = text.strip()
    percent = raw.endswith("%")
    value = _number(raw[:-1] if percent else raw)
    if value is None:
        raise argparse.ArgumentTypeError(f"expected a rate like 0.9 or 90%, got {text!r}")
    if percent:
        if not 0 <= value <= 100:
            raise argparse.ArgumentTypeError(f"a percentage must be in 0%..100%, got {text!r}")
        return value / 100
    if not 0 <= value <= 1:
        hint = f" (did you mean {text.strip()}%?)" if 1 < value <= 100 else ""
        raise argparse.ArgumentTypeError(
            f"a rate is a fraction in 0..1 or a percentage, got {text!r}{hint}"
        )
    return value


def _seconds(text: str) -> float | None:
    raw = text.strip()
    plain = _number(raw)
    if plain is not None:
        return plain
    position, total = 0, 0.0
    for match in _PART.finditer(raw):
        if raw[position : match.start()].strip():
            return None
        total += float(match.group(1)) * _SECONDS[match.group(2).lower()]
        position = match.end()
    if position == 0 or raw[position:].strip():
        return None
    return total


def duration(text: str) -> float:
    """A duration of 0 or more, in seconds: ``90``, ``5s``, ``30m``, ``1h30m``, ``250ms``."""
    value = _seconds(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(
            f"expected a duration like 90, 5s, 30m or 1h30m, got {text!r}"
        )
    return value


def run_length(text: str) -> float:
    """A duration of 0 or more in seconds, or ``inf`` / ``never`` for a run that never ends."""
    if text.strip().lower() in ("inf", "never"):
        return math.inf
    return duration(text)


def wait_interval(text: str) -> float:
    """A duration above 0, in seconds."""
    value = duration(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a duration above 0, got {text!r}")
    return value


def wait_timeout(text: str) -> float | None:
    """A duration above 0 in seconds, or ``none`` for no limit."""
    if text.strip().lower() in ("none", "never"):
        return None
    return wait_interval(text)


def milliseconds(text: str) -> float:
    """A bare number of milliseconds, or a duration with a unit (``2.5s``), as milliseconds."""
    plain = _number(text.strip())
    value = plain if plain is not None else _seconds(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(
            f"expected milliseconds like 2500 (or a duration like 2.5s), got {text!r}"
        )
    return value if plain is not None else value * 1000


def non_negative(text: str) -> float:
    """A finite number of 0 or more."""
    value = _number(text.strip())
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of 0 or more, got {text!r}")
    return value


def count(text: str) -> int:
    """A whole number of 0 or more."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _split(text: str, what: str) -> tuple[str, str]:
    name, sep, value = text.rpartition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME={what}, got {text!r}")
    return name.strip(), value


def named_rate(text: str) -> tuple[str | None, float]:
    """``RATE`` (every custom metric) or ``NAME=RATE`` (the custom metric ``NAME``)."""
    if "=" not in text:
        return None, rate(text)
    name, value = _split(text, "RATE")
    return name, rate(value)


def named_score(text: str) -> tuple[str, float]:
    """``NAME=SCORE``: a minimum mean score of the custom metric ``NAME``."""
    name, value = _split(text, "SCORE")
    return name, non_negative(value)
