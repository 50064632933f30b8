"""Decoding responses into records (both decode paths) and encoding records into requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

import attrs
import orjson
import pytest

from bluejay_async import (
    DigitalHumansSettings,
    Event,
    ParticipantRole,
    SimulationCreated,
    SimulationResults,
    SimulationRun,
    SimulationRunStatus,
    ToolCall,
    TranscriptEntry,
)
from bluejay_async.core import converter as conv
from bluejay_async.core.converter import (
    camel_case,
    decode_response,
    decoder_backend,
    explain,
    parse_timestamp,
    structure,
    unstructure,
)
from bluejay_async.core.decode import fast
from bluejay_async.core.markers import EPOCH_MILLIS, WireFormat
from bluejay_async.errors import ResponseDecodeError
from bluejay_async.models import Timestamp
from bluejay_async.resources.runs import _RunsBody
from tests.core import bodies

BACKENDS = ["msgspec", "cattrs"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once on each decode path."""
    if request.param == "msgspec" and conv.msgspec is None:  # pragma: no cover
        pytest.skip("msgspec is not installed")
    monkeypatch.setattr(conv, "_BACKEND", request.param)
    return str(request.param)


def decode(body: Any, into: type[Any] = SimulationResults) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return decode_response(raw, into, method="GET", url="http://h/v1/x")


def results_with(**changes: Any) -> dict[str, Any]:
    body = bodies.results_body(2)
    body.update(changes)
    return body


# --- tolerant reading ----------------------------------------------------------------------


def test_realistic_body_decodes(backend: str) -> None:
    res = decode(bodies.results_body())
    assert len(res.simulation_results) == 10
    first = res.simulation_results[0]
    ev = first.evaluations[0]
    assert ev.created_at == datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    assert ev.sentiment_scores == {"positive": 0.82, "neutral": 0.15, "negative": 0.03}
    assert ev.custom_metrics[0].min_value == 0.0
    assert type(ev.custom_metrics[0].min_value) is float  # an integer JSON number, as a float
    assert ev.custom_evals == [{"name": "politeness", "passed": True}]
    assert ev.human_goal_success is None
    assert first.result == {"outcome": "passed"}
    assert first.end_time == datetime(2024, 3, 1, 12, 0, 3, 500000, tzinfo=timezone.utc)
    assert first.tool_calls[0].expected[0].output == {"id": 42}


def test_unknown_fields_are_ignored(backend: str) -> None:
    body = results_with(new_top_level={"x": 1})
    body["simulation_run"]["brand_new"] = [1, 2]
    body["simulation_results"][0]["evaluations"][0]["latency"]["p999_agent_latency"] = 1
    body["simulation_results"][0]["events"][0]["color"] = "red"

    assert decode(body) == decode(bodies.results_body(2))


def test_unknown_enum_values_are_kept_as_strings(backend: str) -> None:
    body = results_with()
    body["simulation_run"]["status"] = "PAUSED_BY_OPERATOR"

    res = decode(body)

    assert res.simulation_run.status == "PAUSED_BY_OPERATOR"
    assert res.simulation_run.status != SimulationRunStatus.RUNNING


def test_known_enum_values_compare_equal_to_the_enums(backend: str) -> None:
    runs = decode(bodies.runs_body(), _RunsBody).simulation_runs
    assert runs[0].status == SimulationRunStatus.COMPLETED
    assert runs[0].status in (SimulationRunStatus.COMPLETED, SimulationRunStatus.RUNNING)
    assert SimulationRunStatus(runs[0].status) is SimulationRunStatus.COMPLETED
    assert runs[1].status == "INITIALIZING"
    assert ParticipantRole.AGENT == "AGENT"


def test_null_lists_become_empty_lists(backend: str) -> None:
    body = results_with(simulation_results=[bodies.result(0)])
    result = body["simulation_results"][0]
    result.update(events=None, evaluations=None, tool_calls=None, trace_ids=None)
    body_metric = bodies.evaluation(0)
    body_metric["custom_metrics"] = None
    result2 = {"id": 1, "evaluations": [body_metric]}
    body["simulation_results"].append(result2)

    res = decode(body)

    first, second = res.simulation_results
    assert (first.events, first.evaluations, first.tool_calls, first.trace_ids) == ([], [], [], [])
    assert second.evaluations[0].custom_metrics == []
    assert decode({"simulation_run": bodies.simulation_run(), "simulation_results": None})
    assert decode({"simulation_runs": None}, _RunsBody).simulation_runs == []


