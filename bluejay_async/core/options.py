"""The per-client options both clients accept, checked before any request: the timeout, the
retry policy, the pool size and the response size limit."""

from __future__ import annotations

import aiohttp

from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.core.retry import RetryPolicy

__all__ = ["Timeout", "check_positive_int", "check_retry", "resolve_timeout"]

Timeout = float | aiohttp.ClientTimeout
"""A timeout: total seconds per attempt, or an ``aiohttp.ClientTimeout`` for finer control."""


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


def check_positive_int(value: object, name: str) -> int:
    """``value`` when it is an ``int`` >= 1 (``max_connections``, ``max_response_bytes``)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidRequestError(f"{name} must be an int >= 1, got {value!r}", param=name)
    return value


def check_retry(retry: object) -> RetryPolicy | None:
    """``retry`` when it is a :class:`RetryPolicy` or ``None``."""
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise InvalidRequestError(f"retry must be a RetryPolicy, got {retry!r}", param="retry")
    return retry
