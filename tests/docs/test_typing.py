"""Type checkers narrow a bulk outcome on ``.ok`` (or ``isinstance``), as the docs say."""

from __future__ import annotations

from pathlib import Path

from tests.scripts import mypy_strict

_PRELUDE = """
from bluejay_async import BluejayClient, Failure, Success


async def count(bj: BluejayClient) -> int:
    total = 0
    async for item in bj.results.retrieve_many([1, 2, 3]):
"""

_BODIES = {
    "narrowed_by_ok": """
        if item.ok:
            total += len(item.value.simulation_results)
        else:
            print(item.error.args)
    return total
""",
    "narrowed_by_isinstance": """
        if isinstance(item, Success):
            total += len(item.value.simulation_results)
        elif isinstance(item, Failure):
            print(item.error.args)
    return total
""",
    "unwrapped": """
        total += len(item.unwrap().simulation_results)
    return total
""",
    "not_narrowed": """
        total += len(item.value.simulation_results)
    return total
""",
}


def test_outcomes_narrow_for_mypy(tmp_path: Path) -> None:
    paths = {}
    for name, body in _BODIES.items():
        paths[name] = tmp_path / f"{name}.py"
        paths[name].write_text(_PRELUDE + body, encoding="utf-8")

    report = mypy_strict(list(paths.values()))

    errors = [line for line in report.splitlines() if ": error:" in line]
    assert len(errors) == 1, report
    assert errors[0].startswith(str(paths["not_narrowed"]))
    assert 'Item "None" of "SimulationResults | None" has no attribute' in errors[0]
