"""The command line's own error: a command that cannot be carried out as it was given."""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """Conflicting options or unusable input (exit status 2, like argparse's own errors)."""
