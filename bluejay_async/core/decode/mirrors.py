"""Records whose JSON differs from their attributes, decoded by msgspec straight into themselves.

msgspec builds an ``attrs`` record by name: it reads the JSON names from ``__attrs_attrs__``
and sets each value with ``setattr`` semantics on a freshly allocated instance. It has no
rename for ``attrs`` classes, and no epoch-millisecond timestamps. For a record that has either
(Cognigy's camelCase names, ``Annotated[datetime, EPOCH_MILLIS]`` fields), or that holds such a
record, this module builds a *wire class*: a private subclass of the record that

* adds no slot, so an instance can become the record itself (``__class__`` assignment);
* lists the record's fields under their JSON names, with the types msgspec decodes (a wire
  class where the record holds a record that needs one, an integer for epoch milliseconds,
  ``Meta(tz=True)`` on every timestamp);
* reaches each record slot under its JSON name too (the slot's own descriptor, so a value
  msgspec sets lands in the record's slot);
* has an ``__attrs_post_init__``, which msgspec calls once the fields are set, that turns epoch
  milliseconds into aware UTC ``datetime`` objects, turns the instance into the record, and then
  runs the record's own ``__attrs_post_init__`` (such as the ``null``-list hook of
  :func:`~bluejay_async.core.markers.empty_null_lists`).

So msgspec decodes bytes into the very records the pure path builds, in one pass of its C code,
with one Python call per such record and no intermediate objects. The record classes are not
touched: the names and the hook live on the private subclass only, and attrs' own ``__init__``
(the pure path, records built by hand) never runs any of it.

A failure inside the hook (a timestamp out of range) is a ``ValueError``, which msgspec turns
into a refusal of the body; the pure path then decides, as for every refusal.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, get_args, get_origin

import attrs

from bluejay_async.core.markers import EPOCH_MILLIS, json_name, union_members

msgspec: Any
try:
    import msgspec
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    msgspec = None

__all__ = ["Unsupported", "WireTypes", "post_init_source"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MILLISECOND = timedelta(milliseconds=1)
_LOW_BITS = 10
_LOW_MASK = (1 << _LOW_BITS) - 1
_REACH = 1 << 20


class Unsupported(Exception):
    """A record msgspec cannot build exactly as the pure path does."""


def _annotated(t: Any, metadata: list[Any]) -> Any:
    # A tuple subscript is Annotated[t, *metadata] on every Python (3.10 has no star syntax;
    # Annotated.__class_getitem__ is gone in 3.13).
    args = (t, *metadata)
    return typing.cast(Any, Annotated)[args]


def _is_millis(t: Any) -> bool:
    return get_origin(t) is Annotated and any(m is EPOCH_MILLIS for m in t.__metadata__)


def _millis_field(t: Any) -> Any:
    """The wire type of an epoch-millisecond field (``int``, or ``int | None`` when the record
    allows ``None``), or ``None`` when ``t`` is no such field."""
    if _is_millis(t):
        return int
    members = union_members(t)
    if len(members) == 2 and type(None) in members:
        (inner,) = (m for m in members if m is not type(None))
        if _is_millis(inner):
            return int | None
    return None


def post_init_source(millis: tuple[str, ...], hook: bool) -> str:
    """The source of a wire class's ``__attrs_post_init__`` (one per shape, see the module
    docstring): set each epoch-millisecond slot, become the record, run the record's hook.

    ``_EPOCH + _MILLISECOND * value`` costs about 200 ns, most of it in multiplying a
    ``timedelta``; a page holds hundreds of timestamps a few seconds apart. So the hook keeps
    the last one it computed (``_last``: a ``(milliseconds, datetime)`` pair, replaced whole)
    and reaches one up to 2**20 ms (17 minutes) before or after it by two steps from
    ``timedelta`` tables. Integer arithmetic throughout: the same ``datetime``, exactly.
    """
    lines = ["def __attrs_post_init__(self):"]
    for name in millis:
        lines += [
            f"    value = self.{name}",
            "    if value is not None:",
            "        last_ms, last = _last[0]",
            "        ahead = value - last_ms",
            "        try:",
            f"            if 0 <= ahead < {_REACH}:",
            f"                high, low = ahead >> {_LOW_BITS}, ahead & {_LOW_MASK}",
            f"                self.{name} = last + _HIGH[high] + _LOW[low]",
            f"            elif -{_REACH} < ahead < 0:",
            f"                high, low = -ahead >> {_LOW_BITS}, -ahead & {_LOW_MASK}",
            f"                self.{name} = last - _HIGH[high] - _LOW[low]",
            "            else:",
            f"                self.{name} = last = _EPOCH + _MILLISECOND * value",
            "                _last[0] = (value, last)",
            "        except OverflowError:",
            "            raise ValueError(",
            "                f'timestamp {value} ms is outside the datetime range'",
            "            ) from None",
        ]
    lines.append("    self.__class__ = _record")
    if hook:
        lines.append("    _hook(self)")
    return "\n".join(lines) + "\n"


@functools.cache
def _steps() -> tuple[list[timedelta], list[timedelta]]:
    """The ``timedelta`` tables of :func:`post_init_source` (2 x 1024, built on first use)."""
    low = [timedelta(milliseconds=i) for i in range(1 << _LOW_BITS)]
    high = [timedelta(milliseconds=i << _LOW_BITS) for i in range(_REACH >> _LOW_BITS)]
    return high, low


def _post_init(record: type, millis: tuple[str, ...]) -> Any:
    hook = getattr(record, "__attrs_post_init__", None)
    high, low = _steps() if millis else ([], [])
    namespace: dict[str, Any] = {
        "_EPOCH": _EPOCH,
        "_MILLISECOND": _MILLISECOND,
        "_HIGH": high,
        "_LOW": low,
        "_last": [(0, _EPOCH)],
        "_record": record,
        "_hook": hook,
    }
    code = compile(post_init_source(millis, hook is not None), f"<{record.__name__} wire>", "exec")
    exec(code, namespace)  # a straight-line function per record: no loop, no lookups by name
    return namespace["__attrs_post_init__"]


def _slot(record: type, name: str) -> Any:
    """The descriptor of the slot ``name`` of ``record``, from the class that defines it."""
    for klass in record.__mro__:
        if name in getattr(klass, "__slots__", ()):
            return klass.__dict__[name]
    raise Unsupported(f"{record.__name__}.{name} is not a slot")


class WireTypes:
    """The wire types of one decoder: a wire class for each record that needs one.

    ``reads_directly(record)`` says which records msgspec builds through their own annotations
    (no renamed field, no epoch milliseconds, nothing it reads differently from the pure path,
    in the record or in anything it holds); every other record gets a wire class.
    """

    def __init__(self, reads_directly: Callable[[Any], bool]) -> None:
        self._reads_directly = reads_directly
        self._made: dict[type, type] = {}
        self._making: set[type] = set()

    def wire(self, t: Any) -> Any:
        """The type msgspec decodes for a value of type ``t``."""
        origin = get_origin(t)
        if origin is Annotated:
            inner, *metadata = get_args(t)
            if any(m is EPOCH_MILLIS for m in metadata):
                raise Unsupported("epoch milliseconds outside a record field")
            kept = [m for m in metadata if isinstance(m, msgspec.Meta)]
            if inner is datetime:  # an aware timestamp, however it is annotated
                aware = msgspec.Meta(tz=True)
                return _annotated(datetime, [*(m for m in kept if m.tz is None), aware])
            return _annotated(self.wire(inner), kept) if kept else self.wire(inner)
        if t is datetime:
            return _annotated(datetime, [msgspec.Meta(tz=True)])
        if isinstance(t, type) and attrs.has(t):
            return t if self._reads_directly(t) else self._wire_class(t)
        if union_members(t):
            return typing.Union[tuple(self.wire(m) for m in union_members(t))]  # noqa: UP007
        if origin is not None and get_args(t):
            return origin[tuple(self.wire(arg) for arg in get_args(t))]
        return t

    def _wire_class(self, record: type) -> type:
        if record in self._made:
            return self._made[record]
        if record in self._making:
            raise Unsupported(f"{record.__name__} refers to itself")
        self._making.add(record)
        hints = typing.get_type_hints(record, include_extras=True)
        fields: list[attrs.Attribute[Any]] = []
        millis: list[str] = []
        wire_hints: dict[str, Any] = {}
        namespace: dict[str, Any] = {
            "__slots__": (),
            "__annotations__": wire_hints,
            # Plain attribute assignment in the hook (the record may be frozen): with both
            # methods of object, Python sets attributes without calling a method.
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
        }
        for a in attrs.fields(record):
            if a.validator is not None or a.converter is not None or not a.init:
                # msgspec would run a validator on the JSON value (an integer where the record
                # holds a datetime) and skip a converter: the pure path decides.
                raise Unsupported(
                    f"{record.__name__}.{a.name}: a validator, converter or init=False"
                )
            name = json_name(record, a.name)
            wire = _millis_field(hints[a.name])
            if wire is not None:
                millis.append(a.name)
            else:
                wire = self.wire(hints[a.name])
            if name != a.name:
                if name in namespace or hasattr(record, name):
                    raise Unsupported(f"{record.__name__}: JSON name {name!r} is taken")
                namespace[name] = _slot(record, a.name)
            else:
                _slot(record, a.name)  # a dict-backed record would keep the value elsewhere
            wire_hints[name] = wire  # msgspec reads these before the record's own
            fields.append(a.evolve(name=name, alias=name, type=wire))
        made = type(f"{record.__name__}Wire", (record,), namespace)
        made.__module__ = __name__
        made.__attrs_attrs__ = tuple(fields)  # type: ignore[attr-defined]
        made.__attrs_post_init__ = _post_init(record, tuple(millis))  # type: ignore[attr-defined]
        self._made[record] = made
        self._making.discard(record)
        return made
