"""JSON <-> records: the one decode path of both clients (the jobs live in :mod:`.decode`).

:func:`decode_response` turns a response body into a record. With the ``fast`` extra installed
(msgspec), bodies are decoded by msgspec straight into the ``attrs`` records
(:mod:`.decode.fast`); whenever msgspec refuses a body, the pure path (:mod:`.decode.pure`,
cattrs) decodes it again and decides, so both paths return identical records and raise
identical :class:`ResponseDecodeError`\\ s. Integers are exact at any size on both paths.

``BLUEJAY_ASYNC_DECODER=pure`` in the environment turns the msgspec path off (the test suite
runs both ways). It is read once, when this module is imported; :func:`decoder_backend` reports
the path :func:`decode_response` takes.

The pure path's modules (and cattrs) are imported on first use.
"""

from __future__ import annotations

import os
import typing
from typing import Any, TypeVar

from bluejay_async.core.decode import fast, parse
from bluejay_async.core.decode.collector import without_collecting
from bluejay_async.core.decode.scalars import parse_timestamp
from bluejay_async.core.error_mapping import excerpt
from bluejay_async.core.errors import (
    ResponseDecodeError,
)
from bluejay_async.core.markers import camel_case, json_name

__all__ = [
    "camel_case",
    "decode_response",
    "decoder_backend",
    "explain",
    "parse_timestamp",
    "structure",
    "unstructure",
]

T = TypeVar("T")

msgspec = fast.msgspec
_msgspec_can_decode = fast.reads_directly
_json_name = json_name  # validation names the JSON path of a bad argument with it


def _backend_from_environment() -> str:
    wanted = os.environ.get("BLUEJAY_ASYNC_DECODER", "auto").strip().lower()
    return "msgspec" if fast.AVAILABLE and wanted != "pure" else "cattrs"


_BACKEND = _backend_from_environment()


def decoder_backend() -> str:
    """``"msgspec"`` when :func:`decode_response` tries msgspec first, else ``"cattrs"``."""
    return _BACKEND


def decode_response(
    raw: bytes, into: type[T], *, method: str | None = None, url: str | None = None
) -> T:
    """Decode a successful response body into ``into`` (the single decode entry point)."""
    if _BACKEND == "msgspec":
        decode = fast.decoder(into)
        if decode is not None:
            try:
                return typing.cast(T, without_collecting(decode, raw))
            except fast.REFUSED:
                pass  # the pure path decides: same records, same errors
    try:
        data = parse.loads(raw)
    except (ValueError, RecursionError) as exc:  # the stdlib parser recurses on nesting
        where = f" from {method} {url}" if method and url else ""
        raise ResponseDecodeError(
            f"response{where} is not valid JSON: {excerpt(raw) or '<empty body>'}",
            excerpt=excerpt(raw),
            method=method,
            url=url,
            malformed=isinstance(exc, ValueError),
        ) from None
    return structure(data, into, method=method, url=url)


def structure(data: Any, into: type[T], *, method: str | None = None, url: str | None = None) -> T:
    """Structure decoded JSON into ``into``; a mismatch raises :class:`ResponseDecodeError`."""
    from bluejay_async.core.decode import pure

    return pure.structure(data, into, method=method, url=url)


def unstructure(record: Any) -> Any:
    """The JSON-ready form of a record (fields left at their default are omitted)."""
    from bluejay_async.core.decode import pure

    return pure.unstructure(record)


def explain(data: Any, into: type) -> list[str]:
    """Every reason ``data`` does not structure into ``into``, as ``"<JSON path>: <problem>"``.

    Paths use the JSON field names (``$.data[0].createdAt``), not the attribute names.
    """
    from bluejay_async.core.decode import explain as explaining

    return explaining.explain(data, into)


def __getattr__(name: str) -> Any:
    if name == "converter":  # the pure path's cattrs converter, built on first use
        from bluejay_async.core.decode import pure

        return pure.converter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
