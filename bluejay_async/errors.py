"""The SDK's exceptions: every failure a call can raise is an :class:`APIError`.

This is the public import path; the classes live in :mod:`bluejay_async.core.errors`, the core
that both clients share.
"""

from bluejay_async.core.errors import *  # noqa: F403
from bluejay_async.core.errors import __all__ as __all__
