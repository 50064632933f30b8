"""The shared async HTTP transport of both clients: one request, its attempts, its errors.

One :class:`Transport` per client sends each API call: it adds the credentials, applies the
timeout and the :class:`~bluejay_async.core.retry.RetryPolicy` (one attempt after another, the
waits taken on an injectable :class:`~bluejay_async.core.retry.Clock`), maps every failure to
:mod:`bluejay_async.core.errors`, and hands a successful body to the decode step it was built
with. It knows nothing of records: ``into`` is only passed through to that decode step.

The other jobs live next to it, each in its own module: the URL policy
(:mod:`~bluejay_async.core.urls`), the redirect policy (:mod:`~bluejay_async.core.redirects`),
the credentials and their redaction (:mod:`~bluejay_async.core.credentials`), the bounded body
read (:mod:`~bluejay_async.core.body`) and the per-loop session pool
(:mod:`~bluejay_async.core.pool`).
"""

from __future__ import annotations

import asyncio
import logging
import platform
import time
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import aiohttp
import attrs
import multidict
import yarl

from bluejay_async import __version__
from bluejay_async.core import codec as _codec
from bluejay_async.core.body import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE_BYTES, read_body
from bluejay_async.core.credentials import Credentials
from bluejay_async.core.error_mapping import status_error_from_response
from bluejay_async.core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    InvalidRequestError,
)
from bluejay_async.core.options import (
    Timeout,
    check_positive_int,
    check_retry,
    resolve_timeout,
)
from bluejay_async.core.pool import Pool, closed_error
from bluejay_async.core.redirects import (
    IDEMPOTENT_METHODS,
    MAX_REDIRECTS,
    is_redirect,
    redirect_target,
    too_many_redirects,
)
from bluejay_async.core.retry import Clock, ConnectionNotEstablished, RetryPolicy, parse_retry_after
from bluejay_async.core.urls import check_base_url, check_params

__all__ = ["Decoder", "Timeout", "Transport", "connection_failure", "resolve_timeout"]

T = TypeVar("T")

_USER_AGENT = (
    f"bluejay-cognigy-async/{__version__} python/{platform.python_version()} "
    f"aiohttp/{aiohttp.__version__}"
)


class Decoder(Protocol):
    """The decode step of a transport: a successful body into an ``into``, or an APIError."""

    def __call__(
        self, raw: bytes, into: type[T], *, method: str | None = None, url: str | None = None
    ) -> T: ...


class _ConnectTimeout(ConnectionNotEstablished, APITimeoutError):
    """Timed out while connecting: the server never saw the request."""


