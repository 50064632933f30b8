"""Records of the runs endpoint: renames, datetimes, tolerance, and failures that name a path.

Every test runs on both decode paths (msgspec through camelCase wire classes, and the pure path).
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest

from bluejay_async.core import converter as conv
from bluejay_async.core.converter import decode_response, unstructure
from bluejay_async.core.decode import fast
from bluejay_async.errors import ResponseDecodeError
from cognigy_async import (
    ErrorCategory,
    ErrorInfo,
    Run,
    RunsPage,
    RunStatus,
    Sentiment,
    SuccessCriterion,
    SuccessRate,
    Turn,
)

RUN: dict[str, Any] = {
    "id": "r1",
    "organisationReference": "org-1",
    "projectReference": "p1",
    "simulationReference": "sim-1",
    "simulationRunBatchReference": "batch-1",
    "sequence": 3,
    "largeLanguageModelReferenceId": "llm-1",
    "endPointType": "webchat3",
    "turns": [
        {
            "id": "t1",
            "sequence": 1,
            "text": "Hi",
            "data": {"role": "user"},
            "createdAt": 1_735_689_600_123,
        }
    ],
    "totalTurns": 1,
    "maxTurns": 10,
    "successCriteria": [{"type": "text", "params": {"text": "goal"}}],
    "metrics": {
        "sentiment": "positive",
        "success": False,
        "results": [{"type": "text", "success": False, "reason": "no"}],
        "successRate": {"percentage": 50, "numerator": 1, "denominator": 2},
        "summary": "ok",
        "isBatchStopped": False,
        "isConversationEnded": True,
        "errorInfo": {
            "category": "AI_AGENT_TIMEOUT",
            "message": "late",
            "technicalDetails": "30 s",
        },
        "status": "ERROR",
    },
    "createdAt": 1_735_689_600_000,
    "createdBy": "me@example.com",
    "duration": 4200,
    "expiresAt": "2025-01-31T00:00:00.000Z",
}
PAGINATION = {
    "limit": 20,
    "skip": 0,
    "total": 1,
    "hasNext": False,
    "hasPrevious": False,
    "next": None,
    "previous": None,
}


@pytest.fixture(autouse=True, params=["msgspec", "cattrs"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run every test once on each decode path."""
    if request.param == "msgspec" and conv.msgspec is None:  # pragma: no cover
        pytest.skip("msgspec is not installed")
    monkeypatch.setattr(conv, "_BACKEND", request.param)
    return str(request.param)


def decode(body: Any) -> RunsPage:
    raw = json.dumps(body).encode()  # the stdlib: orjson refuses integers beyond 64 bits
    return decode_response(raw, RunsPage, method="GET", url="http://x/runs")


def test_the_fast_path_decodes_cognigy_pages(backend: str) -> None:
    if backend != "msgspec":
        pytest.skip("the msgspec path only")
    fast_decode = fast.decoder(RunsPage)
    assert fast_decode is not None
    raw = json.dumps({"data": [RUN, RUN], "pagination": PAGINATION}).encode()
    page = fast_decode(raw)  # no fallback: msgspec itself builds the records
    assert page == decode({"data": [RUN, RUN], "pagination": PAGINATION})
    assert page.data[0].turns[0].created_at == datetime(
        2025, 1, 1, 0, 0, 0, 123_000, tzinfo=timezone.utc
    )


def test_the_whole_run_object_in_snake_case() -> None:
    page = decode({"data": [RUN], "pagination": PAGINATION})
    [run] = page.data
    assert run.simulation_run_batch_reference == "batch-1"
    assert run.large_language_model_reference_id == "llm-1"
    assert run.end_point_type == "webchat3"
    assert run.total_turns == 1
    assert run.max_turns == 10
    assert run.turns == [
        Turn(
            id="t1",
            sequence=1,
            text="Hi",
            data={"role": "user"},
            created_at=datetime(2025, 1, 1, 0, 0, 0, 123_000, tzinfo=timezone.utc),
        )
    ]
    assert run.success_criteria == [SuccessCriterion(type="text", params={"text": "goal"})]
    metrics = run.metrics
    assert metrics.sentiment == Sentiment.POSITIVE
    assert metrics.status == RunStatus.ERROR
    assert metrics.success is False
    assert metrics.results == [{"type": "text", "success": False, "reason": "no"}]
    assert metrics.success_rate == SuccessRate(percentage=50.0, numerator=1, denominator=2)
    assert metrics.is_conversation_ended is True
    assert metrics.error_info == ErrorInfo(
        category=ErrorCategory.AI_AGENT_TIMEOUT, message="late", technical_details="30 s"
    )
    assert run.created_at == datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert run.expires_at == datetime(2025, 1, 31, tzinfo=timezone.utc)
    assert run.duration == 4200
    assert page.pagination is not None
    assert page.pagination.has_next is False
    assert page.pagination.next is None


def test_records_are_frozen_slotted_and_keyword_only() -> None:
    for cls in (Run, Turn, RunsPage):
        assert attrs.has(cls)
        assert "__slots__" in cls.__dict__
    [run] = decode({"data": [RUN], "pagination": PAGINATION}).data
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        run.id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        SuccessRate(1.0)  # type: ignore[call-arg]