def test_missing_optional_fields_take_their_defaults(backend: str) -> None:
    res = decode(
        {"simulation_run": {"id": "1", "simulation_id": "2", "created_at": "2024-01-01T00:00:00Z"}}
    )
    assert res.simulation_results == []
    assert res.status == "200"
    assert res.simulation_run.summary is None
    result = decode(
        {"simulation_run": bodies.simulation_run(), "simulation_results": [{"id": 3}]}
    ).simulation_results[0]
    assert result.start_time is None
    assert result.custom_metrics is None


def test_untyped_result_fields_take_an_object_or_an_array(backend: str) -> None:
    body = results_with(simulation_results=[{"id": 1, "custom_metrics": [1], "latency": {"a": 1}}])
    result = decode(body).simulation_results[0]
    assert result.custom_metrics == [1]
    assert result.latency == {"a": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-11-07T05:31:56Z", datetime(2023, 11, 7, 5, 31, 56, tzinfo=timezone.utc)),
        ("2023-11-07t05:31:56z", datetime(2023, 11, 7, 5, 31, 56, tzinfo=timezone.utc)),
        ("2023-11-07 05:31:56Z", datetime(2023, 11, 7, 5, 31, 56, tzinfo=timezone.utc)),
        ("2023-11-07T05:31:56", datetime(2023, 11, 7, 5, 31, 56, tzinfo=timezone.utc)),
        ("2023-11-07T05:31:56+00:00", datetime(2023, 11, 7, 5, 31, 56, tzinfo=timezone.utc)),
        ("2023-11-07T05:31:56-00:00", datetime(2023, 11, 7, 5, 31, 56, tzinfo=timezone.utc)),
        (
            "2023-11-07T05:31:56+05:30",
            datetime(2023, 11, 7, 5, 31, 56, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        (
            "2023-11-07T05:31:56+0530",
            datetime(2023, 11, 7, 5, 31, 56, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        (
            "2023-11-07T05:31:56.5-08:00",
            datetime(2023, 11, 7, 5, 31, 56, 500000, tzinfo=timezone(timedelta(hours=-8))),
        ),
        ("2023-11-07T05:31:56.123Z", datetime(2023, 11, 7, 5, 31, 56, 123000, tzinfo=timezone.utc)),
        (
            "2023-11-07T05:31:56.1234564Z",
            datetime(2023, 11, 7, 5, 31, 56, 123456, tzinfo=timezone.utc),
        ),
        (
            "2023-11-07T05:31:56.1234565Z",
            datetime(2023, 11, 7, 5, 31, 56, 123457, tzinfo=timezone.utc),
        ),
        (
            "2023-11-07T05:31:56.123456789123Z",
            datetime(2023, 11, 7, 5, 31, 56, 123457, tzinfo=timezone.utc),
        ),
        ("2023-11-07T05:31:59.9999999Z", datetime(2023, 11, 7, 5, 32, 0, tzinfo=timezone.utc)),
    ],
)
def test_timestamps_become_aware_datetimes(backend: str, text: str, expected: datetime) -> None:
    body = results_with()
    body["simulation_run"]["created_at"] = text

    created = decode(body).simulation_run.created_at

    assert created == expected
    assert created.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "2023-11-07",
        "2023-11-07T05:31Z",
        "2023-11-07T05:31:60Z",
        "2023-11-07T24:00:00Z",
        "2023-13-07T05:31:56Z",
        "2023-02-30T05:31:56Z",
        "2023-11-07T05:31:56+24:00",
        "2023-11-07T05:31:56.Z",
        "2023-11-07T05:31:56,5Z",
        "20231107T053156Z",
        "٢٠٢٣-11-07T05:31:56Z",
        "yesterday",
        "",
    ],
)
def test_bad_timestamps_are_decode_errors(backend: str, text: str) -> None:
    body = results_with()
    body["simulation_run"]["created_at"] = text

    with pytest.raises(ResponseDecodeError) as info:
        decode(body)

    assert info.value.path == "$.simulation_run.created_at"


def test_timestamp_that_is_not_a_string(backend: str) -> None:
    body = results_with()
    body["simulation_run"]["created_at"] = 1700000000
    with pytest.raises(ResponseDecodeError, match="expected an ISO-8601 timestamp string"):
        decode(body)


def test_parse_timestamp_directly() -> None:
    assert parse_timestamp("2024-01-01T00:00:00Z").tzinfo is timezone.utc
    with pytest.raises(ValueError, match="offset out of range"):
        parse_timestamp("2024-01-01T00:00:00-24:00")
    with pytest.raises(ValueError, match="expected an ISO-8601 timestamp"):
        parse_timestamp("x" * 100)


# --- strict reading: the path of the bad field ----------------------------------------------


def test_missing_required_field_names_its_path(backend: str) -> None:
    body = results_with()
    del body["simulation_results"][0]["id"]

    with pytest.raises(ResponseDecodeError) as info:
        decode(body)

    err = info.value
    assert err.path == "$.simulation_results[0].id"
    assert str(err) == (
        "unexpected SimulationResults response from GET http://h/v1/x: "
        "$.simulation_results[0].id: required field missing"
    )
    assert (err.method, err.url, err.excerpt) == ("GET", "http://h/v1/x", None)


def test_required_but_nullable_evaluation_fields(backend: str) -> None:
    body = results_with()
    body["simulation_results"][1]["evaluations"][0]["agent_speak_percentage"] = None
    assert decode(body).simulation_results[1].evaluations[0].agent_speak_percentage is None
    del body["simulation_results"][1]["evaluations"][0]["avg_agent_latency"]
    with pytest.raises(ResponseDecodeError) as info:
        decode(body)
    assert info.value.path == "$.simulation_results[1].evaluations[0].avg_agent_latency"


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [
        (
            lambda b: b["simulation_results"][0].update(id="1000"),
            "$.simulation_results[0].id",
            "expected an integer, got string '1000'",
        ),
        (
            lambda b: b["simulation_results"][0].update(id=1000.0),
            "$.simulation_results[0].id",
            "expected an integer, got number 1000.0",
        ),
        (
            lambda b: b["simulation_results"][0].update(id=True),
            "$.simulation_results[0].id",
            "expected an integer, got boolean True",
        ),
        (
            lambda b: b["simulation_run"].update(id=77),
            "$.simulation_run.id",
            "expected a string, got integer 77",
        ),
        (
            lambda b: b.update(simulation_run=[]),
            "$.simulation_run",
            "expected an object, got array",
        ),
        (
            lambda b: b.update(simulation_run=None),
            "$.simulation_run",
            "expected an object, got null",
        ),
        (
            lambda b: b.update(simulation_results={}),
            "$.simulation_results",
            "expected an array, got object",
        ),
        (
            lambda b: b["simulation_results"][1]["evaluations"][0]["latency"].update(
                p95_agent_latency="fast"
            ),
            "$.simulation_results[1].evaluations[0].latency.p95_agent_latency",
            "expected a number, got string 'fast'",
        ),
        (
            lambda b: b["simulation_results"][1]["evaluations"][0].update(goal_success="yes"),
            "$.simulation_results[1].evaluations[0].goal_success",
            "expected a boolean, got string 'yes'",
        ),
        (
            lambda b: b["simulation_results"][0]["events"][1].update(tags=["a", 3]),
            "$.simulation_results[0].events[1].tags[1]",
            "expected a string, got integer 3",
        ),
        (
            lambda b: b["simulation_results"][0]["evaluations"][0].update(custom_evals="x"),
            "$.simulation_results[0].evaluations[0].custom_evals",
            "expected an object or an array, got string 'x'",
        ),
        (
            lambda b: b["simulation_results"][0]["evaluations"][0].update(sentiment_scores=[]),
            "$.simulation_results[0].evaluations[0].sentiment_scores",
            "expected an object, got array",
        ),
        (
            lambda b: b["simulation_results"][0]["evaluations"][0].update(
                sentiment_scores={"pos": "high"}
            ),
            "$.simulation_results[0].evaluations[0].sentiment_scores",
            "expected a number, got string 'high'",
        ),
        (
            lambda b: b["simulation_results"][0]["tool_calls"][0]["actual"][0].update(parameters=5),
            "$.simulation_results[0].tool_calls[0].actual[0].parameters",
            "expected an object, got integer 5",
        ),
        (
            lambda b: b["simulation_results"][0].update(result="done"),
            "$.simulation_results[0].result",
            "expected an object, got string 'done'",
        ),
        # Each hook's shortcut for well-formed values still refuses every ill-formed one.
        (
            lambda b: b["simulation_results"][0]["tool_calls"][0].update(actual=[{}, 5]),
            "$.simulation_results[0].tool_calls[0].actual[1]",
            "expected an object, got integer 5",
        ),
        (
            lambda b: b["simulation_results"][0]["tool_calls"][0].update(expected=[[]]),
            "$.simulation_results[0].tool_calls[0].expected[0]",
            "expected an object, got array",
        ),
        (
            lambda b: b["simulation_results"][0]["evaluations"][0].update(latency=[]),
            "$.simulation_results[0].evaluations[0].latency",
            "expected an object, got array",
        ),
        (
            lambda b: b["simulation_results"][0]["evaluations"][0].update(created_at=5),
            "$.simulation_results[0].evaluations[0].created_at",
            "expected an ISO-8601 timestamp string, got integer 5",
        ),
        (
            lambda b: b["simulation_results"][0]["evaluations"][0].update(created_at="today"),
            "$.simulation_results[0].evaluations[0].created_at",
            "expected an ISO-8601 timestamp, got 'today'",
        ),
        (
            lambda b: b["simulation_results"][1].update(trace_ids=["t-1", None]),
            "$.simulation_results[1].trace_ids[1]",
            "expected a string, got null",
        ),
        (
            lambda b: b["simulation_results"][1].update(trace_ids="t-1"),
            "$.simulation_results[1].trace_ids",
            "expected an array, got string 't-1'",
        ),
        (
            lambda b: b["simulation_results"][0]["evaluations"][0].update(
                sentiment_scores={"pos": 0.5, "neg": True}
            ),
            "$.simulation_results[0].evaluations[0].sentiment_scores",
            "expected a number, got boolean True",
        ),
    ],
)
def test_wrong_types_name_their_path(backend: str, mutate: Any, path: str, problem: str) -> None:
    body = results_with()
    mutate(body)

    with pytest.raises(ResponseDecodeError) as info:
        decode(body)

    assert info.value.path == path
    assert f"{path}: {problem}" in str(info.value)


