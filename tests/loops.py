"""Run a coroutine from synchronous test code, in an event loop of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """``coroutine`` run to completion in a new event loop, closed afterwards.

    Unlike ``asyncio.run()``, it leaves the thread's current event loop alone: ``asyncio.run()``
    sets it to ``None`` when it ends, and the oldest pytest-asyncio the project supports (0.23)
    then gives the next async test a loop it never closes (an unclosed-socket warning).
    """
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
