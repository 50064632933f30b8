"""The wait display: a bar on a terminal, plain lines in CI, on a fake clock."""

from __future__ import annotations

import asyncio
import io

import pytest

from bluejay_async.cli.waiting import WaitDisplay, ci_mode, format_elapsed, wait_display


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("environ", "tty", "plain"),
    [
        ({}, True, False),
        ({"CI": "true"}, True, True),
        ({"CI": "1"}, True, True),
        ({"CI": "false"}, True, False),
        ({"CI": ""}, True, False),
        ({}, False, True),
        ({"CI": "0"}, False, True),
    ],
)
def test_ci_mode(environ: dict[str, str], tty: bool, plain: bool) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert ci_mode(stream, environ) is plain
    assert wait_display(stream, "run 1", environ).plain is plain


def test_format_elapsed() -> None:
    assert [format_elapsed(s) for s in (0, 7.9, 65, 3723, -1)] == [
        "0:00",
        "0:07",
        "1:05",
        "1:02:03",
        "0:00",
    ]


def test_plain_lines_when_the_count_changes_and_a_heartbeat_while_it_does_not() -> None:
    clock, stream = Clock(), io.StringIO()
    display = WaitDisplay(stream, "run 7", plain=True, clock=clock, heartbeat=30.0)

    display.tick()  # nothing known yet: nothing to say
    display(0, 10)
    clock.now += 12
    display(0, 10)  # unchanged: no line
    display(4, 10)
    clock.now += 29
    display.tick()  # 29 s since the last line: not yet
    clock.now += 1
    display.tick()
    display.close()

    assert stream.getvalue().splitlines() == [
        "run 7: 0 of 10 results finished (0:00 elapsed)",
        "run 7: 4 of 10 results finished (0:12 elapsed)",
        "run 7: 4 of 10 results finished (0:42 elapsed)",
    ]
    assert "\x1b" not in stream.getvalue()
    assert "\r" not in stream.getvalue()


def test_a_bar_redrawn_in_place_on_a_terminal_and_erased_at_the_end() -> None:
    clock, stream = Clock(), Terminal()
    display = WaitDisplay(stream, "run 7", plain=False, clock=clock)

    display(3, 10)
    clock.now += 65
    display.tick()
    drawn = stream.getvalue()
    display.close()

    frames = drawn.split("\r\x1b[K")[1:]
    assert len(frames) == 2
    assert all(f.startswith("run 7 [") and "3 of 10 results finished" in f for f in frames)
    assert frames[1].endswith("(1:05 elapsed)")
    bar = frames[0][len("run 7 [") : frames[0].index("]")]
    assert set(bar) <= {"#", "-"}  # StringIO has no encoding: ASCII blocks
    assert bar.count("#") == round(len(bar) * 3 / 10)
    assert stream.getvalue().endswith("\r\x1b[K")


async def test_ticking_refreshes_until_the_block_ends() -> None:
    clock, stream = Clock(), io.StringIO()
    display = WaitDisplay(stream, "run 7", plain=True, clock=clock, heartbeat=5.0)
    ticks = asyncio.Event()
    count = 0

    async def fake_sleep(seconds: float) -> None:
        nonlocal count
        await asyncio.sleep(0)
        clock.now += seconds
        count += 1
        if count == 12:
            ticks.set()

    async with display.ticking(every=1.0, sleep=fake_sleep):
        display(1, 2)
        await ticks.wait()
    stopped_at = count
    await asyncio.sleep(0)

    lines = stream.getvalue().splitlines()
    assert lines[0] == "run 7: 1 of 2 results finished (0:00 elapsed)"
    assert len(lines) >= 3  # heartbeats every 5 fake seconds
    assert all(line.startswith("run 7: 1 of 2 results finished (") for line in lines)
    assert count == stopped_at  # the ticker is gone
