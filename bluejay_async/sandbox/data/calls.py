"""Tool calls and call events of a finished result, with plausible values for each tool."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .catalogue import TOOLS, Scenario
from .common import FAILED, JSON
from .phrases import AIRPORTS, EVENT_TITLES, FIRST_NAMES, LAST_NAMES, STREETS


def _day(rng: random.Random, anchor: datetime) -> datetime:
    return anchor + timedelta(days=rng.randrange(1, 10))


def _slot(rng: random.Random, anchor: datetime) -> str:
    when = _day(rng, anchor).replace(hour=rng.randint(8, 18), minute=rng.choice((0, 15, 30, 45)))
    return when.strftime("%Y-%m-%dT%H:%M:00")


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SIMPLE_VALUES: dict[str, Callable[[random.Random, datetime], Any]] = {
    "last_name": lambda rng, _: rng.choice(LAST_NAMES),
    "full_name": lambda rng, _: f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
    "dob": lambda rng, _: (
        f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    ),
    "date": lambda rng, anchor: _day(rng, anchor).strftime("%Y-%m-%d"),
    "datetime": _slot,
    "slots": lambda rng, anchor: sorted({_slot(rng, anchor) for _ in range(3)}),
    "time": lambda rng, _: f"{rng.randint(17, 21)}:{rng.choice(('00', '15', '30', '45'))}",
    "phone": lambda rng, _: f"+1{rng.randint(200, 989)}555{rng.randrange(10_000):04d}",
    "last4": lambda rng, _: f"{rng.randrange(10_000):04d}",
    "zip": lambda rng, _: str(rng.randint(10_000, 99_950)),
    "bool": lambda rng, _: rng.random() < 0.85,
    "code": lambda rng, _: "".join(rng.choices(_CODE_ALPHABET, k=6)),
    "rx": lambda rng, _: f"RX{rng.randrange(1_000_000, 9_999_999)}",
    "email": lambda rng, _: f"{rng.choice(FIRST_NAMES).lower()}.{rng.randrange(100)}@example.com",
    "street": lambda rng, _: f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
    "airport": lambda rng, _: rng.choice(AIRPORTS),
    "flight": lambda rng, _: f"SW{rng.randint(100, 2999)}",
}


def tool_value(kind: str, rng: random.Random, anchor: datetime) -> Any:
    """A plausible tool parameter or output value of ``kind`` (see ``catalogue.TOOLS``)."""
    name, _, arg = kind.partition(":")
    if name == "id":
        return f"{arg}_{rng.randrange(10_000, 99_999)}"
    if name == "choice":
        return rng.choice(arg.split("|"))
    if name in ("int", "money"):
        lo, hi = (int(x) for x in arg.split(":"))
        return rng.randint(lo, hi) if name == "int" else round(rng.uniform(lo, hi), 2)
    return _SIMPLE_VALUES[name](rng, anchor)


def tool_call_groups(
    rng: random.Random, scenario: Scenario, outcome: str, start: datetime, duration_ms: int
) -> list[JSON]:
    """Expected and actual calls per tool of ``scenario``; a failed call gets one wrong."""
    groups: list[JSON] = []
    broken = rng.randrange(len(scenario.tools)) if outcome == FAILED else -1
    offset = rng.randint(8_000, 20_000)
    for i, name in enumerate(scenario.tools):
        tool = TOOLS[name]
        params = {p: tool_value(k, rng, start) for p, k in tool.params}
        output = {p: tool_value(k, rng, start) for p, k in tool.output}
        expected = [{"parameters": params, "output": output}]
        actual: list[JSON] = []
        if i != broken or rng.random() < 0.5:
            actual_params = dict(params)
            if i == broken:
                first = next(iter(actual_params))
                actual_params[first] = tool_value(dict(tool.params)[first], rng, start)
            actual.append(
                {"parameters": actual_params, "output": output, "start_offset_ms": offset}
            )
            offset += rng.randint(6_000, 30_000)
        groups.append({"name": name, "expected": expected, "actual": actual})
    if outcome == FAILED and rng.random() < 0.3:
        transfer = TOOLS["transfer_to_human"]
        groups.append(
            {
                "name": transfer.name,
                "expected": None,
                "actual": [
                    {
                        "parameters": {p: tool_value(k, rng, start) for p, k in transfer.params},
                        "output": {p: tool_value(k, rng, start) for p, k in transfer.output},
                        "start_offset_ms": min(offset, duration_ms - 1_000),
                    }
                ],
            }
        )
    return groups


def call_events(rng: random.Random, duration_ms: int, turns: int) -> list[JSON]:
    """What happened during a call, from connect to hang-up, in time order."""
    events: list[JSON] = [
        {
            "title": "Call connected",
            "start_offset_ms": rng.randint(0, 1_500),
            "description": "SIP call answered by the agent",
            "end_offset_ms": None,
            "tags": ["telephony"],
            "metadata": {"codec": rng.choice(("PCMU", "opus"))},
        }
    ]
    for title, description, tags in rng.sample(EVENT_TITLES[1:], rng.randint(0, 2)):
        start = rng.randint(2_000, max(2_001, duration_ms - 5_000))
        events.append(
            {
                "title": title,
                "start_offset_ms": start,
                "description": description,
                "end_offset_ms": start + rng.randint(200, 4_000) if rng.random() < 0.7 else None,
                "tags": list(tags),
                "metadata": {
                    "turn": rng.randint(1, turns),
                    "confidence": round(rng.uniform(0.6, 0.99), 2),
                },
            }
        )
    events.sort(key=lambda e: e["start_offset_ms"])
    events.append(
        {
            "title": "Call ended",
            "start_offset_ms": duration_ms,
            "description": None,
            "end_offset_ms": None,
            "tags": ["telephony"],
            "metadata": {"hangup_by": rng.choice(("agent", "caller"))},
        }
    )
    return events
