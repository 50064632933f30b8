"""The msgspec path: response bytes straight into the same records, without dicts in between.

With the ``fast`` extra installed, :func:`decoder` returns, for a record type, a function from
bytes to that record, built the first time the type is decoded and kept. It never decides a
failure: whatever it refuses (a type error, a ``null`` where msgspec wants a value, a naive
timestamp, bytes that are not JSON) the pure path decodes again and decides, so both paths
return the same records and raise the same errors.

msgspec reads two kinds of record:

* records whose JSON names are their attribute names and whose timestamps are ISO-8601 strings
  (all of Bluejay's) it builds directly, through their own annotations;
* the others (camelCase names, epoch-millisecond timestamps: Cognigy's) it first decodes into a
  mirror, a ``msgspec.Struct`` generated from the record with the JSON names (an
  epoch-millisecond field is read as an integer and turned into its ``datetime`` by the
  mirror's ``__post_init__``), then converts into the records with
  ``msgspec.convert(..., from_attributes=True)``. Both steps run in msgspec's C code.

Records msgspec cannot build (a ``Factory(takes_self=True)`` default, a recursive record that
needs a mirror) get no decoder: they always take the pure path.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, get_args, get_origin

import attrs

from bluejay_async.core.decode.scalars import epoch_millis
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


def _union_members(t: Any) -> tuple[Any, ...]:
    return get_args(t) if get_origin(t) in (typing.Union, types.UnionType) else ()


_AWARE = msgspec.Meta(tz=True) if AVAILABLE else None


def _is_epoch_millis(t: Any) -> bool:
    """``Annotated[datetime, EPOCH_MILLIS]``, or that or ``None``."""
    members = [m for m in _union_members(t) if m is not type(None)] or [t]
    return len(members) == 1 and (
        get_origin(members[0]) is Annotated
        and any(m is EPOCH_MILLIS for m in members[0].__metadata__)
    )


def _millis_to_datetimes(names: tuple[str, ...]) -> Callable[[Any], None]:
    """The ``__post_init__`` of a mirror with epoch-millisecond fields: msgspec reads them as
    integers (no bool, no float), this turns each into its ``datetime``. A value out of range
    raises ``ValueError``, which makes msgspec refuse the body. (Where the record's field is
    required, ``None`` is refused as the pure path refuses it.)"""
    force_setattr = msgspec.structs.force_setattr
    if len(names) == 1:  # a Turn: one call per turn of every run
        (only,) = names

        def post_init_one(self: Any) -> None:
            value = getattr(self, only)
            if value is not None:
                force_setattr(self, only, epoch_millis(value))

        return post_init_one

    def post_init(self: Any) -> None:
        for name in names:
            value = getattr(self, name)
            if value is not None:
                force_setattr(self, name, epoch_millis(value))

    return post_init


def _annotated(t: Any, metadata: list[Any]) -> Any:
    # A tuple subscript is Annotated[t, *metadata] on every Python (3.10 has no star syntax;
    # Annotated.__class_getitem__ is gone in 3.13).
    args = (t, *metadata)
    return typing.cast(Any, Annotated)[args]


class _Unsupported(Exception):
    """A record msgspec cannot build as the pure path does."""


def _build(into: Any) -> Decode | None:
    try:
        if reads_directly(into):
            return typing.cast(Decode, msgspec.json.Decoder(into).decode)
        parse = msgspec.json.Decoder(_Mirrors().wire(into)).decode
    except (_Unsupported, TypeError, ValueError, NotImplementedError):
        return None
    convert = msgspec.convert

    def decode_through_mirror(raw: bytes) -> Any:
        return convert(parse(raw), into, from_attributes=True)

    return decode_through_mirror


class _Mirrors:
    """The mirror types of one decoder: a ``msgspec.Struct`` for each record that needs one."""

    def __init__(self) -> None:
        self._made: dict[type, Any] = {}
        self._making: set[type] = set()

    def wire(self, t: Any) -> Any:
        """The type msgspec decodes for a value of type ``t``."""
        origin = get_origin(t)
        if origin is Annotated:
            inner, *metadata = get_args(t)
            if any(m is EPOCH_MILLIS for m in metadata):
                raise _Unsupported("epoch milliseconds outside a record field")
            kept = [m for m in metadata if isinstance(m, msgspec.Meta)]
            if inner is datetime:  # an aware timestamp, however it is annotated
                return _annotated(datetime, [*(m for m in kept if m.tz is None), _AWARE])
            return _annotated(self.wire(inner), kept) if kept else self.wire(inner)
        if t is datetime:
            return _annotated(datetime, [_AWARE])
        if isinstance(t, type) and attrs.has(t):
            return t if reads_directly(t) else self._mirror(t)
        if _union_members(t):
            return typing.Union[tuple(self.wire(m) for m in _union_members(t))]  # noqa: UP007
        if origin is not None and get_args(t):
            return origin[tuple(self.wire(arg) for arg in get_args(t))]
        return t

    def _mirror(self, cls: type) -> Any:
        if cls in self._made:
            return self._made[cls]
        if cls in self._making:
            raise _Unsupported(f"{cls.__name__} refers to itself")
        self._making.add(cls)
        hints = typing.get_type_hints(cls, include_extras=True)
        fields: list[Any] = []
        millis = []
        for a in attrs.fields(cls):
            if _is_epoch_millis(hints[a.name]):
                millis.append(a.name)
                wire: Any = int | None
            else:
                wire = self.wire(hints[a.name])
            if a.default is attrs.NOTHING:
                fields.append((a.name, wire))
            elif isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                if a.default.takes_self:
                    raise _Unsupported(f"{cls.__name__}.{a.name}: takes_self")
                fields.append((a.name, wire, msgspec.field(default_factory=a.default.factory)))
            else:
                fields.append((a.name, wire, a.default))
        renames = {a.name: json_name(cls, a.name) for a in attrs.fields(cls)}
        namespace = {"__post_init__": _millis_to_datetimes(tuple(millis))} if millis else None
        self._made[cls] = msgspec.defstruct(
            f"{cls.__name__}Wire",
            fields,
            kw_only=True,
            rename=renames,
            namespace=namespace,
            module=__name__,
        )
        self._making.discard(cls)
        return self._made[cls]
