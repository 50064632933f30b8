"""``RunProgress``: a counter in place on a terminal, a few plain lines anywhere else."""

from __future__ import annotations

import io

from bluejay_async.demo_progress import RunProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_terminal_gets_one_counter_rewritten_in_place() -> None:
    out = Terminal()
    progress = RunProgress(out, "  ")
    for done in (0, 3, 7, 10):
        progress(done, 10)
    progress.close()

    text = out.getvalue()
    assert text == "".join(f"\r  {d}/10 calls finished\x1b[K" for d in (0, 3, 7, 10)) + "\n"
    assert text.count("\n") == 1


def test_elsewhere_lines_are_spaced_and_the_last_count_is_always_written() -> None:
    out, clock = io.StringIO(), Clock()
    progress = RunProgress(out, "> ", every=5.0, clock=clock)
    for now, done in ((0, 0), (1, 2), (4, 4), (5, 5), (6, 6), (9, 8), (10.5, 9), (11, 10)):
        clock.now = now
        progress(done, 10)
    progress.close()

    assert out.getvalue().splitlines() == [
        "> 0/10 calls finished",
        "> 5/10 calls finished",
        "> 9/10 calls finished",
        "> 10/10 calls finished",
    ]


def test_close_writes_a_count_that_the_spacing_skipped() -> None:
    out, clock = io.StringIO(), Clock()
    progress = RunProgress(out, every=5.0, clock=clock)
    progress(1, None)
    clock.now = 1.0
    progress(4, None)  # too soon for a line, and the total is unknown
    progress.close()

    assert out.getvalue().splitlines() == ["1 calls finished", "4 calls finished"]


def test_nothing_is_written_for_a_run_that_reported_nothing() -> None:
    for out in (io.StringIO(), Terminal()):
        RunProgress(out).close()
        assert out.getvalue() == ""
