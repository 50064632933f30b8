"""Records for the Cognigy simulator API: frozen, slotted, keyword-only ``attrs`` classes.

Attribute names are the snake_case of the API's camelCase JSON names (``createdAt`` ->
``created_at``; the decoders rename them, see :func:`bluejay_async.core.markers.camel_case`).
Epoch-millisecond integers become aware UTC ``datetime`` objects (a value outside years 1 to
9999 is refused), ``expiresAt`` (an ISO-8601 string) an aware ``datetime`` too. Integers are
exact at any size. Unknown fields are ignored; a ``null`` list becomes ``[]``.

Fields the OpenAPI document lists as ``required`` are required here (a body without one raises
``ResponseDecodeError`` naming its path); everything else defaults to ``None`` or ``[]``.

The open enums (:class:`Sentiment`, :class:`RunStatus`, :class:`ErrorCategory`) are ``str``
enums and the fields they describe are typed ``str``: ``run.metrics.status == RunStatus.SUCCESS``
works, and a value the SDK does not know yet still arrives, as its string.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any

import attrs

from bluejay_async.core.markers import EPOCH_MILLIS, JsonList, camel_case, empty_null_lists
from bluejay_async.models import Timestamp

__all__ = [
    "EpochMillis",
    "ErrorCategory",
    "ErrorInfo",
    "Pagination",
    "Run",
    "RunMetrics",
    "RunStatus",
    "RunsPage",
    "Sentiment",
    "SuccessCriterion",
    "SuccessRate",
    "Turn",
]

EpochMillis = Annotated[datetime, EPOCH_MILLIS]
"""An aware UTC ``datetime`` sent as integer milliseconds since the Unix epoch."""


class Sentiment(str, enum.Enum):
    """Known values of ``RunMetrics.sentiment``."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


class RunStatus(str, enum.Enum):
    """Known values of ``RunMetrics.status``."""

    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    ERROR = "ERROR"


class ErrorCategory(str, enum.Enum):
    """Known values of ``ErrorInfo.category``."""

    NONE = "NONE"
    LLM_PROVIDER_ERROR = "LLM_PROVIDER_ERROR"
    AI_AGENT_TIMEOUT = "AI_AGENT_TIMEOUT"
    AI_AGENT_ERROR = "AI_AGENT_ERROR"
    UNKNOWN = "UNKNOWN"


@camel_case
@attrs.frozen(kw_only=True)
class Turn:
    """One turn of a simulated conversation."""

    id: str | None = None
    sequence: int | None = None
    text: str | None = None
    data: dict[str, Any] | None = None
    created_at: EpochMillis | None = None


@camel_case
@attrs.frozen(kw_only=True)
class SuccessCriterion:
    """A success criterion of a run: its ``type`` (e.g. ``"text"``) and free-form ``params``."""

    type: str
    params: dict[str, Any]


@camel_case
@attrs.frozen(kw_only=True)
class SuccessRate:
    """How many success criteria a run met: ``numerator`` of ``denominator``, as a percentage."""

    percentage: float | None = None
    numerator: int | None = None
    denominator: int | None = None


@camel_case
@attrs.frozen(kw_only=True)
class ErrorInfo:
    """Why a run failed to execute. ``category`` is an :class:`ErrorCategory` value."""

    category: str | None = None
    message: str | None = None
    technical_details: str | None = None


@camel_case
@empty_null_lists
@attrs.frozen(kw_only=True)
class RunMetrics:
    """The outcome of a run.

    ``sentiment`` is a :class:`Sentiment` value, ``status`` a :class:`RunStatus` value;
    ``results`` holds one free-form evaluation object per success criterion.
    """

    sentiment: str | None = None
    success: bool | None = None
    results: JsonList[dict[str, Any]] = attrs.field(factory=list)
    success_rate: SuccessRate | None = None
    summary: str | None = None
    is_batch_stopped: bool | None = None
    is_conversation_ended: bool | None = None
    error_info: ErrorInfo | None = None
    status: str | None = None


@camel_case
@empty_null_lists
@attrs.frozen(kw_only=True)
class Run:
    """One simulation run of a batch, as ``GET .../batches/{ref}/runs`` returns it."""

    id: str
    organisation_reference: str
    project_reference: str
    simulation_reference: str
    simulation_run_batch_reference: str
    sequence: int
    large_language_model_reference_id: str
    turns: JsonList[Turn]
    total_turns: int
    success_criteria: JsonList[SuccessCriterion]
    metrics: RunMetrics
    created_at: EpochMillis
    created_by: str
    end_point_type: str | None = None
    max_turns: int | None = None
    duration: int | None = None
    """Milliseconds the run took."""
    expires_at: Timestamp | None = None


@camel_case
@attrs.frozen(kw_only=True)
class Pagination:
    """Where a page sits in the listing, and how to reach its neighbours.

    ``next`` / ``previous`` are opaque cursors (``None`` or empty when the server pages by
    offset only); ``has_next`` / ``has_previous`` say whether there is anything there.
    """

    limit: int
    skip: int
    total: int
    has_next: bool
    has_previous: bool
    next: str | None = None
    previous: str | None = None


@empty_null_lists
@attrs.frozen(kw_only=True)
class RunsPage:
    """One page of runs: ``data`` in the server's order, and its :class:`Pagination`.

    ``pagination`` is ``None`` when the server leaves it out (the OpenAPI document does not
    require it); a walk then ends with that page, as nothing says where the next one is.
    """

    pagination: Pagination | None = None
    data: JsonList[Run] = attrs.field(factory=list)
