"""``BluejayClient``: the entry point of the Bluejay API."""

from __future__ import annotations

import logging
import os

import aiohttp

from bluejay_async.api_root import without_api_version
from bluejay_async.core.body import DEFAULT_MAX_RESPONSE_BYTES
from bluejay_async.core.client_base import BaseClient, check_secret
from bluejay_async.core.converter import decode_response
from bluejay_async.core.credentials import Credentials
from bluejay_async.core.errors import ConfigurationError
from bluejay_async.core.retry import RetryPolicy
from bluejay_async.core.transport import Timeout, Transport
from bluejay_async.resources import ResultsResource, RunsResource, SimulationsResource

__all__ = ["DEFAULT_BASE_URL", "BluejayClient"]

DEFAULT_BASE_URL = "https://api.getbluejay.ai"
logger = logging.getLogger("bluejay_async")


class BluejayClient(BaseClient):
    """An async client of the Bluejay API.

    Use it as an async context manager (or call :meth:`aclose`) so its connection pool is
    closed::

        async with BluejayClient() as bj:
            runs = await bj.runs.list(simulation_id)

    Args:
        api_key: the ``X-API-Key``; defaults to ``$BLUEJAY_API_KEY``.
        base_url: defaults to ``$BLUEJAY_BASE_URL``, else ``https://api.getbluejay.ai``. A
            trailing ``/v1`` (as the API reference writes the base URL) is dropped: the client
            adds it to every route.
        timeout: seconds per attempt, or an ``aiohttp.ClientTimeout``.
        retry: the :class:`RetryPolicy` (default: 3 attempts, exponential backoff).
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
        ConfigurationError: no API key, or an unusable base URL (one with ``user:password@``
            included).
        InvalidRequestError: a bad timeout, retry policy, pool size or ``max_response_bytes``.
    """

    simulations: SimulationsResource
    runs: RunsResource
    results: ResultsResource

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: Timeout = 30.0,
        retry: RetryPolicy | None = None,
        max_connections: int = 100,
        session: aiohttp.ClientSession | None = None,
        *,
        allow_insecure: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        key = api_key if api_key is not None else os.environ.get("BLUEJAY_API_KEY")
        if not key:
            raise ConfigurationError(
                "no Bluejay API key: pass BluejayClient(api_key=...) or set BLUEJAY_API_KEY"
            )
        check_secret(key, "Bluejay API key")
        url = base_url or os.environ.get("BLUEJAY_BASE_URL") or DEFAULT_BASE_URL
        transport = Transport.create(
            base_url=without_api_version(url) if isinstance(url, str) else url,
            credentials=Credentials.api_key(key),
            logger=logger,
            decoder=decode_response,
            timeout=timeout,
            retry=retry,
            max_connections=max_connections,
            session=session,
            allow_insecure=allow_insecure,
            max_response_bytes=max_response_bytes,
        )
        self._attach(transport)

    def _attach(self, transport: Transport) -> None:
        super()._attach(transport)
        self.simulations = SimulationsResource(transport)
        self.runs = RunsResource(transport)
        self.results = ResultsResource(transport)

    def __repr__(self) -> str:
        return f"BluejayClient(base_url={self.base_url!r})"
