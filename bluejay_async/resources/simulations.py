"""``client.simulations``: create a simulation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from bluejay_async.core.converter import unstructure
from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.core.transport import Transport
from bluejay_async.core.validation import (
    check_bool,
    check_choice,
    check_instance,
    check_int,
    check_str,
    check_uuid,
)
from bluejay_async.models import CallDurationUnit, DigitalHumansSettings, SimulationCreated

__all__ = ["SimulationsResource"]

_DURATION_UNITS = ("minutes", "seconds")


class SimulationsResource:
    """Operations on simulations."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def create(
        self,
        agent_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        prompt_id: str | uuid.UUID | None = None,
        knowledge_base_id: str | uuid.UUID | None = None,
        sequential_calling: bool | None = None,
        max_concurrent: int | None = None,
        hangup_on_transfer: bool | None = None,
        max_call_duration: int | None = None,
        max_call_duration_units: CallDurationUnit | None = None,
        ringing_timeout: int | None = None,
        digital_humans_settings: DigitalHumansSettings | None = None,
        selected_custom_metrics: Iterable[str | uuid.UUID] | None = None,
        custom_metrics_failing_threshold: int | None = None,
        custom_metrics_passing_threshold: int | None = None,
        runs_per_digital_human: int | None = None,
        always_on: bool | None = None,
    ) -> SimulationCreated:
        """Create a simulation of ``agent_id`` (``POST /v1/create-simulation``).

        Only the arguments you pass are sent; the server applies its defaults to the rest
        (``max_concurrent`` unlimited up to 500, ``max_call_duration`` 10 minutes,
        ``ringing_timeout`` 300 s, booleans ``False``).

        Args:
            agent_id: the agent under test.
            name, description: labels for the simulation.
            prompt_id, knowledge_base_id: default prompt / knowledge base (UUIDs).
            sequential_calling: deprecated by the API; place calls one at a time.
            max_concurrent: concurrent calls, 1..500.
            hangup_on_transfer: hang up when the agent transfers the call.
            max_call_duration: the longest call, in ``max_call_duration_units``.
            max_call_duration_units: ``"minutes"`` or ``"seconds"``.
            ringing_timeout: seconds to wait for SIP trunks to answer.
            digital_humans_settings: how the simulated callers behave, and ``num_runs``.
            selected_custom_metrics: custom metric ids (UUIDs) to evaluate.
            custom_metrics_failing_threshold, custom_metrics_passing_threshold: scores, 0..100.
            runs_per_digital_human: runs per digital human (the server defaults to 1).
            always_on: configure always-on digital humans.

        Returns:
            The new simulation's id (``.simulation_id``).

        Raises:
            InvalidRequestError: an argument is out of its documented range; nothing was sent.
            UnprocessableEntityError: the server rejected the body (``.errors`` says where).
        """
        body: dict[str, Any] = {"agent_id": check_str(agent_id, "agent_id")}
        if name is not None:
            body["name"] = check_str(name, "name", allow_empty=True)
        if description is not None:
            body["description"] = check_str(description, "description", allow_empty=True)
        if prompt_id is not None:
            body["prompt_id"] = check_uuid(prompt_id, "prompt_id")
        if knowledge_base_id is not None:
            body["knowledge_base_id"] = check_uuid(knowledge_base_id, "knowledge_base_id")
        for flag, value in (
            ("sequential_calling", sequential_calling),
            ("hangup_on_transfer", hangup_on_transfer),
            ("always_on", always_on),
        ):
            if value is not None:
                body[flag] = check_bool(value, flag)
        if max_concurrent is not None:
            body["max_concurrent"] = check_int(
                max_concurrent, "max_concurrent", minimum=1, maximum=500
            )
        if max_call_duration is not None:
            body["max_call_duration"] = check_int(max_call_duration, "max_call_duration", minimum=1)
        if max_call_duration_units is not None:
            body["max_call_duration_units"] = check_choice(
                max_call_duration_units, "max_call_duration_units", _DURATION_UNITS
            )
        if ringing_timeout is not None:
            body["ringing_timeout"] = check_int(ringing_timeout, "ringing_timeout", minimum=1)
        if digital_humans_settings is not None:
            body["digital_humans_settings"] = _settings_body(digital_humans_settings)
        if selected_custom_metrics is not None:
            if isinstance(selected_custom_metrics, (str, bytes, Mapping)) or not isinstance(
                selected_custom_metrics, Iterable
            ):
                raise InvalidRequestError(
                    "selected_custom_metrics must be a list of UUIDs, "
                    f"got {type(selected_custom_metrics).__name__}",
                    param="selected_custom_metrics",
                )
            body["selected_custom_metrics"] = [
                check_uuid(m, f"selected_custom_metrics[{i}]")
                for i, m in enumerate(selected_custom_metrics)
            ]
        for threshold, score in (
            ("custom_metrics_failing_threshold", custom_metrics_failing_threshold),
            ("custom_metrics_passing_threshold", custom_metrics_passing_threshold),
        ):
            if score is not None:
                body[threshold] = check_int(score, threshold, minimum=0, maximum=100)
        if runs_per_digital_human is not None:
            body["runs_per_digital_human"] = check_int(
                runs_per_digital_human, "runs_per_digital_human", minimum=1
            )
        return await self._transport.request(
            "POST", "/v1/create-simulation", json=body, into=SimulationCreated
        )


def _settings_body(settings: DigitalHumansSettings) -> dict[str, Any]:
    settings = check_instance(settings, "digital_humans_settings", DigitalHumansSettings)
    for field in (
        "default_name",
        "default_caller_number",
        "default_language",
        "default_background_noise",
        "first_message",
    ):
        value = getattr(settings, field)
        if value is not None:
            check_str(value, f"digital_humans_settings.{field}", allow_empty=True)
    if settings.num_runs is not None:
        check_int(settings.num_runs, "digital_humans_settings.num_runs", minimum=1)
    body: dict[str, Any] = unstructure(settings)
    return body