@attrs.define(frozen=True, slots=True, kw_only=True, repr=False)
class Transport:
    """Sends requests for one client. Built by the clients; not usually created directly."""

    base_url: str
    retry: RetryPolicy
    timeout: aiohttp.ClientTimeout
    max_response_bytes: int
    logger: logging.Logger
    decoder: Decoder
    credentials: Credentials
    clock: Clock = attrs.field(factory=Clock)
    _pool: Pool
    _owns_pool: bool = True
    # Built once: aiohttp copies the headers of every request, so one mapping serves them all
    # (a multidict, which aiohttp copies as it is instead of converting it first).
    _headers: Mapping[str, str] = attrs.field(init=False)
    _json_headers: Mapping[str, str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": _USER_AGENT,
            **self.credentials.headers,
        }
        json_headers = {**headers, "Content-Type": "application/json"}
        object.__setattr__(self, "_headers", _frozen_headers(headers))
        object.__setattr__(self, "_json_headers", _frozen_headers(json_headers))

    @classmethod
    def create(
        cls,
        *,
        base_url: str,
        credentials: Credentials,
        logger: logging.Logger,
        decoder: Decoder,
        timeout: Timeout = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        session: aiohttp.ClientSession | None = None,
        allow_insecure: bool = False,
    ) -> Transport:
        """Validate the configuration and build a transport (no I/O happens here)."""
        check_positive_int(max_connections, "max_connections")
        check_retry(retry)
        return cls(
            base_url=check_base_url(base_url, allow_insecure=allow_insecure),
            retry=retry or RetryPolicy(),
            timeout=resolve_timeout(timeout),
            max_response_bytes=check_positive_int(max_response_bytes, "max_response_bytes"),
            logger=logger,
            decoder=decoder,
            credentials=credentials,
            pool=Pool(session=session, max_connections=max_connections),
        )

    def with_options(
        self,
        *,
        timeout: Timeout | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
    ) -> Transport:
        """A copy with other defaults that shares this transport's connection pool."""
        check_retry(retry)
        return attrs.evolve(
            self,
            timeout=self.timeout if timeout is None else resolve_timeout(timeout),
            retry=self.retry if retry is None else retry,
            max_response_bytes=self.max_response_bytes
            if max_response_bytes is None
            else check_positive_int(max_response_bytes, "max_response_bytes"),
            owns_pool=False,
        )

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` has been called on the owning client."""
        return self._pool.closed

    async def aclose(self) -> None:
        """Close the pooled session if this transport created it (a no-op for copies)."""
        if self._owns_pool:
            await self._pool.aclose()

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def url(self, path: str) -> str:
        """The absolute URL of an API path."""
        return self.base_url + path

    async def request(
        self,
        method: str,
        path: str,
        *,
        into: type[T],
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> T:
        """Send one API call with retries and decode its body with the decode step into ``into``.

        Decoding is part of each attempt: a body cut off mid-JSON is retried like a dropped
        connection (for idempotent requests); a well-formed body of the wrong shape is not.
        """
        url, body = self._prepare(path, params, json)
        idempotent = method in IDEMPOTENT_METHODS

        async def attempt(number: int, started: float) -> T:
            raw = await self._send(method, url, params, body, number, started)
            return self.decode(raw, into, method=method, url=url)

        return await self.retry.call(attempt, idempotent=idempotent, clock=self.clock)

    async def request_bytes(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None
    ) -> bytes:
        """Send one API call with retries and return its successful body undecoded.

        For callers that decode later with :meth:`decode` (bulk fetches decode each body as it
        is handed out). A body cut off mid-JSON is not retried here, as nothing here reads it:
        that is the caller's to decide.
        """
        url, _ = self._prepare(path, params, None)

        async def attempt(number: int, started: float) -> bytes:
            return await self._send(method, url, params, None, number, started)

        idempotent = method in IDEMPOTENT_METHODS
        return await self.retry.call(attempt, idempotent=idempotent, clock=self.clock)

    async def send_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        started: float,
        attempt: int = 1,
    ) -> bytes:
        """One attempt, no retry: the body of a success, or the attempt's typed error.

        For a caller that runs its own attempts under :attr:`retry` (the bulk re-queue loop):
        ``started`` is when the first attempt of this key began, on :attr:`clock`, so that the
        policy's ``deadline`` caps this attempt's timeout exactly as it would a retried call's.
        """
        url, _ = self._prepare(path, params, None)
        return await self._send(method, url, params, None, attempt, started)

    def decode(
        self, raw: bytes, into: type[T], *, method: str | None = None, url: str | None = None
    ) -> T:
        """Decode a successful body with the decode step; its errors carry no secret."""
        try:
            return self.decoder(raw, into, method=method, url=url)
        except APIError as exc:
            self.credentials.scrub(exc)
            raise

    def _prepare(
        self, path: str, params: Mapping[str, str] | None, json: Any
    ) -> tuple[str, bytes | None]:
        """The URL and the encoded body of a request, or a typed error before anything is sent."""
        if params is not None:
            check_params(params)
        try:
            body = None if json is None else _codec.dumps(json)
        except (TypeError, ValueError, RecursionError) as exc:
            raise InvalidRequestError(f"request body is not JSON-serialisable: {exc}") from None
        return self.url(path), body

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        body: bytes | None,
        attempt: int,
        started: float,
    ) -> bytes:
        """One attempt, redirects followed; every failure is a typed, secret-free APIError."""
        t0 = time.perf_counter()
        status: int | str = "error"
        try:
            turn = await self._pool.acquire()
            try:
                timeout = self._attempt_timeout(started)
                for _ in range(MAX_REDIRECTS + 1):
                    status, raw, target = await self._exchange(
                        turn.session, method, url, params, body, timeout
                    )
                    if target is None:
                        return raw
                    url, params = target, None  # the Location is the whole target, query included
                raise too_many_redirects(method, url, int(status))
            finally:
                turn.slots.release()
        except APIError as exc:
            status = getattr(exc, "status_code", status)  # an error status, for the log line
            self.credentials.scrub(exc)
            raise
        except (asyncio.TimeoutError, aiohttp.ClientError) as exc:
            self.credentials.scrub(exc)
            if self._pool.closed:  # the session was closed under the request
                raise closed_error() from exc
            failure = connection_failure(exc, method, url, time.perf_counter() - t0)
            raise self.credentials.scrub(failure) from exc
        finally:
            if self.logger.isEnabledFor(logging.DEBUG):
                self.logger.debug(
                    "%s %s -> %s in %.1f ms (attempt %d)",
                    method,
                    self.credentials.text(urlsplit(url).path),
                    status,
                    (time.perf_counter() - t0) * 1000,
                    attempt,
                )

    async def _exchange(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        body: bytes | None,
        timeout: aiohttp.ClientTimeout,
    ) -> tuple[int, bytes, str | None]:
        """Send one request: ``(status, body, None)`` on success, ``(status, b"", target)`` for a
        redirect to follow; an error status raises its typed error."""
        async with session.request(
            method,
            yarl.URL(url, encoded=True),
            params=params,
            data=body,
            headers=self._headers if body is None else self._json_headers,
            timeout=timeout,
            allow_redirects=False,
            auto_decompress=False,
        ) as response:
            status = response.status
            if is_redirect(status):
                # The body of a redirect is never read: nothing in it is used.
                return status, b"", redirect_target(method, url, status, response.headers)
            limit = self.max_response_bytes
            raw = await read_body(response, limit=limit, method=method, url=url)
            if status < 400:
                return status, raw, None
            headers = self.credentials.value(dict(response.headers))
            raise status_error_from_response(
                status=status,
                headers=headers,
                raw_body=self.credentials.bytes(raw),
                method=method,
                url=url,
                retry_after=parse_retry_after(headers),
            )

    def _attempt_timeout(self, started: float) -> aiohttp.ClientTimeout:
        if self.retry.deadline is None:
            return self.timeout
        remaining = self.retry.remaining(self.clock.now() - started)
        if remaining is None:
            return self.timeout
        remaining = max(0.001, remaining)  # past the deadline: fail at once, as a timeout
        total = self.timeout.total
        return attrs.evolve(
            self.timeout, total=remaining if total is None else min(total, remaining)
        )


def _frozen_headers(headers: Mapping[str, str]) -> multidict.CIMultiDictProxy[str]:
    return multidict.CIMultiDictProxy(multidict.CIMultiDict(headers))


def connection_failure(
    exc: asyncio.TimeoutError | aiohttp.ClientError, method: str, url: str, elapsed: float
) -> APIConnectionError:
    """The typed error of an exchange that got no usable answer."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return _ConnectTimeout(f"timed out connecting for {method} {url}", method=method, url=url)
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        text = f"{method} {url} timed out after {elapsed:.2f}s"
        return APITimeoutError(text, method=method, url=url)
    if isinstance(exc, aiohttp.ClientConnectorError):
        text = f"could not connect for {method} {url}: {exc.os_error or exc}"
        return ConnectionNotEstablished(text, method=method, url=url)
    text = f"connection failed during {method} {url}: {type(exc).__name__}: {exc}"
    return APIConnectionError(text, method=method, url=url)
