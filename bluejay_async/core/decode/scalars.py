"""Strict JSON scalars and timestamps: the leaves every record hook calls.

JSON types are strict: no ``"17"`` for an integer, no ``true`` for a number, no ``1.0`` for an
integer. Integers are exact at any size (the parsers in :mod:`.parse` never turn one into a
float). An integer where a number is expected becomes a ``float``, as every JSON number is.

Timestamps follow the grammar msgspec's decoder accepts, so both decode paths accept the same
strings: ``T``, ``t`` or a space between date and time, any number of fraction digits, an
offset with or without a colon, none meaning UTC. Fractions are rounded to the microsecond, as
msgspec rounds them (half up, on the seventh digit); a value that would round past
9999-12-31T23:59:59.999999 keeps that last microsecond instead of failing. Epoch milliseconds
are read within ``datetime``'s years 1 to 9999; outside them, the field is refused.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = [
    "epoch_millis",
    "mismatch",
    "parse_timestamp",
    "structure_any",
    "structure_bool",
    "structure_epoch_millis",
    "structure_float",
    "structure_int",
    "structure_json_container",
    "structure_str",
    "structure_timestamp",
    "unstructure_epoch_millis",
    "unstructure_timestamp",
]

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MILLISECOND = timedelta(milliseconds=1)
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?",
    re.ASCII,
)
# The same grammar without groups and with at most six fraction digits: the common case, which
# fromisoformat reads as the code below does. Without groups to capture it matches in half
# the time.
_PLAIN_TIMESTAMP = re.compile(
    r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:[Zz]|[+-]\d\d:?\d\d)?", re.ASCII
)
_NAMES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return _NAMES.get(type(value), "object" if isinstance(value, dict) else type(value).__name__)


def mismatch(expected: str, value: Any) -> TypeError:
    """The error of a JSON value of the wrong type: ``expected a string, got integer 7``."""
    if isinstance(value, (dict, list)):
        return TypeError(f"expected {expected}, got {_kind(value)}")
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:40] + "..."
    return TypeError(f"expected {expected}, got {_kind(value)} {shown}")


def structure_int(value: Any, _: Any) -> int:
    """An integer (not a boolean, not a float), at any size."""
    if value.__class__ is int:
        return value
    raise mismatch("an integer", value)


def structure_float(value: Any, _: Any) -> float:
    """A number; an integer becomes the nearest ``float`` (refused beyond the float range)."""
    cls = value.__class__
    if cls is float:
        return value  # type: ignore[no-any-return]
    if cls is int:
        try:
            return float(value)
        except OverflowError:
            digits = len(str(abs(value)))
            raise ValueError(f"expected a number, got an integer of {digits} digits") from None
    raise mismatch("a number", value)


def structure_str(value: Any, _: Any) -> str:
    """A string."""
    if value.__class__ is str or isinstance(value, str):  # str enums such as ParticipantRole
        return value
    raise mismatch("a string", value)


def structure_bool(value: Any, _: Any) -> bool:
    """A boolean."""
    if value.__class__ is bool:
        return value
    raise mismatch("a boolean", value)


def structure_any(value: Any, _: Any) -> Any:
    """Any JSON value, as it is."""
    return value


def structure_json_container(value: Any, _: Any) -> Any:
    """An object or an array (a field typed ``list[Any] | dict[str, Any] | None``)."""
    if value is None or value.__class__ is dict or value.__class__ is list:
        return value
    raise mismatch("an object or an array", value)


def parse_timestamp(value: str) -> datetime:
    """Parse an RFC 3339 / ISO-8601 timestamp into an aware ``datetime`` (no offset means UTC)."""
    if _PLAIN_TIMESTAMP.fullmatch(value) is not None:
        # Several times faster than the code below: with six fraction digits or fewer nothing
        # needs rounding, and fromisoformat reads every string the pattern accepts as the code
        # below does. Whatever it refuses goes to the code below, which decides (and words the
        # error).
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    return _parse_timestamp_exactly(value, _TIMESTAMP.fullmatch(value))


def _parse_timestamp_exactly(value: str, match: re.Match[str] | None) -> datetime:
    if match is None:
        raise ValueError(f"expected an ISO-8601 timestamp, got {value[:40]!r}")
    year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
    micros = 0
    if fraction:
        nanos = int(fraction[:9].ljust(9, "0"))
        micros = (nanos + 500) // 1000
    tz = timezone.utc
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        if offset >= timedelta(hours=24):
            raise ValueError(f"timestamp offset out of range in {value[:40]!r}")
        tz = timezone.utc if not offset else timezone(-offset if sign == "-" else offset)
    base = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz)
    if not micros:
        return base
    try:
        return base + timedelta(microseconds=micros)
    except OverflowError:  # only 9999-12-31T23:59:59.9999995 and later round out of range
        return base.replace(microsecond=999_999)


def structure_timestamp(value: Any, _: Any) -> datetime:
    """An ISO-8601 timestamp string, as an aware ``datetime``."""
    if value.__class__ is not str:
        raise mismatch("an ISO-8601 timestamp string", value)
    return parse_timestamp(value)


def epoch_millis(value: Any) -> datetime:
    """An integer count of milliseconds since the epoch, as an aware UTC ``datetime``."""
    if value.__class__ is not int:
        raise mismatch("an integer timestamp in milliseconds", value)
    try:
        return EPOCH + _MILLISECOND * value  # several times faster than timedelta(milliseconds=)
    except OverflowError:
        raise ValueError(
            f"timestamp {value} ms is outside the datetime range (years 1 to 9999)"
        ) from None


def structure_epoch_millis(value: Any, _: Any) -> datetime:
    """The cattrs hook of :func:`epoch_millis`."""
    return epoch_millis(value)


def unstructure_timestamp(value: datetime) -> str:
    """RFC 3339 with ``Z`` for UTC; a naive ``datetime`` is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def unstructure_epoch_millis(value: datetime) -> int:
    """Milliseconds since the epoch; a naive ``datetime`` is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return (value - EPOCH) // timedelta(milliseconds=1)
