"""JSON <-> records: the one decode path of both clients.

:func:`decode_response` turns a response body into a record. With the ``fast`` extra installed
(msgspec), bodies whose records need no renaming are decoded by msgspec straight into the same
``attrs`` classes; whenever msgspec rejects a body, the pure path below decides, so both paths
return identical records and raise identical :class:`ResponseDecodeError`\\ s.

The pure path is one ``cattrs`` converter whose hooks are generated once per type: strict JSON
types (no ``"17"`` for an int, no ``true`` for a number), ``null`` lists as ``[]``, ISO-8601 and
epoch-millisecond timestamps as aware datetimes, unknown fields ignored. It runs without
per-field error bookkeeping; only when it fails does a twin converter with detailed validation
re-run the body to name the JSON path of every bad field.

Set ``BLUEJAY_ASYNC_DECODER=pure`` to disable the msgspec path (the test suite runs both ways).
"""

from __future__ import annotations

import os
import re
import types
import typing
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import is_sequence, list_structure_factory
from cattrs.errors import BaseValidationError, ClassValidationError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from bluejay_async.core import codec as _codec
from bluejay_async.core.errors import ResponseDecodeError, excerpt
from bluejay_async.core.markers import EPOCH_MILLIS, TZ_AWARE

msgspec: Any
try:
    import msgspec
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    msgspec = None

__all__ = [
    "camel_case",
    "converter",
    "decode_response",
    "decoder_backend",
    "explain",
    "parse_timestamp",
    "structure",
    "unstructure",
]

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The grammar msgspec's datetime decoder accepts, so both decode paths accept the same strings:
# any number of fraction digits (rounded to the microsecond), offsets with or without a colon.
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?",
    re.ASCII,
)
_CASING_ATTR = "__bluejay_json_casing__"


def camel_case(cls: type[T]) -> type[T]:
    """Class decorator: the record's JSON field names are the camelCase of its attribute names."""
    setattr(cls, _CASING_ATTR, "camel")
    return cls


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _json_name(cls: type, name: str) -> str:
    return _camel(name) if getattr(cls, _CASING_ATTR, None) == "camel" else name


# --- primitives ----------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}
    return names.get(type(value), "object" if isinstance(value, dict) else type(value).__name__)


def _mismatch(expected: str, value: Any) -> TypeError:
    if isinstance(value, (dict, list)):
        return TypeError(f"expected {expected}, got {_kind(value)}")
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:40] + "..."
    return TypeError(f"expected {expected}, got {_kind(value)} {shown}")


def _structure_int(value: Any, _: Any) -> int:
    if value.__class__ is int:
        return value
    raise _mismatch("an integer", value)


def _structure_float(value: Any, _: Any) -> float:
    cls = value.__class__
    if cls is float:
        return value  # type: ignore[no-any-return]
    if cls is int:
        return float(value)
    raise _mismatch("a number", value)


def _structure_str(value: Any, _: Any) -> str:
    if value.__class__ is str or isinstance(value, str):  # str enums such as ParticipantRole
        return value
    raise _mismatch("a string", value)


def _structure_bool(value: Any, _: Any) -> bool:
    if value.__class__ is bool:
        return value
    raise _mismatch("a boolean", value)


def _structure_any(value: Any, _: Any) -> Any:
    return value


def _structure_json_container(value: Any, _: Any) -> Any:
    if value is None or value.__class__ is dict or value.__class__ is list:
        return value
    raise _mismatch("an object or an array", value)


def parse_timestamp(value: str) -> datetime:
    """Parse an RFC 3339 / ISO-8601 timestamp into an aware ``datetime`` (no offset means UTC)."""
    match = _TIMESTAMP.fullmatch(value)
    if match is not None and match.end(7) - match.start(7) <= 6:
        # The common case, several times faster: with six fraction digits or fewer nothing needs
        # rounding, and fromisoformat reads every string the pattern accepts as the code below
        # does. Whatever it refuses goes to the code below, which decides (and words the error).
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    return _parse_timestamp_exactly(value, match)


