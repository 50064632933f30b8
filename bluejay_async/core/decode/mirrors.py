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
* has no ``__attrs_post_init__`` for msgspec to call.

Once msgspec has decoded a body into wire instances, one generated function per decoded type,
the *finisher*, walks what it returned in a single pass: it turns epoch milliseconds into aware
UTC ``datetime`` objects, empties ``null`` lists (what :func:`~bluejay_async.core.markers.
empty_null_lists` does for records msgspec builds directly), makes each wire instance the
record itself, and runs any other ``__attrs_post_init__`` the record has. A page of a hundred
Cognigy runs holds about 950 such records: one Python function for the page, with loops over
its lists, costs far less than a Python call per record.

So msgspec decodes bytes into the very records the pure path builds, with no intermediate
objects. The record classes are not touched: the names live on the private subclass only, and
attrs' own ``__init__`` (the pure path, records built by hand) never runs any of it.

A failure while finishing (a timestamp out of range, a record's own hook refusing a value) is a
``ValueError`` or ``TypeError``, which the decoder treats as msgspec treats one raised in a
post-init hook: the body is refused, and the pure path then decides, as for every refusal.
"""

from __future__ import annotations

import itertools
import typing
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, get_args, get_origin

import attrs

from bluejay_async.core.markers import EPOCH_MILLIS, json_name, null_list_fields, union_members

msgspec: Any
try:
    import msgspec
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    msgspec = None

__all__ = ["Finish", "Unsupported", "WireTypes", "millis_statements"]

Finish = Callable[[Any], Any]
"""A finisher: takes what msgspec decoded into wire classes, returns the records."""

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_STEP_BITS = 10
_BLOCK_BITS = 2 * _STEP_BITS
_STEP_MASK = (1 << _STEP_BITS) - 1
_MAX_BLOCKS = 1024


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


# --- epoch milliseconds into datetimes ---------------------------------------------------


def _steps() -> tuple[list[timedelta], list[timedelta]]:
    """The two ``timedelta`` tables of :func:`millis_statements` (2 x 1024 entries)."""
    steps = [timedelta(milliseconds=i) for i in range(1 << _STEP_BITS)]
    return [step * (1 << _STEP_BITS) for step in steps], steps


_HIGH, _LOW = _steps()
_BLOCKS: dict[int, datetime] = {}
"""The ``datetime`` that starts each 2**20-ms block (17.5 minutes) seen lately."""


def _in_new_block(ms: int) -> datetime:
    """``ms`` as a ``datetime``, its block's start computed and kept (the table stays small:
    it is emptied once it holds :data:`_MAX_BLOCKS` blocks)."""
    key = ms >> _BLOCK_BITS
    try:
        start = _EPOCH + timedelta(milliseconds=key << _BLOCK_BITS)
        value = start + _HIGH[(ms >> _STEP_BITS) & _STEP_MASK] + _LOW[ms & _STEP_MASK]
    except OverflowError:
        try:  # the first block of the range starts before datetime.min: not kept
            return _EPOCH + timedelta(milliseconds=ms)
        except OverflowError:
            _out_of_range(ms)
    if len(_BLOCKS) >= _MAX_BLOCKS:
        _BLOCKS.clear()
    _BLOCKS[key] = start
    return value


def _out_of_range(ms: int) -> typing.NoReturn:
    raise ValueError(f"timestamp {ms} ms is outside the datetime range") from None


def millis_statements(target: str, optional: bool) -> list[str]:
    """The statements that turn the epoch milliseconds in ``target`` (an attribute of a wire
    instance) into an aware UTC ``datetime``, in place.

    ``_EPOCH + timedelta(milliseconds=ms)`` costs about 200 ns, most of it in building a
    ``timedelta`` from a large integer. Instead, the start of the value's 2**20-ms block comes
    from a small dictionary (a page's timestamps share a handful of blocks), and two steps from
    ``timedelta`` tables reach the value: integer arithmetic throughout, so the same
    ``datetime``, exactly, for every value in range (Python's ``>>`` and ``&`` split a negative
    value the same way).
    """
    lines = [f"ms = {target}"]
    convert = [
        "try:",
        f"    {target} = (_BLOCKS[ms >> {_BLOCK_BITS}] + _HIGH[(ms >> {_STEP_BITS}) & {_STEP_MASK}]"
        f" + _LOW[ms & {_STEP_MASK}])",
        "except KeyError:",
        f"    {target} = _in_new_block(ms)",
        "except OverflowError:",
        "    _out_of_range(ms)",
    ]
    if optional:
        return [*lines, "if ms is not None:", *(f"    {line}" for line in convert)]
    return lines + convert


# --- the wire types and their finisher ---------------------------------------------------


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
        self._hints: dict[type, dict[str, Any]] = {}

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

    def finisher(self, t: Any) -> Finish | None:
        """The function that turns what msgspec decoded as ``wire(t)`` into records (see the
        module docstring), or ``None`` when ``t`` holds no wire class: msgspec's value is final.
        """
        self.wire(t)
        writer = _FinisherWriter(self._made, self._hints)
        body = writer.statements(t, "value")
        if not body:
            return None
        names: dict[str, Any] = {
            "_BLOCKS": _BLOCKS,
            "_HIGH": _HIGH,
            "_LOW": _LOW,
            "_in_new_block": _in_new_block,
            "_out_of_range": _out_of_range,
            **writer.names,
        }
        # One straight function per decoded type: attribute names spelt in the code are
        # specialised into slot accesses, loops run without a call per record, and what the
        # code refers to is bound as keyword defaults, so read as local variables.
        bound = ", ".join(f"{name}={name}" for name in names)
        source = f"def finish(value, *, {bound}):\n" + "".join(f"    {line}\n" for line in body)
        source += "    return value\n"
        namespace = dict(names)
        exec(compile(source, f"<finish {getattr(t, '__name__', t)}>", "exec"), namespace)
        return typing.cast(Finish, namespace["finish"])

    def _wire_class(self, record: type) -> type:
        if record in self._made:
            return self._made[record]
        if record in self._making:
            raise Unsupported(f"{record.__name__} refers to itself")
        self._making.add(record)
        hints = typing.get_type_hints(record, include_extras=True)
        fields: list[attrs.Attribute[Any]] = []
        wire_hints: dict[str, Any] = {}
        namespace: dict[str, Any] = {
            "__slots__": (),
            "__annotations__": wire_hints,
            # Plain attribute assignment in the finisher (the record may be frozen): with both
            # methods of object, Python sets attributes without calling a method.
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            # msgspec calls nothing once it has set the fields: the finisher does the rest.
            "__attrs_post_init__": None,
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
            if wire is None:
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
        self._made[record] = made
        self._hints[record] = hints
        self._making.discard(record)
        return made


class _FinisherWriter:
    """Writes the statements of one finisher, and the names they refer to."""

    def __init__(self, made: dict[type, type], hints: dict[type, dict[str, Any]]) -> None:
        self._made = made
        self._hints = hints
        self._counter = itertools.count()
        self.names: dict[str, Any] = {}

    def statements(self, t: Any, var: str) -> list[str]:
        """What finishes the value in ``var``, decoded as the wire type of ``t`` (no statement
        when it needs nothing)."""
        if not self._needs(t):
            return []
        origin, args = get_origin(t), get_args(t)
        if origin is Annotated:
            return self.statements(args[0], var)
        if t in self._made:  # a record with a wire class (list[X] is a type on Python 3.10)
            return self._record(t, var)
        members = union_members(t)
        if members:
            others = [m for m in members if m is not type(None)]
            if len(others) > 1:
                raise Unsupported("a union of a record that needs a wire class and another type")
            return [f"if {var} is not None:", *_indented(self.statements(others[0], var))]
        item = self._variable()
        if origin is list:
            return [f"for {item} in {var}:", *_indented(self.statements(args[0], item))]
        if origin is dict and len(args) == 2:
            return [f"for {item} in {var}.values():", *_indented(self.statements(args[1], item))]
        raise Unsupported(f"a record that needs a wire class inside {t!r}")

    def _needs(self, t: Any) -> bool:
        """Whether a value of type ``t`` holds a wire instance to finish."""
        if isinstance(t, type) and attrs.has(t):
            return t in self._made
        return any(self._needs(arg) for arg in get_args(t))

    def _record(self, record: type, var: str) -> list[str]:
        hints = self._hints[record]
        lines: list[str] = []
        for a in attrs.fields(record):
            target = f"{var}.{a.name}"
            millis = _millis_field(hints[a.name])
            if millis is not None:
                lines += millis_statements(target, optional=millis is not int)
                continue
            if self._needs(hints[a.name]):
                inner_var = self._variable()
                lines += [f"{inner_var} = {target}", *self.statements(hints[a.name], inner_var)]
        hook = getattr(record, "__attrs_post_init__", None)
        emptied = null_list_fields(hook)
        for name in emptied or ():
            lines += [f"if {var}.{name} is None:", f"    {var}.{name} = []"]
        lines.append(f"{var}.__class__ = {self._name(record)}")
        if hook is not None and emptied is None:
            lines.append(f"{self._name(hook)}({var})")  # the record's own hook, as attrs runs it
        return lines

    def _variable(self) -> str:
        return f"v{next(self._counter)}"

    def _name(self, value: Any) -> str:
        name = f"_ref{len(self.names)}"
        self.names[name] = value
        return name


def _indented(lines: list[str]) -> list[str]:
    return [f"    {line}" for line in lines]
