"""``CognigyClient``: the entry point of the Cognigy simulator (service testing) API."""

from __future__ import annotations

import logging
import os

import aiohttp

from bluejay_async.core.body import DEFAULT_MAX_RESPONSE_BYTES
from bluejay_async.core.client_base import BaseClient, check_secret
from bluejay_async.core.converter import decode_response
from bluejay_async.core.credentials import Credentials
from bluejay_async.core.errors import ConfigurationError
from bluejay_async.core.retry import RetryPolicy
from bluejay_async.core.transport import Timeout, Transport
from bluejay_async.core.validation import check_str
from cognigy_async.resources import RunsResource

__all__ = ["DEFAULT_BASE_URL", "CognigyClient"]

DEFAULT_BASE_URL = "https://api-trial.cognigy.ai/testing"
logger = logging.getLogger("cognigy_async")


class CognigyClient(BaseClient):
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
        max_response_bytes: the largest response body read, on the wire and decompressed
            (default 64 MiB); a larger one raises
            :class:`~bluejay_async.errors.ResponseTooLargeError`.

    The client may be used from one event loop at a time; used from a later one (a second
    ``asyncio.run()``), it opens a new connection pool there.

    Raises:
        ConfigurationError: no credentials (or both kinds passed), or an unusable base URL
            (one with ``user:password@`` included).
        InvalidRequestError: an empty ``project_id``, or a bad timeout, retry, pool size or
            ``max_response_bytes``.
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
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        credentials, self._auth = _credentials(api_key=api_key, token=token)
        if project_id is not None:
            check_str(project_id, "project_id")
        transport = Transport.create(
            base_url=base_url or os.environ.get("COGNIGY_BASE_URL") or DEFAULT_BASE_URL,
            credentials=credentials,
            logger=logger,
            decoder=decode_response,
            timeout=timeout,
            retry=retry,
            max_connections=max_connections,
            session=session,
            allow_insecure=allow_insecure,
            max_response_bytes=max_response_bytes,
        )
        self._project_id = project_id
        self._attach(transport)

    def _attach(self, transport: Transport) -> None:
        super()._attach(transport)
        self.runs = RunsResource(transport, self._project_id)

    @property
    def project_id(self) -> str | None:
        """The default ``projectId`` of every call."""
        return self._project_id

    @property
    def auth(self) -> str:
        """How the client authenticates: ``"bearer"`` or ``"api_key"`` (never the secret)."""
        return self._auth

    def __repr__(self) -> str:
        return (
            f"CognigyClient(base_url={self.base_url!r}, auth={self._auth!r}, "
            f"project_id={self._project_id!r})"
        )


def _credentials(*, api_key: str | None, token: str | None) -> tuple[Credentials, str]:
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
        return Credentials.bearer(check_secret(token, "Cognigy token")), "bearer"
    if api_key is not None:
        return Credentials.api_key(check_secret(api_key, "Cognigy api_key")), "api_key"
    raise ConfigurationError(
        "no Cognigy credentials: pass CognigyClient(token=...) or CognigyClient(api_key=...), "
        "or set COGNIGY_TOKEN or COGNIGY_API_KEY"
    )
