"""Deterministic Cognigy simulation runs, generated one at a time from (seed, refs, index).

A batch is just a count: run ``i`` of batch ``(simulation_ref, batch_ref)`` is a pure function
of the seed, the two references and ``i``. Cheap attributes used for filtering come from a
64-bit mix of those inputs (:meth:`CognigyStore.light`); the full run object is built only
for the runs a page returns. ``createdAt`` grows strictly with the index, so sorting by
``createdAt`` or ``sequence`` is sorting by index, and runs appended later sort last.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Any

import attrs

from .data.catalogue import DOMAINS
from .data.common import EPOCH
from .data.phrases import FIRST_NAMES

JSON = dict[str, Any]

_MASK = (1 << 64) - 1
_EPOCH_MS = int(EPOCH.timestamp() * 1000)
_STEP_MS = 45_000
_DAY_MS = 86_400_000

ENDPOINT_TYPES = ("webchat3", "webchat3", "voiceGateway2", "voiceGateway2", "rest", "socket")
STATUS_SUMMARIES: dict[str, tuple[str, ...]] = {
    "SUCCESS": (
        "The customer's request was fully resolved and all success criteria were met.",
        "The agent identified the intent quickly and completed the task.",
        "Conversation ended naturally after the agent confirmed the outcome.",
    ),
    "FAILED": (
        "The agent misunderstood the customer's intent and the goal was not reached.",
        "The agent asked for the same information repeatedly; the customer gave up.",
        "The maximum number of turns was reached before the task was completed.",
    ),
    "ERROR": (
        "The run stopped because the AI agent did not answer in time.",
        "The run stopped because the LLM provider returned an error.",
    ),
}
_ERRORS = {
    "AI_AGENT_TIMEOUT": (
        "The AI Agent did not respond in time.",
        "Timeout after 30000 ms waiting for endpoint response",
    ),
    "LLM_PROVIDER_ERROR": (
        "The language model provider returned an error.",
        "429 Too Many Requests from provider",
    ),
}
_TOPICS = {
    "dental": "appointment",
    "banking": "card",
    "airline": "booking",
    "pharmacy": "prescription",
    "retail": "order",
    "restaurant": "reservation",
}
# (opening, middle lines, closing) for each side of the conversation.
_USER_LINES = (
    "Hi, I need some help with my {topic}.",
    (
        "Can you check that for me?",
        "No, that's not what I asked.",
        "Yes, that works for me.",
        "What are my options?",
        "It's under my last name.",
    ),
    "Okay, thanks. That's all.",
)
_BOT_LINES = (
    "Hello! I can help with your {topic}. Could you give me your reference number?",
    (
        "Thanks. Let me look that up for you.",
        "I found it. Would you like me to make the change now?",
        "Sorry, I didn't catch that. Could you rephrase?",
        "I can offer two alternatives. Which one do you prefer?",
    ),
    "Done. Is there anything else I can help with?",
)


def _line(
    lines: tuple[str, tuple[str, ...], str], turn: int, last: bool, rng: random.Random
) -> str:
    if turn < 2:
        return lines[0]
    if last:
        return lines[2]
    return rng.choice(lines[1])


def mix64(x: int) -> int:
    """SplitMix64 finaliser: a fast, well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _key(seed: int, *parts: str) -> int:
    digest = hashlib.blake2b("\x1f".join((str(seed), *parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@attrs.define
class _Match:
    scanned: int = 0
    indices: list[int] = attrs.Factory(list)


@attrs.frozen
class Light:
    """The cheap attributes of a run: enough to filter and sort without building it."""

    index: int
    hash: int
    created_at: int
    status: str
    endpoint_type: str
    summary: str
    id: str


def _uuid_from(high: int, low: int) -> str:
    return str(uuid.UUID(int=high << 64 | low, version=4))


def _iso_ms(ms: int) -> str:
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class CognigyStore:
    """Batch sizes plus the generator of their runs."""

    def __init__(self, seed: int, runs_per_batch: int) -> None:
        self.seed = seed
        self.runs_per_batch = runs_per_batch
        self._counts: dict[tuple[str, str], int] = {}
        self._organisation = _uuid_from(_key(seed, "org"), _key(seed, "org", "low"))
        self._matches: OrderedDict[tuple[str, str, str, str], _Match] = OrderedDict()

    def count(self, simulation_ref: str, batch_ref: str) -> int:
        """Runs currently in the batch."""
        return self._counts.get((simulation_ref, batch_ref), self.runs_per_batch)

    def append(self, simulation_ref: str, batch_ref: str, count: int) -> int:
        """Add ``count`` new (newest) runs to the batch; returns the new size."""
        if count < 0:
            raise ValueError("count must be >= 0")
        key = (simulation_ref, batch_ref)
        self._counts[key] = self.count(simulation_ref, batch_ref) + count
        return self._counts[key]

    def _batch_key(self, simulation_ref: str, batch_ref: str) -> int:
        return _key(self.seed, "cognigy", simulation_ref, batch_ref)

    def light(self, simulation_ref: str, batch_ref: str, index: int) -> Light:
        """Run ``index``'s cheap attributes."""
        return self._light(self._batch_key(simulation_ref, batch_ref), index)

    def _light(self, batch_key: int, index: int) -> Light:
        h = mix64(batch_key + index)
        base = _EPOCH_MS + (batch_key % (60 * _DAY_MS)) // 1000 * 1000
        created = base + index * _STEP_MS + (h >> 40) % (_STEP_MS - 5_000)
        draw = h % 100
        status = "SUCCESS" if draw < 70 else "FAILED" if draw < 93 else "ERROR"
        summaries = STATUS_SUMMARIES[status]
        return Light(
            index=index,
            hash=h,
            created_at=created,
            status=status,
            endpoint_type=ENDPOINT_TYPES[(h >> 8) % len(ENDPOINT_TYPES)],
            summary=summaries[(h >> 16) % len(summaries)],
            id=f"{created // 1000:08x}{h & 0xFFFFFFFFFFFFFFFF:016x}",
        )

    def matching(
        self, simulation_ref: str, batch_ref: str, text: str, endpoint_type: str
    ) -> list[int]:
        """Indices (ascending) of runs whose id or summary contains ``text`` (case-insensitive)
        and whose ``endPointType`` equals ``endpoint_type``; an empty string matches all.

        Cached per query (a few dozen queries) and extended when the batch grows.
        """
        n = self.count(simulation_ref, batch_ref)
        key = (simulation_ref, batch_ref, text.lower(), endpoint_type)
        match = self._matches.pop(key, None) or _Match()
        batch_key = self._batch_key(simulation_ref, batch_ref)
        needle = key[2]
        for i in range(match.scanned, n):
            light = self._light(batch_key, i)
            if endpoint_type and light.endpoint_type != endpoint_type:
                continue
            if needle and needle not in light.summary.lower() and needle not in light.id:
                continue
            match.indices.append(i)
        match.scanned = max(match.scanned, n)
        self._matches[key] = match
        if len(self._matches) > 64:
            self._matches.popitem(last=False)
        return match.indices

    def run(self, simulation_ref: str, batch_ref: str, index: int, project_id: str) -> JSON:
        """The full run object ``index`` of the batch, as the runs endpoint returns it."""
        batch_key = self._batch_key(simulation_ref, batch_ref)
        light = self._light(batch_key, index)
        rng = random.Random(light.hash)
        scenario_rng = random.Random(batch_key)
        domain = DOMAINS[scenario_rng.randrange(len(DOMAINS))]
        scenario = domain.scenarios[scenario_rng.randrange(len(domain.scenarios))]
        topic = _TOPICS.get(domain.slug, "request")
        max_turns = scenario_rng.choice((8, 10, 12, 16))
        error = light.status == "ERROR"
        success = light.status == "SUCCESS"
        # A failed run either missed its goal or ran out of turns.
        out_of_turns = light.status == "FAILED" and rng.random() < 0.3
        if error:
            total_turns = rng.randint(2, 4)
        elif out_of_turns:
            total_turns = max_turns
        else:
            total_turns = rng.randint(4, max_turns - 1)
        turn_at = light.created_at + rng.randint(200, 2_000)
        turns: list[JSON] = []
        for t in range(total_turns):
            user = t % 2 == 0
            lines = _USER_LINES if user else _BOT_LINES
            text = _line(lines, t, t >= total_turns - 2 and success, rng)
            turns.append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "sequence": t + 1,
                    "text": text.format(topic=topic),
                    "data": {"role": "user" if user else "agent"}
                    if user
                    else {"role": "agent", "intent": rng.choice(("help", "lookup", "confirm"))},
                    "createdAt": turn_at,
                }
            )
            turn_at += rng.randint(800, 9_000)
        criteria: list[JSON] = [
            {"type": "text", "params": {"text": f"The customer is able to {scenario.goal}"}},
            {"type": "maxTurns", "params": {"maxTurns": max_turns}},
        ]
        passed = [success or (out_of_turns and rng.random() < 0.5), not (error or out_of_turns)]
        numerator = sum(passed)
        metrics: JSON = {
            "sentiment": "positive" if success else rng.choice(("neutral", "negative")),
            "success": success,
            "results": [
                {
                    "type": "text",
                    "success": passed[0],
                    "reason": f"The agent {scenario.success if passed[0] else scenario.failure}.",
                },
                {
                    "type": "maxTurns",
                    "success": passed[1],
                    "reason": f"{total_turns} of at most {max_turns} turns used."
                    if passed[1]
                    else "The conversation did not finish within the turn limit.",
                },
            ],
            "successRate": {
                "percentage": round(100 * numerator / len(criteria), 2),
                "numerator": numerator,
                "denominator": len(criteria),
            },
            "summary": light.summary,
            "isBatchStopped": False,
            "isConversationEnded": not (error or out_of_turns),
            "status": light.status,
        }
        if error:
            category = rng.choice(tuple(_ERRORS))
            message, details = _ERRORS[category]
            metrics["errorInfo"] = {
                "category": category,
                "message": message,
                "technicalDetails": details,
            }
        run: JSON = {
            "id": light.id,
            "organisationReference": self._organisation,
            "projectReference": project_id,
            "simulationReference": simulation_ref,
            "simulationRunBatchReference": batch_ref,
            "sequence": index + 1,
            "largeLanguageModelReferenceId": _uuid_from(mix64(batch_key), mix64(batch_key + 1)),
            "endPointType": light.endpoint_type,
            "turns": turns,
            "totalTurns": total_turns,
            "maxTurns": max_turns,
            "successCriteria": criteria,
            "metrics": metrics,
            "createdAt": light.created_at,
            "createdBy": f"{FIRST_NAMES[batch_key % len(FIRST_NAMES)].lower()}@example.com",
            "expiresAt": _iso_ms(light.created_at + 30 * _DAY_MS),
        }
        if not error:
            run["duration"] = turn_at - light.created_at
        return run
