"""``CognigyClient``: the entry point of the Cognigy simulator (service testing) API."""

from __future__ import annotations

import logging
import os
from types import TracebackType

import aiohttp

from bluejay_async._validation import check_str
from bluejay_async.errors import ConfigurationError
from bluejay_async.retry import RetryPolicy
from bluejay_async.transport import Timeout, Transport
from cognigy_async.resources import RunsResource

__all__ = ["DEFAULT_BASE_URL", "CognigyClient"]

DEFAULT_BASE_URL = "https://api-trial.cognigy.ai/testing"
logger = logging.getLogger("cognigy_async")


class CognigyClient:
    """An async client of the Cognigy simulator API.

    Use it as an async context manager (or call :meth:`aclose`) so its connection pool is
    closed::

        async with CognigyClient(project_id="p1") as cg:
            async for run in cg.runs.iterate(simulation_ref, batch_ref):
                print(run.sequence, run.metrics.status)

    Credentials, first found wins: ``token`` (sent as ``Authorization: Bearer``), ``api_key``
    (sent as ``X-API-Key``), ``$COGNIGY_TOKEN``, ``$COGNIGY_API_KEY``. Passing both arguments
    is an error. They never appear in ``repr()``, in an exception message or in a log line.

    Args:
        api_key: an API key, sent as ``X-API-Key``.
        token: a JWT, sent as ``Authorization: Bearer <token>``.
        base_url: defaults to ``$COGNIGY_BASE_URL``, else
            ``https://api-trial.cognigy.ai/testing``.
        project_id: the default ``projectId`` of every call (each call may pass its own).
        timeout: seconds per attempt, or an ``aiohttp.ClientTimeout``.
        retry: the :class:`~bluejay_async.RetryPolicy` (default: 3 attempts, exponential
            backoff).
        max_connections: size of the connection pool.
        session: an ``aiohttp.ClientSession`` of yours to send requests with; the client then
            never closes it.
        allow_insecure: allow a plain ``http://`` base URL that is not loopback.

    Raises:
        ConfigurationError: no credentials (or both kinds passed), or an unusable base URL.
        InvalidRequestError: an empty ``project_id``, or a bad timeout, retry or pool size.
    """

    runs: RunsResource

    def __init__(
        self,
        api_key: str | None = None,
        token: str | None = None,
        base_url: str | None = None,
        project_id: str | None = None,
        timeout: Timeout = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 100,
        session: aiohttp.ClientSession | None = None,
        *,
        allow_insecure: bool = False,
    ) -> None:
        credentials, self._auth = _credentials(api_key=api_key, token=token)
        if project_id is not None:
            check_str(project_id, "project_id")
        transport = Transport.create(
            base_url=base_url or os.environ.get("COGNIGY_BASE_URL") or DEFAULT_BASE_URL,
            credentials=credentials,
            logger=logger,
            timeout=timeout,
            retry=retry,
            max_connections=max_connections,
            session=session,
            allow_insecure=allow_insecure,
        )
        self._attach(transport, project_id)

    def _attach(self, transport: Transport, project_id: str | None) -> None:
        self._transport = transport
        self._project_id = project_id
        self.runs = RunsResource(transport, project_id)

    @property
    def base_url(self) -> str:
        """The API root requests are sent to."""
        return self._transport.base_url

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy of this client."""
        return self._transport.retry

    @property
    def project_id(self) -> str | None:
        """The default ``projectId`` of every call."""
        return self._project_id

    @property
    def auth(self) -> str:
        """How the client authenticates: ``"bearer"`` or ``"api_key"`` (never the secret)."""
        return self._auth

    def with_options(
        self, *, timeout: Timeout | None = None, retry: RetryPolicy | None = None
    ) -> CognigyClient:
        """A copy with another timeout and/or retry policy that shares this client's pool.

        The copy is cheap; closing it is a no-op, the original client owns the pool::

            patient = cg.with_options(timeout=120.0, retry=RetryPolicy(max_attempts=6))
        """
        copy = object.__new__(CognigyClient)
        copy._auth = self._auth
        copy._attach(self._transport.with_options(timeout=timeout, retry=retry), self._project_id)
        return copy

    async def aclose(self) -> None:
        """Close the connection pool (unless the session was passed in by the caller)."""
        await self._transport.aclose()

    async def __aenter__(self) -> CognigyClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"CognigyClient(base_url={self.base_url!r}, auth={self._auth!r}, "
            f"project_id={self._project_id!r})"
        )


def _credentials(*, api_key: str | None, token: str | None) -> tuple[dict[str, str], str]:
    """The auth header and its kind, from the arguments or else the environment."""
    if api_key is not None and token is not None:
        raise ConfigurationError(
            "pass either token= (Bearer) or api_key= (X-API-Key) to CognigyClient, not both"
        )
    if token is None and api_key is None:
        token = os.environ.get("COGNIGY_TOKEN") or None
        if token is None:
            api_key = os.environ.get("COGNIGY_API_KEY") or None
    if token is not None:
        return {"Authorization": "Bearer " + _secret(token, "token")}, "bearer"
    if api_key is not None:
        return {"X-API-Key": _secret(api_key, "api_key")}, "api_key"
    raise ConfigurationError(
        "no Cognigy credentials: pass CognigyClient(token=...) or CognigyClient(api_key=...), "
        "or set COGNIGY_TOKEN or COGNIGY_API_KEY"
    )


def _secret(value: object, name: str) -> str:
    """A usable credential; the messages never echo it."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"the Cognigy {name} must be a non-empty string")
    if value != value.strip() or any(c in value for c in "\r\n\0"):
        raise ConfigurationError(
            f"the Cognigy {name} has surrounding whitespace or a control character"
        )
    return value
