"""Progress of a long command on stderr, only when stderr is a terminal.

With the ``cli`` extra installed (tqdm) it is a progress bar; without it, a counter rewritten
in place. When stderr is not a terminal (a log file, CI) nothing is drawn: the command's final
summary line says how much was done.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, TextIO

__all__ = ["Progress", "open_progress"]


class Progress(Protocol):
    """Called as ``progress(done, total)`` after each item; :meth:`close` clears the display."""

    def __call__(self, done: int, total: int | None) -> None:
        """Show that ``done`` of ``total`` items are finished."""

    def close(self) -> None:
        """Remove the display from the terminal."""


class _Silent:
    def __call__(self, done: int, total: int | None) -> None:
        pass

    def close(self) -> None:
        pass


class _Counter:
    """``label: done/total`` rewritten in place on the terminal."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self._stream = stream
        self._label = label
        self._shown = False

    def __call__(self, done: int, total: int | None) -> None:
        of_total = "" if total is None else f"/{total}"
        self._stream.write(f"\r{self._label}: {done}{of_total}")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[K")  # back to the line start, then erase it
            self._stream.flush()


class _Bar:
    """A tqdm progress bar (``bar``), redrawn at most ten times a second by tqdm."""

    def __init__(self, tqdm: Any, stream: TextIO, label: str, total: int) -> None:
        self.bar = tqdm(total=total, desc=label, unit="run", file=stream, leave=False)

    def __call__(self, done: int, total: int | None) -> None:
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def _tqdm_class() -> Any:
    try:
        return importlib.import_module("tqdm").tqdm
    except ImportError:
        return None


def open_progress(stream: TextIO, *, label: str, total: int) -> Progress:
    """The progress display for ``total`` items on ``stream`` (nothing unless it is a TTY)."""
    if not stream.isatty() or total == 0:
        return _Silent()
    tqdm = _tqdm_class()
    if tqdm is None:
        return _Counter(stream, label)
    return _Bar(tqdm, stream, label, total)