def test_values_that_need_converting_are_converted_on_every_hook(backend: str) -> None:
    body = results_with()
    evaluation = body["simulation_results"][0]["evaluations"][0]
    evaluation["sentiment_scores"] = {"pos": 1, "neg": 0.25}
    evaluation["latency"] = {"p50_agent_latency": 300}
    evaluation["created_at"] = "2025-03-03T18:59:56.1234567+02:00"
    body["simulation_results"][1]["tool_calls"][0]["actual"] = []

    result = decode(body).simulation_results[0]

    scores = result.evaluations[0].sentiment_scores
    assert scores == {"pos": 1.0, "neg": 0.25}
    assert [type(v) for v in scores.values()] == [float, float]
    assert type(result.evaluations[0].latency.p50_agent_latency) is float
    assert result.evaluations[0].created_at == datetime(
        2025, 3, 3, 18, 59, 56, 123457, tzinfo=timezone(timedelta(hours=2))
    )
    assert decode(body).simulation_results[1].tool_calls[0].actual == []


def test_several_problems_are_counted(backend: str) -> None:
    body = results_with()
    body["simulation_run"]["id"] = 1
    del body["simulation_results"][0]["id"]
    body["simulation_results"][1]["duration"] = "long"

    with pytest.raises(ResponseDecodeError) as info:
        decode(body)

    assert str(info.value).endswith("(and 2 more)")
    assert info.value.path == "$.simulation_run.id"


