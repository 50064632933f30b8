"""Request validation that answers like FastAPI + pydantic v2 (lax mode) would.

FastAPI decodes the body with ``json.loads`` and validates the Python object against the
endpoint's pydantic model, collecting every error: ``{"type", "loc", "msg", "input"}`` plus
``ctx`` where pydantic gives one. Lax mode coerces ``"17"``/``17.0``/``True`` to ``int`` and
``"yes"``/``1`` to ``bool``, but never a number to ``str``. This module holds the checks and the
model/union combinators; :mod:`.schemas` declares the Bluejay request bodies with them and
:mod:`.body` reads the bytes they are checked against.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import attrs

JSON = dict[str, Any]
Errors = list[JSON]
Loc = tuple[str | int, ...]


class _Invalid:
    """Marker for a value that failed validation (its errors are already recorded)."""


INVALID = _Invalid()

Validator = Callable[[Any, Loc, Errors], Any]


def add_error(errors: Errors, type_: str, loc: Loc, msg: str, value: Any, **ctx: Any) -> _Invalid:
    """Record one pydantic-style error; returns :data:`INVALID` for the caller to return."""
    err: JSON = {"type": type_, "loc": list(loc), "msg": msg, "input": value}
    if ctx:
        err["ctx"] = ctx
    errors.append(err)
    return INVALID


_INT_RE = re.compile(r"[+-]?\d+(?:\.0*)?")
_BOOL_STRINGS = {
    "0": False,
    "off": False,
    "f": False,
    "false": False,
    "n": False,
    "no": False,
    "1": True,
    "on": True,
    "t": True,
    "true": True,
    "y": True,
    "yes": True,
}


def string(value: Any, loc: Loc, errors: Errors) -> Any:
    """``str``: only strings (lax mode does not turn numbers into strings)."""
    if isinstance(value, str):
        return value
    return add_error(errors, "string_type", loc, "Input should be a valid string", value)


def _as_int(value: Any, loc: Loc, errors: Errors) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return add_error(errors, "finite_number", loc, "Input should be a finite number", value)
        if value.is_integer():
            return int(value)
        return add_error(
            errors,
            "int_from_float",
            loc,
            "Input should be a valid integer, got a number with a fractional part",
            value,
        )
    if isinstance(value, str):
        text = value.strip()
        if _INT_RE.fullmatch(text):
            return int(text.split(".")[0])
        return add_error(
            errors,
            "int_parsing",
            loc,
            "Input should be a valid integer, unable to parse string as an integer",
            value,
        )
    return add_error(errors, "int_type", loc, "Input should be a valid integer", value)


def integer(*, gt: int | None = None, ge: int | None = None, le: int | None = None) -> Validator:
    """``int`` with optional ``gt``/``ge``/``le`` constraints (``Field(gt=..)`` etc.)."""

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        number = _as_int(value, loc, errors)
        if number is INVALID:
            return INVALID
        if gt is not None and not number > gt:
            return add_error(
                errors, "greater_than", loc, f"Input should be greater than {gt}", value, gt=gt
            )
        if ge is not None and not number >= ge:
            return add_error(
                errors,
                "greater_than_equal",
                loc,
                f"Input should be greater than or equal to {ge}",
                value,
                ge=ge,
            )
        if le is not None and not number <= le:
            return add_error(
                errors,
                "less_than_equal",
                loc,
                f"Input should be less than or equal to {le}",
                value,
                le=le,
            )
        return number

    return check


def boolean(value: Any, loc: Loc, errors: Errors) -> Any:
    """``bool`` in lax mode: also 0/1 and strings like ``"yes"``/``"off"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _BOOL_STRINGS:
        return _BOOL_STRINGS[value.strip().lower()]
    if isinstance(value, (int, float, str)):
        return add_error(
            errors,
            "bool_parsing",
            loc,
            "Input should be a valid boolean, unable to interpret input",
            value,
        )
    return add_error(errors, "bool_type", loc, "Input should be a valid boolean", value)


def _uuid_problem(text: str) -> str | None:
    """Why ``text`` is not a UUID, worded like the ``uuid`` crate pydantic-core uses."""
    body, offset = text, 0
    if len(text) == 45 and text.startswith("urn:uuid:"):
        body, offset = text[9:], 9
    elif len(text) == 38 and text.startswith("{") and text.endswith("}"):
        body, offset = text[1:-1], 1
    hyphens: list[int] = []
    for i, ch in enumerate(body):
        if ch == "-":
            hyphens.append(i)
        elif ch not in "0123456789abcdefABCDEF":
            return (
                "invalid character: expected an optional prefix of `urn:uuid:` followed by "
                f"[0-9a-fA-F-], found `{ch}` at {i + offset + 1}"
            )
    if not hyphens:
        if len(body) != 32:
            return f"invalid length: expected length 32 for simple format, found {len(body)}"
        return None
    if len(hyphens) != 4:
        return f"invalid group count: expected 5, found {len(hyphens) + 1}"
    groups = body.split("-")
    for n, (group, expected) in enumerate(zip(groups, (8, 4, 4, 4, 12), strict=True)):
        if len(group) != expected:
            return f"invalid group length in group {n}: expected {expected}, found {len(group)}"
    return None


