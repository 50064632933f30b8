"""Progress while waiting for a run: a bar on a terminal, plain lines in CI logs.

:func:`wait_display` picks the form. On a terminal it is a bar redrawn in place (results
finished of total, and the time elapsed, refreshed every second). When ``$CI`` is set, or
stderr is not a terminal (a log file, a pipe), it writes plain lines instead, with no control
characters: one each time the count of finished results changes, and one every ``heartbeat``
seconds while nothing does, so a long wait still shows the job is alive::

    run 1013: 0 of 10 results finished (0:00 elapsed)
    run 1013: 4 of 10 results finished (0:12 elapsed)

Use it as ``runs.wait``'s ``progress`` inside :meth:`WaitDisplay.ticking`, which runs the timer
of the refresh and of the heartbeat and stops it when the block ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TextIO

__all__ = ["WaitDisplay", "ci_mode", "format_elapsed", "wait_display"]

_FALSE = ("", "0", "false", "no", "off")


def ci_mode(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether to write plain lines: ``$CI`` is set (to anything but a false value) or
    ``stream`` is not a terminal."""
    if environ.get("CI", "").strip().lower() not in _FALSE:
        return True
    isatty = getattr(stream, "isatty", None)
    return not (callable(isatty) and isatty())


def format_elapsed(seconds: float) -> str:
    """``0:07``, ``12:34``, ``1:02:03``."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class WaitDisplay:
    """``display(done, total)`` shows progress; :meth:`close` ends the display.

    Args:
        stream: where to write (stderr).
        label: what is waited for (``"run 1013"``).
        plain: plain lines (CI) rather than a bar redrawn in place.
        clock: monotonic seconds, for the time elapsed.
        heartbeat: in plain mode, the seconds after which an unchanged count is written again.
    """

    def __init__(
        self,
        stream: TextIO,
        label: str,
        *,
        plain: bool,
        clock: Callable[[], float] = time.monotonic,
        heartbeat: float = 30.0,
    ) -> None:
        self._stream = stream
        self._label = label
        self.plain = plain
        self._clock = clock
        self._heartbeat = heartbeat
        self._started = clock()
        self._last_line = self._started
        self._counts: tuple[int, int | None] | None = None
        self._drawn = False
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        self._blocks = ("\u2588", "\u2591") if encoding == "utf8" else ("#", "-")

    @property
    def elapsed(self) -> float:
        """Seconds since the display was opened."""
        return self._clock() - self._started

    def __call__(self, done: int, total: int | None) -> None:
        changed = (done, total) != self._counts
        self._counts = (done, total)
        if self.plain:
            if changed:
                self._line()
        else:
            self._draw()

    def tick(self) -> None:
        """Called every second or so: redraw the bar's clock, or write the heartbeat line."""
        if self._counts is None:
            return
        if not self.plain:
            self._draw()
        elif self._clock() - self._last_line >= self._heartbeat:
            self._line()

    def close(self) -> None:
        """Erase the bar from the terminal (plain lines stay)."""
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False

    @contextlib.asynccontextmanager
    async def ticking(
        self, *, every: float = 1.0, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    ) -> AsyncIterator[WaitDisplay]:
        """Tick every ``every`` seconds while the block runs; close the display after it."""

        async def tick_forever() -> None:
            while True:
                await sleep(every)
                self.tick()

        task = asyncio.create_task(tick_forever())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.close()

    def _text(self) -> str:
        assert self._counts is not None
        done, total = self._counts
        of_total = "" if total is None else f" of {total}"
        return f"{done}{of_total} results finished ({format_elapsed(self.elapsed)} elapsed)"

    def _line(self) -> None:
        self._stream.write(f"{self._label}: {self._text()}\n")
        self._stream.flush()
        self._last_line = self._clock()

    def _draw(self) -> None:
        assert self._counts is not None
        done, total = self._counts
        columns = shutil.get_terminal_size((80, 24)).columns
        width = max(10, min(30, columns - len(self._label) - 45))
        filled = width if not total else min(width, round(width * done / total))
        full, empty = self._blocks
        bar = full * filled + empty * (width - filled)
        self._stream.write(f"\r\x1b[K{self._label} [{bar}] {self._text()}")
        self._stream.flush()
        self._drawn = True


def wait_display(
    stream: TextIO,
    label: str,
    environ: Mapping[str, str],
    *,
    clock: Callable[[], float] = time.monotonic,
    heartbeat: float = 30.0,
) -> WaitDisplay:
    """The display for waiting on ``label``: a bar on a terminal, plain lines in CI."""
    return WaitDisplay(
        stream, label, plain=ci_mode(stream, environ), clock=clock, heartbeat=heartbeat
    )
