"""Asyncio-first SDK for the Bluejay simulation-testing API (and, in ``cognigy_async``, Cognigy's).

from bluejay_async import BluejayClient

async with BluejayClient() as bj:
    results = await bj.results.retrieve(run_id)
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from bluejay_async._lazy import lazy_exports

if TYPE_CHECKING:
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
else:
    # Imported on first use, so that ``import bluejay_async`` (and the CLI's start-up) does not
    # pay for aiohttp until a client is made.
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            ".client": ["BluejayClient"],
            ".core.bulk": ["Outcome"],
            ".core.retry": ["RetryPolicy"],
            ".models": [
                "ActualToolCall",
                "CustomMetric",
                "DigitalHumansSettings",
                "Evaluation",
                "Event",
                "ExpectedToolCall",
                "FillerIgnoredLatency",
                "Latency",
                "ParticipantRole",
                "ResultUpdated",
                "SimulationCreated",
                "SimulationResult",
                "SimulationResults",
                "SimulationRun",
                "SimulationRunDetail",
                "SimulationRunStatus",
                "ToolCall",
                "ToolCallGroup",
                "TranscriptEntry",
            ],
        },
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