def test_body_of_the_wrong_shape(backend: str) -> None:
    with pytest.raises(ResponseDecodeError) as info:
        decode([1, 2])
    assert info.value.path == "$"
    assert "expected an object, got array" in str(info.value)


@pytest.mark.parametrize(
    "raw",
    [
        b"<html><body>502 Bad Gateway</body></html>",
        b'{"simulation_run": {"id": "1"',
        b"",
        b"\xff\xfe",
        b'{"simulation_id": NaN}',
        b'{"simulation_id": 1e400}',
    ],
)
def test_non_json_bodies(backend: str, raw: bytes) -> None:
    with pytest.raises(ResponseDecodeError) as info:
        decode(raw, SimulationCreated)

    err = info.value
    assert str(err).startswith("response from GET http://h/v1/x is not valid JSON: ")
    assert err.path is None
    assert err.excerpt is not None
    assert err.excerpt == raw.decode("utf-8", errors="replace").strip()
    if not raw:
        assert str(err).endswith("<empty body>")


def test_long_non_json_body_is_cut(backend: str) -> None:
    with pytest.raises(ResponseDecodeError) as info:
        decode(b"<p>" + b"x" * 1000, SimulationCreated)
    assert info.value.excerpt is not None
    assert len(info.value.excerpt) == 203
    assert info.value.excerpt.endswith("...")


