"""The gate commands' flags: rates, durations, milliseconds, and what the parsed flags build."""

from __future__ import annotations

import argparse
import math
import re

import pytest

from bluejay_async.__main__ import build_parser
from bluejay_async.cli import flags
from bluejay_async.cli.config import resolve_settings
from bluejay_async.cli.errors import UsageError
from bluejay_async.cli.judge_options import (
    BLUEJAY_THRESHOLDS,
    COGNIGY_THRESHOLDS,
    REGRESSION_LIMITS,
    cognigy_thresholds_from,
    regression_limits_from,
    thresholds_from,
)
from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.report import RegressionLimits, Thresholds
from cognigy_async.report import CognigyThresholds


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.9", 0.9), ("90%", 0.9), (" 90 % ", 0.9), ("0", 0.0), ("1", 1.0), ("100%", 1.0),
     ("12.5%", 0.125), ("0%", 0.0)],
)  # fmt: skip
def test_rates_are_fractions_or_percentages(text: str, expected: float) -> None:
    assert flags.rate(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["90", "1.5", "-0.1", "101%", "-5%", "abc", "", "%", "nan"])
def test_a_rate_out_of_range_or_unreadable_is_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        flags.rate(text)


def test_a_bare_percentage_number_suggests_the_percent_sign() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r"did you mean 90%\?"):
        flags.rate("90")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90.0), ("5s", 5.0), ("30m", 1800.0), ("1h", 3600.0), ("1h30m", 5400.0),
     ("250ms", 0.25), ("1.5s", 1.5), ("2m 30s", 150.0), ("0", 0.0), ("0.05", 0.05)],
)  # fmt: skip
def test_durations_add_their_parts(text: str, seconds: float) -> None:
    assert flags.duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "m", "5x", "5 minutes", "-1", "s5", "5s x", "inf"])
def test_unreadable_durations_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        flags.duration(text)


def test_wait_durations_must_be_positive_and_a_timeout_can_be_none() -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        flags.wait_interval("0s")
    assert flags.wait_timeout("none") is None
    assert flags.wait_timeout("30m") == 1800.0
    assert flags.run_length("inf") == math.inf
    assert flags.run_length("0") == 0.0


def test_milliseconds_are_bare_numbers_or_durations() -> None:
    assert flags.milliseconds("2500") == 2500.0
    assert flags.milliseconds("2.5s") == pytest.approx(2500.0)
    assert flags.milliseconds("300ms") == pytest.approx(300.0)
    with pytest.raises(argparse.ArgumentTypeError):
        flags.milliseconds("-3")


def test_named_values() -> None:
    assert flags.named_rate("95%") == (None, 0.95)
    assert flags.named_rate("Policy compliance=0.9") == ("Policy compliance", 0.9)
    assert flags.named_rate("a=b=50%") == ("a=b", 0.5)
    assert flags.named_score("Empathy=70") == ("Empathy", 70.0)
    for bad in ("=0.9", "Empathy"):
        with pytest.raises(argparse.ArgumentTypeError):
            flags.named_score(bad)


def _parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def test_every_threshold_flag_sets_its_field() -> None:
    args = _parse(
        "gate", "7",
        "--min-goal-success-rate", "90%", "--max-hallucination-rate", "0.05",
        "--max-redundancy-rate", "10%", "--max-no-verdict-rate", "0.2", "--min-results", "8",
        "--max-p50-latency-ms", "1.2s", "--max-p95-latency-ms", "2500",
        "--max-mean-latency-ms", "900", "--max-mean-call-duration", "5m",
        "--max-p95-call-duration", "600",
        "--min-custom-metric-pass-rate", "80%",
        "--min-custom-metric-pass-rate", "Policy compliance=95%",
        "--min-custom-metric-mean-score", "Empathy=70",
    )  # fmt: skip

    assert thresholds_from(args) == Thresholds(
        min_goal_success_rate=0.9,
        max_hallucination_rate=0.05,
        max_redundancy_rate=0.1,
        max_no_verdict_rate=0.2,
        min_results=8,
        max_p50_latency_ms=1200.0,
        max_p95_latency_ms=2500.0,
        max_mean_latency_ms=900.0,
        max_mean_call_duration_s=300.0,
        max_p95_call_duration_s=600.0,
        min_custom_metric_pass_rate=0.8,
        min_custom_metric_pass_rates={"Policy compliance": 0.95},
        min_custom_metric_mean_scores={"Empathy": 70.0},
    )
    assert regression_limits_from(args) is None


