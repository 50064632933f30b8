"""Asyncio-first SDK for the Bluejay simulation-testing API (and, in ``cognigy_async``, Cognigy's).

from bluejay_async import BluejayClient

async with BluejayClient() as bj:
    results = await bj.results.retrieve(run_id)
"""

__version__ = "0.1.0"

from bluejay_async.client import BluejayClient
from bluejay_async.core.bulk import Outcome
from bluejay_async.core.retry import RetryPolicy
from bluejay_async.models import (
    ActualToolCall,
    CustomMetric,
    DigitalHumansSettings,
    Evaluation,
    Event,
    ExpectedToolCall,
    FillerIgnoredLatency,
    Latency,
    ParticipantRole,
    ResultUpdated,
    SimulationCreated,
    SimulationResult,
    SimulationResults,
    SimulationRun,
    SimulationRunDetail,
    SimulationRunStatus,
    ToolCall,
    ToolCallGroup,
    TranscriptEntry,
)

__all__ = [
    "ActualToolCall",
    "BluejayClient",
    "CustomMetric",
    "DigitalHumansSettings",
    "Evaluation",
    "Event",
    "ExpectedToolCall",
    "FillerIgnoredLatency",
    "Latency",
    "Outcome",
    "ParticipantRole",
    "ResultUpdated",
    "RetryPolicy",
    "SimulationCreated",
    "SimulationResult",
    "SimulationResults",
    "SimulationRun",
    "SimulationRunDetail",
    "SimulationRunStatus",
    "ToolCall",
    "ToolCallGroup",
    "TranscriptEntry",
    "__version__",
]
