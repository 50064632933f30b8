"""The decoding hooks markers.py installs: same records on both paths, records stay frozen."""

from __future__ import annotations

import json
import pickle
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluejay_async.core import converter
from bluejay_async.core.errors import ResponseDecodeError
from bluejay_async.core.markers import often_absent
from bluejay_async.models import CustomMetric, Evaluation

msgspec = pytest.importorskip("msgspec")

REVIEW = [a.name for a in attrs.fields(Evaluation) if a.name.startswith(("human_", "override_"))]


def _both_paths(raw: bytes, into: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    fast = msgspec.json.decode(raw, type=into)
    monkeypatch.setattr(converter, "_BACKEND", "cattrs")
    return fast, converter.decode_response(raw, into)


def test_absent_review_fields_read_as_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"agent_speak_percentage": 40.5, "avg_agent_latency": None, "goal_success": True}
    fast, pure = _both_paths(json.dumps(body).encode(), Evaluation, monkeypatch)

    assert type(fast) is Evaluation
    assert fast == pure
    assert all(getattr(fast, name) is None for name in [*REVIEW, "last_edited_at"])
    assert fast.goal_success is True
    assert fast.custom_metrics == []


def test_review_fields_sent_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {
        "agent_speak_percentage": None,
        "avg_agent_latency": 900.0,
        "human_edited": True,
        "human_goal_success": False,
        "override_goal_notes": "wrong store",
        "last_edited_at": "2025-03-03T09:00:00Z",
        "custom_metrics": [
            {
                "name": "n",
                "description": "d",
                "response_type": "enum",
                "response_value": "v",
                "human_response_value": "w",
            }
        ],
    }
    fast, pure = _both_paths(json.dumps(body).encode(), Evaluation, monkeypatch)

    assert fast == pure
    assert fast.human_edited is True
    assert fast.human_goal_success is False
    assert fast.override_goal_notes == "wrong store"
    assert fast.last_edited_at == datetime(2025, 3, 3, 9, tzinfo=timezone.utc)
    assert fast.human_redundancy is None
    (metric,) = fast.custom_metrics
    assert type(metric) is CustomMetric
    assert metric.human_response_value == "w"
    assert metric.human_reasoning is None


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(REVIEW), st.none() | st.booleans() | st.text(max_size=5)))
def test_any_mix_of_review_fields_decodes_as_the_pure_path_does(sent: dict[str, Any]) -> None:
    body = {"agent_speak_percentage": 1.0, "avg_agent_latency": 2.0, **sent}
    raw = json.dumps(body).encode()
    try:
        fast = msgspec.json.decode(raw, type=Evaluation)
    except msgspec.ValidationError:  # a type msgspec refuses: the pure path decides
        fast = None
    try:
        pure = converter.structure(json.loads(raw), Evaluation)
    except ResponseDecodeError:
        pure = None
    if fast is not None:
        assert fast == pure
        assert all(getattr(fast, name) == body.get(name) for name in REVIEW)


def test_records_stay_frozen_and_picklable() -> None:
    body = {"agent_speak_percentage": 1.0, "avg_agent_latency": 2.0}
    record = msgspec.json.decode(json.dumps(body).encode(), type=Evaluation)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        record.human_edited = True
    assert pickle.loads(pickle.dumps(record)) == record
    assert attrs.evolve(record, human_edited=True).human_edited is True


def test_a_subclass_of_a_record_is_left_alone() -> None:
    @attrs.frozen(kw_only=True)
    class Reviewed(Evaluation):
        reviewer: str = "nobody"

    built = Reviewed(agent_speak_percentage=1.0, avg_agent_latency=None, human_edited=True)
    decoded = msgspec.json.decode(
        b'{"agent_speak_percentage": 1.0, "avg_agent_latency": null, "reviewer": "ann"}',
        type=Reviewed,
    )

    assert type(built) is Reviewed
    assert built.human_edited is True
    assert type(decoded) is Reviewed
    assert decoded.reviewer == "ann"
    assert decoded.human_edited is None


def test_a_plain_default_other_than_none_is_set() -> None:
    @often_absent("status", "note")
    @attrs.frozen(kw_only=True)
    class Answer:
        id: int
        status: str | None = "200"
        note: str | None = None

    decode = msgspec.json.Decoder(Answer).decode
    assert decode(b'{"id": 1}') == Answer(id=1)
    assert decode(b'{"id": 1, "status": null, "note": "n"}') == Answer(id=1, status=None, note="n")
    with pytest.raises(msgspec.ValidationError, match="id"):
        decode(b'{"status": "201"}')


@pytest.mark.parametrize(
    ("prefix", "message"),
    [("missing", "no field starting with"), ("tags", "plain default"), ("id", "plain default")],
)
def test_often_absent_refuses_fields_it_cannot_set(prefix: str, message: str) -> None:
    @attrs.frozen(kw_only=True)
    class Record:
        id: int
        tags: list[str] = attrs.field(factory=list)

    with pytest.raises(TypeError, match=message):
        often_absent(prefix)(Record)
