"""The commands ``runs``, ``results``, ``cognigy runs`` and ``export``: their options and work.

Each command is a :data:`~bluejay_async.cli.runner.Handler`, attached to its subparser as
``handler`` and run by :func:`~bluejay_async.cli.runner.run_command`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from bluejay_async.cli.config import (
    Settings,
    bluejay_client,
    bluejay_options,
    cognigy_client,
    cognigy_options,
)
from bluejay_async.cli.export import run_export
from bluejay_async.cli.judge_options import add_judge_commands
from bluejay_async.cli.parser import int_in, positive_int

__all__ = ["add_commands", "list_cognigy_runs", "list_results", "list_runs"]


async def list_runs(args: argparse.Namespace, settings: Settings) -> int:
    """``runs SIMULATION_ID``: the simulation's runs."""
    from bluejay_async.cli.output import write_records
    from bluejay_async.cli.records import RUN_VIEW

    async with bluejay_client(settings) as bj:
        runs = await bj.runs.list(args.simulation_id)
    write_records(RUN_VIEW, runs, args.output_format, sys.stdout, sys.stderr)
    return 0


async def list_results(args: argparse.Namespace, settings: Settings) -> int:
    """``results RUN_ID``: every simulation result of the run."""
    from bluejay_async.cli.output import write_records
    from bluejay_async.cli.records import RESULT_VIEW, run_results, run_title

    async with bluejay_client(settings) as bj:
        results = await bj.results.retrieve(args.run_id)
    title = run_title(results.simulation_run)
    write_records(
        RESULT_VIEW, run_results(results), args.output_format, sys.stdout, sys.stderr, title=title
    )
    return 0


async def list_cognigy_runs(args: argparse.Namespace, settings: Settings) -> int:
    """``cognigy runs SIM_REF BATCH_REF --project P``: the batch's runs, every page."""
    from bluejay_async.cli.output import open_writer
    from bluejay_async.cli.records import COGNIGY_RUN_VIEW

    writer = open_writer(COGNIGY_RUN_VIEW, args.output_format, sys.stdout, sys.stderr)
    async with cognigy_client(settings) as cg:
        runs = cg.runs.iterate(
            args.simulation_ref,
            args.batch_ref,
            project_id=args.project,
            page_size=args.page_size,
            max_items=args.limit,
            filter=args.filter,
            sort=args.sort,
        )
        async for run in runs:
            writer.write(run)
    writer.close()
    return 0


class _OutputFormat(argparse.Action):
    """``--json`` / ``--jsonl``: one of them at most.

    Checked here rather than with an argparse mutually exclusive group, whose flags, copied
    from a parent parser, would leave the "output" group for the generic "options" one.
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        chosen = getattr(namespace, "output_flag", None)
        if chosen is not None and chosen != option_string:
            parser.error(f"argument {option_string}: not allowed with argument {chosen}")
        namespace.output_flag = option_string
        setattr(namespace, self.dest, self.const)


def _output_options() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("output (default: a table)")
    group.add_argument(
        "--json",
        dest="output_format",
        action=_OutputFormat,
        const="json",
        help="one JSON array of records",
    )
    group.add_argument(
        "--jsonl",
        dest="output_format",
        action=_OutputFormat,
        const="jsonl",
        help="one JSON record per line, printed as each arrives",
    )
    parser.set_defaults(output_format="table")
    return parser


def add_commands(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``runs``, ``results``, ``export`` and ``cognigy runs`` to ``commands``."""
    bluejay, cognigy, output = bluejay_options(), cognigy_options(), _output_options()

    runs = commands.add_parser(
        "runs",
        parents=[output, bluejay],
        help="list a simulation's runs",
        description="List the runs of a Bluejay simulation.",
    )
    runs.add_argument("simulation_id", metavar="SIMULATION_ID", help="the simulation's id")
    runs.set_defaults(handler=list_runs)

    results = commands.add_parser(
        "results",
        parents=[output, bluejay],
        help="list a run's simulation results",
        description="List the simulation results of one Bluejay run.",
    )
    results.add_argument("run_id", metavar="RUN_ID", help="the simulation run's id")
    results.set_defaults(handler=list_results)

    export = commands.add_parser(
        "export",
        parents=[bluejay],
        help="write every result of a simulation to a JSON lines file",
        description=(
            "Fetch the results of every run of a simulation concurrently and write one JSON "
            "line per simulation result, with its run_id and simulation_id. The file appears "
            "only when the export ends (it is written to OUT.part until then)."
        ),
    )
    export.add_argument("simulation_id", metavar="SIMULATION_ID", help="the simulation's id")
    export.add_argument("-o", "--out", required=True, metavar="FILE", help="the JSON lines file")
    export.add_argument(
        "--concurrency",
        type=positive_int,
        default=16,
        metavar="N",
        help="runs fetched at once at most (default: 16)",
    )
    export.add_argument(
        "--resume",
        action="store_true",
        help="keep the runs already in FILE (or in FILE.part) and fetch only the others",
    )
    export.set_defaults(handler=run_export)

    cognigy_command = commands.add_parser(
        "cognigy",
        help="Cognigy simulator commands",
        description="Commands of the Cognigy simulator (service testing) API.",
    )
    cognigy_commands = cognigy_command.add_subparsers(
        dest="cognigy_command", metavar="COMMAND", required=True, title="commands"
    )
    cognigy_runs = cognigy_commands.add_parser(
        "runs",
        parents=[output, cognigy],
        help="list the runs of a simulation batch",
        description="List the runs of a Cognigy simulation batch, following every page.",
    )
    cognigy_runs.add_argument("simulation_ref", metavar="SIM_REF", help="the simulation reference")
    cognigy_runs.add_argument("batch_ref", metavar="BATCH_REF", help="the batch reference")
    cognigy_runs.add_argument("--project", required=True, metavar="P", help="the project id")
    cognigy_runs.add_argument(
        "--limit", type=positive_int, metavar="N", help="stop after N runs (default: every run)"
    )
    cognigy_runs.add_argument(
        "--page-size",
        type=int_in(1, 100),
        default=100,
        metavar="N",
        help="runs per request, 1..100 (default: 100)",
    )
    cognigy_runs.add_argument("--filter", metavar="TEXT", help="the API's filter parameter")
    cognigy_runs.add_argument("--sort", metavar="SPEC", help="the API's sort parameter")
    cognigy_runs.set_defaults(handler=list_cognigy_runs)

    add_judge_commands(commands, cognigy_commands)