def test_structure_without_a_request() -> None:
    with pytest.raises(ResponseDecodeError) as info:
        structure({"simulation_id": "x"}, SimulationCreated)
    assert str(info.value) == (
        "unexpected SimulationCreated response: "
        "$.simulation_id: expected an integer, got string 'x'"
    )
    with pytest.raises(ResponseDecodeError, match=r"^response is not valid JSON: \{$"):
        decode_response(b"{", SimulationCreated)


def test_explain_lists_every_problem() -> None:
    assert explain({"simulation_id": 1}, SimulationCreated) == []
    assert explain({"status": 5}, SimulationCreated) == [
        "$.simulation_id: required field missing",
        "$.status: expected a string, got integer 5",
    ]


# --- writing --------------------------------------------------------------------------------


def test_unstructure_omits_unset_fields() -> None:
    assert unstructure(Event(title="t", start_offset_ms=0)) == {"title": "t", "start_offset_ms": 0}
    assert unstructure(DigitalHumansSettings()) == {}
    assert unstructure(DigitalHumansSettings(num_runs=1, first_message="")) == {
        "first_message": "",
        "num_runs": 1,
    }
    assert unstructure(ToolCall(name="n", start_offset_ms=0, output=0)) == {
        "name": "n",
        "start_offset_ms": 0,
        "output": 0,
    }
    assert unstructure(
        TranscriptEntry(start_offset_ms=0, end_offset_ms=1, speaker="USER", utterance="")
    ) == {"start_offset_ms": 0, "end_offset_ms": 1, "speaker": "USER", "utterance": ""}


def test_unstructure_writes_timestamps_in_rfc3339() -> None:
    run = SimulationRun(
        id=1,
        experiment_id=2,
        created_at=datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
        status="RUNNING",
    )
    assert unstructure(run) == {
        "id": 1,
        "experiment_id": 2,
        "created_at": "2024-01-02T03:04:05.000006Z",
        "status": "RUNNING",
    }
    naive = attrs.evolve(run, created_at=datetime(2024, 1, 2))
    assert unstructure(naive)["created_at"] == "2024-01-02T00:00:00Z"
    offset = attrs.evolve(run, created_at=datetime(2024, 1, 2, tzinfo=timezone(timedelta(hours=2))))
    assert unstructure(offset)["created_at"] == "2024-01-02T00:00:00+02:00"


def test_records_round_trip(backend: str) -> None:
    res = decode(bodies.results_body(3))
    assert decode(json.dumps(unstructure(res)).encode()) == res


# --- the two paths -------------------------------------------------------------------------


def _backend_in_a_fresh_interpreter(setting: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "BLUEJAY_ASYNC_DECODER"}
    if setting is not None:
        env["BLUEJAY_ASYNC_DECODER"] = setting
    code = "from bluejay_async.core.converter import decoder_backend; print(decoder_backend())"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_environment_picks_the_backend_once_at_import() -> None:
    fast_or_pure = "msgspec" if conv.msgspec is not None else "cattrs"
    assert _backend_in_a_fresh_interpreter(" PURE ") == "cattrs"
    assert _backend_in_a_fresh_interpreter("auto") == fast_or_pure
    assert _backend_in_a_fresh_interpreter(None) == fast_or_pure


