"""The msgspec path: response bytes straight into the same records, without dicts in between.

With the ``fast`` extra installed, :func:`decoder` returns, for a record type, a function from
bytes to that record, built the first time the type is decoded and kept. It never decides a
failure: whatever it refuses (a type error, a ``null`` where msgspec wants a value, a naive
timestamp, bytes that are not JSON) the pure path decodes again and decides, so both paths
return the same records and raise the same errors.

msgspec reads two kinds of record:

* records whose JSON names are their attribute names and whose timestamps are ISO-8601 strings
  (all of Bluejay's) it builds directly, through their own annotations;
* the others (camelCase names, epoch-millisecond timestamps: Cognigy's) it decodes through a
  private *wire class* of each record (:mod:`.mirrors`): a subclass that lists the fields
  under their JSON names. One generated function then finishes the decoded value in a single
  pass (timestamps, ``null`` lists, each instance made the record itself). No intermediate
  objects.

Records msgspec cannot build (a ``Factory(takes_self=True)`` default, a recursive record that
needs a wire class, a record without slots) get no decoder: they always take the pure path.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, get_args, get_origin

import attrs

from bluejay_async.core.decode import mirrors
from bluejay_async.core.markers import EPOCH_MILLIS, TZ_AWARE, json_name

msgspec: Any
try:
    import msgspec
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    msgspec = None

__all__ = ["AVAILABLE", "REFUSED", "decoder", "reads_directly"]

AVAILABLE = msgspec is not None
"""Whether msgspec is installed."""

REFUSED: tuple[type[BaseException], ...] = (
    # msgspec raises RecursionError on deeply nested input, even in ignored fields, and
    # UnicodeDecodeError on a string value that is not UTF-8.
    (msgspec.DecodeError, RecursionError, UnicodeError) if AVAILABLE else ()
)
"""What a decoder raises when msgspec refuses a body (the pure path then decides)."""

Decode = Callable[[bytes], Any]
_decoders: dict[Any, Decode | None] = {}


def decoder(into: Any) -> Decode | None:
    """The msgspec decoder of ``into`` (built on first use); ``None`` if msgspec can't build it."""
    try:
        return _decoders[into]
    except KeyError:
        built = _build(into) if AVAILABLE else None
        _decoders[into] = built
        return built


def reads_directly(t: Any, seen: set[type] | None = None) -> bool:
    """Whether msgspec builds ``t`` through its own annotations, exactly as the pure path does:
    no renamed field, no epoch milliseconds, no bare ``datetime`` (msgspec would keep a naive
    timestamp naive; the pure path reads it as UTC)."""
    seen = set() if seen is None else seen
    if get_origin(t) is Annotated:
        if any(m is EPOCH_MILLIS for m in t.__metadata__):
            return False
        if get_args(t)[0] is datetime:
            return any(m is TZ_AWARE for m in t.__metadata__)
        return reads_directly(get_args(t)[0], seen)
    if t is datetime:
        return False
    if isinstance(t, type) and attrs.has(t):
        if t in seen:
            return True
        seen.add(t)
        if any(json_name(t, a.name) != a.name for a in attrs.fields(t)):
            return False
        hints = typing.get_type_hints(t, include_extras=True)
        return all(reads_directly(hints[a.name], seen) for a in attrs.fields(t))
    return all(reads_directly(arg, seen) for arg in get_args(t))


def _build(into: Any) -> Decode | None:
    try:
        if reads_directly(into):
            return typing.cast(Decode, msgspec.json.Decoder(into).decode)
        wire_types = mirrors.WireTypes(reads_directly)
        decode = msgspec.json.Decoder(wire_types.wire(into)).decode
        finish = wire_types.finisher(into)
    except (mirrors.Unsupported, TypeError, ValueError, NotImplementedError):
        return None
    return decode if finish is None else _finishing(decode, finish)


def _finishing(decode: Decode, finish: mirrors.Finish) -> Decode:
    def decode_and_finish(raw: bytes) -> Any:
        value = decode(raw)
        try:
            return finish(value)
        except (TypeError, ValueError) as exc:
            # As msgspec does with an error raised in a post-init hook: the body is refused.
            raise msgspec.ValidationError(str(exc)) from exc

    return decode_and_finish
