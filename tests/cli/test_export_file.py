"""The export file: written through ``.part``, renamed when done, resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bluejay_async.cli.errors import UsageError
from bluejay_async.cli.export_file import ExportFile
from bluejay_async.core import codec as _codec


def _records(run_id: int, count: int, simulation_id: int = 1) -> list[dict[str, Any]]:
    return [
        {"run_id": run_id, "simulation_id": simulation_id, "id": run_id * 10 + i}
        for i in range(count)
    ]


def _lines(records: list[dict[str, Any]]) -> bytes:
    return b"".join(_codec.dumps(r) + b"\n" for r in records)


def _read(path: Path) -> list[dict[str, Any]]:
    return [_codec.loads(line) for line in path.read_bytes().splitlines()]


def test_the_output_appears_only_when_committed(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_bytes(b"old\n")
    export = ExportFile(out)

    export.open(simulation_id="1", resume=False)
    export.write_run(_records(1, 2))
    export.write_run(_records(2, 1))

    assert out.read_bytes() == b"old\n"
    assert _read(export.partial) == _records(1, 2) + _records(2, 1)
    export.commit()
    assert _read(out) == _records(1, 2) + _records(2, 1)
    assert not export.partial.exists()
    assert (export.runs, export.results) == (2, 3)


def test_abandoning_keeps_a_partial_file_only_when_it_holds_runs(tmp_path: Path) -> None:
    empty, started = ExportFile(tmp_path / "a.jsonl"), ExportFile(tmp_path / "b.jsonl")
    empty.open(simulation_id="1", resume=False)
    started.open(simulation_id="1", resume=False)
    started.write_run(_records(1, 1))

    assert (empty.abandon(), started.abandon()) == (False, True)
    assert not empty.partial.exists()
    assert _read(started.partial) == _records(1, 1)


def test_resume_keeps_every_saved_run_but_the_last_of_the_partial_file(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_bytes(_lines(_records(1, 2) + _records(2, 2)))
    partial = tmp_path / "r.jsonl.part"
    cut = _codec.dumps(_records(5, 1)[0])[:-4]  # a line the interruption cut short
    partial.write_bytes(_lines(_records(2, 2) + _records(3, 2) + _records(4, 1)) + cut)
    export = ExportFile(out)

    export.open(simulation_id="1", resume=True)
    export.write_run(_records(4, 1))
    export.commit()

    assert export.carried_over == {"1", "2", "3"}
    assert _read(out) == _records(1, 2) + _records(2, 2) + _records(3, 2) + _records(4, 1)


def test_resume_accepts_a_finished_file_without_its_final_newline(tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.write_bytes(_lines(_records(1, 2)).rstrip(b"\n"))
    export = ExportFile(out)

    export.open(simulation_id="1", resume=True)
    export.commit()

    assert _read(out) == _records(1, 2)


def test_resume_without_any_saved_file_starts_afresh(tmp_path: Path) -> None:
    export = ExportFile(tmp_path / "r.jsonl")

    export.open(simulation_id="1", resume=True)
    export.commit()

    assert export.carried_over == set()
    assert export.path.read_bytes() == b""


def test_a_fresh_export_replaces_a_partial_file_and_says_so(tmp_path: Path) -> None:
    partial = tmp_path / "r.jsonl.part"
    partial.write_bytes(_lines(_records(1, 1)))
    export = ExportFile(tmp_path / "r.jsonl")

    export.open(simulation_id="1", resume=False)

    assert export.discarded_partial
    assert partial.read_bytes() == b""
    export.abandon()


@pytest.mark.parametrize(
    ("saved", "message"),
    [
        (_lines(_records(1, 1, simulation_id=2)), "holds results of simulation 2, not 1"),
        (b"not json\n", "r.jsonl:1: not a record written by export"),
        (b'{"id": 1}\n', "r.jsonl:1: not a record written by export"),
    ],
)
def test_resume_refuses_a_file_it_did_not_write(tmp_path: Path, saved: bytes, message: str) -> None:
    out = tmp_path / "r.jsonl"
    out.write_bytes(saved)
    export = ExportFile(out)

    with pytest.raises(UsageError, match=message):
        export.open(simulation_id="1", resume=True)

    assert out.read_bytes() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]
