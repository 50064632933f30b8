"""Markers carried in ``typing.Annotated`` metadata to tell the decoder how a field is encoded."""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any, Final

__all__ = ["EPOCH_MILLIS", "TZ_AWARE", "JsonList", "WireFormat"]

if TYPE_CHECKING:
    JsonList = list
else:

    class JsonList:
        """``JsonList[X]``: a record field that holds ``list[X]`` and reads JSON ``null`` as ``[]``.

        Type checkers see ``list[X]``. At run time the annotation is ``list[X] | None`` so that
        msgspec accepts a ``null``; the converter structures ``null`` into ``[]``, and on the
        msgspec path a post-init hook (see ``converter._empty_null_lists``) does the same.
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
