"""What both clients share: lifecycle, per-call options and credential checks."""

from __future__ import annotations

import copy
from types import TracebackType
from typing import TypeVar

from bluejay_async.core.errors import ConfigurationError
from bluejay_async.core.retry import RetryPolicy
from bluejay_async.core.transport import Timeout, Transport

__all__ = ["BaseClient", "check_secret"]

C = TypeVar("C", bound="BaseClient")


def check_secret(value: object, name: str) -> str:
    """A usable credential; messages name it but never echo it."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"the {name} must be a non-empty string")
    if value != value.strip() or any(c < " " or c == "\x7f" for c in value):
        raise ConfigurationError(f"the {name} has surrounding whitespace or a control character")
    return value


class BaseClient:
    """A client bound to one :class:`Transport`; subclasses attach their resources."""

    _transport: Transport

    def _attach(self, transport: Transport) -> None:
        """Bind the client and its resources to ``transport``."""
        self._transport = transport

    @property
    def base_url(self) -> str:
        """The API root requests are sent to."""
        return self._transport.base_url

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy of this client."""
        return self._transport.retry

    @property
    def max_response_bytes(self) -> int:
        """The largest response body this client reads, compressed or decompressed."""
        return self._transport.max_response_bytes

    def with_options(
        self: C,
        *,
        timeout: Timeout | None = None,
        retry: RetryPolicy | None = None,
        max_response_bytes: int | None = None,
    ) -> C:
        """A copy with another timeout, retry policy or response size limit that shares this
        client's pool.

        The copy is cheap; closing it is a no-op, the original client owns the pool::

            quick = client.with_options(timeout=2.0, retry=RetryPolicy(max_attempts=1))
        """
        clone = copy.copy(self)
        clone._attach(
            self._transport.with_options(
                timeout=timeout, retry=retry, max_response_bytes=max_response_bytes
            )
        )
        return clone

    async def aclose(self) -> None:
        """Close the connection pool (unless the session was passed in by the caller).

        Calls still waiting for a connection, or for their answer, end with
        :class:`~bluejay_async.errors.ClientClosedError`; so does any call made afterwards.
        """
        await self._transport.aclose()

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
