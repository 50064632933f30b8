"""The one compatibility shim for ``aioresponses`` 0.7.9 on aiohttp 3.14 (remove it with 0.7.9).

aiohttp 3.14 added a required keyword-only ``stream_writer`` argument to ``ClientResponse``;
aioresponses 0.7.9 builds its fake responses without it, so every mocked request fails with
``TypeError: ClientResponse.__init__() missing 1 required keyword-only argument:
'stream_writer'`` (upstream issue pnuckowski/aioresponses#289, fix proposed in #288). When the
request has already been sent, aiohttp only reads ``stream_writer.output_size``, so a stand-in
holding ``output_size = 0`` is all a mocked response needs.

:func:`aioresponses_compat` swaps aioresponses' default response class for a subclass that
supplies that stand-in, only while it is active and only when aiohttp asks for the argument;
it changes nothing on aiohttp < 3.14 or once aioresponses passes the argument itself. The
``aioresponses_mock`` fixture of the SDK's pytest plugin uses it; outside pytest::

    with aioresponses_compat(), aioresponses() as mocked:
        ...

Remove this module (and its use in the plugin) once an aioresponses release builds responses
that aiohttp 3.14 accepts; ``tests/mocked/test_compat.py`` fails when that day comes.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator
from typing import Any

import aiohttp

__all__ = ["aioresponses_compat", "needs_stream_writer"]


def needs_stream_writer() -> bool:
    """Whether this aiohttp's ``ClientResponse`` requires a ``stream_writer`` argument."""
    return "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters


class _SentStreamWriter:
    """What aiohttp reads from the writer of a request that has already been sent."""

    output_size = 0


class _ClientResponse(aiohttp.ClientResponse):
    """``ClientResponse`` that supplies ``stream_writer`` when its caller does not."""

    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _SentStreamWriter())
        super().__init__(method, url, **kwargs)


@contextlib.contextmanager
def aioresponses_compat() -> Iterator[None]:
    """Make aioresponses' mocked responses acceptable to aiohttp 3.14 while active.

    A no-op when aiohttp does not require ``stream_writer``. Raises ``ImportError`` when
    aioresponses is not installed.
    """
    from aioresponses import core

    if not needs_stream_writer():
        yield
        return
    # aioresponses builds responses with the ClientResponse it imported, unless told otherwise.
    original = core.ClientResponse  # type: ignore[attr-defined]
    core.ClientResponse = _ClientResponse  # type: ignore[attr-defined]
    try:
        yield
    finally:
        core.ClientResponse = original  # type: ignore[attr-defined]
