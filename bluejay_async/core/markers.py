"""How a record's fields are written in JSON: annotations and class decorators.

Records say it once, here; both decode paths read it (the pure path's hooks in
:mod:`bluejay_async.core.decode.hooks`, the msgspec path in :mod:`bluejay_async.core.decode.fast`).

* ``Annotated[datetime, EPOCH_MILLIS]``: integer milliseconds since the Unix epoch (UTC).
* ``Annotated[datetime, TZ_AWARE]``: an ISO-8601 string; without an offset it is read as UTC.
* ``JsonList[X]``: a list where JSON ``null`` reads as ``[]`` (with :func:`empty_null_lists`).
* :func:`often_absent`: fields the API usually leaves out (msgspec sets their defaults first).
* :func:`camel_case`: the record's JSON names are the camelCase of its attribute names.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import attrs

__all__ = [
    "EPOCH_MILLIS",
    "TZ_AWARE",
    "JsonList",
    "WireFormat",
    "camel_case",
    "empty_null_lists",
    "json_name",
    "null_list_fields",
    "often_absent",
    "union_members",
]

C = typing.TypeVar("C", bound=type)

if TYPE_CHECKING:
    JsonList = list
else:

    class JsonList:
        """``JsonList[X]``: a record field that holds ``list[X]`` and reads JSON ``null`` as ``[]``.

        Type checkers see ``list[X]``. At run time the annotation is ``list[X] | None`` so that
        msgspec accepts a ``null``; the converter structures ``null`` into ``[]``, and on the
        msgspec path the hook :func:`empty_null_lists` installs does the same.
        """

        def __class_getitem__(cls, item: Any) -> Any:
            return typing.Optional[list[item]]  # noqa: UP045 - a runtime type, not an annotation


class WireFormat:
    """A named marker; the decoders dispatch on it."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"WireFormat({self.name!r})"


EPOCH_MILLIS: Final = WireFormat("epoch-millis")
"""A ``datetime`` sent as an integer count of milliseconds since the Unix epoch (UTC)."""

try:
    import msgspec

    # With msgspec installed the same marker tells its decoder to insist on an offset, so a naive
    # timestamp falls back to the pure decoder, which reads it as UTC: both paths agree. (msgspec
    # reads a record's own annotations, so the marker has to be msgspec's when it is there.)
    _tz_aware: object = msgspec.Meta(tz=True)
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    _tz_aware = WireFormat("tz-aware")

TZ_AWARE: Final = _tz_aware
"""A ``datetime`` that must carry an offset (msgspec checks it; the pure path assumes UTC)."""

def union_members(t: Any) -> tuple[Any, ...]:
    """The members of a union type (``X | Y`` or ``Union[X, Y]``), ``()`` for anything else.

    Both decode paths read a field's annotation through it.
    """
    return typing.get_args(t) if typing.get_origin(t) in (typing.Union, types.UnionType) else ()


_CASING_ATTR = "__bluejay_json_casing__"
_OFTEN_ABSENT_ATTR = "__bluejay_often_absent__"
_NULL_LISTS_ATTR = "__bluejay_null_lists__"


def camel_case(cls: C) -> C:
    """Class decorator: the record's JSON field names are the camelCase of its attribute names."""
    setattr(cls, _CASING_ATTR, "camel")
    return cls


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def json_name(cls: type, name: str) -> str:
    """The JSON name of the attribute ``name`` of the record ``cls``."""
    return _camel(name) if getattr(cls, _CASING_ATTR, None) == "camel" else name


def empty_null_lists(cls: C) -> C:
    """Class decorator (above ``@attrs.frozen``) for records with ``JsonList`` fields.

    msgspec builds a record and then calls its ``__attrs_post_init__``; this installs one that
    turns a ``None`` left in a ``JsonList`` field by a JSON ``null`` into ``[]``. Installed
    after attrs created the class, the hook is not called by attrs' own ``__init__``, so the
    pure path and records built by hand pay nothing for it.
    """
    names = tuple(
        a.name
        for a in cls.__attrs_attrs__  # type: ignore[attr-defined]
        if str(a.type).startswith(("JsonList[", "_types.JsonList["))
    )
    if not names:
        raise TypeError(f"{cls.__name__} has no JsonList field")
    # msgspec calls the hook once per record it builds: a field read in the generated code is a
    # specialised slot load, several times cheaper than getattr(self, name) in a loop.
    lines = [f"    if self.{name} is None:\n        _set(self, {name!r}, [])" for name in names]
    hook = _compile("__attrs_post_init__", lines, {"_set": object.__setattr__})
    setattr(hook, _NULL_LISTS_ATTR, names)
    cls.__attrs_post_init__ = hook  # type: ignore[attr-defined]
    return cls


