"""What a bulk fetch yields for each key: a :class:`Success` or a :class:`Failure`.

``Outcome[K, V]`` is their union, so a type checker narrows it on ``.ok``::

    async for item in bj.results.retrieve_many(run_ids):
        if item.ok:
            item.value.simulation_results     # item is a Success: .value is the record
        else:
            log.warning("run %s: %s", item.key, item.error)   # a Failure: .error is set

``isinstance(item, Success)`` narrows the same way, and ``item.unwrap()`` returns the value or
raises the error. Both classes have the same four attributes (``key``, ``value``, ``error``,
``ok``), so code that reads ``item.value is None`` keeps working.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Literal, NoReturn, TypeAlias, TypeVar

import attrs

from bluejay_async.core.errors import APIError

__all__ = ["Failure", "Outcome", "ProgressCallback", "Success"]

K = TypeVar("K")
V = TypeVar("V")


@attrs.frozen(slots=True)
class Success(Generic[K, V]):
    """A key fetched successfully.

    Attributes:
        key: the key (id) that was fetched.
        value: the fetched record.
    """

    key: K
    value: V

    @property
    def error(self) -> None:
        """Always ``None``: the fetch succeeded."""
        return None

    @property
    def ok(self) -> Literal[True]:
        """Always ``True``; a type checker narrows an :data:`Outcome` to ``Success`` on it."""
        return True

    def unwrap(self) -> V:
        """The value."""
        return self.value


@attrs.frozen(slots=True)
class Failure(Generic[K]):
    """A key whose fetch failed, after the retries its :class:`~bluejay_async.RetryPolicy`
    allows.

    Attributes:
        key: the key (id) that was fetched.
        error: the typed :class:`~bluejay_async.errors.APIError` the fetch failed with.
    """

    key: K
    error: APIError

    @property
    def value(self) -> None:
        """Always ``None``: the fetch failed."""
        return None

    @property
    def ok(self) -> Literal[False]:
        """Always ``False``; a type checker narrows an :data:`Outcome` to ``Failure`` on it."""
        return False

    def unwrap(self) -> NoReturn:
        """Raise the error (the :class:`~bluejay_async.errors.APIError` the fetch failed with)."""
        raise self.error


Outcome: TypeAlias = Success[K, V] | Failure[K]
"""The result of fetching one key: ``Success[K, V] | Failure[K]`` (narrow it on ``.ok``)."""

ProgressCallback = Callable[[int, "int | None"], object]
"""Called as ``progress(done, total)`` as each outcome is handed out; ``total`` is ``None`` when
the ids are a lazy iterable whose length is unknown."""
