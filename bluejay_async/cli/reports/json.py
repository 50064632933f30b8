"""The ``--json`` document: the summary, the verdict and the comparison, for other tools.

Shape (keys in this order)::

    {"product": "bluejay", "title": "run 1013 of simulation 1", "passed": false,
     "exit_status": 3, "headline": "FAILED: 1 of 2 thresholds not met",
     "summary": RunSummary.to_dict(),
     "gate": GateResult.to_dict() without its summary (passed, failures, checks),
     "comparison": Comparison.to_dict() without "current" (the summary above), or null}

``cognigy gate`` gives the same with ``"product": "cognigy"``, a ``CognigySummary`` and
``"comparison": null``; ``compare --json`` gives ``passed``, ``exit_status`` and the whole
``comparison``.
"""

from __future__ import annotations

import json
from typing import Any

from bluejay_async.cli.reports.model import Report
from bluejay_async.report import Comparison, GateResult

__all__ = ["comparison_document", "dumps", "gate_document"]


def gate_document(
    report: Report,
    verdict: GateResult[Any],
    comparison: Comparison | None,
    exit_status: int,
) -> dict[str, Any]:
    """The document of a gated run or batch."""
    gate = verdict.to_dict()
    summary = gate.pop("summary")
    compared: dict[str, Any] | None = None
    if comparison is not None:
        compared = comparison.to_dict()
        compared.pop("current", None)
    return {
        "product": report.product.lower(),
        "title": report.title,
        "passed": report.passed,
        "exit_status": exit_status,
        "headline": report.headline,
        "summary": summary,
        "gate": gate,
        "comparison": compared,
    }


def comparison_document(comparison: Comparison, exit_status: int) -> dict[str, Any]:
    """The document of ``compare``."""
    return {
        "passed": comparison.passed,
        "exit_status": exit_status,
        "comparison": comparison.to_dict(),
    }


def dumps(document: dict[str, Any]) -> str:
    """Indented JSON text ending with a newline (non-ASCII kept as is)."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
