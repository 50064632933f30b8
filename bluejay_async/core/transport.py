"""The shared async HTTP transport of both clients.

One :class:`Transport` per client owns (or borrows) one pooled ``aiohttp.ClientSession``, adds
the credentials, applies the timeout and the :class:`~bluejay_async.core.retry.RetryPolicy`, maps
HTTP failures to :mod:`bluejay_async.core.errors`, and hands a successful body to the decoder.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import logging
import platform
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urljoin, urlsplit

import aiohttp
import attrs
import multidict
import yarl

from bluejay_async import __version__
from bluejay_async.core import codec as _codec
from bluejay_async.core.converter import decode_response
from bluejay_async.core.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    InvalidRequestError,
    status_error_from_response,
)
from bluejay_async.core.retry import ConnectionNotEstablished, RetryPolicy, parse_retry_after

__all__ = ["Timeout", "Transport", "resolve_timeout"]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

Timeout = float | aiohttp.ClientTimeout
"""A timeout: total seconds per attempt, or an ``aiohttp.ClientTimeout`` for finer control."""

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_LOOPBACK_NAMES = frozenset({"localhost"})
_MAX_REDIRECTS = 5
_USER_AGENT = (
    f"bluejay-cognigy-async/{__version__} python/{platform.python_version()} "
    f"aiohttp/{aiohttp.__version__}"
)


class _ConnectTimeout(ConnectionNotEstablished, APITimeoutError):
    """Timed out while connecting: the server never saw the request."""


def resolve_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    """Normalise a timeout argument, rejecting nonsense before any request is made."""
    if isinstance(timeout, aiohttp.ClientTimeout):
        return timeout
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not 0 < timeout < float("inf")
    ):
        raise InvalidRequestError(
            f"timeout must be a finite positive number of seconds or an aiohttp.ClientTimeout, "
            f"got {timeout!r}",
            param="timeout",
        )
    return aiohttp.ClientTimeout(total=float(timeout))


def check_base_url(base_url: str, *, allow_insecure: bool) -> str:
    """Validate a base URL and return it without a trailing slash."""
    try:
        parts = urlsplit(base_url)
        # aiohttp parses the URL with yarl: what yarl cannot parse, or reads as another host,
        # would otherwise fail with a bare ValueError on the first request.
        parsed = yarl.URL(base_url)
        usable = parsed.host == parts.hostname and parsed.port is not None
    except (ValueError, IndexError):  # yarl raises IndexError on some malformed hosts
        usable = False
    if not usable or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"base_url must not carry a query or fragment: {base_url!r}")
    if parts.scheme == "http" and not allow_insecure and not _is_loopback(parts.hostname):
        raise ConfigurationError(
            f"refusing to send credentials over plain http to {parts.hostname!r}; "
            "use https, or pass allow_insecure=True if you really mean it"
        )
    return base_url.rstrip("/")


def _check_params(params: Mapping[str, str]) -> None:
    """Refuse query values with no UTF-8 form: yarl would silently drop their surrogates."""
    for key, value in params.items():
        try:
            key.encode()
            value.encode()
        except UnicodeEncodeError:
            raise InvalidRequestError(
                f"query parameter {key!r} is not valid Unicode text (it holds a lone surrogate)",
                param=key,
            ) from None


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a DNS name such as "127.example.com" is not loopback
        return False


class _Pool:
    """The pooled session shared by a client and its ``with_options`` copies."""

    def __init__(self, *, session: aiohttp.ClientSession | None, max_connections: int) -> None:
        self._session = session
        self._owned = session is None
        self._max_connections = max_connections
        self.closed = False

    def session(self) -> aiohttp.ClientSession:
        if self.closed:
            raise ConfigurationError("the client is closed; create a new one")
        if self._session is not None and self._session.closed:
            raise ConfigurationError("the aiohttp session given to the client has been closed")
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._max_connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector)
            # aiohttp silently re-sends an idempotent request once when the connection drops;
            # the RetryPolicy is the only retry decision, so max_attempts means what it says.
            if hasattr(self._session, "_retry_connection"):
                self._session._retry_connection = False
        return self._session

    async def aclose(self) -> None:
        self.closed = True
        session, self._session = self._session, None
        if session is not None and self._owned:
            await session.close()


@attrs.define(frozen=True, slots=True, kw_only=True, repr=False)
class Transport:
    """Sends requests for one client. Built by the clients; not usually created directly."""

    base_url: str
    retry: RetryPolicy
    timeout: aiohttp.ClientTimeout
    logger: logging.Logger
    _credentials: Mapping[str, str]
    _pool: _Pool
    _owns_pool: bool = True
    # Built once: aiohttp copies the headers of every request, so one dict serves them all.
    _headers: Mapping[str, str] = attrs.field(init=False)
    _json_headers: Mapping[str, str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        headers = {"Accept": "application/json", "User-Agent": _USER_AGENT, **self._credentials}
        object.__setattr__(self, "_headers", headers)
        object.__setattr__(self, "_json_headers", {**headers, "Content-Type": "application/json"})

    @classmethod
    def create(
        cls,
        *,
        base_url: str,
        credentials: Mapping[str, str],
        logger: logging.Logger,
        timeout: Timeout = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 100,
        session: aiohttp.ClientSession | None = None,
        allow_insecure: bool = False,
    ) -> Transport:
        """Validate the configuration and build a transport (no I/O happens here)."""
        if (
            isinstance(max_connections, bool)
            or not isinstance(max_connections, int)
            or max_connections < 1
        ):
            raise InvalidRequestError(
                f"max_connections must be an int >= 1, got {max_connections!r}",
                param="max_connections",
            )
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise InvalidRequestError(f"retry must be a RetryPolicy, got {retry!r}", param="retry")
        return cls(
            base_url=check_base_url(base_url, allow_insecure=allow_insecure),
            retry=retry or RetryPolicy(),
            timeout=resolve_timeout(timeout),
            logger=logger,
            credentials=dict(credentials),
            pool=_Pool(session=session, max_connections=max_connections),
        )

    def with_options(
        self, *, timeout: Timeout | None = None, retry: RetryPolicy | None = None
    ) -> Transport:
        """A copy with other defaults that shares this transport's connection pool."""
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise InvalidRequestError(f"retry must be a RetryPolicy, got {retry!r}", param="retry")
        return attrs.evolve(
            self,
            timeout=self.timeout if timeout is None else resolve_timeout(timeout),
            retry=self.retry if retry is None else retry,
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

    async def request(
        self,
        method: str,
        path: str,
        *,
        into: type[T],
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> T:
        """Send one API call with retries and decode its JSON body into ``into``."""
        url, body = self._prepare(path, params, json)
        attempts, started = itertools.count(1), time.monotonic()
        return await self._retried(
            method, self._decoded_attempt, into, method, url, params, body, attempts, started
        )

    async def request_bytes(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None
    ) -> bytes:
        """Send one API call with retries and return its successful body undecoded.

        For callers that decode later (bulk fetches decode each body as it is handed out);
        they pass the body to :func:`~bluejay_async.core.converter.decode_response` with
        :meth:`url` for the error messages. A body cut off mid-JSON is not retried here, as
        nothing here reads it: that is the caller's to decide.
        """
        url, body = self._prepare(path, params, None)
        attempts, started = itertools.count(1), time.monotonic()
        return await self._retried(
            method, self._attempt, method, url, params, body, attempts, started
        )

    def url(self, path: str) -> str:
        """The absolute URL of an API path."""
        return self.base_url + path

    async def _retried(
        self, method: str, attempt: Callable[P, Awaitable[R]], *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Run ``attempt`` under the retry policy (tenacity is skipped when nothing is retried)."""
        if self.retry.max_attempts == 1:
            return await attempt(*args, **kwargs)
        result: R = await self.retry.retrying(idempotent=method in _IDEMPOTENT_METHODS)(
            attempt, *args, **kwargs
        )
        return result

    def _prepare(
        self, path: str, params: Mapping[str, str] | None, json: Any
    ) -> tuple[str, bytes | None]:
        """The URL and the encoded body of a request, or a typed error before anything is sent."""
        if params is not None:
            _check_params(params)
        try:
            body = None if json is None else _codec.dumps(json)
        # orjson raises TypeError; the stdlib encoder also UnicodeEncodeError and RecursionError.
        except (TypeError, ValueError, RecursionError) as exc:
            raise InvalidRequestError(f"request body is not JSON-serialisable: {exc}") from None
        return self.url(path), body

    async def _decoded_attempt(
        self,
        into: type[T],
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        body: bytes | None,
        attempts: itertools.count[int],
        started: float,
    ) -> T:
        # Decoding is part of the attempt: a body cut off mid-JSON is retried like a dropped
        # connection (for idempotent requests), while a well-formed body of the wrong shape is not.
        raw = await self._attempt(method, url, params, body, attempts, started)
        return decode_response(raw, into, method=method, url=url)

    async def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        body: bytes | None,
        attempts: itertools.count[int],
        started: float,
    ) -> bytes:
        attempt = next(attempts)
        session = self._pool.session()
        headers = self._headers if body is None else self._json_headers
        timeout = self._attempt_timeout(started)
        t0 = time.perf_counter()
        status: int | str = "error"
        try:
            for _ in range(_MAX_REDIRECTS + 1):
                async with session.request(
                    method,
                    yarl.URL(url, encoded=True),
                    params=params,
                    data=body,
                    headers=headers,
                    timeout=timeout,
                    allow_redirects=False,
                ) as response:
                    status = response.status
                    raw = await response.read()
                    if 300 <= status < 400 and "Location" in response.headers:
                        location = response.headers["Location"]
                        url = self._same_origin_redirect(method, url, location, status)
                        params = None  # the Location is the whole target, query included
                        continue
                    if status >= 400:
                        resp_headers = dict(response.headers)
                        raise status_error_from_response(
                            status=status,
                            headers=resp_headers,
                            raw_body=raw,
                            method=method,
                            url=url,
                            retry_after=parse_retry_after(resp_headers),
                        )
                    return raw
            raise APIConnectionError(
                f"too many redirects for {method} {url}", method=method, url=url
            )
        except aiohttp.ConnectionTimeoutError as exc:
            raise _ConnectTimeout(
                f"timed out connecting for {method} {url}", method=method, url=url
            ) from exc
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise APITimeoutError(
                f"{method} {url} timed out after {time.perf_counter() - t0:.2f}s",
                method=method,
                url=url,
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise ConnectionNotEstablished(
                f"could not connect for {method} {url}: {exc.os_error or exc}",
                method=method,
                url=url,
            ) from exc
        except aiohttp.ClientError as exc:
            if isinstance(exc, aiohttp.ClientResponseError):
                self._scrub_credentials(exc)
            raise APIConnectionError(
                f"connection failed during {method} {url}: {type(exc).__name__}: {exc}",
                method=method,
                url=url,
            ) from exc
        finally:
            if self.logger.isEnabledFor(logging.DEBUG):
                self.logger.debug(
                    "%s %s -> %s in %.1f ms (attempt %d)",
                    method,
                    urlsplit(url).path,
                    status,
                    (time.perf_counter() - t0) * 1000,
                    attempt,
                )

    def _scrub_credentials(self, exc: aiohttp.ClientResponseError) -> None:
        """Drop the credential headers from the request info an aiohttp error carries.

        Its ``repr()`` (and ``args``) show the request headers, and the error stays reachable
        as the ``__cause__`` of the error raised to the caller.
        """
        info = exc.request_info
        headers = multidict.CIMultiDict(info.headers)
        for name in self._credentials:
            headers.popall(name, None)
        exc.request_info = aiohttp.RequestInfo(
            info.url, info.method, multidict.CIMultiDictProxy(headers), info.real_url
        )
        exc.args = (exc.request_info, *exc.args[1:])

    def _attempt_timeout(self, started: float) -> aiohttp.ClientTimeout:
        deadline = self.retry.deadline
        if deadline is None:
            return self.timeout
        remaining = max(0.001, deadline - (time.monotonic() - started))
        total = self.timeout.total
        return attrs.evolve(
            self.timeout, total=remaining if total is None else min(total, remaining)
        )

    def _same_origin_redirect(self, method: str, url: str, location: str, status: int) -> str:
        target = urljoin(url, location)
        if method not in _IDEMPOTENT_METHODS:
            # Following would send the write again (or turn it into a GET, per RFC 9110): the
            # server may already have acted on it, so say so instead of guessing.
            raise APIStatusError(
                f"{method} {url} was redirected ({status}) to {target}; not followed so that "
                "the write is never sent twice",
                status_code=status,
                method=method,
                url=url,
            )
        here, there = urlsplit(url), urlsplit(target)
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            raise APIStatusError(
                f"{method} {url} redirected to another origin ({there.scheme}://{there.netloc}); "
                "refused so that credentials are never sent elsewhere",
                status_code=status,
                method=method,
                url=url,
            )
        return target
