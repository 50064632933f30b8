"""The adaptive window on its own, with a fake clock: AIMD, epochs, the measured rate, pacing."""

from __future__ import annotations

import logging

import pytest

from bluejay_async.core.adaptive import AdaptiveWindow, is_throttle
from bluejay_async.errors import InvalidRequestError, NotFoundError, RateLimitError, ServerError


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def throttle_wave(window: AdaptiveWindow, requests: int) -> None:
    """Send ``requests`` at once and have them all refused, as a limited server does."""
    for epoch in [window.on_send() for _ in range(requests)]:
        window.on_throttle(epoch)


def status_error(cls: type, status: int, headers: dict[str, str] | None = None) -> ServerError:
    return cls(f"{status}", status_code=status, method="GET", url="u", headers=headers or {})  # type: ignore[no-any-return]


@pytest.mark.parametrize("ceiling", [0, -1, 1.5, True, "4", None])
def test_a_bad_ceiling_is_refused(ceiling: object) -> None:
    with pytest.raises(InvalidRequestError, match="concurrency") as caught:
        AdaptiveWindow(ceiling)  # type: ignore[arg-type]
    assert caught.value.param == "concurrency"


def test_throttles_are_429_and_503_with_retry_after_only() -> None:
    assert is_throttle(status_error(RateLimitError, 429))
    assert is_throttle(status_error(ServerError, 503, {"Retry-After": "1"}))
    assert not is_throttle(status_error(ServerError, 503))
    assert not is_throttle(status_error(ServerError, 500, {"Retry-After": "1"}))
    assert not is_throttle(status_error(NotFoundError, 404))
    assert not is_throttle(ValueError("x"))


def test_a_fresh_window_is_full_and_unpaced() -> None:
    window = AdaptiveWindow(16)
    assert window.limit == 16
    assert window.rate is None
    assert window.send_delay() == 0.0


def test_a_throttle_halves_the_window_once_per_epoch() -> None:
    window = AdaptiveWindow(32, clock=FakeClock())
    epochs = [window.on_send() for _ in range(32)]
    assert set(epochs) == {0}
    for epoch in epochs:  # the whole first wave comes back throttled
        window.on_throttle(epoch)
    assert window.limit == 16
    assert (window.throttles, window.decreases, window.epoch) == (32, 1, 1)
    window.on_throttle(window.on_send())  # a request sent after the decrease decreases again
    assert window.limit == 8
    assert window.decreases == 2


def test_the_window_never_drops_below_one() -> None:
    window = AdaptiveWindow(2, clock=FakeClock())
    for _ in range(5):
        throttle_wave(window, 25)
    assert window.limit == 1


def test_successes_grow_the_window_by_one_per_window_up_to_the_ceiling() -> None:
    window = AdaptiveWindow(8, clock=FakeClock())
    throttle_wave(window, 25)
    assert window.limit == 4
    for _ in range(5):  # 1/4 + 1/4.25 + ...: one more slot per window's worth of successes
        window.on_success()
    assert window.limit == 5
    for _ in range(100):
        window.on_success()
    assert window.limit == 8


def test_a_throttle_paces_just_below_the_rate_the_server_accepted() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, clock=clock)
    window.on_send()  # the fetch starts: the accepted rate is measured from here
    for _ in range(200):  # 200 successes over the last second: the server accepts 200/s
        clock.now += 0.005
        window.on_send()
        window.on_success()
    throttle_wave(window, 80)
    assert window.rate == pytest.approx(180.0)
    assert window.send_delay() == 0.0
    window.on_send()
    assert window.send_delay() == pytest.approx(1 / 180, rel=0.01)
    window.on_send()
    assert window.send_delay() == pytest.approx(2 / 180, rel=0.01)


def test_pacing_spaces_requests_at_the_rate() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, recovery=100.0, clock=clock)  # a flat cubic: a steady 90/s
    window.on_send()  # the fetch starts: the accepted rate is measured from here
    for _ in range(100):
        clock.now += 0.01
        window.on_success()
    throttle_wave(window, 40)
    started = 0
    for _ in range(2000):  # one simulated second, in 0.5 ms steps
        clock.now += 0.0005
        while window.send_delay() == 0.0:
            window.on_send()
            started += 1
    assert 89 <= started <= 91


def test_the_rate_recovers_along_a_cubic_and_then_probes_upwards() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, recovery=1.5, clock=clock)
    window.on_send()  # the fetch starts: the accepted rate is measured from here
    for _ in range(100):
        clock.now += 0.01
        window.on_success()
    throttle_wave(window, 40)
    rates: list[float] = []
    for _ in range(6):
        rates.append(window.rate or 0.0)
        clock.now += 1.5
    assert rates[0] == pytest.approx(90.0)
    assert rates[1] == pytest.approx(100.0)
    assert rates[2] == pytest.approx(110.0)
    assert rates == sorted(rates)
    assert rates[5] is not None
    assert rates[5] > 200