def null_list_fields(hook: object) -> tuple[str, ...] | None:
    """The ``JsonList`` fields ``hook`` empties, when it is the ``__attrs_post_init__`` that
    :func:`empty_null_lists` installed (which does nothing else); otherwise ``None``."""
    names = getattr(hook, _NULL_LISTS_ATTR, None)
    return names if isinstance(names, tuple) else None


def often_absent(*prefixes: str) -> Callable[[C], C]:
    """Class decorator (above ``@attrs.frozen``): the fields whose names start with one of
    ``prefixes`` are usually left out of the JSON (a full name is its own prefix).

    msgspec fills a field the body left out after reading the body, by asking the record for
    it: on a slotted record an unset field answers with an ``AttributeError`` that is raised
    and cleared, about 150 ns a field. This installs an ``__attrs_pre_init__``, which msgspec
    calls on the empty record before it reads the body, that sets those fields to their
    defaults first (a few ns a field); a field the body does send is then simply overwritten.
    As with :func:`empty_null_lists`, attrs' own ``__init__`` never calls the hook.

    Only worth it for fields that are absent far more often than present: each one costs its
    store on every record. The fields need plain (not factory) defaults.
    """

    def decorate(cls: C) -> C:
        fields = [
            a
            for a in cls.__attrs_attrs__  # type: ignore[attr-defined]
            if a.name.startswith(prefixes)
        ]
        if not fields:
            raise TypeError(f"{cls.__name__} has no field starting with {prefixes}")
        for a in fields:
            if a.default is attrs.NOTHING or isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                raise TypeError(f"{cls.__name__}.{a.name} needs a plain default")
        cls.__attrs_pre_init__ = _prefill(cls, {a.name: a.default for a in fields})  # type: ignore[attr-defined]
        setattr(cls, _OFTEN_ABSENT_ATTR, prefixes)
        return cls

    return decorate


def _prefill(cls: type, defaults: dict[str, Any]) -> Callable[[Any], None]:
    # The record is frozen: its __setattr__ raises, and calling each slot's __set__ costs about
    # 40 ns. For the length of the hook the empty record is made an instance of a subclass that
    # adds no slot and keeps object's __setattr__ (same layout, so __class__ may change both
    # ways), where a store is a plain slot store. A subclass of the record, whose layout may
    # differ, is left alone.
    filling = type(
        cls.__name__,
        (cls,),
        {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": cls.__module__,
            "__qualname__": f"{cls.__qualname__}.<filling>",
        },
    )
    namespace: dict[str, Any] = {
        "_set_class": object.__dict__["__class__"].__set__,
        "_record": cls,
        "_filling": filling,
    }
    lines = ["    if type(self) is _record:", "        _set_class(self, _filling)"]
    for i, (name, default) in enumerate(defaults.items()):
        namespace[f"_default{i}"] = default
        lines.append(f"        self.{name} = _default{i}")
    lines.append("        self.__class__ = _record")
    return _compile("__attrs_pre_init__", lines, namespace)


def _compile(name: str, body: list[str], namespace: dict[str, Any]) -> Callable[[Any], None]:
    # These two hooks are the only code written at run time, and only for speed: an attribute
    # load or store whose name is spelt in the code is specialised by the interpreter into a
    # slot access (a few ns), while getattr/setattr with the name in a variable is not (about
    # 40 ns). The names are the record's own attrs field names, so always identifiers.
    source = f"def {name}(self):\n" + "\n".join(body) + "\n"
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return typing.cast(Callable[[Any], None], namespace[name])
