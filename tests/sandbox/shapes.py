"""Field tables of the Bluejay responses, transcribed from the reference (models.json)."""

from __future__ import annotations

from typing import Any

from .helpers import NULL, NUMBER, check_shape, is_datetime

STR, INT, BOOL, OBJ, ARR = (str,), (int,), (bool,), (dict,), (list,)
REQ, OPT = True, False


def t(types: tuple[type, ...], required: bool, nullable: bool = True) -> Any:
    return ((*types, NULL) if nullable else types), required


# Field tables transcribed from the Bluejay reference (models.json): (types, required).
SIMULATION_RUN_RES = {
    "id": t(INT, REQ, False),
    "experiment_id": t(INT, REQ, False),
    "created_at": t(STR, REQ, False),
    "status": t(STR, REQ, False),
    "summary": t(STR, OPT),
    "tests_passed": t(INT, OPT),
    "tests_failed": t(INT, OPT),
    "total_tests": t(INT, OPT),
    "tests_completed": t(INT, OPT),
    "curr_step_id": t(INT, OPT),
    "phone_number": t(STR, OPT),
}
SIMULATION_RUN_RESULT_RESPONSE = {
    "id": t(STR, REQ, False),
    "simulation_id": t(STR, REQ, False),
    "created_at": t(STR, REQ, False),
    "summary": t(STR, OPT),
    "status": t(STR, OPT),
    "total_tests": t(INT, OPT),
    "tests_passed": t(INT, OPT),
    "tests_failed": t(INT, OPT),
    "tests_completed": t(INT, OPT),
}
SIMULATION_RESULT_RESPONSE = {
    "id": t(INT, REQ, False),
    "digital_human_id": t(INT, OPT),
    "result": t(OBJ, OPT),
    "duration": t(INT, OPT),
    "start_time": t(STR, OPT),
    "end_time": t(STR, OPT),
    "custom_metrics": t((dict, list), OPT),
    "status": t(STR, OPT),
    "latency": t((dict, list), OPT),
    "events": t(ARR, OPT),
    "transcript_url": t(STR, OPT),
    "audio_url": t(STR, OPT),
    "evaluations": t(ARR, OPT),
    "tool_calls": t(ARR, OPT),
    "trace_ids": t(ARR, OPT),
}
EVENT = {
    "title": t(STR, REQ, False),
    "start_offset_ms": t(INT, REQ, False),
    "description": t(STR, OPT),
    "end_offset_ms": t(INT, OPT),
    "tags": t(ARR, OPT),
    "metadata": t(OBJ, OPT),
}
EVALUATION = {
    "agent_speak_percentage": t(NUMBER, REQ),
    "avg_agent_latency": t(NUMBER, REQ),
    "id": t(STR, OPT),
    "created_at": t(STR, OPT),
    "hallucination": t(BOOL, OPT),
    "hallucination_reasoning": t(STR, OPT),
    "redundancy": t(BOOL, OPT),
    "redundancy_reasoning": t(STR, OPT),
    "latency": t(OBJ, OPT),
    "filler_ignored_latency": t(OBJ, OPT),
    "num_turns": t(INT, OPT),
    "call_summary": t(STR, OPT),
    "custom_evals": t((list, dict), OPT),
    "custom_evals_success_rate": t(NUMBER, OPT),
    "goal_success": t(BOOL, OPT),
    "goal_reasoning": t(STR, OPT),
    "pronunciation_score": t(NUMBER, OPT),
    "pronunciation_reasoning": t(STR, OPT),
    "sentiment_label": t(STR, OPT),
    "sentiment_score": t(NUMBER, OPT),
    "sentiment_scores": t(OBJ, OPT),
    "custom_metrics": t(ARR, OPT),
    "human_edited": t(BOOL, OPT),
    "human_goal_success": t(BOOL, OPT),
    "human_goal_reasoning": t(STR, OPT),
    "human_hallucination": t(BOOL, OPT),
    "human_hallucination_reasoning": t(STR, OPT),
    "human_redundancy": t(BOOL, OPT),
    "human_redundancy_reasoning": t(STR, OPT),
    "human_pronunciation_score": t(NUMBER, OPT),
    "human_pronunciation_reasoning": t(STR, OPT),
    "override_goal_reason_code": t(STR, OPT),
    "override_goal_notes": t(STR, OPT),
    "override_hallucination_reason_code": t(STR, OPT),
    "override_hallucination_notes": t(STR, OPT),
    "override_redundancy_reason_code": t(STR, OPT),
    "override_redundancy_notes": t(STR, OPT),
    "override_pronunciation_reason_code": t(STR, OPT),
    "override_pronunciation_notes": t(STR, OPT),
    "last_edited_by": t(STR, OPT),
    "last_edited_at": t(STR, OPT),
}
LATENCY = {f"{k}_agent_latency": t(NUMBER, OPT) for k in ("avg", "max", "p50", "p90", "p95", "p99")}
FILLER_LATENCY = {
    f"{k}_filler_ignored_latency": t(NUMBER, OPT) for k in ("avg", "p50", "p90", "p95", "p99")
}
CUSTOM_METRIC = {
    "name": t(STR, REQ, False),
    "description": t(STR, REQ, False),
    "response_type": t(STR, REQ, False),
    "response_value": t(STR, REQ, False),
    "reasoning": t(STR, OPT),
    "min_value": t(NUMBER, OPT),
    "max_value": t(NUMBER, OPT),
    "category": t(STR, OPT),
    "tags": t(ARR, OPT),
    "scoring_guidance": t(STR, OPT),
    "enum_options": t(ARR, OPT),
    "human_edited": t(BOOL, OPT),
    "human_response_value": t(STR, OPT),
    "human_reasoning": t(STR, OPT),
    "override_reason_code": t(STR, OPT),
    "override_notes": t(STR, OPT),
    "last_edited_by": t(STR, OPT),
    "last_edited_at": t(STR, OPT),
}
TOOL_CALL_GROUP = {"name": t(STR, REQ, False), "expected": t(ARR, OPT), "actual": t(ARR, OPT)}
EXPECTED_CALL = {"parameters": t(OBJ, OPT), "output": ((object,), OPT)}
ACTUAL_CALL = {**EXPECTED_CALL, "start_offset_ms": t(INT, OPT)}