def uuid_string(value: Any, loc: Loc, errors: Errors) -> Any:
    """``UUID``: returns the canonical lower-case hyphenated form."""
    if not isinstance(value, str):
        return add_error(
            errors, "uuid_type", loc, "UUID input should be a string, bytes or UUID object", value
        )
    problem = _uuid_problem(value)
    if problem is not None:
        return add_error(
            errors,
            "uuid_parsing",
            loc,
            f"Input should be a valid UUID, {problem}",
            value,
            error=problem,
        )
    return str(uuid.UUID(value))


def _expected(values: Sequence[str]) -> str:
    quoted = [repr(v) for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def literal(*values: str) -> Validator:
    """``Literal[...]`` of strings."""
    expected = _expected(values)

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if isinstance(value, str) and value in values:
            return value
        return add_error(
            errors, "literal_error", loc, f"Input should be {expected}", value, expected=expected
        )

    return check


def enum(*values: str) -> Validator:
    """A string ``Enum`` class."""
    expected = _expected(values)

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if isinstance(value, str) and value in values:
            return value
        return add_error(
            errors, "enum", loc, f"Input should be {expected}", value, expected=expected
        )

    return check


def any_value(value: Any, loc: Loc, errors: Errors) -> Any:
    """``Any``."""
    return value


def dictionary(value: Any, loc: Loc, errors: Errors) -> Any:
    """``Dict[str, Any]``."""
    if isinstance(value, dict):
        return value
    return add_error(errors, "dict_type", loc, "Input should be a valid dictionary", value)


def list_of(item: Validator) -> Validator:
    """``List[item]``; every item is checked and every bad item reported."""

    def check(value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, list):
            return add_error(errors, "list_type", loc, "Input should be a valid list", value)
        out = [item(v, (*loc, i), errors) for i, v in enumerate(value)]
        return INVALID if any(v is INVALID for v in out) else out

    return check


@attrs.frozen
class Field:
    """One model field."""

    name: str
    check: Validator
    required: bool = False
    nullable: bool = True


@attrs.frozen
class Model:
    """A pydantic model: fields validated in order; unknown keys ignored (``extra='ignore'``).

    The value returned is the model's dump: every field present, unset optional ones as None.
    """

    name: str
    fields: tuple[Field, ...]

    def __call__(self, value: Any, loc: Loc, errors: Errors) -> Any:
        if not isinstance(value, dict):
            return add_error(
                errors,
                "model_attributes_type",
                loc,
                "Input should be a valid dictionary or object to extract fields from",
                value,
            )
        out: JSON = {}
        ok = True
        for f in self.fields:
            if f.name not in value:
                if f.required:
                    add_error(errors, "missing", (*loc, f.name), "Field required", value)
                    ok = False
                out[f.name] = None  # what model_dump() gives for an unset optional field
                continue
            raw = value[f.name]
            if raw is None and f.nullable:
                out[f.name] = None
                continue
            checked = f.check(raw, (*loc, f.name), errors)
            if checked is INVALID:
                ok = False
            else:
                out[f.name] = checked
        return out if ok else INVALID


def optional(name: str, check: Validator) -> Field:
    """An optional, nullable field (``OptionalNullable[T] = UNSET``)."""
    return Field(name, check)


def required(name: str, check: Validator) -> Field:
    """A required, non-nullable field."""
    return Field(name, check, required=True, nullable=False)


@attrs.frozen
class Union:
    """``Union[A, B, ...]`` of models in pydantic's smart mode.

    The first member that validates wins; when none does, every member's errors are reported
    with the member's name after the location prefix (``["body", "A", "field"]``).
    """

    members: tuple[Model, ...]

    def __call__(self, value: Any, loc: Loc, errors: Errors) -> Any:
        collected: Errors = []
        for member in self.members:
            own: Errors = []
            checked = member(value, loc, own)
            if checked is not INVALID:
                return checked
            depth = len(loc)
            for err in own:
                err["loc"] = [*err["loc"][:depth], member.name, *err["loc"][depth:]]
            collected.extend(own)
        errors.extend(collected)
        return INVALID


def exactly_one(first: str, second: str, check: Validator) -> Validator:
    """Refuse an object giving both ``first`` and ``second`` (a ``model_validator`` error).

    FastAPI encodes the ``ValueError`` in ``ctx`` as an empty object, so ``ctx`` is
    ``{"error": {}}`` here too.
    """
    problem = f"give exactly one of {first} or {second}, not both"

    def validate(value: Any, loc: Loc, errors: Errors) -> Any:
        if (
            isinstance(value, dict)
            and value.get(first) is not None
            and value.get(second) is not None
        ):
            return add_error(errors, "value_error", loc, f"Value error, {problem}", value, error={})
        return check(value, loc, errors)

    return validate