def _parse_timestamp_exactly(value: str, match: re.Match[str] | None) -> datetime:
    if match is None:
        raise ValueError(f"expected an ISO-8601 timestamp, got {value[:40]!r}")
    year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
    micros = 0
    if fraction:
        nanos = int(fraction[:9].ljust(9, "0"))
        micros = (nanos + 500) // 1000
    tz = timezone.utc
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        if offset >= timedelta(hours=24):
            raise ValueError(f"timestamp offset out of range in {value[:40]!r}")
        tz = timezone.utc if not offset else timezone(-offset if sign == "-" else offset)
    base = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz)
    return base + timedelta(microseconds=micros) if micros else base


def _structure_timestamp(value: Any, _: Any) -> datetime:
    if value.__class__ is not str:
        raise _mismatch("an ISO-8601 timestamp string", value)
    return parse_timestamp(value)


def _structure_epoch_millis(value: Any, _: Any) -> datetime:
    if value.__class__ is not int:
        raise _mismatch("an integer timestamp in milliseconds", value)
    try:
        return _EPOCH + timedelta(milliseconds=value)
    except OverflowError:
        raise ValueError(f"timestamp {value} ms is out of range") from None


def _unstructure_timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _unstructure_epoch_millis(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return (value - _EPOCH) // timedelta(milliseconds=1)


# --- type predicates -----------------------------------------------------------------------


def _annotated_as(marker: object) -> Callable[[Any], bool]:
    def predicate(t: Any) -> bool:
        return get_origin(t) is Annotated and any(m is marker for m in t.__metadata__)

    return predicate


def _union_members(t: Any) -> tuple[Any, ...]:
    return get_args(t) if get_origin(t) in (typing.Union, types.UnionType) else ()


def _is_optional(t: Any) -> bool:
    members = _union_members(t)
    return type(None) in members and len(members) == 2


def _is_json_container_union(t: Any) -> bool:
    bare = {get_origin(m) or m for m in _union_members(t) if m is not type(None)}
    return bare == {dict, list}


def _is_str_dict(t: Any) -> bool:
    return get_origin(t) is dict and get_args(t)[:1] == (str,)


# --- converters ----------------------------------------------------------------------------


def _build_converter(*, detailed: bool) -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=detailed, omit_if_default=True)

    for t, hook in (
        (int, _structure_int),
        (float, _structure_float),
        (str, _structure_str),
        (bool, _structure_bool),
        (datetime, _structure_timestamp),
    ):
        conv.register_structure_hook(t, hook)
    conv.register_unstructure_hook(datetime, _unstructure_timestamp)
    conv.register_structure_hook_func(lambda t: t is Any, _structure_any)

    conv.register_structure_hook_func(_annotated_as(EPOCH_MILLIS), _structure_epoch_millis)
    conv.register_unstructure_hook_func(_annotated_as(EPOCH_MILLIS), _unstructure_epoch_millis)
    conv.register_structure_hook_func(_annotated_as(TZ_AWARE), _structure_timestamp)
    conv.register_unstructure_hook_func(_annotated_as(TZ_AWARE), _unstructure_timestamp)
    conv.register_structure_hook_func(_is_json_container_union, _structure_json_container)

    @conv.register_structure_hook_factory(_is_optional)
    def _optional(t: Any) -> Callable[[Any, Any], Any]:
        inner_type = next(m for m in _union_members(t) if m is not type(None))
        inner = conv.get_structure_hook(inner_type)

        if get_origin(inner_type) is list:
            # A JsonList field: JSON null is an empty list, as for every list of a record.
            return inner

        if inner_type in (int, float, str, bool):
            # The scalar hooks return a value of exactly their class unchanged: skip the call.
            def structure_optional_scalar(value: Any, _: Any) -> Any:
                if value is None or value.__class__ is inner_type:
                    return value
                return inner(value, inner_type)

            return structure_optional_scalar

        def structure_optional(value: Any, _: Any) -> Any:
            return None if value is None else inner(value, inner_type)

        return structure_optional

    @conv.register_structure_hook_factory(is_sequence)
    def _list(t: Any) -> Callable[[Any, Any], Any]:
        if not detailed:
            item_type = get_args(t)[0] if get_args(t) else Any
            item = conv.get_structure_hook(item_type)

            def structure_list_fast(value: Any, _: Any) -> list[Any]:
                if value is None:
                    return []
                if value.__class__ is not list:
                    raise _mismatch("an array", value)
                return [item(v, item_type) for v in value]

            return structure_list_fast

        items = list_structure_factory(t, conv)  # it names the index of a bad item

        def structure_list(value: Any, _: Any) -> list[Any]:
            if value is None:
                return []
            if value.__class__ is not list:
                raise _mismatch("an array", value)
            return typing.cast(list[Any], items(value, t))

        return structure_list

    @conv.register_structure_hook_factory(_is_str_dict)
    def _dict(t: Any) -> Callable[[Any, Any], Any]:
        value_type = get_args(t)[1] if len(get_args(t)) == 2 else Any
        inner = None if value_type is Any else conv.get_structure_hook(value_type)

        def structure_dict(value: Any, _: Any) -> dict[str, Any]:
            if value.__class__ is not dict:
                raise _mismatch("an object", value)
            if inner is None:
                return typing.cast(dict[str, Any], value)
            return {k: inner(v, value_type) for k, v in value.items()}

        return structure_dict

    @conv.register_structure_hook_factory(attrs.has)
    def _record(cls: type) -> Callable[[Any, Any], Any]:
        if not detailed:
            return _compile_record_hook(cls, conv)
        renames = {
            a.name: override(rename=_json_name(cls, a.name))
            for a in attrs.fields(cls)
            if _json_name(cls, a.name) != a.name
        }
        generated: Callable[[Any, Any], Any] = make_dict_structure_fn(cls, conv, **renames)  # type: ignore[arg-type]

        def structure_record(value: Any, t: Any) -> Any:
            if value.__class__ is not dict:
                raise _mismatch("an object", value)
            return generated(value, t)

        return structure_record

    @conv.register_unstructure_hook_factory(attrs.has)
    def _record_out(cls: type) -> Callable[[Any], Any]:
        renames = {
            a.name: override(rename=_json_name(cls, a.name))
            for a in attrs.fields(cls)
            if _json_name(cls, a.name) != a.name
        }
        return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **renames)  # type: ignore[arg-type]

    return conv


