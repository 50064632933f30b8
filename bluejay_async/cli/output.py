"""Print records as a table (for people), a JSON array, or JSON lines (for ``jq`` and pandas).

A command describes its records once, as a :class:`View`: the table's columns and the
function that turns a record into its JSON form. :func:`open_writer` then gives the writer
for the chosen format; records are handed to it one at a time, so JSON lines stream out as
they arrive while a table waits for every row to size its columns.
"""

from __future__ import annotations

import enum
import shutil
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Generic, Literal, Protocol, TextIO, TypeVar

import attrs

from bluejay_async.core import codec as _codec

__all__ = [
    "Column",
    "OutputFormat",
    "RecordWriter",
    "View",
    "format_cell",
    "format_table",
    "iso_timestamp",
    "open_writer",
    "write_records",
]

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)

OutputFormat = Literal["table", "json", "jsonl"]
_ELLIPSIS = "…"


@attrs.frozen
class Column(Generic[T]):
    """One table column: its header and how to read its cell from a record."""

    header: str
    value: Callable[[T], object]
    align: Literal["left", "right"] = "left"
    max_width: int | None = None
    """Longer cells are cut to this many characters, ending with an ellipsis."""


@attrs.frozen
class View(Generic[T]):
    """How a command shows its records: table columns, JSON form, and what they are called."""

    columns: Sequence[Column[T]]
    to_json: Callable[[T], Any]
    noun: str
    """Plural name of the records, for the "no runs" line of an empty table."""


def iso_timestamp(value: datetime) -> str:
    """An ISO-8601 timestamp to the second; UTC is written ``Z``."""
    text = value.isoformat(timespec="seconds")
    return text[:-6] + "Z" if value.utcoffset() == timedelta(0) else text


def format_cell(value: object) -> str:
    """The text of one table cell: ``-`` for nothing, ``yes``/``no``, ISO timestamps, floats
    to one decimal, and any text on one line."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return iso_timestamp(value)
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, float):
        return f"{value:.1f}"
    return " ".join(str(value).split())


def _fit(text: str, max_width: int | None) -> str:
    if max_width is None or len(text) <= max_width:
        return text
    return text[: max(0, max_width - 1)] + _ELLIPSIS


def format_table(
    columns: Sequence[Column[T]], records: Iterable[T], *, width: int | None = None
) -> list[str]:
    """The lines of a table: a header, then one line per record, columns sized to content.

    With ``width`` (a terminal's), the columns that have a ``max_width`` are narrowed, last
    first, until a line fits in it (each keeps at least a few characters).
    """
    headers = [column.header for column in columns]
    rows = [[format_cell(column.value(record)) for column in columns] for record in records]
    widths = []
    for column, column_cells in zip(columns, zip(headers, *rows, strict=True), strict=True):
        longest = max(len(cell) for cell in column_cells)
        widths.append(longest if column.max_width is None else min(longest, column.max_width))
    if width is not None:
        _narrow(widths, columns, width)
    lines = []
    for cells in (headers, *rows):
        padded = [
            _pad(_fit(cell, size), size, column.align)
            for cell, size, column in zip(cells, widths, columns, strict=True)
        ]
        lines.append("  ".join(padded).rstrip())
    return lines


_MIN_FLEX_WIDTH = 12


def _narrow(widths: list[int], columns: Sequence[Column[T]], width: int) -> None:
    excess = sum(widths) + 2 * (len(widths) - 1) - width
    for index in reversed(range(len(columns))):
        if excess <= 0:
            return
        if columns[index].max_width is None:
            continue
        cut = min(excess, widths[index] - min(widths[index], _MIN_FLEX_WIDTH))
        widths[index] -= cut
        excess -= cut


def _pad(text: str, size: int, align: Literal["left", "right"]) -> str:
    return text.rjust(size) if align == "right" else text.ljust(size)


class RecordWriter(Protocol[T_contra]):
    """Takes records one at a time; :meth:`close` finishes the document."""

    def write(self, record: T_contra) -> None:
        """Print (or keep, for a table) one record."""

    def close(self) -> None:
        """Finish the output: print the table, or close the JSON array."""


def _json_line(data: Any) -> str:
    return _codec.dumps(data).decode()


class _TableWriter(Generic[T]):
    def __init__(self, view: View[T], stream: TextIO, err: TextIO, title: str | None) -> None:
        self._view = view
        self._stream = stream
        self._err = err
        self._title = title
        self._records: list[T] = []

    def write(self, record: T) -> None:
        self._records.append(record)

    def close(self) -> None:
        if self._title is not None:
            self._stream.write(self._title + "\n")
        if not self._records:
            self._err.write(f"no {self._view.noun}\n")
            return
        width = shutil.get_terminal_size().columns if self._stream.isatty() else None
        lines = format_table(self._view.columns, self._records, width=width)
        self._stream.write("\n".join(lines) + "\n")


class _JsonWriter(Generic[T]):
    def __init__(self, view: View[T], stream: TextIO) -> None:
        self._view = view
        self._stream = stream
        self._count = 0

    def write(self, record: T) -> None:
        prefix = "[\n" if self._count == 0 else ",\n"
        self._stream.write(prefix + _json_line(self._view.to_json(record)))
        self._count += 1

    def close(self) -> None:
        self._stream.write("[]\n" if self._count == 0 else "\n]\n")


class _JsonLinesWriter(Generic[T]):
    def __init__(self, view: View[T], stream: TextIO) -> None:
        self._view = view
        self._stream = stream

    def write(self, record: T) -> None:
        self._stream.write(_json_line(self._view.to_json(record)) + "\n")
        self._stream.flush()  # a consumer down the pipe sees each record as it arrives

    def close(self) -> None:
        self._stream.flush()


def open_writer(
    view: View[T],
    output_format: OutputFormat,
    stream: TextIO,
    err: TextIO,
    *,
    title: str | None = None,
) -> RecordWriter[T]:
    """The writer printing ``view``'s records to ``stream`` in ``output_format``.

    ``title`` is a line printed above a table (JSON output has none); an empty table prints
    "no <noun>" on ``err`` instead of a bare header.
    """
    if output_format == "json":
        return _JsonWriter(view, stream)
    if output_format == "jsonl":
        return _JsonLinesWriter(view, stream)
    return _TableWriter(view, stream, err, title)


def write_records(
    view: View[T],
    records: Iterable[T],
    output_format: OutputFormat,
    stream: TextIO,
    err: TextIO,
    *,
    title: str | None = None,
) -> None:
    """Print every record of ``records`` with :func:`open_writer`."""
    writer = open_writer(view, output_format, stream, err, title=title)
    for record in records:
        writer.write(record)
    writer.close()
