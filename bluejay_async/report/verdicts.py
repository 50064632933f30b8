"""One simulated call, reduced to what a reviewer reads: :class:`ResultVerdict`.

The rules, applied to each :class:`~bluejay_async.SimulationResult` on its own:

- **Which evaluation.** A result may carry several evaluations (a re-evaluation adds one). The
  one that counts is the latest by ``created_at``; one without ``created_at`` counts as the
  oldest; among equals the later in the list wins. A result without evaluations has no
  verdicts (everything below is ``None``).
- **Human review wins.** Where a reviewer overrode a verdict (``human_goal_success``,
  ``human_hallucination``, ``human_redundancy``, a custom metric's ``human_response_value``), the
  reviewer's value and reasoning are used, and ``goal_overridden`` says so.
- **Latency** is the evaluation's ``latency.p95_agent_latency`` and ``avg_agent_latency``
  (falling back to ``latency.avg_agent_latency``), in milliseconds. A missing, negative or
  non-finite value is missing.
- **Call duration** is ``end_time - start_time`` in seconds when the result has both (and they
  are in order); otherwise the ``duration`` field, which the API documents in milliseconds.
- **Scenario and name** come from the free-form ``result`` object (``result["scenario"]`` and
  ``result["digital_human"]["name"]``) when it carries them as strings.
- **Custom metrics** are the evaluation's ``custom_metrics`` and, for custom evaluations given as
  ``{"name": ..., "passed": true|false}`` objects, its ``custom_evals`` (a custom metric of the
  same name wins). A metric whose value reads as a boolean (``true``/``false``, ``yes``/``no``,
  ``pass``/``fail``, ``passed``/``failed``) has a pass/fail ``passed``; one whose value is a
  number has a ``score``; any other value (an enum option) has neither.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

import attrs

from bluejay_async.models import CustomMetric, Evaluation, SimulationResult
from bluejay_async.resources.polling import result_finished

__all__ = ["CustomMetricValue", "Outcome", "ResultKey", "ResultVerdict", "verdict_of"]

Outcome = Literal["met", "missed", "no_verdict"]
ResultKey = tuple[int | None, str | None]
"""How a result is matched across runs: ``(digital_human_id, scenario)``."""

_TRUE = frozenset({"true", "yes", "pass", "passed"})
_FALSE = frozenset({"false", "no", "fail", "failed"})


@attrs.frozen(kw_only=True)
class CustomMetricValue:
    """One custom metric of one result.

    Attributes:
        name, response_type: as the evaluation names them (``"boolean"`` for a custom eval).
        value: the response value as sent (the reviewer's when overridden).
        passed: its pass/fail reading, for a boolean value; else ``None``.
        score: its numeric reading, for a number; else ``None``.
        reasoning: why (the reviewer's when overridden).
        overridden: a reviewer replaced the value.
    """

    name: str
    response_type: str
    value: str | None
    passed: bool | None
    score: float | None
    reasoning: str | None
    overridden: bool = False


@attrs.frozen(kw_only=True)
class ResultVerdict:
    """Everything a report shows about one simulated call (see the module notes for the rules).

    Attributes:
        run_id, result_id: where the result comes from.
        digital_human_id, scenario, name: who called, about what (``None`` when not sent).
        status: the result's own status string; ``finished``: whether the call is over.
        goal: the goal verdict (``True`` met, ``False`` missed, ``None`` no verdict);
            ``goal_reasoning``; ``goal_overridden``: a reviewer's verdict.
        hallucination, hallucination_reasoning, redundancy: the evaluation's other verdicts.
        p95_latency_ms, avg_latency_ms: the call's agent latency.
        call_duration_s, num_turns, sentiment_label, call_summary: about the call.
        custom_metrics: one value per custom metric name, sorted by name.
        transcript_url, audio_url: the call's transcript and recording.
    """

    run_id: str
    result_id: int
    digital_human_id: int | None
    scenario: str | None
    name: str | None
    status: str | None
    finished: bool
    goal: bool | None
    goal_reasoning: str | None
    goal_overridden: bool
    hallucination: bool | None
    hallucination_reasoning: str | None
    redundancy: bool | None
    p95_latency_ms: float | None
    avg_latency_ms: float | None
    call_duration_s: float | None
    num_turns: int | None
    sentiment_label: str | None
    call_summary: str | None
    custom_metrics: tuple[CustomMetricValue, ...]
    transcript_url: str | None
    audio_url: str | None

    _json_properties: ClassVar[tuple[str, ...]] = ("outcome", "title")

    @property
    def outcome(self) -> Outcome:
        """``"met"``, ``"missed"`` or ``"no_verdict"``, from :attr:`goal`."""
        if self.goal is None:
            return "no_verdict"
        return "met" if self.goal else "missed"

    @property
    def key(self) -> ResultKey:
        """``(digital_human_id, scenario)``: how :func:`~bluejay_async.report.compare` matches
        this result with one of another run."""
        return (self.digital_human_id, self.scenario)

    @property
    def title(self) -> str:
        """A short label: ``"result 9001 (digital human 17, Reschedule an appointment)"``."""
        parts = [] if self.digital_human_id is None else [f"digital human {self.digital_human_id}"]
        if self.name:
            parts.append(self.name)
        if self.scenario:
            parts.append(self.scenario)
        return f"result {self.result_id}" + (f" ({', '.join(parts)})" if parts else "")


def latest_evaluation(result: SimulationResult) -> Evaluation | None:
    """The evaluation that counts for a result (see the module notes)."""
    best: Evaluation | None = None
    for evaluation in result.evaluations:
        if best is None or _created(evaluation) >= _created(best):
            best = evaluation
    return best


def _created(evaluation: Evaluation) -> float:
    when = evaluation.created_at
    return -math.inf if when is None else when.timestamp()


def verdict_of(result: SimulationResult, run_id: str) -> ResultVerdict:
    """Reduce one result of run ``run_id`` to its :class:`ResultVerdict`."""
    evaluation = latest_evaluation(result)
    details = result.result or {}
    human = details.get("digital_human")
    goal, goal_reasoning, goal_overridden = _goal(evaluation)
    return ResultVerdict(
        run_id=run_id,
        result_id=result.id,
        digital_human_id=result.digital_human_id,
        scenario=_text(details.get("scenario")),
        name=_text(human.get("name")) if isinstance(human, dict) else None,
        status=result.status,
        finished=result_finished(result),
        goal=goal,
        goal_reasoning=goal_reasoning,
        goal_overridden=goal_overridden,
        hallucination=_overridden(evaluation, "hallucination")[0],
        hallucination_reasoning=_overridden(evaluation, "hallucination")[1],
        redundancy=_overridden(evaluation, "redundancy")[0],
        p95_latency_ms=_latency(evaluation, "p95"),
        avg_latency_ms=_latency(evaluation, "avg"),
        call_duration_s=_duration(result),
        num_turns=evaluation.num_turns if evaluation else None,
        sentiment_label=evaluation.sentiment_label if evaluation else None,
        call_summary=evaluation.call_summary if evaluation else None,
        custom_metrics=_custom_metrics(evaluation),
        transcript_url=result.transcript_url,
        audio_url=result.audio_url,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _goal(evaluation: Evaluation | None) -> tuple[bool | None, str | None, bool]:
    if evaluation is None:
        return None, None, False
    if evaluation.human_goal_success is not None:
        reasoning = evaluation.human_goal_reasoning or evaluation.goal_reasoning
        return evaluation.human_goal_success, reasoning, True
    return evaluation.goal_success, evaluation.goal_reasoning, False


def _overridden(evaluation: Evaluation | None, name: str) -> tuple[bool | None, str | None]:
    """A yes/no verdict (``hallucination`` / ``redundancy``), a reviewer's override first."""
    if evaluation is None:
        return None, None
    human = getattr(evaluation, f"human_{name}")
    if human is not None:
        reasoning = getattr(evaluation, f"human_{name}_reasoning")
        return human, reasoning or getattr(evaluation, f"{name}_reasoning")
    return getattr(evaluation, name), getattr(evaluation, f"{name}_reasoning")


def _ms(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) and value >= 0 else None


def _latency(evaluation: Evaluation | None, which: Literal["p95", "avg"]) -> float | None:
    if evaluation is None:
        return None
    latency = evaluation.latency
    if which == "p95":
        return _ms(latency.p95_agent_latency) if latency else None
    average = _ms(evaluation.avg_agent_latency)
    if average is None and latency is not None:
        average = _ms(latency.avg_agent_latency)
    return average


def _duration(result: SimulationResult) -> float | None:
    if result.start_time is not None and result.end_time is not None:
        seconds = (result.end_time - result.start_time).total_seconds()
        if seconds >= 0:
            return seconds
    if result.duration is not None and result.duration >= 0:
        return result.duration / 1000
    return None


def _custom_metrics(evaluation: Evaluation | None) -> tuple[CustomMetricValue, ...]:
    if evaluation is None:
        return ()
    by_name: dict[str, CustomMetricValue] = {}
    evals = evaluation.custom_evals
    for item in evals if isinstance(evals, list) else ():
        if (
            isinstance(item, dict)
            and _text(item.get("name"))
            and isinstance(item.get("passed"), bool)
        ):
            passed = item["passed"]
            by_name[item["name"]] = CustomMetricValue(
                name=item["name"],
                response_type="boolean",
                value="true" if passed else "false",
                passed=passed,
                score=None,
                reasoning=_text(item.get("reasoning")),
            )
    for metric in evaluation.custom_metrics:
        by_name[metric.name] = _metric_value(metric)
    return tuple(by_name[name] for name in sorted(by_name))


def _metric_value(metric: CustomMetric) -> CustomMetricValue:
    overridden = metric.human_response_value is not None
    value = metric.human_response_value if overridden else metric.response_value
    reasoning = (metric.human_reasoning or metric.reasoning) if overridden else metric.reasoning
    word = (value or "").strip().lower()
    passed = True if word in _TRUE else False if word in _FALSE else None
    score: float | None = None
    if passed is None:
        try:
            number = float(word)
        except ValueError:
            number = math.nan
        score = number if math.isfinite(number) else None
    return CustomMetricValue(
        name=metric.name,
        response_type=metric.response_type,
        value=value,
        passed=passed,
        score=score,
        reasoning=reasoning,
        overridden=overridden,
    )
