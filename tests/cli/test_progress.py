"""The export's progress display: a bar or a counter on a terminal, nothing elsewhere."""

from __future__ import annotations

import io
import sys

import pytest

from bluejay_async.cli.progress import open_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = open_progress(stream, label="exporting", total=3)

    progress(1, 3)
    progress.close()

    assert stream.getvalue() == ""


def test_a_counter_without_the_cli_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # makes ``import tqdm`` fail
    stream = Terminal()
    progress = open_progress(stream, label="exporting", total=3)

    progress(1, 3)
    progress(2, 3)
    shown = stream.getvalue()
    progress.close()

    assert shown == "\rexporting: 1/3\rexporting: 2/3"
    assert stream.getvalue().endswith("\r\x1b[K")


def test_a_bar_with_the_cli_extra() -> None:
    pytest.importorskip("tqdm")
    stream = Terminal()
    progress = open_progress(stream, label="exporting", total=4)

    progress(3, 4)

    assert "exporting:" in stream.getvalue()
    assert progress.bar.n == 3  # type: ignore[attr-defined]
    progress.close()
