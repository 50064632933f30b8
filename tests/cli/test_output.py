"""Table, JSON and JSON lines output."""

from __future__ import annotations

import enum
import io
from datetime import datetime, timedelta, timezone

import attrs

from bluejay_async.cli.output import (
    Column,
    View,
    format_cell,
    format_table,
    iso_timestamp,
    open_writer,
    write_records,
)
from bluejay_async.core import codec as _codec


@attrs.frozen
class Row:
    name: str
    count: int | None
    note: str = ""


VIEW: View[Row] = View(
    columns=[
        Column("NAME", lambda r: r.name),
        Column("COUNT", lambda r: r.count, "right"),
        Column("NOTE", lambda r: r.note, max_width=10),
    ],
    to_json=attrs.asdict,
    noun="rows",
)
ROWS = [Row("alpha", 3, "short"), Row("b", None, "a note much longer than ten"), Row("gamma", 1200)]


class Colour(str, enum.Enum):
    RED = "red"


def test_a_table_sizes_each_column_to_its_longest_cell() -> None:
    lines = format_table(VIEW.columns, ROWS)

    assert lines == [
        "NAME   COUNT  NOTE",
        "alpha      3  short",
        "b          -  a note mu…",
        "gamma   1200",
    ]


def test_a_terminal_width_narrows_the_columns_that_may_be_cut() -> None:
    wide = [Row("x", 1, "n" * 40)]
    view_columns = [*VIEW.columns[:2], Column("NOTE", lambda r: r.note, max_width=40)]

    lines = format_table(view_columns, wide, width=30)

    assert max(len(line) for line in lines) == 30
    assert lines[1].endswith("n…")


def test_cells_read_as_text() -> None:
    aware = datetime(2025, 3, 3, 18, 59, 15, 123456, tzinfo=timezone.utc)
    offset = aware.astimezone(timezone(timedelta(hours=2)))

    assert [format_cell(v) for v in (None, True, False, 2.25, Colour.RED, "a\nb  c")] == [
        "-",
        "yes",
        "no",
        "2.2",
        "red",
        "a b c",
    ]
    assert format_cell(aware) == iso_timestamp(aware) == "2025-03-03T18:59:15Z"
    assert iso_timestamp(offset) == "2025-03-03T20:59:15+02:00"


def test_json_is_one_array_and_jsonl_one_record_per_line() -> None:
    as_json, as_lines, err = io.StringIO(), io.StringIO(), io.StringIO()

    write_records(VIEW, ROWS, "json", as_json, err)
    write_records(VIEW, ROWS, "jsonl", as_lines, err)

    expected = [attrs.asdict(row) for row in ROWS]
    assert _codec.loads(as_json.getvalue()) == expected
    assert [_codec.loads(line) for line in as_lines.getvalue().splitlines()] == expected
    assert err.getvalue() == ""


def test_jsonl_prints_each_record_as_it_arrives() -> None:
    out = io.StringIO()
    writer = open_writer(VIEW, "jsonl", out, io.StringIO())

    writer.write(ROWS[0])

    assert _codec.loads(out.getvalue()) == attrs.asdict(ROWS[0])


def test_no_records() -> None:
    outputs = {name: (io.StringIO(), io.StringIO()) for name in ("table", "json", "jsonl")}

    for name, (out, err) in outputs.items():
        write_records(VIEW, [], name, out, err, title="title")  # type: ignore[arg-type]

    assert outputs["json"][0].getvalue() == "[]\n"
    assert outputs["jsonl"][0].getvalue() == ""
    assert outputs["table"][0].getvalue() == "title\n"
    assert outputs["table"][1].getvalue() == "no rows\n"