def test_old_successes_do_not_count_towards_the_accepted_rate() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, rate_span=1.0, clock=clock)
    window.on_send()  # the fetch starts: the accepted rate is measured from here
    for _ in range(100):
        window.on_success()
    clock.now += 5.0
    for _ in range(10):
        window.on_success()
    throttle_wave(window, 15)
    assert window.rate == pytest.approx(9.0)


def test_a_throttle_before_any_success_only_shrinks_the_window() -> None:
    window = AdaptiveWindow(8, clock=FakeClock())
    throttle_wave(window, 25)
    assert window.limit == 4
    assert window.rate is None


def test_throttles_with_nothing_getting_through_halve_the_rate() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(8, rate_span=1.0, clock=clock)
    window.on_send()  # the fetch starts: the accepted rate is measured from here
    for _ in range(40):  # 40/s over the first second
        clock.now += 0.025
        window.on_success()
    throttle_wave(window, 20)
    assert window.rate == pytest.approx(36.0)
    clock.now += 2.0  # nothing succeeded in the last second
    rate_before = window.rate
    assert rate_before is not None
    throttle_wave(window, 25)
    assert window.rate == pytest.approx(rate_before * 0.5 * 0.9)


def test_a_fixed_window_counts_but_never_adapts() -> None:
    window = AdaptiveWindow(8, adaptive=False, clock=FakeClock())
    for _ in range(10):
        window.on_success()
        window.on_throttle(window.on_send())
    assert window.limit == 8
    assert window.rate is None
    assert (window.sent, window.throttles, window.decreases) == (10, 10, 0)


def test_an_early_throttle_measures_the_rate_over_a_whole_second() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, rate_span=1.0, clock=clock)
    for _ in range(60):  # 200/s for 0.3 s: the bucket's burst, not its rate
        clock.now += 0.005
        window.on_success()
    throttle_wave(window, 30)
    assert window.rate == pytest.approx(54.0)  # 60 accepted in the last second, less a tenth


def test_a_few_answers_are_too_few_to_show_a_limit() -> None:
    window = AdaptiveWindow(8, clock=FakeClock())
    throttle_wave(window, 19)
    assert (window.limit, window.decreases, window.throttles) == (8, 0, 19)
    throttle_wave(window, 1)
    assert window.limit == 4


def test_a_few_throttles_among_many_answers_are_noise() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, clock=clock)
    for _ in range(10):
        for _ in range(19):
            clock.now += 0.005
            window.on_success()
        window.on_throttle(window.on_send())  # one 429 in twenty
    assert (window.limit, window.rate, window.decreases) == (32, None, 0)
    assert window.throttles == 10


def test_throttles_while_recovering_shrink_the_window_but_not_the_rate_again() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, recovery=1.5, clock=clock)
    window.on_send()
    for _ in range(100):
        clock.now += 0.01
        window.on_success()
    throttle_wave(window, 40)
    rate, limit = window.rate, window.limit
    clock.now += 0.5
    throttle_wave(window, 20)  # the limit pushes back while the rate climbs
    assert rate is not None
    assert window.rate is not None
    assert window.rate >= rate  # the cubic kept climbing; no second cut
    assert window.limit == limit // 2
    assert window.decreases == 2


def test_a_key_throttled_again_never_decreases() -> None:
    window = AdaptiveWindow(8, clock=FakeClock())
    for _ in range(40):
        window.on_throttle(window.on_send(), repeat=True)  # a few keys refused again and again
    assert (window.limit, window.rate, window.decreases, window.throttles) == (8, None, 0, 40)


def test_each_change_of_the_send_rate_is_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, clock=clock)
    caplog.set_level(logging.DEBUG, logger="bluejay_async.bulk")
    for _ in range(100):
        clock.now += 0.01
        window.on_success()
    throttle_wave(window, 40)
    assert [r.getMessage() for r in caplog.records] == [
        "bulk send rate unpaced -> 90.0 req/s (accepted 100.0 req/s); window 32 -> 16"
    ]
    caplog.clear()
    # The keys go on being refused as often while we send below that rate: not a limit.
    epoch = window.epoch
    for _ in range(20):
        clock.now += 0.05
        window.on_success(epoch)
        window.on_throttle(epoch, repeat=True)
    clock.now += 1.0
    window.on_success(epoch)
    assert window.rate is None
    assert [r.getMessage() for r in caplog.records] == [
        "bulk send rate 100.4 req/s -> unpaced: 50% of answers were throttles while sending "
        "below the accepted rate, so they are not about the rate"
    ]
    assert all(
        r.levelno == logging.DEBUG and r.name == "bluejay_async.bulk" for r in caplog.records
    )


def test_answers_to_requests_sent_before_the_cut_do_not_judge_it() -> None:
    clock = FakeClock()
    window = AdaptiveWindow(32, clock=clock)
    for _ in range(100):
        clock.now += 0.01
        window.on_success()
    stale = window.on_send()
    throttle_wave(window, 40)
    for _ in range(30):  # the wave in flight at the cut comes back refused: old news
        window.on_throttle(stale, repeat=True)
    for _ in range(140):
        clock.now += 0.01
        window.on_success(window.on_send())
    assert window.rate is not None
