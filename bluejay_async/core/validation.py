"""Argument checks shared by the resources: each raises :class:`InvalidRequestError` before I/O."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import attrs

from bluejay_async.core.converter import _json_name, explain, unstructure
from bluejay_async.core.errors import InvalidRequestError

__all__ = [
    "check_bool",
    "check_choice",
    "check_instance",
    "check_instances",
    "check_int",
    "check_json_object",
    "check_str",
    "check_uuid",
    "path_segment",
]

T = TypeVar("T")

_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]+")
"""The RFC 3986 unreserved characters: a segment made only of these needs no encoding."""


def _a(noun: str) -> str:
    """``Event`` -> ``an Event``, ``ToolCall`` -> ``a ToolCall``."""
    return ("an " if noun[:1] in "AEIOUaeiou" else "a ") + noun


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "..."


def path_segment(value: str | int, name: str) -> str:
    """Percent-encode an id as exactly one URL path segment.

    Everything outside the RFC 3986 unreserved set is encoded (``/``, ``?``, ``#``, ``%`` and
    spaces included), and a segment made only of dots is encoded too, so ``..`` can never walk
    up to another route.
    """
    if value.__class__ is int:
        return str(value)  # digits and "-" only: nothing to encode
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidRequestError(
            f"{name} must be a string or an int, got {type(value).__name__}", param=name
        )
    text = str(value)
    if _UNRESERVED.fullmatch(text) and text.strip(".") != "":
        return text
    if not text.strip():
        raise InvalidRequestError(f"{name} must not be empty", param=name)
    if text.strip(".") == "":
        return "%2E" * len(text)
    try:
        return quote(text, safe="")
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form, so no URL form either
        raise InvalidRequestError(
            f"{name} is not valid Unicode text (it holds a lone surrogate)", param=name
        ) from None


def check_str(value: Any, name: str, *, allow_empty: bool = False) -> str:
    """A string argument (non-blank unless ``allow_empty``)."""
    if not isinstance(value, str):
        raise InvalidRequestError(f"{name} must be a string, got {_describe(value)}", param=name)
    if not allow_empty and not value.strip():
        raise InvalidRequestError(f"{name} must not be empty", param=name)
    return value


def check_int(
    value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """An integer argument within ``[minimum, maximum]`` (``bool`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequestError(f"{name} must be an int, got {_describe(value)}", param=name)
    if minimum is not None and maximum is not None and not minimum <= value <= maximum:
        raise InvalidRequestError(
            f"{name} must be in {minimum}..{maximum}, got {value}", param=name
        )
    if minimum is not None and value < minimum:
        raise InvalidRequestError(f"{name} must be {minimum} or more, got {value}", param=name)
    if maximum is not None and value > maximum:
        raise InvalidRequestError(f"{name} must be {maximum} or less, got {value}", param=name)
    return value


def check_bool(value: Any, name: str) -> bool:
    """A boolean argument."""
    if not isinstance(value, bool):
        raise InvalidRequestError(f"{name} must be a bool, got {_describe(value)}", param=name)
    return value


def check_choice(value: Any, name: str, choices: Collection[str]) -> str:
    """One of a closed set of strings."""
    if value not in choices or not isinstance(value, str):
        allowed = ", ".join(repr(c) for c in choices)
        raise InvalidRequestError(
            f"{name} must be one of {allowed}, got {_describe(value)}", param=name
        )
    return str(value)


def check_uuid(value: Any, name: str) -> str:
    """A UUID given as ``uuid.UUID`` or its string form; returned in canonical string form."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    raise InvalidRequestError(f"{name} must be a UUID, got {_describe(value)}", param=name)


def check_instance(value: Any, name: str, cls: type[T]) -> T:
    """One ``cls`` record whose fields hold values of their declared types.

    A bad field is named by its path from the argument: ``digital_humans_settings.num_runs``.
    """
    if not isinstance(value, cls):
        raise InvalidRequestError(
            f"{name} must be {_a(cls.__name__)}, got {type(value).__name__}", param=name
        )
    _check_fields(value, name, name, cls)
    return value


def check_instances(values: Any, name: str, cls: type[T]) -> list[T]:
    """A list of ``cls`` records (any iterable but a string or a mapping)."""
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise InvalidRequestError(
            f"{name} must be a list of {cls.__name__}, got {_describe(values)}", param=name
        )
    items = list(values)
    for index, item in enumerate(items):
        if not isinstance(item, cls):
            raise InvalidRequestError(
                f"{name}[{index}] must be {_a(cls.__name__)}, got {type(item).__name__}",
                param=name,
            )
        _check_fields(item, f"{name}[{index}]", name, cls)
    return items


def _check_fields(record: Any, where: str, name: str, cls: type[Any]) -> None:
    """Raise naming the first field of ``record`` (found at ``where``) of the wrong type."""
    problems = explain(_as_sent(record), cls)
    if not problems:
        try:
            unstructure(record)
        except (TypeError, AttributeError, ValueError) as exc:
            problems = [f"$: cannot be encoded ({exc})"]
    if problems:
        detail = problems[0].replace("$", where, 1)
        raise InvalidRequestError(f"invalid {cls.__name__}: {detail}", param=name)


def _as_sent(record: Any) -> dict[str, Any]:
    """A record's attribute values under their JSON names, as they are, to be type-checked.

    Checking the values themselves (not their unstructured form) matters: unstructuring turns
    a string given for a list field into a list of characters.
    """
    cls = type(record)
    return {
        _json_name(cls, a.name): _as_sent_value(getattr(record, a.name)) for a in attrs.fields(cls)
    }


def _as_sent_value(value: Any) -> Any:
    if attrs.has(type(value)):
        return _as_sent(value)
    if isinstance(value, datetime):
        return unstructure(value)
    if type(value) is list:
        return [_as_sent_value(v) for v in value]
    return value


def check_json_object(value: Any, name: str) -> dict[str, Any]:
    """A mapping with string keys (its values are checked when the body is encoded)."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise InvalidRequestError(
            f"{name} must be a mapping with string keys, got {_describe(value)}", param=name
        )
    return dict(value)
