"""Decoding without the cyclic garbage collector: one pause per body instead of passes inside it.

A body decodes into hundreds of records, lists and dicts at once. The collector counts each of
them as an allocation and, left on, walks the young ones (the body's records so far, and on
the pure path the JSON values they come from) several times per body, while none of them can
form a cycle: reference counting frees all of it. So a decode runs with the collector paused
and resumes it as it was found, on success and on error. The objects still count towards the
next collection, which then walks them once.

The switch is process-wide. A program that keeps the collector off never sees it turned on
(a paused decode leaves it alone); one that turns it off from another thread during a decode
would see it turned back on when the decode ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["without_collecting"]

T = TypeVar("T")


def without_collecting(decode: Callable[..., T], *args: Any) -> T:
    """``decode(*args)`` with the cyclic garbage collector paused (if it was on)."""
    if not gc.isenabled():
        return decode(*args)
    gc.disable()
    try:
        return decode(*args)
    finally:
        gc.enable()