def test_decoder_backend_reports_the_path_decode_response_takes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BLUEJAY_ASYNC_DECODER", "pure")  # read at import only: no effect now
    assert decoder_backend() == conv._BACKEND
    monkeypatch.setattr(conv, "_BACKEND", "cattrs")
    assert decoder_backend() == "cattrs"

    def no_fast_path(into: Any) -> None:
        raise AssertionError("the msgspec path was tried")

    monkeypatch.setattr(fast, "decoder", no_fast_path)
    assert decode(bodies.results_body(1)).simulation_results[0].id == 1000


@pytest.mark.skipif(conv.msgspec is None, reason="msgspec is not installed")
def test_the_fast_path_really_decodes_the_bluejay_records() -> None:
    for into in (SimulationResults, SimulationCreated, _RunsBody):
        assert fast.reads_directly(into)
        assert fast.decoder(into) is not None
    raw = orjson.dumps(bodies.results_body())
    fast_decode = fast.decoder(SimulationResults)
    assert fast_decode is not None
    assert fast_decode(raw) == decode(raw)


@camel_case
@attrs.frozen(kw_only=True)
class _CamelRecord:
    created_at: Annotated[datetime, EPOCH_MILLIS]
    display_name: str | None = None


@attrs.frozen(kw_only=True)
class _MillisRecord:
    at: Annotated[datetime, EPOCH_MILLIS]


@attrs.frozen(kw_only=True)
class _BareDatetimeRecord:
    at: datetime


@pytest.mark.skipif(conv.msgspec is None, reason="msgspec is not installed")
def test_renamed_epoch_millis_and_bare_datetime_records_take_the_fast_path_too() -> None:
    raw = orjson.dumps({"createdAt": 1_700_000_000_123, "displayName": "x"})
    for into in (_CamelRecord, _MillisRecord, _BareDatetimeRecord):
        assert not fast.reads_directly(into)
    fast_decode = fast.decoder(_CamelRecord)
    assert fast_decode is not None
    assert fast_decode(raw) == _CamelRecord(
        created_at=datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc),
        display_name="x",
    )
    at = fast.decoder(_BareDatetimeRecord)
    assert at is not None
    with pytest.raises(fast.REFUSED):  # a naive timestamp: the pure path reads it as UTC
        at(b'{"at": "2024-01-01T10:00:00"}')


def test_renamed_and_epoch_millis_records(backend: str) -> None:
    rec = decode(
        {"createdAt": 1_700_000_000_123, "displayName": "x", "display_name": "y"}, _CamelRecord
    )
    assert rec == _CamelRecord(
        created_at=datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=timezone.utc),
        display_name="x",
    )
    assert unstructure(rec) == {"createdAt": 1_700_000_000_123, "displayName": "x"}
    assert unstructure(_MillisRecord(at=datetime(1970, 1, 1, 0, 0, 1))) == {"at": 1000}
    assert decode({"at": -62_135_596_800_000}, _MillisRecord).at == datetime(
        1, 1, 1, tzinfo=timezone.utc
    )
    for out_of_range in (253_402_300_800_000, -62_135_596_800_001, 10**18, 2**70):
        with pytest.raises(
            ResponseDecodeError, match=r"\$\.at: timestamp .* outside the datetime range"
        ):
            decode({"at": out_of_range}, _MillisRecord)
    for wrong in ("2024-01-01T00:00:00Z", 1.7e12, True, None):
        with pytest.raises(ResponseDecodeError, match=r"\$\.at: expected an integer timestamp"):
            decode({"at": wrong}, _MillisRecord)


def test_bare_datetime_fields_read_naive_timestamps_as_utc(backend: str) -> None:
    rec = decode({"at": "2024-01-01T10:00:00"}, _BareDatetimeRecord)
    assert rec.at == datetime(2024, 1, 1, 10, tzinfo=timezone.utc)
    assert rec.at.tzinfo is not None


def test_wire_format_marker_repr() -> None:
    assert repr(EPOCH_MILLIS) == "WireFormat('epoch-millis')"
    assert isinstance(EPOCH_MILLIS, WireFormat)


def test_timestamp_alias_is_annotated() -> None:
    assert Timestamp.__origin__ is datetime  # type: ignore[attr-defined]