def test_unstructure_renames_back_to_camel_case_and_millis() -> None:
    [run] = decode({"data": [RUN], "pagination": PAGINATION}).data
    out = unstructure(run)
    assert out["createdAt"] == RUN["createdAt"]
    assert out["turns"][0]["createdAt"] == RUN["turns"][0]["createdAt"]
    assert out["metrics"]["errorInfo"]["technicalDetails"] == "30 s"
    assert out["simulationRunBatchReference"] == "batch-1"


def test_unknown_fields_ignored_and_unknown_enum_values_kept() -> None:
    run = copy.deepcopy(RUN)
    run["brandNewField"] = {"x": 1}
    run["metrics"]["sentiment"] = "ecstatic"
    run["metrics"]["status"] = "CANCELLED"
    run["metrics"]["errorInfo"]["category"] = "QUOTA"
    [decoded] = decode({"data": [run], "pagination": PAGINATION, "meta": 1}).data
    assert decoded.metrics.sentiment == "ecstatic"
    assert decoded.metrics.status == "CANCELLED"
    assert decoded.metrics.error_info is not None
    assert decoded.metrics.error_info.category == "QUOTA"


def test_optional_fields_default_and_null_lists_become_empty() -> None:
    run = {k: v for k, v in RUN.items() if k not in ("endPointType", "maxTurns", "expiresAt")}
    run["turns"] = None
    run["metrics"] = {}
    [decoded] = decode({"data": [run], "pagination": PAGINATION}).data
    assert decoded.turns == []
    assert decoded.end_point_type is None
    assert decoded.expires_at is None
    assert decoded.metrics.results == []
    assert decoded.metrics.error_info is None
    assert decode({"data": None, "pagination": PAGINATION}).data == []


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda r: r.pop("createdBy"), "$.data[0].createdBy"),
        (lambda r: r.update(createdAt="2025-01-01"), "$.data[0].createdAt"),
        (lambda r: r.update(sequence="3"), "$.data[0].sequence"),
        (lambda r: r["successCriteria"][0].pop("params"), "$.data[0].successCriteria[0].params"),
        (lambda r: r.update(expiresAt=1), "$.data[0].expiresAt"),
    ],
)
def test_a_bad_field_raises_response_decode_error_naming_its_path(mutate: Any, path: str) -> None:
    run = copy.deepcopy(RUN)
    mutate(run)
    with pytest.raises(ResponseDecodeError) as info:
        decode({"data": [run], "pagination": PAGINATION})
    assert info.value.path == path
    assert path in str(info.value)


def test_a_page_without_pagination_is_accepted() -> None:
    # The OpenAPI document requires neither `pagination` nor `data`.
    page = decode({"data": [RUN]})
    assert page.pagination is None
    assert [run.id for run in page.data] == ["r1"]
    assert decode({}) == RunsPage()


def test_integers_beyond_64_bits_are_kept_exact() -> None:
    big = 2**64 + 1  # JSON schema "integer" has no bound; a float would read 18446744073709551616
    run = copy.deepcopy(RUN)
    run["sequence"] = big
    run["turns"][0]["sequence"] = -big
    run["turns"][0]["data"] = {"count": big, "nested": [big, {"n": big}]}
    run["successCriteria"][0]["params"] = {"limit": big}
    run["metrics"]["results"] = [{"score": big}]
    pagination = {**PAGINATION, "total": big}
    page = decode({"data": [run], "pagination": pagination})
    [decoded] = page.data
    assert decoded.sequence == big
    assert type(decoded.sequence) is int
    assert decoded.turns[0].sequence == -big
    assert decoded.turns[0].data == {"count": big, "nested": [big, {"n": big}]}
    assert decoded.success_criteria[0].params == {"limit": big}
    assert decoded.metrics.results == [{"score": big}]
    assert page.pagination is not None
    assert page.pagination.total == big


@pytest.mark.parametrize(
    "created_at",
    [253_402_300_800_000, -62_135_596_800_001, 2**63 - 1, -(2**63), 2**64],
)
def test_created_at_outside_years_1_to_9999_is_refused(created_at: int) -> None:
    run = copy.deepcopy(RUN)
    run["createdAt"] = created_at
    with pytest.raises(ResponseDecodeError) as info:
        decode({"data": [run], "pagination": PAGINATION})
    assert info.value.path == "$.data[0].createdAt"
    assert f"timestamp {created_at} ms is outside the datetime range (years 1 to 9999)" in str(
        info.value
    )


def test_created_at_at_the_ends_of_the_range() -> None:
    first, last = copy.deepcopy(RUN), copy.deepcopy(RUN)
    first["createdAt"] = -62_135_596_800_000
    last["createdAt"] = 253_402_300_799_999
    page = decode({"data": [first, last], "pagination": PAGINATION})
    assert page.data[0].created_at == datetime(1, 1, 1, tzinfo=timezone.utc)
    assert page.data[1].created_at == datetime(9999, 12, 31, 23, 59, 59, 999_000, timezone.utc)