def test_the_flag_tables_cover_every_field() -> None:
    import attrs

    bluejay = {f for f, *_ in BLUEJAY_THRESHOLDS} | {
        "min_custom_metric_pass_rate",
        "min_custom_metric_pass_rates",
        "min_custom_metric_mean_scores",
    }
    assert bluejay == {a.name for a in attrs.fields(Thresholds)}
    assert {f for f, *_ in REGRESSION_LIMITS} == {a.name for a in attrs.fields(RegressionLimits)}
    assert {f for f, *_ in COGNIGY_THRESHOLDS} == {a.name for a in attrs.fields(CognigyThresholds)}


def test_regression_limits_and_cognigy_thresholds() -> None:
    args = _parse(
        "run", "1", "--baseline", "5",
        "--max-goal-success-drop", "5%", "--max-p95-latency-rise-ms", "300",
        "--max-mean-call-duration-rise", "30s", "--max-flipped-to-missed", "0",
    )  # fmt: skip
    assert regression_limits_from(args) == RegressionLimits(
        max_goal_success_drop=0.05,
        max_p95_latency_rise_ms=300.0,
        max_mean_call_duration_rise_s=30.0,
        max_flipped_to_missed=0,
    )
    cognigy = _parse(
        "cognigy", "gate", "s", "b", "--project", "p",
        "--min-success-rate", "0.9", "--max-error-rate", "0%", "--min-runs", "10",
        "--max-mean-turns", "12", "--max-p95-duration", "2m",
    )  # fmt: skip
    assert cognigy_thresholds_from(cognigy) == CognigyThresholds(
        min_success_rate=0.9,
        max_error_rate=0.0,
        min_runs=10,
        max_mean_turns=12.0,
        max_p95_duration_s=120.0,
    )


def test_a_custom_metric_pass_rate_for_all_given_twice_is_a_usage_error() -> None:
    args = _parse(
        "gate", "7", "--min-custom-metric-pass-rate", "0.8", "--min-custom-metric-pass-rate", "0.9"
    )
    with pytest.raises(UsageError):
        thresholds_from(args)


def test_a_mean_score_threshold_is_validated_by_the_sdk() -> None:
    args = _parse("gate", "7", "--min-custom-metric-mean-score", "Empathy=70")
    args.custom_mean_scores = [("Empathy", -1.0)]  # what no flag can produce, the SDK refuses
    with pytest.raises(InvalidRequestError):
        thresholds_from(args)


def test_timeout_is_the_wait_and_request_timeout_the_attempt() -> None:
    args = _parse("run", "1", "--timeout", "45m", "--request-timeout", "10s")

    assert args.wait_timeout == 2700.0
    assert resolve_settings(args, {}).timeout == 10.0
    defaults = _parse("gate", "9")
    assert (defaults.wait_timeout, defaults.poll_interval, defaults.max_poll_interval) == (
        1800.0,
        5.0,
        None,
    )
    assert resolve_settings(defaults, {}).timeout == 30.0
    # The other commands keep --timeout as the per-request timeout.
    assert resolve_settings(_parse("runs", "1", "--timeout", "7"), {}).timeout == 7.0


def test_help_lists_one_timeout_per_command(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("run", "gate"):
        with pytest.raises(SystemExit):
            _parse(command, "--help")
        text = capsys.readouterr().out
        assert len(re.findall(r"^\s+--timeout DURATION", text, re.MULTILINE)) == 1
        assert "--timeout SECONDS" not in text
        assert "--request-timeout" in text
        assert "exit status: 0 passed, 3 the gate failed" in " ".join(text.split())


def test_sandbox_run_options_need_the_sandbox() -> None:
    args = _parse("run", "1", "--sandbox-run-seconds", "0")
    with pytest.raises(UsageError, match="--sandbox-run-seconds needs --sandbox"):
        resolve_settings(args, {})
    settings = resolve_settings(
        _parse("run", "1", "--sandbox", "--sandbox-run-seconds", "inf",
               "--sandbox-goal-success-rate", "40%"),
        {},
    )  # fmt: skip
    assert (settings.sandbox_run_seconds, settings.sandbox_goal_success_rate) == (math.inf, 0.4)


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "1", "--min-goal-success-rate", "90"],
        ["gate", "1", "--max-p95-latency-ms", "fast"],
        ["run", "1", "--timeout", "0"],
        ["compare", "1"],
        ["cognigy", "gate", "s", "b"],
    ],
)
def test_bad_flags_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        _parse(*argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err
