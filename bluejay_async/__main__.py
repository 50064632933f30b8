"""``python -m bluejay_async`` (also installed as ``bluejay-async``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bluejay_async.cli import add_commands, run_command
from bluejay_async.sandbox.cli import add_serve_arguments, run_serve


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser."""
    parser = argparse.ArgumentParser(
        prog="bluejay-async", description="Bluejay and Cognigy simulation tools."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(
        commands.add_parser("serve", help="serve the local sandbox of both APIs on one port")
    )
    demo = commands.add_parser("demo", help="run the whole SDK flow against the sandbox")
    demo.add_argument("--faults", action="store_true", help="inject a realistic fault mix")
    demo.add_argument("--runs", type=int, default=40, help="runs in the demo simulation")
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
