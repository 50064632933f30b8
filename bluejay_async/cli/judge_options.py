"""The options of ``run``, ``gate``, ``compare`` and ``cognigy gate``, and what they build.

Threshold flags map one to one onto the fields of :class:`~bluejay_async.report.Thresholds`,
:class:`~bluejay_async.report.RegressionLimits` and
:class:`~cognigy_async.report.CognigyThresholds` (``--min-goal-success-rate`` is
``min_goal_success_rate``); the types are in :mod:`~bluejay_async.cli.flags`. The commands
themselves are in :mod:`~bluejay_async.cli.judge`, imported only when one of them runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bluejay_async.cli import flags
from bluejay_async.cli.config import Settings, bluejay_options, cognigy_options, positive_int
from bluejay_async.cli.errors import UsageError

if TYPE_CHECKING:
    # The report packages load the models and the client's polling (asyncio, aiohttp): they are
    # imported when a command builds its thresholds, not for ``--help``.
    from bluejay_async.report import RegressionLimits, Thresholds
    from cognigy_async.report import CognigyThresholds

__all__ = [
    "BLUEJAY_THRESHOLDS",
    "COGNIGY_THRESHOLDS",
    "REGRESSION_LIMITS",
    "add_judge_commands",
    "cognigy_thresholds_from",
    "regression_limits_from",
    "thresholds_from",
]

Flag = tuple[str, Callable[[str], Any], str, str]
"""``(field, type, metavar, help)``: the flag is ``--`` + the field with dashes."""

BLUEJAY_THRESHOLDS: tuple[Flag, ...] = (
    ("min_goal_success_rate", flags.rate, "RATE", "goal met / results with a goal verdict"),
    ("max_hallucination_rate", flags.rate, "RATE", "hallucinated / results with that verdict"),
    ("max_redundancy_rate", flags.rate, "RATE", "redundant / results with that verdict"),
    ("max_no_verdict_rate", flags.rate, "RATE", "results without a goal verdict / all results"),
    ("min_results", flags.count, "N", "results with a goal verdict"),
    ("max_p50_latency_ms", flags.milliseconds, "MS", "median of the per-result p95 latency"),
    ("max_p95_latency_ms", flags.milliseconds, "MS", "p95 of the per-result p95 latency"),
    ("max_mean_latency_ms", flags.milliseconds, "MS", "mean of the per-result average latency"),
    ("max_mean_call_duration_s", flags.duration, "DURATION", "mean call duration"),
    ("max_p95_call_duration_s", flags.duration, "DURATION", "p95 call duration"),
)
REGRESSION_LIMITS: tuple[Flag, ...] = (
    ("max_goal_success_drop", flags.rate, "RATE", "goal success rate, baseline minus now"),
    ("max_hallucination_rise", flags.rate, "RATE", "hallucination rate, now minus baseline"),
    ("max_redundancy_rise", flags.rate, "RATE", "redundancy rate, now minus baseline"),
    ("max_no_verdict_rise", flags.rate, "RATE", "share without a verdict, now minus baseline"),
    ("max_p95_latency_rise_ms", flags.milliseconds, "MS", "p95 latency, now minus baseline"),
    ("max_mean_latency_rise_ms", flags.milliseconds, "MS", "mean latency, now minus baseline"),
    ("max_mean_call_duration_rise_s", flags.duration, "DURATION", "mean call duration rise"),
    ("max_custom_metric_pass_rate_drop", flags.rate, "RATE", "each custom metric's pass rate"),
    ("max_flipped_to_missed", flags.count, "N", "results that went from goal met to missed"),
)
COGNIGY_THRESHOLDS: tuple[Flag, ...] = (
    ("min_success_rate", flags.rate, "RATE", "successful runs / runs with a success value"),
    ("max_error_rate", flags.rate, "RATE", "runs with status ERROR / runs with a status"),
    ("max_negative_sentiment_rate", flags.rate, "RATE", "negative / runs with a sentiment"),
    ("min_criteria_rate", flags.rate, "RATE", "success criteria met / evaluated"),
    ("min_runs", flags.count, "N", "runs with a success value"),
    ("max_mean_turns", flags.non_negative, "N", "mean turns per run"),
    ("max_mean_duration_s", flags.duration, "DURATION", "mean run duration"),
    ("max_p95_duration_s", flags.duration, "DURATION", "p95 run duration"),
)


def _flag(field: str) -> str:
    """``max_mean_call_duration_s`` -> ``--max-mean-call-duration`` (units go in the value)."""
    name = field.removesuffix("_s") if field.endswith(("duration_s", "rise_s")) else field
    return "--" + name.replace("_", "-")


def _add_flags(group: argparse._ArgumentGroup, table: tuple[Flag, ...]) -> None:
    for field, kind, metavar, text in table:
        group.add_argument(_flag(field), dest=field, type=kind, metavar=metavar, help=text)


def _picked(args: argparse.Namespace, table: tuple[Flag, ...]) -> dict[str, Any]:
    return {f: getattr(args, f) for f, *_ in table if getattr(args, f, None) is not None}


def thresholds_from(args: argparse.Namespace) -> Thresholds:
    """The :class:`~bluejay_async.report.Thresholds` the parsed flags set."""
    from bluejay_async.report import Thresholds

    fields = _picked(args, BLUEJAY_THRESHOLDS)
    every = [value for name, value in args.custom_pass_rates or () if name is None]
    if len(every) > 1:
        raise UsageError("--min-custom-metric-pass-rate without a NAME= is given twice")
    if every:
        fields["min_custom_metric_pass_rate"] = every[0]
    fields["min_custom_metric_pass_rates"] = {
        name: value for name, value in args.custom_pass_rates or () if name is not None
    }
    fields["min_custom_metric_mean_scores"] = dict(args.custom_mean_scores or ())
    return Thresholds(**fields)


def regression_limits_from(args: argparse.Namespace) -> RegressionLimits | None:
    """The :class:`~bluejay_async.report.RegressionLimits` the flags set (``None``: none)."""
    from bluejay_async.report import RegressionLimits

    fields = _picked(args, REGRESSION_LIMITS)
    return RegressionLimits(**fields) if fields else None


def cognigy_thresholds_from(args: argparse.Namespace) -> CognigyThresholds:
    """The :class:`~cognigy_async.report.CognigyThresholds` the parsed flags set."""
    from cognigy_async.report import CognigyThresholds

    return CognigyThresholds(**_picked(args, COGNIGY_THRESHOLDS))


def _bluejay_thresholds(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "thresholds (the gate fails when one is not met; rates as 0.9 or 90%)"
    )
    _add_flags(group, BLUEJAY_THRESHOLDS)
    group.add_argument(
        "--min-custom-metric-pass-rate",
        dest="custom_pass_rates",
        action="append",
        type=flags.named_rate,
        metavar="[NAME=]RATE",
        help="pass rate of every custom metric, or of the one named (repeatable)",
    )
    group.add_argument(
        "--min-custom-metric-mean-score",
        dest="custom_mean_scores",
        action="append",
        type=flags.named_score,
        metavar="NAME=SCORE",
        help="mean score of the custom metric named (repeatable)",
    )


def _regression_limits(parser: argparse.ArgumentParser, *, needs_baseline: bool) -> None:
    title = "regression limits (with --baseline)" if needs_baseline else "regression limits"
    _add_flags(parser.add_argument_group(title), REGRESSION_LIMITS)


def _reports(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "reports (Markdown is also appended to $GITHUB_STEP_SUMMARY when it is set)"
    )
    group.add_argument("--junit", metavar="FILE", help="write a JUnit XML report")
    group.add_argument("--markdown", metavar="FILE", help="write a Markdown summary")
    group.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    group.add_argument(
        "--json",
        action="store_true",
        help="print the summary, verdict and comparison as one JSON document on stdout",
    )


def _waiting(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("waiting for the run")
    group.add_argument(
        "--timeout",
        dest="wait_timeout",
        type=flags.wait_timeout,
        default=1800.0,
        metavar="DURATION",
        help="how long to wait for the run to finish, or 'none' (default: 30m)",
    )
    group.add_argument(
        "--poll-interval",
        type=flags.wait_interval,
        default=5.0,
        metavar="DURATION",
        help="first wait between reads of the run (default: 5s)",
    )
    group.add_argument(
        "--max-poll-interval",
        type=flags.wait_interval,
        metavar="DURATION",
        help="longest wait between reads, as they grow while nothing changes (default: 30s)",
    )
    group.add_argument(
        "--request-timeout",
        dest="timeout",
        type=flags.wait_interval,
        default=30.0,
        metavar="DURATION",
        help="time allowed for each request attempt (default: 30s)",
    )


def _sandbox_run(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("sandbox runs (with --sandbox)")
    group.add_argument(
        "--sandbox-run-seconds",
        type=flags.run_length,
        metavar="DURATION",
        help="how long a queued run takes in the sandbox (default: 30s; 0: at once; "
        "inf: never ends)",
    )
    group.add_argument(
        "--sandbox-goal-success-rate",
        type=flags.rate,
        metavar="RATE",
        help="probability that a queued call meets its goal in the sandbox (default: 80%%)",
    )


def _bluejay_parent() -> argparse.ArgumentParser:
    """Bluejay connection options, fresh for each command: the command's parser is built with
    ``conflict_handler="resolve"`` so that its ``--timeout`` (the wait) replaces the
    per-request one, which becomes ``--request-timeout``; resolving edits the parent's action."""
    return bluejay_options()


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bluejay_async.cli.judge import run_simulation

    return await run_simulation(args, settings)


