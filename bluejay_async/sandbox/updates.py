"""Applying a validated update-simulation-result body to a result."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


def apply_update(result: JSON, update: JSON) -> None:
    """Add the update's events, tool calls, tags, metadata and trace ids to ``result``.

    Lists grow (tags without duplicates), metadata is merged, and a recorded transcript
    replaces the previous one.
    """
    if update.get("events"):
        result["events"] = [*(result.get("events") or []), *update["events"]]
    for call in update.get("tool_calls") or ():
        _add_actual_tool_call(result, call)
    if update.get("recorded_transcript") is not None:
        result["recorded_transcript"] = update["recorded_transcript"]
    if update.get("tags"):
        tags = result.setdefault("tags", [])
        tags.extend(t for t in dict.fromkeys(update["tags"]) if t not in tags)
    if update.get("metadata"):
        result.setdefault("metadata", {}).update(update["metadata"])
    if update.get("trace_ids"):
        result["trace_ids"] = [*(result.get("trace_ids") or []), *update["trace_ids"]]


def _add_actual_tool_call(result: JSON, call: JSON) -> None:
    """Record a reported tool call as an *actual* call in the group of the same tool name."""
    groups: list[JSON] = result.get("tool_calls") or []
    result["tool_calls"] = groups
    group = next((g for g in groups if g["name"] == call["name"]), None)
    if group is None:
        group = {"name": call["name"], "expected": None, "actual": []}
        groups.append(group)
    actual = group.get("actual") or []
    group["actual"] = actual
    actual.append(
        {
            "parameters": call.get("parameters"),
            "output": call.get("output"),
            "start_offset_ms": call["start_offset_ms"],
        }
    )
