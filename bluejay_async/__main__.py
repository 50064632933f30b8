"""``python -m bluejay_async`` (also installed as ``bluejay-async``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bluejay_async import __version__
from bluejay_async.cli import add_commands, run_command
from bluejay_async.cli.parser import CliParser, positive_int
from bluejay_async.sandbox.cli import add_serve_arguments, run_serve


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    parser = CliParser(
        prog="bluejay-async",
        description="Bluejay and Cognigy simulation tools: the SDK's commands and its sandbox.",
        epilog="Run 'bluejay-async COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, title="commands"
    )
    add_serve_arguments(
        commands.add_parser(
            "serve",
            help="serve the local sandbox of both APIs on one port",
            description=(
                "Serve a local sandbox of the Bluejay and Cognigy APIs on one port until Ctrl+C: "
                "Bluejay at /v1/..., Cognigy under /testing/..., with seeded data and optional "
                "fault injection. Point any client at the URLs it prints."
            ),
        )
    )
    demo = commands.add_parser(
        "demo",
        help="run the whole SDK flow against the sandbox",
        description=(
            "Start the sandbox in-process and run the whole SDK flow against it, no account "
            "needed: create a simulation, list its runs, fetch every run's results "
            "concurrently, enrich one result and read it back, and page through a Cognigy "
            "batch. Prints a summary; exits 1 if any run could not be fetched."
        ),
    )
    demo.add_argument(
        "--faults",
        action="store_true",
        help="inject a realistic fault mix (429s, 5xx pages, drops, cut-off bodies, latency)",
    )
    demo.add_argument(
        "--runs",
        type=positive_int,
        default=40,
        metavar="N",
        help="runs in the demo simulation (default: 40)",
    )
    add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "demo":
        import asyncio

        from bluejay_async.demo import run_demo

        return asyncio.run(run_demo(faults=args.faults, runs=args.runs))
    return run_command(args)


if __name__ == "__main__":
    sys.exit(main())
