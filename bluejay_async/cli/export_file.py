"""The output file of ``export``: written whole or not at all, and resumable.

Records are appended to ``OUT.part`` one run at a time (all of a run's lines in one write,
then a flush), and ``OUT.part`` replaces ``OUT`` by a rename once the export ends, so ``OUT``
is never seen half-written. An interrupted export leaves ``OUT.part`` behind; ``--resume``
then carries over every run already in ``OUT`` and in ``OUT.part`` and fetches only the others.
The last run of a ``.part`` file is fetched again: the interruption may have cut it short.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from bluejay_async.cli.errors import UsageError
from bluejay_async.core import codec as _codec

__all__ = ["ExportFile"]


class ExportFile:
    """Writes an export to ``path`` through ``path.part``.

    Attributes:
        path: where the finished export goes.
        partial: ``path`` with ``.part`` appended, where it is written until then.
        runs: runs written so far, carried-over ones included.
        results: result records written so far, carried-over ones included.
        carried_over: ids of the runs kept from an earlier export (``resume=True``).
        discarded_partial: whether :meth:`open` replaced an earlier export's ``.part`` file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".part")
        self.runs = 0
        self.results = 0
        self.carried_over: set[str] = set()
        self.discarded_partial = False
        self._file: BinaryIO | None = None

    def open(self, *, simulation_id: str, resume: bool) -> None:
        """Start writing; with ``resume``, first carry over the runs already saved.

        Raises:
            UsageError: with ``resume``, a saved line is not a result record of
                ``simulation_id``.
            OSError: a file cannot be read or written.
        """
        if not resume:
            self.discarded_partial = self.partial.exists()
            self._file = open(self.partial, "wb")  # noqa: SIM115 - closed by commit/abandon
            return
        staging = self.partial.with_name(self.partial.name + ".tmp")
        try:
            with open(staging, "wb") as target:
                self._carry_over(self.path, target, simulation_id, last_may_be_cut=False)
                self._carry_over(self.partial, target, simulation_id, last_may_be_cut=True)
                target.flush()
                os.fsync(target.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                staging.unlink()
            raise
        os.replace(staging, self.partial)
        self._file = open(self.partial, "ab")  # noqa: SIM115 - closed by commit/abandon

    def write_run(self, records: Iterable[dict[str, Any]]) -> None:
        """Append one run's result records, as JSON lines, in a single write."""
        lines = [_codec.dumps(record) + b"\n" for record in records]
        file = self._require_open()
        file.write(b"".join(lines))
        file.flush()
        self.runs += 1
        self.results += len(lines)

    def commit(self) -> None:
        """Finish: make the data durable, then rename ``.part`` over ``path``."""
        file = self._require_open()
        self._file = None
        try:
            file.flush()
            os.fsync(file.fileno())
        finally:
            file.close()
        os.replace(self.partial, self.path)

    def abandon(self) -> bool:
        """Stop without finishing; returns whether ``.part`` was kept (it holds some runs)."""
        file, self._file = self._file, None
        if file is None:
            return False
        file.close()
        if self.runs == 0:
            with contextlib.suppress(OSError):
                self.partial.unlink()
            return False
        return True

    def _require_open(self) -> BinaryIO:
        if self._file is None:
            raise RuntimeError("the export file is not open")
        return self._file

    def _carry_over(
        self, source: Path, target: BinaryIO, simulation_id: str, *, last_may_be_cut: bool
    ) -> None:
        """Copy ``source``'s runs not yet carried over into ``target``, line for line."""
        group_id: str | None = None
        group: list[bytes] = []
        try:
            file = open(source, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            return
        with file:
            for number, line in enumerate(file, 1):
                if not line.endswith(b"\n"):
                    if last_may_be_cut:
                        break  # a write cut short by the interruption
                    line += b"\n"
                if not line.strip():
                    continue
                run_id = _run_id(line, source, number, simulation_id)
                if run_id != group_id:
                    self._keep(group_id, group, target)
                    group_id, group = run_id, []
                group.append(line)
        if not last_may_be_cut:
            self._keep(group_id, group, target)

    def _keep(self, run_id: str | None, lines: list[bytes], target: BinaryIO) -> None:
        if run_id is None or run_id in self.carried_over:
            return
        target.write(b"".join(lines))
        self.carried_over.add(run_id)
        self.runs += 1
        self.results += len(lines)


def _run_id(line: bytes, source: Path, number: int, simulation_id: str) -> str:
    """The run id of a saved record, checked to belong to ``simulation_id``."""
    try:
        record = _codec.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict) or "run_id" not in record:
        raise UsageError(f"{source}:{number}: not a record written by export; choose another --out")
    saved_simulation = str(record.get("simulation_id"))
    if saved_simulation != simulation_id:
        raise UsageError(
            f"{source} holds results of simulation {saved_simulation}, not {simulation_id}; "
            "choose another --out"
        )
    return str(record["run_id"])