async def _gate(args: argparse.Namespace, settings: Settings) -> int:
    from bluejay_async.cli.judge import gate_run

    return await gate_run(args, settings)


async def _compare(args: argparse.Namespace, settings: Settings) -> int:
    from bluejay_async.cli.judge import compare_runs

    return await compare_runs(args, settings)


async def _cognigy_gate(args: argparse.Namespace, settings: Settings) -> int:
    from bluejay_async.cli.judge import gate_cognigy_batch

    return await gate_cognigy_batch(args, settings)


_EXIT_STATUSES = (
    "exit status: 0 passed, 3 the gate failed (a threshold was not met or the agent regressed), "
    "1 an API or infrastructure failure (the run did not finish in time included), "
    "2 a usage or input error, 130 interrupted"
)


def add_judge_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    cognigy_commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``run``, ``gate`` and ``compare`` to ``commands``, ``gate`` to ``cognigy_commands``."""
    run = commands.add_parser(
        "run",
        parents=[_bluejay_parent()],
        conflict_handler="resolve",
        help="run a simulation, wait for it and gate it on thresholds",
        description=(
            "Queue a run of a simulation, wait for it with progress on stderr, summarize its "
            "results and gate them on the thresholds given (and on a baseline run)."
        ),
        epilog=_EXIT_STATUSES,
    )
    run.add_argument("simulation_id", metavar="SIMULATION_ID")
    run.add_argument(
        "--digital-human",
        dest="digital_human_ids",
        action="append",
        metavar="ID",
        help="call with this digital human (repeatable; default: the simulation's)",
    )
    run.add_argument(
        "--runs-per-digital-human",
        type=positive_int,
        metavar="N",
        help="calls per digital human (default: the simulation's setting)",
    )
    run.add_argument("--baseline", metavar="RUN_ID", help="compare with this earlier run")
    _bluejay_thresholds(run)
    _regression_limits(run, needs_baseline=True)
    _reports(run)
    _waiting(run)
    _sandbox_run(run)
    run.set_defaults(handler=_run)

    gate = commands.add_parser(
        "gate",
        parents=[_bluejay_parent()],
        conflict_handler="resolve",
        help="gate an existing run on thresholds (waits while it is running)",
        description=(
            "Summarize the results of an existing run and gate them on the thresholds given "
            "(and on a baseline run); a run still in progress is waited for."
        ),
        epilog=_EXIT_STATUSES,
    )
    gate.add_argument("run_id", metavar="RUN_ID")
    gate.add_argument("--baseline", metavar="RUN_ID", help="compare with this earlier run")
    _bluejay_thresholds(gate)
    _regression_limits(gate, needs_baseline=True)
    _reports(gate)
    _waiting(gate)
    gate.set_defaults(handler=_gate)

    compare = commands.add_parser(
        "compare",
        parents=[bluejay_options()],
        help="compare two runs: metric deltas and flipped results",
        description=(
            "Compare a candidate run with a baseline run: each metric in both, and the results "
            "whose goal verdict flipped. With regression limits, a regression exits 3."
        ),
        epilog=_EXIT_STATUSES,
    )
    compare.add_argument("baseline", metavar="BASELINE_RUN_ID")
    compare.add_argument("candidate", metavar="CANDIDATE_RUN_ID")
    _regression_limits(compare, needs_baseline=False)
    compare.add_argument(
        "--json", action="store_true", help="print the comparison as one JSON document"
    )
    compare.set_defaults(handler=_compare)

    cognigy_gate = cognigy_commands.add_parser(
        "gate",
        parents=[cognigy_options()],
        help="gate the runs of a simulation batch on thresholds",
        description="Summarize every run of a Cognigy simulation batch and gate it.",
        epilog=_EXIT_STATUSES,
    )
    cognigy_gate.add_argument("simulation_ref", metavar="SIMULATION_REF")
    cognigy_gate.add_argument("batch_ref", metavar="BATCH_REF")
    cognigy_gate.add_argument("--project", required=True, metavar="P", help="the project id")
    _add_flags(
        cognigy_gate.add_argument_group("thresholds (rates as 0.9 or 90%)"), COGNIGY_THRESHOLDS
    )
    _reports(cognigy_gate)
    cognigy_gate.set_defaults(handler=_cognigy_gate)
