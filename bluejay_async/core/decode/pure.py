"""The pure path: JSON values into records with cattrs, and records back into JSON values.

It needs nothing beyond the runtime dependencies and decides every body the msgspec path
refuses, so both paths return the same records and raise the same errors.
"""

from __future__ import annotations

import typing
from typing import Any, TypeVar

from bluejay_async.core.decode.collector import without_collecting
from bluejay_async.core.decode.explain import explain
from bluejay_async.core.decode.hooks import build_converter
from bluejay_async.core.errors import ResponseDecodeError

__all__ = ["converter", "structure", "unstructure"]

T = TypeVar("T")

converter = build_converter(detailed=False)
"""The converter behind every record: ``converter.structure(data, Type)`` raises what its hooks
raise (``TypeError``, ``ValueError``, ``KeyError``); :func:`structure` words it."""


def structure(data: Any, into: type[T], *, method: str | None = None, url: str | None = None) -> T:
    """Structure decoded JSON into ``into``; a mismatch raises :class:`ResponseDecodeError`."""
    try:
        return typing.cast(T, without_collecting(converter.structure, data, into))
    except Exception:  # every mismatch becomes one typed error below
        problems = explain(data, into) or ["$: does not match the documented schema"]
    where = f" from {method} {url}" if method and url else ""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    # A private envelope record names its endpoint instead of itself.
    what = getattr(into, "_response_name", into.__name__)
    raise ResponseDecodeError(
        f"unexpected {what} response{where}: {problems[0]}{more}",
        path=problems[0].partition(": ")[0],
        method=method,
        url=url,
    )


def unstructure(record: Any) -> Any:
    """The JSON-ready form of a record (fields left at their default are omitted)."""
    return converter.unstructure(record)
