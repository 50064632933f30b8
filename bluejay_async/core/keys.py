"""Reading a bulk fetch's keys lazily, from any iterable or async iterable.

:class:`KeyReader` never blocks: :meth:`KeyReader.read` returns the next key when one is ready
and ``None`` otherwise. An async iterable is read one key at a time in a task of its own, which
calls ``on_ready`` when the key arrives, so the fetch can wait for a key and for its requests
at once.
"""

from __future__ import annotations

import asyncio
import typing
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

__all__ = ["KeyReader"]

K = TypeVar("K")


class KeyReader(Generic[K]):
    """The keys of one fetch, read as they are needed.

    Args:
        keys: any iterable or async iterable.
        on_ready: called (with the finished read) when a key of an async iterable arrives.
    """

    def __init__(
        self, keys: Iterable[K] | AsyncIterable[K], on_ready: Callable[[object], None]
    ) -> None:
        self._sync: Iterator[K] | None = None
        self._async: AsyncIterator[K] | None = None
        if isinstance(keys, AsyncIterable):
            self._async = aiter(keys)
        else:
            self._sync = iter(keys)
        self._on_ready = on_ready
        self._pending: asyncio.Future[K] | None = None
        self.done = False
        """Whether every key has been read."""

    def read(self) -> tuple[K] | None:
        """The next key, wrapped so that a ``None`` key is possible; ``None`` when no key is
        ready (yet, or any more: see :attr:`done`)."""
        if self._sync is not None:
            try:
                return (next(self._sync),)
            except StopIteration:
                self.done = True
                return None
        if self.done:
            return None
        pending = self._pending
        if pending is None:
            assert self._async is not None
            pending = self._pending = asyncio.ensure_future(_anext(self._async))
            pending.add_done_callback(self._on_ready)
            return None
        if not pending.done():
            return None
        self._pending = None
        key = pending.result()
        if key is _END:
            self.done = True
            return None
        return (key,)

    def cancel(self) -> asyncio.Future[K] | None:
        """Cancel a read in progress and return it, for the caller to await; the async iterable
        itself is left as it is."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.cancel()
        return pending


_END: Any = object()
"""Returned by :func:`_anext` when the keys are exhausted."""


async def _anext(keys: AsyncIterator[K]) -> K:
    try:
        return await keys.__anext__()
    except StopAsyncIteration:
        return typing.cast(K, _END)
