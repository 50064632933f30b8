"""Asyncio-first SDK for the Bluejay simulation-testing API (and, in ``cognigy_async``, Cognigy's).

from bluejay_async import BluejayClient

async with BluejayClient() as bj:
    results = await bj.results.retrieve(run_id)
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from bluejay_async.core.lazy import lazy_exports

if TYPE_CHECKING:
    from bluejay_async.client import BluejayClient
    from bluejay_async.core.bulk import Failure, Outcome, Success
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
        QueuedRun,
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
    from bluejay_async.resources.polling import TERMINAL_RUN_STATUSES
else:
    # Imported on first use, so that ``import bluejay_async`` (and the CLI's start-up) does not
    # pay for aiohttp until a client is made.
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            ".client": ["BluejayClient"],
            ".core.bulk": ["Failure", "Outcome", "Success"],
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
                "QueuedRun",
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
            ".resources.polling": ["TERMINAL_RUN_STATUSES"],
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
    "Failure",
    "FillerIgnoredLatency",
    "Latency",
    "Outcome",
    "ParticipantRole",
    "QueuedRun",
    "ResultUpdated",
    "RetryPolicy",
    "SimulationCreated",
    "SimulationResult",
    "SimulationResults",
    "SimulationRun",
    "SimulationRunDetail",
    "SimulationRunStatus",
    "Success",
    "TERMINAL_RUN_STATUSES",
    "ToolCall",
    "ToolCallGroup",
    "TranscriptEntry",
    "__version__",
]
