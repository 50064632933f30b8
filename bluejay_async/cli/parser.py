"""The command line's argument parser: argparse, with errors in the command line's own words.

:class:`CliParser` reports a bad command line as every other error of the command line is
reported, one ``error: ...`` line on stderr and exit status 2, naming the flag or argument the
user typed (``--limit``, not ``max_items``; ``COMMAND``, not argparse's ``dest``). The value
types (:func:`positive_int`, :func:`int_in`, :func:`positive_float`) word their complaints to
follow the flag's name: ``--page-size must be in 1..100, got 500``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import NoReturn

__all__ = ["CliParser", "in_cli_words", "int_in", "positive_float", "positive_int"]


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    return int_in(1, None)(text)


def int_in(minimum: int, maximum: int | None) -> Callable[[str], int]:
    """An argparse type: a whole number in ``minimum..maximum`` (no upper bound if ``None``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
        if maximum is None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {value}")
        if maximum is not None and not minimum <= value <= maximum:
            raise argparse.ArgumentTypeError(f"must be in {minimum}..{maximum}, got {value}")
        return value

    return parse


def positive_float(text: str) -> float:
    """An argparse type: a finite number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


_ARGUMENT = re.compile(r"argument (?P<name>\S+?): (?P<rest>.*)", re.DOTALL)
_CHOICE = re.compile(r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)", re.DOTALL)
_TYPED = re.compile(r"invalid (?P<type>[\w ]+) value: (?P<value>.*)", re.DOTALL)
_TYPE_WORDS = {"int": "a whole number", "float": "a number"}


def _flag(name: str) -> str:
    """``-o/--out`` -> ``--out``: the long form of an option, or a positional's metavar."""
    return name.split("/")[-1]


def _choices(text: str) -> str:
    return ", ".join(choice.strip(" '\"") for choice in text.split(","))


def in_cli_words(message: str) -> str:
    """Reword one of argparse's error messages to lead with the flag or argument it is about."""
    if message.startswith("the following arguments are required: "):
        names = [_flag(n) for n in message.split(": ", 1)[1].split(", ")]
        return f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} required"
    if message.startswith("unrecognized arguments: "):
        return "unknown option or extra argument: " + message.split(": ", 1)[1]
    match = _ARGUMENT.fullmatch(message)
    if match is None:
        return message
    name, rest = _flag(match["name"]), match["rest"]
    if (choice := _CHOICE.fullmatch(rest)) is not None:
        choices, value = _choices(choice["choices"]), choice["value"]
        if name == "COMMAND":
            return f"unknown command {value}; choose from {choices}"
        return f"{name} must be one of {choices}, got {value}"
    if (typed := _TYPED.fullmatch(rest)) is not None:
        kind = _TYPE_WORDS.get(typed["type"], typed["type"])
        return f"{name} must be {kind}, got {typed['value']}"
    if rest == "expected one argument":
        return f"{name} needs a value"
    if rest.startswith("not allowed with argument "):
        other = _flag(rest.removeprefix("not allowed with argument "))
        return f"{name} and {other} cannot be used together"
    if rest.startswith("must "):
        return f"{name} {rest}"
    return f"{name}: {rest}"


class CliParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose errors read like the command line's others."""

    def error(self, message: str) -> NoReturn:
        """Print ``error: <message>; see PROG --help`` on stderr and exit with status 2."""
        sys.stderr.write(f"error: {in_cli_words(message)}; see {self.prog} --help\n")
        sys.exit(2)
