"""The cattrs converter of the pure path: which hook reads which type.

:func:`build_converter` returns a ``cattrs.Converter`` whose hooks are the strict scalars of
:mod:`.scalars`, ``null`` lists as ``[]``, ISO-8601 and epoch-millisecond timestamps as aware
datetimes, and for each record the structure function cattrs generates for it
(:func:`cattrs.gen.make_dict_structure_fn`, JSON names from :mod:`bluejay_async.core.markers`,
unknown fields ignored). Two are built: one without per-field error bookkeeping
(``detailed=False``, cattrs' fast mode) that decodes, and one with it that explains a failure.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import datetime
from itertools import repeat
from typing import Annotated, Any, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import is_sequence, list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from bluejay_async.core.decode import scalars as s
from bluejay_async.core.markers import EPOCH_MILLIS, TZ_AWARE, json_name, union_members

__all__ = ["build_converter", "is_optional"]

Hook = Callable[[Any, Any], Any]


def _annotated_as(marker: object) -> Callable[[Any], bool]:
    def predicate(t: Any) -> bool:
        return get_origin(t) is Annotated and any(m is marker for m in t.__metadata__)

    return predicate


def is_optional(t: Any) -> bool:
    """Whether ``t`` is ``X | None`` for one ``X``."""
    members = union_members(t)
    return type(None) in members and len(members) == 2


def _is_json_container_union(t: Any) -> bool:
    bare = {get_origin(m) or m for m in union_members(t) if m is not type(None)}
    return bare == {dict, list}


def _is_str_dict(t: Any) -> bool:
    return get_origin(t) is dict and get_args(t)[:1] == (str,)


def _exact_class(t: Any) -> type | None:
    """The class a JSON value of type ``t`` already has when its hook hands it back unchanged
    (a scalar, or a ``dict[str, Any]``), else ``None``."""
    if t in (int, float, str, bool):
        return typing.cast(type, t)
    if _is_str_dict(t) and get_args(t)[1:] == (Any,):
        return dict
    return None


def _renames(cls: type) -> dict[str, Any]:
    return {
        a.name: override(rename=json_name(cls, a.name))
        for a in attrs.fields(cls)
        if json_name(cls, a.name) != a.name
    }


def build_converter(*, detailed: bool) -> cattrs.Converter:
    """The pure path's converter; ``detailed=True`` keeps every field's failure (to explain)."""
    conv = cattrs.Converter(detailed_validation=detailed, omit_if_default=True)

    for t, hook in (
        (int, s.structure_int),
        (float, s.structure_float),
        (str, s.structure_str),
        (bool, s.structure_bool),
        (datetime, s.structure_timestamp),
    ):
        conv.register_structure_hook(t, hook)
    conv.register_unstructure_hook(datetime, s.unstructure_timestamp)
    conv.register_structure_hook_func(lambda t: t is Any, s.structure_any)

    conv.register_structure_hook_func(_annotated_as(EPOCH_MILLIS), s.structure_epoch_millis)
    conv.register_unstructure_hook_func(_annotated_as(EPOCH_MILLIS), s.unstructure_epoch_millis)
    conv.register_structure_hook_func(_annotated_as(TZ_AWARE), s.structure_timestamp)
    conv.register_unstructure_hook_func(_annotated_as(TZ_AWARE), s.unstructure_timestamp)
    conv.register_structure_hook_func(_is_json_container_union, s.structure_json_container)

    # Records whose fields are all optional get a wrapper that refuses anything but an object
    # (see _record); where a hook has checked that already, it calls the generated function.
    generated_of: dict[type, Hook] = {}

    def bare_record(t: Any) -> Hook | None:
        """The generated function of record ``t`` when the caller checks for an object first."""
        if not attrs.has(t):
            return None
        conv.get_structure_hook(t)  # generates it (and fills generated_of) on first use
        return generated_of.get(t)

    @conv.register_structure_hook_factory(is_optional)
    def _optional(t: Any) -> Hook:
        inner_type = next(m for m in union_members(t) if m is not type(None))
        inner = conv.get_structure_hook(inner_type)

        if get_origin(inner_type) is list:
            return inner  # a JsonList field: its list hook reads null as [] already

        # One hook per optional field: its own checks for the common values, the inner hook
        # only for what those do not settle (and to word the error).
        exact = _exact_class(inner_type)
        if exact is not None:
            # Its hook returns a value of exactly this class unchanged: skip the call.
            def structure_optional_exact(value: Any, _: Any) -> Any:
                if value is None or value.__class__ is exact:
                    return value
                return inner(value, inner_type)

            return structure_optional_exact

        if inner is s.structure_timestamp:
            parse = s.parse_timestamp

            def structure_optional_timestamp(value: Any, _: Any) -> Any:
                if value is None:
                    return None
                if value.__class__ is str:
                    return parse(value)
                return inner(value, inner_type)

            return structure_optional_timestamp

        record = bare_record(inner_type)
        if record is not None:

            def structure_optional_record(value: Any, _: Any) -> Any:
                if value is None:
                    return None
                if value.__class__ is dict:
                    return record(value, inner_type)
                return inner(value, inner_type)

            return structure_optional_record

        def structure_optional(value: Any, _: Any) -> Any:
            return None if value is None else inner(value, inner_type)

        return structure_optional

    @conv.register_structure_hook_factory(is_sequence)
    def _list(t: Any) -> Hook:
        if not detailed:
            return _fast_list(t)

        items = list_structure_factory(t, conv)  # it names the index of a bad item

        def structure_list(value: Any, _: Any) -> list[Any]:
            if value is None:
                return []
            if value.__class__ is not list:
                raise s.mismatch("an array", value)
            return typing.cast(list[Any], items(value, t))

        return structure_list

    def _fast_list(t: Any) -> Hook:
        item_type = get_args(t)[0] if get_args(t) else Any
        item = conv.get_structure_hook(item_type)
        exact = _exact_class(item_type)
        record = bare_record(item_type)
        # The lists of a body are short (tags, tool calls): a plain loop over the items'
        # classes costs less than setting up map() over them, and no hook is called for an
        # item that needs no conversion.

        def structure_list_fast(value: Any, _: Any) -> list[Any]:
            if value.__class__ is not list:
                if value is None:
                    return []
                raise s.mismatch("an array", value)
            if not value:
                return []
            if exact is not None:
                for v in value:
                    if v.__class__ is not exact:
                        break
                else:
                    return value[:]  # list[str] and the like: nothing to convert
            elif record is not None:
                for v in value:
                    if v.__class__ is not dict:
                        break
                else:  # every item is an object: the record's wrapper has nothing to check
                    return list(map(record, value, repeat(item_type, len(value))))
            # map() runs the loop in C: no comprehension frame per list.
            return list(map(item, value, repeat(item_type, len(value))))

        return structure_list_fast

    @conv.register_structure_hook_factory(_is_str_dict)
    def _dict(t: Any) -> Hook:
        value_type = get_args(t)[1] if len(get_args(t)) == 2 else Any
        inner = None if value_type is Any else conv.get_structure_hook(value_type)
        exact = _exact_class(value_type)

        def structure_dict(value: Any, _: Any) -> dict[str, Any]:
            if value.__class__ is not dict:
                raise s.mismatch("an object", value)
            if inner is None:
                return typing.cast(dict[str, Any], value)
            if exact is not None:
                for v in value.values():
                    if v.__class__ is not exact:
                        break
                else:
                    return dict(value)  # dict[str, float] of floats: nothing to convert
            return {k: inner(v, value_type) for k, v in value.items()}

        return structure_dict

    @conv.register_structure_hook_factory(attrs.has)
    def _record(cls: type) -> Hook:
        # cattrs generates the function once per record (straight-line code, no per-field
        # try/except when not detailed); its own hooks are as fast as a hand-written generator
        # measured (benchmarks/decode.py), so there is no second one.
        generated: Hook = make_dict_structure_fn(
            cls, conv, _cattrs_detailed_validation=detailed, **_renames(cls)
        )

        if not detailed and any(a.default is attrs.NOTHING for a in attrs.fields(cls)):
            # Reading a required key fails on anything but an object; the explaining converter
            # words the error.
            return generated

        generated_of[cls] = generated

        def structure_record(value: Any, t: Any) -> Any:
            # Without it a record whose fields are all optional would read [] or "" as itself.
            if value.__class__ is not dict:
                raise s.mismatch("an object", value)
            return generated(value, t)

        return structure_record

    @conv.register_unstructure_hook_factory(attrs.has)
    def _record_out(cls: type) -> Callable[[Any], Any]:
        return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **_renames(cls))

    return conv
