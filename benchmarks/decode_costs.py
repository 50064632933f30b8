"""Where the decode's time goes: each table prices the parts of one decode path, row by row.

    python benchmarks/decode_costs.py [--table results|cognigy|pure|all] [--rounds 5]
                                      [--docs 40] [--pages 10] [--budget 0.3]

Every row is a decoder's CPU time per document against ``orjson.loads`` of the same bytes in
the same round (median, lowest and highest ratio over the rounds).

**results** decodes the sandbox's results bodies with msgspec into variants of the SDK's
records, each rebuilt with one representation changed; the variants say where the time of
``benchmarks/decode.py``'s default row goes:

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

**cognigy** decodes pages of 100 Cognigy runs (camelCase names, epoch-millisecond timestamps)
the way the SDK does, through its wire classes and their finisher
(``bluejay_async/core/decode/mirrors.py``), and with parts of the finisher taken away:

* the records as they are (what ``decode_response`` runs);
* timestamps left as integers: the finisher still empties ``null`` lists and makes each
  instance the record, but converts no epoch milliseconds;
* not finished: msgspec's work alone, into wire instances under the JSON names;
* ``msgspec.Struct`` classes with the JSON names and integer timestamps, and plain dicts.

**pure** prices the pure path (``BLUEJAY_ASYNC_DECODER=pure``) on the results bodies:

* the whole path: parse, then cattrs' generated structure functions with the SDK's hooks;
* the parse alone (``parse.loads``, dicts);
* cattrs' generated functions with no hook on a scalar field (cattrs then copies the value
  without a call; nothing is checked, so this is a floor, not a decoder);
* the records' own ``__init__`` alone, every value ready (each record of the body built once
  more from its field values): what any structure function that builds records through their
  ``__init__`` pays at least.
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Annotated, Any, get_args, get_origin

import _common
import attrs
import decode as decode_bench
import msgspec
import orjson

from bluejay_async.core.decode import fast, hooks, mirrors, parse
from bluejay_async.core.markers import EPOCH_MILLIS, json_name, often_absent
from bluejay_async.models import SimulationResults
from cognigy_async.models import RunsPage

Substitute = Callable[[Any], Any]
Row = tuple[str, Callable[[bytes], Any], Sequence[bytes]]


def _keep(_: Any) -> Any:
    return None


def _rebuild(
    cls: type, sub: Substitute, made: dict[type, Any], *, pre: bool, post: bool, struct: bool
) -> Any:
    """``cls`` again (attrs, or a msgspec.Struct under the record's JSON names), with ``sub``
    applied to every field type."""
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
        renames = {a.name: json_name(cls, a.name) for a, _ in fields}
        new = msgspec.defstruct(cls.__name__, spec, kw_only=True, frozen=True, rename=renames)
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
    sub: Substitute = _keep,
    *,
    pre: bool = True,
    post: bool = True,
    struct: bool = False,
    into: type = SimulationResults,
) -> Any:
    rebuilt = _rebuild(into, sub, {}, pre=pre, post=post, struct=struct)
    return msgspec.json.Decoder(rebuilt).decode


def _plain_timestamps(t: Any) -> Any:
    if get_origin(t) is Annotated and get_args(t)[0] is datetime:
        return datetime
    return None


def _free_form_as_any(t: Any) -> Any:
    bare = {get_origin(m) or m for m in get_args(t)} if get_origin(t) is not None else set()
    return Any if {dict, list} <= bare else None


def _float_dicts_as_any(t: Any) -> Any:
    return dict[str, Any] if t == dict[str, float] else None


def _millis_as_int(t: Any) -> Any:
    if get_origin(t) is Annotated and any(m is EPOCH_MILLIS for m in t.__metadata__):
        return int
    return None


# --- Cognigy: the wire classes and their finisher, part by part -----------------------------


def _no_conversion(target: str, optional: bool) -> list[str]:
    return []


def _wire_decoder(*, finish: bool = True, convert: bool = True) -> Callable[[bytes], Any]:
    """A decoder of ``RunsPage`` through fresh wire classes, finished as the SDK does (or with
    the epoch milliseconds left as they came, or not finished at all)."""
    wire_types = mirrors.WireTypes(fast.reads_directly)
    decode: Callable[[bytes], Any] = msgspec.json.Decoder(wire_types.wire(RunsPage)).decode
    if not finish:
        return decode
    saved = mirrors.millis_statements
    if not convert:
        mirrors.millis_statements = _no_conversion
    try:
        finisher = wire_types.finisher(RunsPage)
    finally:
        mirrors.millis_statements = saved
    assert finisher is not None

    def decode_and_finish(raw: bytes) -> Any:
        return finisher(decode(raw))

    return decode_and_finish


def _cognigy_rows(pages: Sequence[bytes]) -> list[Row]:
    records = fast.decoder(RunsPage)
    assert records is not None
    return [
        ("records as they are", records, pages),
        ("timestamps left as integers", _wire_decoder(convert=False), pages),
        ("not finished (wire instances)", _wire_decoder(finish=False), pages),
        (
            "msgspec.Struct, JSON names, integer timestamps",
            _variant(_millis_as_int, struct=True, into=RunsPage),
            pages,
        ),
        ("dicts (msgspec.json.decode)", msgspec.json.decode, pages),
    ]


# --- the pure path, part by part ------------------------------------------------------------


def _records_of(record: Any) -> Iterator[Any]:
    """Every record inside ``record`` (itself included), innermost first."""
    for a in attrs.fields(type(record)):
        value = getattr(record, a.name)
        for item in value if isinstance(value, list) else [value]:
            if attrs.has(type(item)):
                yield from _records_of(item)
    yield record


def _init_only(docs: Sequence[bytes]) -> Callable[[bytes], Any]:
    """Each body's records built again by their ``__init__`` from ready values."""
    ready: dict[bytes, list[tuple[type, dict[str, Any]]]] = {}
    for doc in docs:
        records = _records_of(decode_bench._on("cattrs", SimulationResults)(doc))
        ready[doc] = [
            (type(r), {a.alias: getattr(r, a.name) for a in attrs.fields(type(r)) if a.init})
            for r in records
        ]

    def build(doc: bytes) -> None:
        for cls, values in ready[doc]:
            cls(**values)

    return build


def _without_scalar_hooks() -> Callable[[bytes], Any] | None:
    """cattrs' generated functions with no hook on scalar fields (``None`` where this cattrs
    does not look hooks up through ``cattrs.gen.find_structure_handler``)."""
    import cattrs.gen

    find = getattr(cattrs.gen, "find_structure_handler", None)
    if find is None:
        return None
    scalar_hooks = {"structure_optional_exact", "structure_str", "structure_int"}
    scalar_hooks |= {"structure_float", "structure_bool"}

    def no_scalar_hook(*args: Any, **kwargs: Any) -> Any:
        handler = find(*args, **kwargs)
        return None if getattr(handler, "__name__", "") in scalar_hooks else handler

    cattrs.gen.find_structure_handler = no_scalar_hook  # type: ignore[attr-defined]
    try:
        converter = hooks.build_converter(detailed=False)
        converter.get_structure_hook(SimulationResults)  # every function generated now
    finally:
        cattrs.gen.find_structure_handler = find  # type: ignore[attr-defined]

    def decode(doc: bytes) -> Any:
        return converter.structure(parse.loads(doc), SimulationResults)

    return decode


def _pure_rows(docs: Sequence[bytes]) -> list[Row]:
    rows: list[Row] = [
        ("the pure path: parse, then cattrs", decode_bench._on("cattrs", SimulationResults), docs),
        ("the parse alone (dicts)", parse.loads, docs),
    ]
    floor = _without_scalar_hooks()
    if floor is not None:
        rows.append(("parse, then cattrs with no scalar hook (a floor)", floor, docs))
    rows.append(("the records' __init__ alone, values ready", _init_only(docs), docs))
    return rows


def _results_rows(docs: Sequence[bytes]) -> list[Row]:
    full = [decode_bench._with_every_field(doc) for doc in docs]
    records = msgspec.json.Decoder(SimulationResults).decode
    return [
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


def _table(title: str, first: str, rows: Sequence[Row], args: argparse.Namespace) -> None:
    times: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    ratios: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    for _ in range(args.rounds):
        for name, decode, bodies in rows:
            floor = decode_bench._time_per_doc(orjson.loads, bodies, args.budget)
            times[name].append(decode_bench._time_per_doc(decode, bodies, args.budget))
            ratios[name].append(times[name][-1] / floor)
    print(f"\n{title}\n")
    _common.print_table(
        [first, "us per document", "vs orjson.loads (same bodies)", "spread"],
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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--table", choices=("results", "cognigy", "pure", "all"), default="all")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--docs", type=int, default=40, help="results bodies")
    parser.add_argument("--pages", type=int, default=10, help="Cognigy pages of 100 runs")
    parser.add_argument("--budget", type=float, default=0.3, help="CPU seconds per row and round")
    args = parser.parse_args(argv)
    tables = ("results", "cognigy", "pure") if args.table == "all" else (args.table,)

    docs: list[bytes] = []
    if "results" in tables or "pure" in tables:
        with _common.sandbox_process(args.docs) as url:
            docs = [_common.fetch_body(url, run_id) for run_id in _common.run_ids(url)]
    print(f"python {sys.version.split()[0]}; msgspec {msgspec.__version__}")
    if "results" in tables:
        title = f"results: {len(docs)} bodies, msgspec into variants of the records"
        _table(title, "msgspec into", _results_rows(docs), args)
    if "cognigy" in tables:
        pages = decode_bench._cognigy_pages(args.pages)
        title = f"Cognigy: {len(pages)} pages of 100 runs, msgspec through the wire classes"
        _table(title, "msgspec into", _cognigy_rows(pages), args)
    if "pure" in tables:
        title = f"the pure path: {len(docs)} results bodies, part by part"
        _table(title, "pure path", _pure_rows(docs), args)


if __name__ == "__main__":
    main()