def check_result(result: Any, where: str) -> None:
    """Deep shape check of one SimulationResultResponse."""
    check_shape(result, SIMULATION_RESULT_RESPONSE, where)
    for field in ("start_time", "end_time"):
        assert result.get(field) is None or is_datetime(result[field]), (where, field)
    for i, event in enumerate(result.get("events") or ()):
        check_shape(event, EVENT, f"{where}.events[{i}]")
        assert all(isinstance(tag, str) for tag in event.get("tags") or ())
    for i, ev in enumerate(result.get("evaluations") or ()):
        w = f"{where}.evaluations[{i}]"
        check_shape(ev, EVALUATION, w)
        assert ev.get("created_at") is None or is_datetime(ev["created_at"])
        if ev.get("latency") is not None:
            check_shape(ev["latency"], LATENCY, f"{w}.latency")
        if ev.get("filler_ignored_latency") is not None:
            check_shape(ev["filler_ignored_latency"], FILLER_LATENCY, f"{w}.filler")
        for value in (ev.get("sentiment_scores") or {}).values():
            assert isinstance(value, NUMBER)
            assert not isinstance(value, bool)
        for j, metric in enumerate(ev.get("custom_metrics") or ()):
            check_shape(metric, CUSTOM_METRIC, f"{w}.custom_metrics[{j}]")
    for i, group in enumerate(result.get("tool_calls") or ()):
        check_shape(group, TOOL_CALL_GROUP, f"{where}.tool_calls[{i}]")
        for call in group.get("expected") or ():
            check_shape(call, EXPECTED_CALL, f"{where}.tool_calls[{i}].expected")
        for call in group.get("actual") or ():
            check_shape(call, ACTUAL_CALL, f"{where}.tool_calls[{i}].actual")
