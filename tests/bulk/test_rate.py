"""The send-rate calculator on its own: a pure function of answers and the times they came."""

from __future__ import annotations

import pytest

from bluejay_async.core.rate import MIN_RATE, RateCalculator

START = 100.0


def answers(
    calc: RateCalculator,
    *,
    at: float,
    successes: int = 0,
    throttles: int = 0,
    over: float = 0.0,
    repeat: bool = False,
    since_cut: bool = True,
) -> float:
    """Feed answers spread evenly over ``over`` seconds from ``at``; returns the time after."""
    total = successes + throttles
    step = over / total if total else 0.0
    now = at
    for i in range(total):
        if i < successes:
            calc.success(now, since_cut=since_cut)
        else:
            calc.throttle(now, repeat=repeat, since_cut=since_cut)
        now += step
    return now


def limited_calculator(accepted: int = 100) -> tuple[RateCalculator, float]:
    """A calculator that has just cut its rate after ``accepted`` successes in a second."""
    calc = RateCalculator(span=1.0, recovery=1.5)
    now = answers(calc, at=START, successes=accepted, over=1.0)
    now = answers(calc, at=now, throttles=accepted // 2)
    assert calc.limited(now)
    calc.cut(now)
    return calc, now


def test_a_fresh_calculator_is_unpaced() -> None:
    calc = RateCalculator()
    assert calc.rate(START) is None
    assert not calc.recovering(START)
    assert not calc.limited(START)


def test_a_few_answers_are_too_few_to_show_a_limit() -> None:
    calc = RateCalculator()
    answers(calc, at=START, throttles=19)
    assert not calc.limited(START)
    calc.throttle(START)
    assert calc.limited(START)


@pytest.mark.parametrize(("throttles", "limited"), [(6, False), (7, True)])
def test_until_a_limit_is_known_a_quarter_of_the_answers_must_be_throttles(
    throttles: int, limited: bool
) -> None:
    calc = RateCalculator()
    answers(calc, at=START, successes=20, throttles=throttles)  # 6/26 < 25% < 7/27
    assert calc.limited(START) is limited


def test_once_a_limit_is_known_a_tenth_is_enough() -> None:
    calc, now = limited_calculator()
    later = now + 10.0  # long after the trial: the pacing stands
    answers(calc, at=later, successes=45, throttles=5)
    assert not calc.limited(later)  # 5 of 50: a tenth is still noise
    calc.throttle(later)
    assert calc.limited(later)


def test_a_cut_paces_just_below_the_accepted_rate_and_climbs_back_along_a_cubic() -> None:
    calc, now = limited_calculator(accepted=200)
    assert calc.accepted == pytest.approx(200.0, abs=1.0)
    accepted = calc.accepted
    assert accepted is not None
    assert calc.rate(now) == pytest.approx(0.9 * accepted)
    assert calc.rate(now + 1.5) == pytest.approx(accepted)
    assert calc.rate(now + 3.0) == pytest.approx(1.1 * accepted)
    rates = [calc.rate(now + 0.5 * i) or 0.0 for i in range(13)]
    assert rates == sorted(rates)


def test_a_young_fetch_measures_the_accepted_rate_over_the_whole_span() -> None:
    calc = RateCalculator(span=1.0)
    now = answers(calc, at=START, successes=60, over=0.3)  # a burst, not the rate
    answers(calc, at=now, throttles=30)
    calc.cut(now)
    assert calc.accepted == 60.0


def test_with_nothing_getting_through_the_rate_halves() -> None:
    calc, now = limited_calculator(accepted=40)
    later = now + 5.0  # no success in the last second
    rate = calc.rate(later)
    assert rate is not None
    answers(calc, at=later, throttles=25)
    calc.cut(later)
    assert calc.accepted == pytest.approx(rate * 0.5)


def test_the_rate_never_drops_below_one_request_per_second() -> None:
    calc, now = limited_calculator(accepted=20)
    for _ in range(20):
        now += 1.1  # nothing got through in the last second: each cut halves the rate
        answers(calc, at=now, throttles=25)
        calc.cut(now)
    assert calc.accepted == MIN_RATE


def test_a_cut_before_anything_was_accepted_sets_no_rate() -> None:
    calc = RateCalculator()
    answers(calc, at=START, throttles=25)
    assert calc.cut(START) is None
    assert calc.rate(START) is None


def test_the_rate_is_recovering_only_while_paced_and_climbing_back() -> None:
    calc, now = limited_calculator()
    assert calc.recovering(now)
    assert calc.recovering(now + 1.4)
    assert not calc.recovering(now + 1.6)


def test_a_key_throttled_again_does_not_count_towards_a_limit() -> None:
    calc = RateCalculator()
    answers(calc, at=START, successes=18, throttles=2)  # 2 keys refused: a tenth, noise
    answers(calc, at=START, throttles=50, repeat=True)  # the same two keys, again and again
    assert not calc.limited(START)


def test_a_cut_that_stops_the_throttles_stands() -> None:
    """A rate limit: once we send below what it accepts, it stops refusing."""
    calc, now = limited_calculator()
    end = answers(calc, at=now, successes=140, throttles=2, over=1.4)
    calc.success(end + 0.2)  # past the recovery: the trial is judged
    assert calc.rate(end + 0.2) is not None
    assert calc.floor == 0.0


def test_a_cut_that_does_not_stop_the_throttles_is_undone() -> None:
    """Keys refused for good: refused as often at any rate, so slowing down is no use."""
    calc, now = limited_calculator()
    end = answers(calc, at=now, successes=10, throttles=10, over=1.4, repeat=True)
    calc.success(end + 0.2)
    assert calc.rate(end + 0.2) is None  # unpaced again
    assert calc.floor == pytest.approx(0.5)
    # From now on a limit shows only above that floor.
    later = end + 5.0
    answers(calc, at=later, successes=50, throttles=50)
    assert not calc.limited(later)
    answers(calc, at=later, throttles=30)
    assert calc.limited(later)


def test_answers_to_requests_sent_before_the_cut_are_not_part_of_its_trial() -> None:
    calc, now = limited_calculator()
    answers(calc, at=now, throttles=30, since_cut=False)  # the wave that was in flight
    end = answers(calc, at=now + 0.1, successes=100, over=1.3)
    calc.success(end + 0.2)
    assert calc.rate(end + 0.2) is not None


def test_a_trial_with_too_few_answers_decides_nothing() -> None:
    calc, now = limited_calculator()
    end = answers(calc, at=now, throttles=9, over=1.4, repeat=True)
    calc.success(end + 0.2)
    assert calc.rate(end + 0.2) is not None