@attrs.frozen(kw_only=True)
class _Aliased:
    _secret: str
    count: int = 0
    tags: list[str] = attrs.field(factory=list)
    extra: dict[str, Any] | None = None
    ratio: float = 0.0


def test_generated_hooks_pass_private_fields_by_alias_and_keep_each_hooks_results() -> None:
    record = conv.converter.structure({"_secret": "s", "ratio": 2, "extra": {"a": [1]}}, _Aliased)
    assert record == _Aliased(secret="s", ratio=2.0, extra={"a": [1]})
    assert type(record.ratio) is float  # an int where a number is expected is converted
    first, second = (conv.converter.structure({"_secret": "s"}, _Aliased) for _ in range(2))
    assert first.tags == []
    assert first.tags is not second.tags  # a factory call per record
    for bad, problem in (
        ({"_secret": "s", "count": True}, "expected an integer, got boolean"),
        ({"_secret": "s", "extra": []}, "expected an object, got array"),
        ({"_secret": 1}, "expected a string, got integer"),
    ):
        with pytest.raises(TypeError, match=problem):
            conv.converter.structure(bad, _Aliased)
    with pytest.raises(KeyError):
        conv.converter.structure({}, _Aliased)
    for not_an_object, kind in (("_secret", "string"), (["_secret"], "array"), (None, "null")):
        with pytest.raises(TypeError):  # worded by the explaining converter, below
            conv.converter.structure(not_an_object, _Aliased)
        with pytest.raises(ResponseDecodeError, match=f"\\$: expected an object, got {kind}"):
            structure(not_an_object, _Aliased)


@attrs.frozen
class _TakesSelf:
    a: int = 0
    b: int = attrs.field(default=attrs.Factory(lambda self: self.a + 1, takes_self=True))


def test_a_factory_that_takes_self_is_honoured_on_the_pure_path(backend: str) -> None:
    assert fast.decoder(_TakesSelf) is None  # msgspec cannot build it: always the pure path
    assert decode({"a": 1}, _TakesSelf) == _TakesSelf(a=1, b=2)
    assert decode({"a": 1, "b": 5}, _TakesSelf) == _TakesSelf(a=1, b=5)


def test_the_pure_path_is_imported_on_first_use() -> None:
    code = (
        "import sys, bluejay_async, cognigy_async\n"
        "assert 'cattrs' not in sys.modules, 'cattrs imported at start-up'\n"
        "from bluejay_async.core.converter import unstructure\n"
        "from bluejay_async import Event\n"
        "assert unstructure(Event(title='t', start_offset_ms=0))['title'] == 't'\n"
        "assert 'cattrs' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("raw", [b'{"a": 1', b"", b"nul", b'{"a": NaN}', b"\xff"])
def test_the_parse_step_refuses_malformed_json_with_a_value_error(raw: bytes) -> None:
    """Every parser the pure path may use (msgspec of any supported release, the stdlib)
    refuses as ``ValueError``: msgspec's ``DecodeError`` is one only from 0.19 on."""
    from bluejay_async.core.decode import parse

    with pytest.raises(ValueError):  # noqa: PT011 - the contract is "a ValueError"
        parse.loads(raw)


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("good", [True, False])
def test_decoding_leaves_the_garbage_collector_as_it_found_it(
    backend: str, enabled: bool, good: bool
) -> None:
    import gc

    body = results_with() if good else results_with(simulation_results={})
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        if good:
            assert decode(body).simulation_results
        else:
            with pytest.raises(ResponseDecodeError):
                decode(body)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_no_collection_runs_inside_a_decode(backend: str) -> None:
    import gc

    raw = json.dumps(results_with()).encode()
    data = json.loads(raw)  # the pure path parses before it structures; only the latter pauses
    decode(raw)  # hooks and decoders are built on first use, outside any pause
    passes: list[str] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(phase)

    threshold = gc.get_threshold()
    gc.callbacks.append(count)
    gc.set_threshold(1)  # left on, the collector would run at nearly every allocation
    try:
        if backend == "msgspec":
            record = decode_response(raw, SimulationResults)
        else:
            record = conv.structure(data, SimulationResults)
    finally:
        gc.set_threshold(*threshold)
        gc.callbacks.remove(count)
    assert record.simulation_results
    # At most the passes before the decode starts and the one its end releases.
    assert len(passes) <= 3, len(passes)
