"""Why a body does not fit its record: every bad field, by its JSON path.

Only a failure pays for this: the pure path decodes with cattrs' fast mode, and when that fails
the same body is structured again by a converter in detailed mode, whose grouped exceptions
are walked into ``"$.data[0].createdAt: expected an integer timestamp in milliseconds, ..."``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import cattrs
from cattrs.errors import BaseValidationError, ClassValidationError, IterableValidationError

from bluejay_async.core.decode.hooks import build_converter
from bluejay_async.core.markers import json_name

__all__ = ["explain"]


@functools.cache
def _explaining_converter() -> cattrs.Converter:
    return build_converter(detailed=True)


def _failures(exc: BaseException, path: str) -> Iterator[str]:
    """``"<JSON path>: <problem>"`` for every leaf failure under a cattrs validation error."""
    if isinstance(exc, ClassValidationError):
        fields, rest = exc.group_exceptions()
        for inner, field in fields:
            yield from _failures(inner, f"{path}.{json_name(exc.cl, field.name)}")
    elif isinstance(exc, IterableValidationError):
        items, rest = exc.group_exceptions()
        for inner, item in items:
            yield from _failures(inner, f"{path}[{item.index!r}]")
    elif isinstance(exc, BaseValidationError):
        rest = list(exc.exceptions)
    else:
        problem = "required field missing" if isinstance(exc, KeyError) else str(exc)
        yield f"{path}: {problem or type(exc).__name__}"
        return
    for inner in rest:
        yield from _failures(inner, path)


def explain(data: Any, into: type) -> list[str]:
    """Every reason ``data`` does not structure into ``into``, as ``"<JSON path>: <problem>"``.

    Paths use the JSON field names (``$.data[0].createdAt``), not the attribute names.
    """
    try:
        _explaining_converter().structure(data, into)
    except Exception as exc:  # any failure here is what we are explaining
        return list(_failures(exc, "$"))
    return []
