"""Progress of a run being waited on, for the demo's console: ``progress(finished, total)``.

On a terminal it is one counter rewritten in place; anywhere else (a pipe, a CI log) it is a
plain line at most every few seconds, and always when the last call finishes, so a log stays
short whatever the run's size.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["RunProgress"]


class RunProgress:
    """Pass as ``bj.runs.wait(..., progress=RunProgress(out, "  "))``; call :meth:`close` after.

    Args:
        out: where to write.
        indent: written before each line.
        tty: draw a counter in place (default: whether ``out`` is a terminal).
        every: on a non-terminal, the fewest seconds between two lines (the last call's line
            is always written).
        clock: seconds, for ``every`` (``time.monotonic``).
    """

    def __init__(
        self,
        out: TextIO,
        indent: str = "",
        *,
        tty: bool | None = None,
        every: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._out = out
        self._indent = indent
        self._tty = out.isatty() if tty is None else tty
        self._every = every
        self._clock = clock
        self._written_at: float | None = None
        self._last: tuple[int, int | None] | None = None
        self._shown: tuple[int, int | None] | None = None

    def __call__(self, done: int, total: int | None) -> None:
        """Show that ``done`` of the run's ``total`` calls have finished."""
        self._last = (done, total)
        if self._tty:
            self._out.write(f"\r{self._text(done, total)}\x1b[K")
            self._out.flush()
            self._shown = self._last
            return
        now = self._clock()
        due = self._written_at is None or now - self._written_at >= self._every
        if due or (total is not None and done >= total):
            self._out.write(self._text(done, total) + "\n")
            self._out.flush()  # a pipe is block-buffered: show the line now, not at exit
            self._written_at = now
            self._shown = self._last

    def close(self) -> None:
        """End the display: the counter's line is kept, and the last count is written if the
        periodic lines skipped it."""
        if self._last is None:
            return
        if self._tty:
            self._out.write("\n")
        elif self._shown != self._last:
            self._out.write(self._text(*self._last) + "\n")
        self._out.flush()

    def _text(self, done: int, total: int | None) -> str:
        of_total = "" if total is None else f"/{total}"
        return f"{self._indent}{done}{of_total} calls finished"
