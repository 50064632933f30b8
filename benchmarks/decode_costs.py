"""What each field representation costs msgspec when it decodes a results body into records.

    python benchmarks/decode_costs.py [--rounds 5] [--docs 40] [--budget 0.3]

Decodes the sandbox's results bodies with msgspec into variants of the SDK's records, each
rebuilt with one representation changed, and prints each variant's CPU time per document
against ``orjson.loads`` of the same bytes (same round; median, lowest and highest ratio). The
variants say where the time of ``benchmarks/decode.py``'s default row goes:

* the records as they are (what ``decode_response`` runs);
* without the ``__attrs_pre_init__`` that sets the review fields of an evaluation or custom
  metric (``human_*``, ``override_*``, ``last_edited_*``, which the API leaves out until someone
  edits the record) before msgspec reads the body: msgspec then fills each absent field through
  a failed attribute lookup;
* without the ``__attrs_post_init__`` that turns ``null`` lists into ``[]``;
* ISO timestamps as plain ``datetime`` (no ``tz=True`` check), free-form unions
  (``list[Any] | dict[str, Any] | None``) as ``Any``, ``dict[str, float]`` as ``dict[str, Any]``;
* bodies with every absent optional field of an evaluation or custom metric sent as ``null``
  (nothing left to fill; the pre-init's stores are then wasted);
* ``msgspec.Struct`` classes with the same fields instead of attrs records, and plain dicts.
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, get_args, get_origin

import _common
import attrs
import decode as decode_bench
import msgspec
import orjson

from bluejay_async.core.markers import often_absent
from bluejay_async.models import SimulationResults

Substitute = Callable[[Any], Any]


def _keep(_: Any) -> Any:
    return None


def _rebuild(
    cls: type, sub: Substitute, made: dict[type, Any], *, pre: bool, post: bool, struct: bool
) -> Any:
    """``cls`` again (attrs, or a msgspec.Struct), with ``sub`` applied to every field type."""
    if cls in made:
        return made[cls]
    hints = typing.get_type_hints(cls, include_extras=True)

    def fix(t: Any) -> Any:
        replaced = sub(t)
        if replaced is not None:
            return replaced
        if isinstance(t, type) and attrs.has(t):
            return _rebuild(t, sub, made, pre=pre, post=post, struct=struct)
        origin, args = get_origin(t), get_args(t)
        if origin is None or not args:
            return t
        if origin is Annotated:
            annotated_args = (fix(args[0]), *t.__metadata__)
            return typing.cast(Any, Annotated)[annotated_args]
        if origin in (typing.Union, types.UnionType):
            return typing.Union[tuple(fix(a) for a in args)]  # noqa: UP007
        return origin[tuple(fix(a) for a in args)]

    fields = [(a, fix(hints[a.name])) for a in attrs.fields(cls)]
    new: Any
    if struct:
        spec: list[Any] = []
        for a, t in fields:
            if a.default is attrs.NOTHING:
                spec.append((a.name, t))
            elif isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
                spec.append((a.name, t, msgspec.field(default_factory=a.default.factory)))
            else:
                spec.append((a.name, t, a.default))
        new = msgspec.defstruct(cls.__name__, spec, kw_only=True, frozen=True)
    else:
        these = {a.name: attrs.field(default=a.default) for a, _ in fields}
        new = attrs.make_class(cls.__name__, these, frozen=True, kw_only=True, slots=True)
        new.__annotations__ = {a.name: t for a, t in fields}
        if post and hasattr(cls, "__attrs_post_init__"):
            new.__attrs_post_init__ = cls.__attrs_post_init__
        prefixes = getattr(cls, "__bluejay_often_absent__", ())
        if pre and prefixes:
            often_absent(*prefixes)(new)
    made[cls] = new
    return new


def _variant(
    sub: Substitute = _keep, *, pre: bool = True, post: bool = True, struct: bool = False
) -> Any:
    into = _rebuild(SimulationResults, sub, {}, pre=pre, post=post, struct=struct)
    return msgspec.json.Decoder(into).decode


def _plain_timestamps(t: Any) -> Any:
    if get_origin(t) is Annotated and get_args(t)[0] is datetime:
        return datetime
    return None


def _free_form_as_any(t: Any) -> Any:
    bare = {get_origin(m) or m for m in get_args(t)} if get_origin(t) is not None else set()
    return Any if {dict, list} <= bare else None


def _float_dicts_as_any(t: Any) -> Any:
    return dict[str, Any] if t == dict[str, float] else None


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--budget", type=float, default=0.3, help="CPU seconds per row and round")
    args = parser.parse_args(argv)

    with _common.sandbox_process(args.docs) as url:
        docs = [_common.fetch_body(url, run_id) for run_id in _common.run_ids(url)]
    full = [decode_bench._with_every_field(doc) for doc in docs]
    records = msgspec.json.Decoder(SimulationResults).decode
    rows: list[tuple[str, Callable[[bytes], Any], Sequence[bytes]]] = [
        ("records as they are", records, docs),
        ("rebuilt as they are (the variants' baseline)", _variant(), docs),
        ("without the review-field pre-init", _variant(pre=False), docs),
        ("without the null-list post-init", _variant(post=False), docs),
        ("timestamps as plain datetime", _variant(_plain_timestamps), docs),
        ("free-form unions as Any", _variant(_free_form_as_any), docs),
        ("dict[str, float] as dict[str, Any]", _variant(_float_dicts_as_any), docs),
        ("every field present (absent ones as null)", records, full),
        ("msgspec.Struct instead of attrs", _variant(struct=True), docs),
        ("dicts (msgspec.json.decode)", msgspec.json.decode, docs),
    ]
    times: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    ratios: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    for _ in range(args.rounds):
        for name, decode, bodies in rows:
            floor = decode_bench._time_per_doc(orjson.loads, bodies, args.budget)
            times[name].append(decode_bench._time_per_doc(decode, bodies, args.budget))
            ratios[name].append(times[name][-1] / floor)
    print(f"python {sys.version.split()[0]}; msgspec {msgspec.__version__}; {len(docs)} bodies\n")
    _common.print_table(
        ["msgspec into", "us per document", "vs orjson.loads (same bodies)", "spread"],
        [
            [
                name,
                f"{_common.median(times[name]) * 1e6:,.0f}",
                f"{_common.median(r):.2f}x",
                f"{min(r):.2f}x - {max(r):.2f}x",
            ]
            for name, r in ratios.items()
        ],
    )


if __name__ == "__main__":
    main()
