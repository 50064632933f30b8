"""``serve``: run the sandbox as a standalone server until SIGINT/SIGTERM.

Wired into ``python -m bluejay_async serve`` elsewhere; ``python -m bluejay_async.sandbox.cli
serve ...`` works on its own. On start it prints, and flushes, three lines on stdout::

    bluejay: http://127.0.0.1:8080
    cognigy: http://127.0.0.1:8080/testing
    api-key: sandbox
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence

from .config import SandboxConfig
from .faults import FAULT_PRESETS


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``serve`` options to ``parser``."""
    defaults = SandboxConfig()
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="interface to bind (default: %(default)s)")
    add("--port", type=int, default=8080, help="port to bind, 0 for any free one (default: 8080)")
    add("--api-key", default=defaults.api_key, help="accepted API key (default: %(default)s)")
    add("--seed", type=int, default=defaults.seed, help="data and fault seed (default: 0)")
    add(
        "--simulations",
        type=int,
        default=defaults.simulations,
        help="seeded simulations, ids 1..N (default: %(default)s)",
    )
    add(
        "--runs-per-simulation",
        type=int,
        default=defaults.runs_per_simulation,
        help="runs of each seeded simulation (default: %(default)s)",
    )
    add(
        "--results-per-run",
        type=int,
        default=defaults.results_per_run,
        help="simulation results (calls) per run (default: %(default)s)",
    )
    add(
        "--cognigy-runs-per-batch",
        type=int,
        default=defaults.cognigy_runs_per_batch,
        help="runs in every Cognigy batch (default: %(default)s)",
    )
    add(
        "--cognigy-max-page-size",
        type=int,
        default=defaults.cognigy_max_page_size,
        help="most runs a Cognigy page holds, whatever limit asks (default: %(default)s)",
    )
    add(
        "--no-cognigy-cursors",
        dest="cognigy_cursors",
        action="store_false",
        help="offset paging only: Cognigy next/previous cursors are always null",
    )
    add("--latency", type=float, default=0.0, help="seconds added to every request (default: 0)")
    add(
        "--faults",
        default="none",
        choices=sorted(FAULT_PRESETS),
        help="fault preset to inject (default: none)",
    )
    add(
        "--run-seconds",
        type=_non_negative_seconds,
        default=defaults.run_seconds,
        help="seconds a queued run takes to complete, 0 for at once (default: %(default)g)",
    )
    add(
        "--goal-success-rate",
        type=_probability,
        default=defaults.goal_success_rate,
        help="probability that a queued call meets its goal (default: %(default)g)",
    )
    add("--warm", action="store_true", help="generate every results body before serving")


def _non_negative_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    """The :class:`SandboxConfig` that parsed ``serve`` options describe."""
    return SandboxConfig(
        seed=args.seed,
        simulations=args.simulations,
        runs_per_simulation=args.runs_per_simulation,
        results_per_run=args.results_per_run,
        cognigy_runs_per_batch=args.cognigy_runs_per_batch,
        cognigy_max_page_size=args.cognigy_max_page_size,
        cognigy_cursors=args.cognigy_cursors,
        api_key=args.api_key,
        latency=args.latency,
        faults=FAULT_PRESETS[args.faults],
        host=args.host,
        port=args.port,
        run_seconds=args.run_seconds,
        goal_success_rate=args.goal_success_rate,
        warm=args.warm,
    )


async def serve(args: argparse.Namespace) -> int:
    """Serve both APIs on one port until SIGINT or SIGTERM; returns the exit status."""
    import asyncio

    from .server import build_app, start_site  # aiohttp.web: not needed for ``--help``

    config = config_from_args(args)
    app, sandbox = build_app(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
            pass
    try:
        runner = await start_site(app, sandbox, config.host, config.port)
    except OSError as exc:
        print(f"error: cannot listen on {config.host}:{config.port}: {exc}", file=sys.stderr)
        return 1
    try:
        print(f"bluejay: {sandbox.bluejay_url}", flush=True)
        print(f"cognigy: {sandbox.cognigy_url}", flush=True)
        print(f"api-key: {sandbox.api_key}", flush=True)
        print(f"sandbox serving (faults: {args.faults}); Ctrl+C to stop", file=sys.stderr)
        await stop.wait()
    finally:
        await runner.cleanup()
        for sig in installed:
            loop.remove_signal_handler(sig)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Synchronous entry point: ``asyncio.run(serve(args))``, quiet on Ctrl+C."""
    import asyncio

    try:
        return asyncio.run(serve(args))
    except KeyboardInterrupt:  # pragma: no cover - only without signal handlers
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bluejay_async.sandbox.cli serve [options]``."""
    parser = argparse.ArgumentParser(prog="python -m bluejay_async.sandbox.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(commands.add_parser("serve", help="run the local sandbox server"))
    args = parser.parse_args(argv)
    return run_serve(args)


if __name__ == "__main__":
    sys.exit(main())
