"""The msgspec path must actually carry realistic bodies, nulls included, not fall back."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bluejay_async.core import converter
from bluejay_async.models import SimulationResults

BODY: dict[str, Any] = {
    "simulation_run": {"id": "7", "simulation_id": "1", "created_at": "2025-03-03T09:00:00Z"},
    "simulation_results": [
        {
            "id": 1,
            "events": None,
            "trace_ids": None,
            "evaluations": [
                {
                    "agent_speak_percentage": 40.5,
                    "avg_agent_latency": None,
                    "custom_metrics": None,
                }
            ],
            "tool_calls": [{"name": "lookup", "expected": None, "actual": None}],
        },
        {"id": 2, "events": [{"title": "t", "start_offset_ms": 5, "tags": None}]},
    ],
}


@pytest.fixture
def no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    if converter.decoder_backend() != "msgspec":
        pytest.skip("the msgspec path is off (BLUEJAY_ASYNC_DECODER=pure or not installed)")

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("the body fell back to the pure path")

    monkeypatch.setattr(converter, "structure", refuse)


@pytest.mark.usefixtures("no_fallback")
def test_null_lists_decode_on_the_fast_path_as_empty_lists() -> None:
    decoded = converter.decode_response(json.dumps(BODY).encode(), SimulationResults)

    first, second = decoded.simulation_results
    assert first.events == []
    assert first.trace_ids == []
    assert first.evaluations[0].custom_metrics == []
    assert first.tool_calls[0].expected == []
    assert first.tool_calls[0].actual == []
    assert second.events[0].tags == []


def test_both_paths_agree_on_null_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = json.dumps(BODY).encode()
    fast = converter.decode_response(raw, SimulationResults)
    monkeypatch.setattr(converter, "_BACKEND", "cattrs")
    assert converter.decode_response(raw, SimulationResults) == fast
