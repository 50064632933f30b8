"""The ``bluejay-async`` command line (also ``python -m bluejay_async``), on the public SDK.

``runs``, ``results`` and ``cognigy runs`` print a table, or JSON with ``--json`` /
``--jsonl``; ``export`` writes every result of a simulation to a JSON lines file. Modules:
:mod:`~.config` (flags, then environment, or ``--sandbox``), :mod:`~.output` (table, JSON,
JSON lines), :mod:`~.records` (what each command prints), :mod:`~.commands`,
:mod:`~.export` and :mod:`~.export_file`, :mod:`~.progress`, and :mod:`~.runner` (exit
statuses and one-line errors).
"""

from bluejay_async.cli.commands import add_commands
from bluejay_async.cli.runner import run_command

__all__ = ["add_commands", "run_command"]
