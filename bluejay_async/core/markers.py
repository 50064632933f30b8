"""Markers carried in ``typing.Annotated`` metadata to tell the decoder how a field is encoded."""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any, Final

__all__ = ["EPOCH_MILLIS", "TZ_AWARE", "JsonList", "WireFormat", "empty_null_lists"]

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
    """A named marker; the converter dispatches on it."""

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
    # timestamp falls back to the pure decoder, which reads it as UTC: both paths agree.
    _tz_aware: object = msgspec.Meta(tz=True)
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    _tz_aware = WireFormat("tz-aware")

TZ_AWARE: Final = _tz_aware
"""A ``datetime`` that must carry an offset (msgspec checks it; the pure path assumes UTC)."""


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

    def post_init(self: Any) -> None:
        for name in names:
            if getattr(self, name) is None:
                object.__setattr__(self, name, [])

    cls.__attrs_post_init__ = post_init  # type: ignore[attr-defined]
    return cls
