"""One JSON rule for request bodies, the same with orjson and with the standard library.

Every case runs on both encoders (``backend`` is ``orjson`` or ``json``); a hypothesis property
checks that the two accept the same values and produce the same JSON value.
"""

from __future__ import annotations

import enum
import json
import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluejay_async.core import codec

BACKENDS = ["orjson", "json"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "json":
        monkeypatch.setattr(codec, "_orjson", None)
    elif codec._orjson is None:  # pragma: no cover - the fast extra is a dev dependency
        pytest.skip("orjson is not installed")
    return str(request.param)


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Kind(str, enum.Enum):
    VOICE = "voice"


class Ratio(float):
    pass


class Name(str):
    pass


@dataclass
class Point:
    x: int


UTC_NOON = datetime(2024, 5, 6, 12, 0, 0, 123456, tzinfo=timezone.utc)
ID = uuid.UUID("12345678-1234-5678-1234-567812345678")

ACCEPTED: list[tuple[Any, Any]] = [
    ({"a": 1, "b": [True, None, "é"]}, {"a": 1, "b": [True, None, "é"]}),
    ({"big": 2**70, "neg": -(2**64)}, {"big": 2**70, "neg": -(2**64)}),
    ({"t": (1, 2)}, {"t": [1, 2]}),
    ({"at": UTC_NOON}, {"at": "2024-05-06T12:00:00.123456+00:00"}),
    ({"at": datetime(2024, 5, 6, 12, 0)}, {"at": "2024-05-06T12:00:00"}),
    (
        {"at": UTC_NOON.astimezone(timezone(timedelta(hours=5, minutes=30)))},
        {"at": "2024-05-06T17:30:00.123456+05:30"},
    ),
    ({"d": date(2024, 5, 6), "t": time(7, 8, 9)}, {"d": "2024-05-06", "t": "07:08:09"}),
    ({"id": ID}, {"id": "12345678-1234-5678-1234-567812345678"}),
    ({"c": Colour.RED, "l": Level.HIGH, "k": Kind.VOICE}, {"c": "red", "l": 3, "k": "voice"}),
    ({"r": Ratio(0.5), Name("n"): Name("v")}, {"r": 0.5, "n": "v"}),
    ({"deep": [[[[[[[[[[{"x": 1.5e300}]]]]]]]]]]}, {"deep": [[[[[[[[[[{"x": 1.5e300}]]]]]]]]]]}),
    (json.loads("[" * 300 + "]" * 300), json.loads("[" * 300 + "]" * 300)),  # past orjson's 255
]

REFUSED: list[tuple[Any, type[Exception], str]] = [
    ({"x": math.nan}, ValueError, r"\$\.x"),
    ({"x": [1, math.inf]}, ValueError, r"\$\.x\[1\]"),
    ({"x": {"y": -math.inf}}, ValueError, "NaN or Infinity"),
    ({"r": Ratio("nan")}, ValueError, "not a JSON number"),
    ({1: "x"}, TypeError, "keys must be strings"),
    ({"m": {None: 1}}, TypeError, r"\$\.m"),
    ({"m": {True: 1}}, TypeError, "bool"),
    ({"b": b"bytes"}, TypeError, "bytes"),
    ({"s": {1, 2}}, TypeError, "set"),
    ({"p": Point(1)}, TypeError, "Point"),
    ({"f": lambda: 1}, TypeError, "function"),
    ({"s": "\ud800"}, ValueError, "surrogates"),
]


@pytest.mark.parametrize(("value", "expected"), ACCEPTED)
def test_accepted_values_encode_the_same_both_ways(backend: str, value: Any, expected: Any) -> None:
    encoded = codec.dumps(value)
    assert isinstance(encoded, bytes)
    assert json.loads(encoded) == expected
    assert b" " not in encoded.replace(b'" "', b"")  # compact


@pytest.mark.parametrize(("value", "error", "match"), REFUSED)
def test_refused_values_are_refused_both_ways(
    backend: str, value: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        codec.dumps(value)


def test_a_value_that_contains_itself_is_refused_both_ways(backend: str) -> None:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(ValueError):  # noqa: PT011 - the stdlib's "Circular reference"
        codec.dumps(loop)


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()  # NaN and the infinities included
    | st.text()
    | st.datetimes(timezones=st.none() | st.just(timezone.utc))
    | st.uuids(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5) | st.integers(0, 3), inner, max_size=4)
    ),
    max_leaves=12,
)


def _encode(value: Any) -> tuple[str, Any]:
    try:
        return "ok", json.loads(codec.dumps(value))
    except (TypeError, ValueError) as exc:
        return "refused", type(exc).__name__


@given(JSONISH)
def test_both_encoders_agree(value: Any) -> None:
    if codec._orjson is None:  # pragma: no cover
        pytest.skip("orjson is not installed")
    fast = _encode(value)
    real, codec._orjson = codec._orjson, None
    try:
        pure = _encode(value)
    finally:
        codec._orjson = real
    assert fast == pure