_MISSING: Any = object()
_EXACT_SCALARS = (int, float, str, bool)
_compiling: set[type] = set()
"""Records whose hook is being compiled: a field that refers back to one resolves lazily."""


def _compile_record_hook(cls: type, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """The structure hook of one record, as straight-line Python compiled once.

    It does what cattrs' generated hook does (the twin converter keeps that one, for the error
    messages), minus its per-field overhead: scalar fields are checked inline and only handed
    to their hook when they are not already of exactly the right class, every argument goes to
    ``__init__`` by keyword without an intermediate dict, and the object check is in the hook
    itself rather than in a wrapper. Results and exceptions are those of the hooks it calls.
    """
    hints = typing.get_type_hints(cls, include_extras=True)
    namespace: dict[str, Any] = {"cls": cls, "MISSING": _MISSING, "mismatch": _mismatch}
    lines = [
        "def structure(o, _):",
        "    if o.__class__ is not dict:",
        "        raise mismatch('an object', o)",
        "    get = o.get",
    ]
    arguments = []
    _compiling.add(cls)
    try:
        for i, field in enumerate(attrs.fields(cls)):
            if not field.init:
                continue
            value, key = f"v{i}", _json_name(cls, field.name)
            convert = _convert_lines(value, hints[field.name], i, namespace, conv)
            if field.default is attrs.NOTHING:
                lines.append(f"    {value} = o[{key!r}]")
                lines += [f"    {line}" for line in convert]
            else:
                lines += [f"    {value} = get({key!r}, MISSING)", f"    if {value} is MISSING:"]
                default = field.default
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    if default.takes_self:
                        raise TypeError(f"{cls.__name__}.{field.name}: takes_self is not supported")
                    namespace[f"default{i}"] = default.factory
                    lines.append(f"        {value} = default{i}()")
                else:
                    namespace[f"default{i}"] = default
                    lines.append(f"        {value} = default{i}")
                lines.append("    else:")
                lines += [f"        {line}" for line in convert or ["pass"]]
            arguments.append(f"{field.alias}={value}")
    finally:
        _compiling.discard(cls)
    lines.append(f"    return cls({', '.join(arguments)})")
    source = "\n".join(lines)
    exec(compile(source, f"<structure {cls.__module__}.{cls.__qualname__}>", "exec"), namespace)
    hook: Callable[[Any, Any], Any] = namespace["structure"]
    hook.__qualname__ = hook.__name__ = f"structure_{cls.__name__}"
    return hook


def _convert_lines(
    value: str, t: Any, i: int, namespace: dict[str, Any], conv: cattrs.Converter
) -> list[str]:
    """Lines that turn the JSON value held in ``value`` into the field's value, in place."""
    if t is Any:
        return []
    namespace[f"type{i}"] = t
    exact = _exact_class(t)
    if exact is not None:
        namespace[f"hook{i}"] = conv.get_structure_hook(t)
        namespace[f"exact{i}"] = exact
        return [
            f"if {value}.__class__ is not exact{i}:",
            f"    {value} = hook{i}({value}, type{i})",
        ]
    if _is_optional(t):
        inner = next(m for m in _union_members(t) if m is not type(None))
        namespace[f"inner{i}"] = inner
        exact = _exact_class(inner)
        if exact is not None:
            namespace[f"hook{i}"] = conv.get_structure_hook(inner)
            namespace[f"exact{i}"] = exact
            return [
                f"if {value} is not None and {value}.__class__ is not exact{i}:",
                f"    {value} = hook{i}({value}, inner{i})",
            ]
        if get_origin(inner) is not list:  # a JsonList's hook reads null itself, as []
            namespace[f"hook{i}"] = _field_hook(inner, conv)
            return [f"if {value} is not None:", f"    {value} = hook{i}({value}, inner{i})"]
    namespace[f"hook{i}"] = _field_hook(t, conv)
    return [f"{value} = hook{i}({value}, type{i})"]


def _exact_class(t: Any) -> type | None:
    """The class a JSON value of type ``t`` already has when its hook would hand it back as it
    is (a scalar, or a ``dict[str, Any]``), else ``None``."""
    if t in _EXACT_SCALARS:
        return typing.cast(type, t)
    if _is_str_dict(t) and get_args(t)[1:] == (Any,):
        return dict
    return None


def _field_hook(t: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """The hook of a field's type; resolved at first use when it refers back to a record whose
    hook is still being compiled (a recursive record)."""
    if not _refers_to(t, _compiling):
        return conv.get_structure_hook(t)

    def resolve_on_use(value: Any, t: Any) -> Any:
        return conv.get_structure_hook(t)(value, t)

    return resolve_on_use


def _refers_to(t: Any, classes: set[type]) -> bool:
    if isinstance(t, type) and t in classes:
        return True
    return any(_refers_to(arg, classes) for arg in get_args(t))


converter = _build_converter(detailed=False)
"""The converter behind every record: structure with ``converter.structure(data, Type)``."""

_explaining_converter = _build_converter(detailed=True)


def _failures(exc: BaseException, path: str) -> Iterator[str]:
    """``"<JSON path>: <problem>"`` for every leaf failure under a cattrs validation error."""
    if isinstance(exc, ClassValidationError):
        fields, rest = exc.group_exceptions()
        for inner, field in fields:
            yield from _failures(inner, f"{path}.{_json_name(exc.cl, field.name)}")
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
        _explaining_converter.structure(data, into)
    except Exception as exc:  # any failure here is what we are explaining
        return list(_failures(exc, "$"))
    return []


def structure(data: Any, into: type[T], *, method: str | None = None, url: str | None = None) -> T:
    """Structure decoded JSON into ``into``; a mismatch raises :class:`ResponseDecodeError`."""
    try:
        return converter.structure(data, into)
    except Exception:  # every mismatch becomes one typed error below
        problems = explain(data, into) or ["$: does not match the documented schema"]
    where = f" from {method} {url}" if method and url else ""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    # A private envelope record names its endpoint instead of itself.
    what = getattr(into, "_response_name", into.__name__)
    raise ResponseDecodeError(
        f"unexpected {what} response{where}: {problems[0]}{more}",
        path=problems[0].partition(": ")[0],
        method=method,
        url=url,
    )


def unstructure(record: Any) -> Any:
    """The JSON-ready form of a record (fields left at their default are omitted)."""
    return converter.unstructure(record)


# --- the fast path -------------------------------------------------------------------------

_fast_decoders: dict[type, Any] = {}


def decoder_backend() -> str:
    """``"msgspec"`` when the fast decode path is active, else ``"cattrs"``."""
    wanted = os.environ.get("BLUEJAY_ASYNC_DECODER", "auto").strip().lower()
    return "msgspec" if msgspec is not None and wanted != "pure" else "cattrs"


_BACKEND = decoder_backend()


def _msgspec_can_decode(t: Any, seen: set[type] | None = None) -> bool:
    """Whether msgspec reads ``t`` exactly as the pure path does (no renames, no epoch millis)."""
    seen = set() if seen is None else seen
    if get_origin(t) is Annotated:
        if any(m is EPOCH_MILLIS for m in t.__metadata__):
            return False
        if get_args(t)[0] is datetime:
            return any(m is TZ_AWARE for m in t.__metadata__)
        return _msgspec_can_decode(get_args(t)[0], seen)
    if t is datetime:
        return False  # msgspec would keep a naive timestamp naive; the pure path reads it as UTC
    if isinstance(t, type) and attrs.has(t):
        if t in seen:
            return True
        seen.add(t)
        if getattr(t, _CASING_ATTR, None) is not None:
            return False
        hints = typing.get_type_hints(t, include_extras=True)
        return all(_msgspec_can_decode(hints[a.name], seen) for a in attrs.fields(t))
    return all(_msgspec_can_decode(arg, seen) for arg in get_args(t))


def _fast_decoder(into: type) -> Any:
    try:
        return _fast_decoders[into]
    except KeyError:
        decoder: Any = msgspec.json.Decoder(into) if _msgspec_can_decode(into) else None
        _fast_decoders[into] = decoder
        return decoder


def decode_response(
    raw: bytes, into: type[T], *, method: str | None = None, url: str | None = None
) -> T:
    """Decode a successful response body into ``into`` (the single decode entry point)."""
    if _BACKEND == "msgspec":
        decoder = _fast_decoder(into)
        if decoder is not None:
            try:
                return typing.cast(T, decoder.decode(raw))
            # msgspec raises RecursionError on deeply nested input, even in ignored fields,
            # and UnicodeDecodeError on a string value that is not UTF-8.
            except (msgspec.ValidationError, msgspec.DecodeError, RecursionError, UnicodeError):
                pass  # the pure path decides: same records, same errors
    try:
        data = _codec.loads(raw)
    except (ValueError, RecursionError) as exc:  # the stdlib decoder recurses on nesting
        where = f" from {method} {url}" if method and url else ""
        raise ResponseDecodeError(
            f"response{where} is not valid JSON: {excerpt(raw) or '<empty body>'}",
            excerpt=excerpt(raw),
            method=method,
            url=url,
            malformed=isinstance(exc, ValueError),
        ) from None
    return structure(data, into, method=method, url=url)
