"""Property: the msgspec path and the pure cattrs path give identical records and errors.

Bodies are generated from the records' own type hints (Bluejay's and Cognigy's), so every field
of every record is exercised: valid values, nulls, unknown extra fields, integers far beyond 64
bits (typed and inside free-form values), timestamps in every accepted (and many refused)
spellings up to the end of year 9999, epoch milliseconds in and out of range, and invalid
variants (a wrongly typed value, a missing required field, a truncated document).
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any, get_args, get_origin

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from bluejay_async import ResultUpdated, SimulationCreated, SimulationResult, SimulationResults
from bluejay_async.core import converter as conv
from bluejay_async.core.decode import scalars
from bluejay_async.core.markers import EPOCH_MILLIS, json_name
from bluejay_async.errors import ResponseDecodeError
from bluejay_async.resources.runs import _RunsBody
from cognigy_async import RunsPage

pytestmark = pytest.mark.skipif(conv.msgspec is None, reason="msgspec is not installed")

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
BIG = st.integers(min_value=2**63, max_value=2**200) | st.integers(
    min_value=-(2**200), max_value=-(2**63) - 1
)
INTS = INT64 | BIG  # JSON schema "integer" has no bound; orjson would read BIG as floats
JSON_SCALARS = st.none() | st.booleans() | INTS | st.floats(allow_nan=False) | st.text(max_size=8)
EPOCH_MS = st.integers(min_value=-62_135_596_800_000, max_value=253_402_300_799_999)
WRONG_MILLIS = st.sampled_from([253_402_300_800_000, -62_135_596_800_001, 2**70, 1.5e12, "0"])
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=4,
)
WRONG_VALUES = st.sampled_from(
    [None, True, False, 0, -7, 1.5, 1e20, "", "x", [], [1], {}, {"a": 1}]
)


def rarely(one_in: int) -> st.SearchStrategy[bool]:
    """True about once in ``one_in`` draws (a middle value: hypothesis favours the ends)."""
    return st.integers(min_value=0, max_value=one_in - 1).map(lambda k: k == one_in // 2)


VALID_SEPARATORS = ["T", "t", " "]
VALID_ZONES = ["", "Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+0530", "+23:59"]
BAD_SEPARATORS = ["_", "  ", ""]
BAD_ZONES = ["+24:00", "+05", "+5:30", " Z", "+05:3", "Z+01:00", "UTC"]
EDGES = [
    "9999-12-31T23:59:59.9999995Z",
    "9999-12-31T23:59:59.999999999+01:00",
    "9999-12-31T23:59:59.9999994Z",
    "0001-01-01T00:00:00-01:00",
    "0001-01-01T00:00:00.0000004Z",
]
BAD_FIELDS = [
    "2023-13-01T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-02-29T23:59:60Z",
    "2024-01-01T24:00:00Z",
    "0000-01-01T00:00:00Z",
    "2024-01-01T00:60:00Z",
    "2024-1-01T00:00:00Z",
]


@st.composite
def timestamps(draw: st.DrawFn, bad_one_in: int = 8) -> str:
    """Timestamp strings: mostly well-formed in one of the accepted styles, sometimes not."""
    if draw(rarely(bad_one_in * 2)):
        return draw(st.sampled_from(EDGES))
    moment = draw(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)))
    bad = draw(rarely(bad_one_in))
    how = draw(st.sampled_from(["separator", "zone", "cut", "digit", "field"])) if bad else ""
    separator = draw(st.sampled_from(BAD_SEPARATORS if how == "separator" else VALID_SEPARATORS))
    m = moment
    text = f"{m.year:04}-{m.month:02}-{m.day:02}{separator}{m.hour:02}:{m.minute:02}:{m.second:02}"
    digits = draw(st.integers(min_value=0, max_value=12))
    if digits:
        text += "." + draw(st.text(alphabet="0123456789", min_size=digits, max_size=digits))
    text += draw(st.sampled_from(BAD_ZONES if how == "zone" else VALID_ZONES))
    if how == "cut":
        text = text[: draw(st.integers(min_value=0, max_value=len(text) - 1))]
    elif how == "digit":
        at = draw(st.integers(min_value=0, max_value=len(text) - 1))
        text = text[:at] + draw(st.sampled_from("09x:-.")) + text[at + 1 :]
    elif how == "field":
        text = draw(st.sampled_from(BAD_FIELDS))
    return text


def _members(t: Any) -> tuple[Any, ...]:
    return get_args(t) if get_origin(t) in (typing.Union, types.UnionType) else ()


def valid_values(t: Any) -> st.SearchStrategy[Any]:
    """JSON values that a field of type ``t`` is documented to hold (plus nulls for lists)."""
    if get_origin(t) is Annotated:
        if EPOCH_MILLIS in t.__metadata__:
            return rarely(20).flatmap(lambda wrong: WRONG_MILLIS if wrong else EPOCH_MS)
        return valid_values(get_args(t)[0])
    if t is datetime:
        return timestamps(bad_one_in=60)
    if t is bool:
        return st.booleans()
    if t is int:
        return INTS
    if t is float:
        return st.floats(allow_nan=False, allow_infinity=False) | INTS
    if t is str:
        return st.text(max_size=8)
    if t is Any:
        return JSON_VALUES
    if members := _members(t):
        return st.one_of([valid_values(m) for m in members])
    if t is type(None):
        return st.none()
    origin = get_origin(t)
    if origin is list:
        return (
            st.none() | st.lists(valid_values(get_args(t)[0]), min_size=1, max_size=3) | st.just([])
        )
    if origin is dict:
        return st.dictionaries(st.text(max_size=5), valid_values(get_args(t)[1]), max_size=3)
    if attrs.has(t):
        return bodies_of(t)
    raise AssertionError(f"no strategy for {t!r}")  # pragma: no cover


def values(t: Any) -> st.SearchStrategy[Any]:
    """Mostly valid values, and now and then a wrongly typed one."""
    return rarely(150).flatmap(lambda wrong: WRONG_VALUES if wrong else valid_values(t))


@st.composite
def bodies_of(draw: st.DrawFn, cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, include_extras=True)
    body: dict[str, Any] = {}
    for field in attrs.fields(cls):
        required = field.default is attrs.NOTHING
        if required or draw(st.booleans()):
            body[json_name(cls, field.name)] = draw(values(hints[field.name]))
    drop_one = draw(rarely(40))
    if body and drop_one:
        del body[draw(st.sampled_from(sorted(body)))]  # a required field may go missing
    if draw(rarely(4)):
        body[draw(st.sampled_from(["zz_new", "unknown_field", "id_v2"]))] = draw(JSON_VALUES)
    return body


@st.composite
def results_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """Results bodies that nearly always hold results (the generic draw often leaves them out)."""
    body = draw(bodies_of(SimulationResults))
    if not draw(rarely(8)):
        body["simulation_results"] = draw(
            st.lists(values(SimulationResult), min_size=1, max_size=3)
        )
    return body


@st.composite
def documents(draw: st.DrawFn, bodies: st.SearchStrategy[dict[str, Any]]) -> bytes:
    raw = json.dumps(draw(bodies)).encode()  # orjson refuses integers beyond 64 bits
    if draw(rarely(20)):
        raw = raw[: draw(st.integers(min_value=0, max_value=len(raw) - 1))]
    return raw


@contextmanager
def decode_path(name: str) -> Iterator[None]:
    saved = conv._BACKEND
    conv._BACKEND = name
    try:
        yield
    finally:
        conv._BACKEND = saved


def outcome(raw: bytes, cls: type, backend: str) -> tuple[Any, ...]:
    with decode_path(backend):
        try:
            record: Any = conv.decode_response(raw, cls, method="GET", url="http://h/v1/r")
        except ResponseDecodeError as exc:
            return ("error", str(exc), exc.path, exc.excerpt)
    return ("record", record, repr(record))


def assert_same_outcome(raw: bytes, cls: type) -> tuple[Any, ...]:
    fast = outcome(raw, cls, "msgspec")
    pure = outcome(raw, cls, "cattrs")
    assert fast == pure
    return pure


@given(documents(results_bodies()))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_results_bodies_decode_identically(raw: bytes) -> None:
    assert_same_outcome(raw, SimulationResults)


@pytest.mark.parametrize("cls", [_RunsBody, SimulationCreated, ResultUpdated, RunsPage])
@given(data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_other_bodies_decode_identically(cls: type, data: st.DataObject) -> None:
    assert_same_outcome(data.draw(documents(bodies_of(cls))), cls)


@given(timestamps(bad_one_in=3))
@settings(max_examples=500, deadline=None)
def test_timestamps_decode_identically(text: str) -> None:
    raw = orjson.dumps({"simulation_run": {"id": "1", "simulation_id": "2", "created_at": text}})
    assert_same_outcome(raw, SimulationResults)


@pytest.mark.parametrize("wanted", ["record", "error"])
def test_the_generator_makes_both_outcomes(wanted: str) -> None:
    """Guard against a generator that only ever produces valid (or only invalid) bodies.

    ``find`` searches until it meets a body with the wanted outcome (derandomized, so the
    search is the same on every run), instead of hoping a fixed number of draws covers both.
    """
    find(
        documents(results_bodies()),
        lambda raw: assert_same_outcome(raw, SimulationResults)[0] == wanted,
        settings=settings(
            max_examples=2_000,
            phases=[Phase.generate],  # the first body found will do: no shrinking
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


@given(timestamps(bad_one_in=3))
@settings(max_examples=500, deadline=None)
def test_parse_timestamp_shortcut_agrees_with_the_exact_parser(text: str) -> None:
    def attempt(parse: Any) -> tuple[Any, ...]:
        try:
            parsed = parse(text)
        except ValueError as exc:
            return ("error", str(exc))
        return ("parsed", parsed, repr(parsed), parsed.utcoffset())

    exact = attempt(lambda t: scalars._parse_timestamp_exactly(t, scalars._TIMESTAMP.fullmatch(t)))
    assert attempt(scalars.parse_timestamp) == exact
