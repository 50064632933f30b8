"""Reading a response body with a size limit, compressed and decompressed.

The transport asks aiohttp for the raw bytes (``auto_decompress=False``) and inflates gzip and
deflate here, so that both sizes are counted as the body arrives: past ``limit`` bytes on the
wire, or past ``limit`` bytes once inflated, reading stops with a
:class:`~bluejay_async.core.errors.ResponseTooLargeError`. Nothing larger than the limit (plus
one network chunk) is ever held, so a gzip bomb is never inflated past it.
"""

from __future__ import annotations

import zlib

import aiohttp

from bluejay_async.core.errors import (
    APIConnectionError,
    ResponseDecodeError,
    ResponseTooLargeError,
)

__all__ = ["ACCEPT_ENCODING", "DEFAULT_MAX_RESPONSE_BYTES", "read_body"]

ACCEPT_ENCODING = "gzip, deflate"
"""The encodings the client asks for: the ones :func:`read_body` can inflate within a limit."""

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
"""The default ``max_response_bytes`` of both clients: 64 MiB."""

_PIECE = 1024 * 1024
"""The most one inflate step produces: the bytes held are the limit plus one piece."""
_GZIP_OR_ZLIB = 32 + zlib.MAX_WBITS
_ZLIB = zlib.MAX_WBITS
_RAW_DEFLATE = -zlib.MAX_WBITS


async def read_body(
    response: aiohttp.ClientResponse, *, limit: int, method: str, url: str
) -> bytes:
    """The whole body of ``response``, inflated, or a typed error once it grows past ``limit``.

    Raises:
        ResponseTooLargeError: the body is larger than ``limit`` bytes on the wire or inflated.
        ResponseDecodeError: the body uses a content encoding the client did not ask for.
        APIConnectionError: the body is not valid data of its encoding (garbled in transit).
    """

    def too_large(what: str) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"the response to {method} {url} ({response.status}) is larger than "
            f"max_response_bytes={limit} {what}; reading stopped there. Pass a larger "
            "max_response_bytes to the client if the API really sends bodies this large",
            limit=limit,
            status_code=response.status,
            method=method,
            url=url,
        )

    declared = response.content_length
    if declared is not None and declared > limit:
        raise too_large("(its Content-Length)")
    encoding = _encoding(response, method, url)
    if encoding is None and declared is not None:
        # The HTTP parser hands out exactly Content-Length bytes (and refuses a response that
        # also says Transfer-Encoding), so the body is within the limit: one read, uncounted.
        return await response.content.read()
    inflater: zlib._Decompress | None = None
    chunks: list[bytes] = []
    received = size = 0
    async for chunk in response.content.iter_any():
        received += len(chunk)
        if received > limit:
            raise too_large("on the wire")
        if encoding is None:
            chunks.append(chunk)
            size = received
            continue
        if inflater is None:
            inflater = zlib.decompressobj(_wbits(encoding, chunk))
        try:
            size = _inflate(inflater, chunk, chunks, size, limit)
        except zlib.error as exc:
            raise APIConnectionError(
                f"the body of the response to {method} {url} ({response.status}) is not valid "
                f"{encoding} data: {exc}",
                method=method,
                url=url,
            ) from exc
        if size > limit:
            raise too_large("once decompressed")
    if inflater is not None and not inflater.eof:
        # Cut off: what was inflated goes to the JSON decoder, which says so (and is retried).
        tail = inflater.flush()
        size += len(tail)
        if size > limit:
            raise too_large("once decompressed")
        chunks.append(tail)
    return b"".join(chunks)


def _encoding(response: aiohttp.ClientResponse, method: str, url: str) -> str | None:
    """``gzip`` or ``deflate`` when the body is encoded so, ``None`` when it is not encoded."""
    header = response.headers.get("Content-Encoding")
    if not header:
        return None
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    raise ResponseDecodeError(
        f"the response to {method} {url} ({response.status}) is encoded as {header!r}; the "
        f"client asked for {ACCEPT_ENCODING!r} only",
        method=method,
        url=url,
    )


def _wbits(encoding: str, first: bytes) -> int:
    if encoding == "gzip":
        return _GZIP_OR_ZLIB
    # "deflate" is meant as zlib-wrapped, but some servers send it raw (as aiohttp also allows).
    return _ZLIB if first[:1] and first[0] & 0x0F == 8 else _RAW_DEFLATE


def _inflate(
    inflater: zlib._Decompress, data: bytes, chunks: list[bytes], size: int, limit: int
) -> int:
    """Inflate ``data`` into ``chunks``, never producing more than one byte past ``limit``;
    returns the inflated size so far (past ``limit`` means stop). Raises ``zlib.error``."""
    while data and not inflater.eof:
        piece = inflater.decompress(data, min(limit - size + 1, _PIECE))
        size += len(piece)
        chunks.append(piece)
        if size > limit:
            return size
        data = inflater.unconsumed_tail
    return size
