"""``export SIMULATION_ID --out FILE``: every result of a simulation, as JSON lines.

Lists the simulation's runs, fetches their results concurrently with
``bj.results.retrieve_many``, and writes one line per simulation result (the records of
``results --jsonl``, in completion order) through
:class:`~bluejay_async.cli.export_file.ExportFile`.
A run that still fails after its retries does not stop the others: the failed runs are listed
at the end and the exit status is 1, and ``--resume`` fetches just them.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bluejay_async.cli.config import Settings, bluejay_client
from bluejay_async.cli.errors import UsageError
from bluejay_async.cli.export_file import ExportFile
from bluejay_async.cli.progress import open_progress

if TYPE_CHECKING:
    from bluejay_async import BluejayClient
    from bluejay_async.core.bulk import Failure

__all__ = ["run_export"]


async def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Run ``export`` as parsed into ``args``; returns the exit status."""
    err = sys.stderr
    simulation_id = str(args.simulation_id)
    async with bluejay_client(settings) as bj:
        export = _open_export(Path(args.out), simulation_id, resume=args.resume)
        if export.discarded_partial:
            err.write(f"note: replaced {export.partial} left by an interrupted export\n")
        try:
            runs = await bj.runs.list(simulation_id)
            pending = [run.id for run in runs if str(run.id) not in export.carried_over]
            failures = await _fetch_into(export, bj, pending, args.concurrency, err)
        except BaseException:
            if export.abandon():
                err.write(
                    f"{export.runs} runs saved in {export.partial}; "
                    "run the same command with --resume to finish\n"
                )
            raise
        export.commit()
    err.write(_summary(export))
    if not failures:
        return 0
    for failure in failures:
        err.write(f"failed: run {failure.key}: {_one_line(failure.error)}\n")
    err.write(
        f"error: {len(failures)} of {len(runs)} runs failed; "
        "run the same command with --resume to fetch them again\n"
    )
    return 1


async def _fetch_into(
    export: ExportFile, bj: BluejayClient, run_ids: list[int], concurrency: int, err: TextIO
) -> list[Failure[int]]:
    """Fetch every run's results into ``export``; returns the runs that failed."""
    from bluejay_async.cli.records import result_record, run_results

    failures: list[Failure[int]] = []
    progress = open_progress(err, label="exporting", total=len(run_ids))
    outcomes = bj.results.retrieve_many(run_ids, concurrency=concurrency, progress=progress)
    try:
        async with contextlib.aclosing(outcomes):
            async for outcome in outcomes:
                if outcome.ok:
                    export.write_run(result_record(item) for item in run_results(outcome.value))
                else:
                    failures.append(outcome)
    finally:
        progress.close()
    failures.sort(key=lambda failure: failure.key)
    return failures


def _open_export(path: Path, simulation_id: str, *, resume: bool) -> ExportFile:
    """The export file, open before any request: an unusable ``--out`` is an input error.

    Raises:
        UsageError: the file (or its ``.part``) cannot be created, or read back to resume.
    """
    export = ExportFile(path)
    try:
        export.open(simulation_id=simulation_id, resume=resume)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        where = f" ({exc.filename})" if exc.filename not in (None, str(path)) else ""
        raise UsageError(f"--out {path}: {reason}{where}") from None
    return export


def _summary(export: ExportFile) -> str:
    kept = len(export.carried_over)
    already = f" ({kept} runs were already there)" if kept else ""
    return f"exported {export.results} results of {export.runs} runs to {export.path}{already}\n"


def _one_line(error: object) -> str:
    return " ".join(str(error).split())
