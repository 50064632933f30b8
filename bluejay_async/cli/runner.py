"""Run a command and turn how it ended into an exit status and, on failure, one stderr line.

==========  ==============================================================================
status      meaning
==========  ==============================================================================
0           done
1           the API failed (after retries), some runs of an export failed, or writing the
            output failed midway (a full disk)
2           the command cannot be carried out as given: bad or conflicting options, missing
            or malformed credentials, an unusable base URL, an invalid id, an ``--out`` file
            that cannot be created, a ``--resume`` file of something else (argparse's own
            usage errors exit 2 as well)
3           the gate failed: ``run``, ``gate``, ``cognigy gate`` found a threshold not met,
            or the agent regressed against ``--baseline`` (``compare``: a regression limit
            was exceeded); the run itself was read in full
130         interrupted (Ctrl+C)
==========  ==============================================================================

CI scripts tell a regression (3) from an outage (1): a run that did not finish within
``--timeout`` is 1, since nothing was judged.

API and input errors are reported as ``error: <message>``, never as a traceback; the SDK's
messages carry the status, the request and the trace id, and never a credential. A message
about an argument names it as the command line does (``SIMULATION_ID``, ``--project``), not
as the SDK does (``simulation_id``, ``project_id``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from bluejay_async.cli.config import Settings, resolve_settings
from bluejay_async.cli.errors import UsageError
from bluejay_async.core.errors import APIError, ConfigurationError, InvalidRequestError

__all__ = [
    "CLI_NAMES",
    "EXIT_FAILURE",
    "EXIT_GATE_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Handler",
    "run_command",
]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_GATE_FAILED = 3
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]
"""A command: takes the parsed arguments and the resolved settings, returns the exit status."""

CLI_NAMES = {
    "simulation_id": "SIMULATION_ID",
    "run_id": "RUN_ID",
    "simulation_ref": "SIM_REF",
    "batch_ref": "BATCH_REF",
    "project_id": "--project",
    "page_size": "--page-size",
    "max_items": "--limit",
    "filter": "--filter",
    "sort": "--sort",
    "concurrency": "--concurrency",
    "timeout": "--timeout",
}
"""The SDK's parameter names, as the command line's arguments and flags call them."""


def _in_cli_words(exc: InvalidRequestError) -> str:
    """The SDK's message about a bad argument, naming the argument as the command line does."""
    message = str(exc)
    name = CLI_NAMES.get(exc.param or "")
    if name is None or exc.param is None or not message.startswith(exc.param):
        return message
    return name + message[len(exc.param) :]


def _report(message: object) -> None:
    sys.stderr.write("error: " + " ".join(str(message).split()) + "\n")


def _describe_os_error(exc: OSError) -> str:
    if exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _log_requests() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    for name in ("bluejay_async", "cognigy_async"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)


def run_command(args: argparse.Namespace) -> int:
    """Run the command ``args.handler`` with its settings; returns the exit status."""
    import asyncio  # here, not at the top: ``--help`` does not need it

    handler: Handler = args.handler
    try:
        settings = resolve_settings(args)
        if getattr(args, "verbose", False):
            _log_requests()
        return asyncio.run(handler(args, settings))
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``| head``): nothing more to say, and nobody to say it to.
        _silence_stdout()
        return EXIT_FAILURE
    except InvalidRequestError as exc:
        _report(_in_cli_words(exc))
        return EXIT_USAGE
    except (UsageError, ConfigurationError) as exc:
        _report(exc)
        return EXIT_USAGE
    except APIError as exc:
        _report(exc)
        return EXIT_FAILURE
    except OSError as exc:
        _report(_describe_os_error(exc))
        return EXIT_FAILURE
