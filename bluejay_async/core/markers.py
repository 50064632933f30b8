"""How a record's fields are written in JSON: annotations and class decorators.

Records say it once, here; both decode paths read it (the pure path's hooks in
:mod:`bluejay_async.core.decode.hooks`, the msgspec path in :mod:`bluejay_async.core.decode.fast`).

* ``Annotated[datetime, EPOCH_MILLIS]``: integer milliseconds since the Unix epoch (UTC).
* ``Annotated[datetime, TZ_AWARE]``: an ISO-8601 string; without an offset it is read as UTC.
* ``JsonList[X]``: a list where JSON ``null`` reads as ``[]`` (with :func:`empty_null_lists`).
* :func:`camel_case`: the record's JSON names are the camelCase of its attribute names.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

__all__ = [
    "EPOCH_MILLIS",
    "TZ_AWARE",
    "JsonList",
    "WireFormat",
    "camel_case",
    "empty_null_lists",
    "json_name",
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

_CASING_ATTR = "__bluejay_json_casing__"


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
    cls.__attrs_post_init__ = _post_init(names)  # type: ignore[attr-defined]
    return cls


_set = object.__setattr__


def _post_init(names: tuple[str, ...]) -> Callable[[Any], None]:
    # msgspec calls this once per record it builds: the one- and two-field cases (all but one
    # record) skip the loop, which is a measurable part of the whole decode.
    if len(names) == 1:
        (only,) = names

        def post_init_one(self: Any) -> None:
            if getattr(self, only) is None:
                _set(self, only, [])

        return post_init_one
    if len(names) == 2:
        first, second = names

        def post_init_two(self: Any) -> None:
            if getattr(self, first) is None:
                _set(self, first, [])
            if getattr(self, second) is None:
                _set(self, second, [])

        return post_init_two

    def post_init(self: Any) -> None:
        for name in names:
            if getattr(self, name) is None:
                _set(self, name, [])

    return post_init
