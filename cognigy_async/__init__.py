"""Asyncio client of the Cognigy simulator API, on the transport of :mod:`bluejay_async`.

from cognigy_async import CognigyClient

async with CognigyClient(project_id="p1") as cg:
    async for run in cg.runs.iterate(simulation_ref, batch_ref):
        run.metrics.success, run.created_at
"""

from typing import TYPE_CHECKING

from bluejay_async.core.lazy import lazy_exports

if TYPE_CHECKING:
    from bluejay_async.core.retry import RetryPolicy
    from cognigy_async.client import CognigyClient
    from cognigy_async.models import (
        ErrorCategory,
        ErrorInfo,
        Pagination,
        Run,
        RunMetrics,
        RunsPage,
        RunStatus,
        Sentiment,
        SuccessCriterion,
        SuccessRate,
        Turn,
    )
else:
    # Imported on first use: see bluejay_async/__init__.py.
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "bluejay_async.core.retry": ["RetryPolicy"],
            ".client": ["CognigyClient"],
            ".models": [
                "ErrorCategory",
                "ErrorInfo",
                "Pagination",
                "Run",
                "RunMetrics",
                "RunsPage",
                "RunStatus",
                "Sentiment",
                "SuccessCriterion",
                "SuccessRate",
                "Turn",
            ],
        },
    )

__all__ = [
    "CognigyClient",
    "ErrorCategory",
    "ErrorInfo",
    "Pagination",
    "RetryPolicy",
    "Run",
    "RunMetrics",
    "RunStatus",
    "RunsPage",
    "Sentiment",
    "SuccessCriterion",
    "SuccessRate",
    "Turn",
]
