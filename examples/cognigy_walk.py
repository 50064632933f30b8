"""Walk the runs of a Cognigy simulation batch page by page, resumable from a saved cursor.

After each page the position is saved to a small JSON state file: the ``next`` cursor the
server sent (or, from a server that pages by offset only, the next ``skip``). Stop the walk
at any time (``--max-pages``, Ctrl+C, a crash) and the next start carries on from the saved
position instead of from the first run. The walk ends with a count of runs by status.

    bluejay-async serve &
    export COGNIGY_TOKEN=sandbox COGNIGY_BASE_URL=http://127.0.0.1:8080/testing
    python examples/cognigy_walk.py sim-1 batch-1 --project demo --max-pages 2
    python examples/cognigy_walk.py sim-1 batch-1 --project demo      # carries on
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
from pathlib import Path
from typing import Any

from cognigy_async import CognigyClient


def load_position(state: Path) -> dict[str, Any]:
    """The saved ``{"cursor": ...}`` or ``{"skip": ...}``, or ``{}`` to start at the first run."""
    if not state.exists():
        return {}
    saved: dict[str, Any] = json.loads(state.read_text(encoding="utf-8"))
    return saved


def save_position(state: Path, position: dict[str, Any]) -> None:
    """Save the position (a small file: writing it synchronously is fine)."""
    state.write_text(json.dumps(position), encoding="utf-8")


async def walk(
    simulation_ref: str,
    batch_ref: str,
    *,
    project_id: str,
    state: Path,
    page_size: int = 50,
    max_pages: int | None = None,
) -> collections.Counter[str]:
    """Walk from the saved position; returns the runs seen in this walk, counted by status."""
    position = load_position(state)
    by_status: collections.Counter[str] = collections.Counter()
    async with CognigyClient(project_id=project_id) as cg:
        pages = cg.runs.pages(
            simulation_ref,
            batch_ref,
            page_size=page_size,
            cursor=position.get("cursor"),
            skip=position.get("skip"),
        )
        async with contextlib.aclosing(pages):  # leaving early cancels what is in flight
            done = 0
            async for page in pages:
                for run in page.data:
                    by_status[run.metrics.status or "unknown"] += 1
                done += 1
                info = page.pagination
                if info is None:  # the server left it out: nothing says where to go next
                    position = {"finished": True}
                elif info.next:
                    position = {"cursor": info.next}
                elif info.has_next:
                    position = {"skip": info.skip + len(page.data)}
                else:
                    position = {"finished": True}
                save_position(state, position)
                if max_pages is not None and done >= max_pages:
                    break
    return by_status


def main() -> None:
    parser = argparse.ArgumentParser(description="Walk a Cognigy batch, resumably.")
    parser.add_argument("simulation_ref")
    parser.add_argument("batch_ref")
    parser.add_argument("--project", required=True)
    parser.add_argument("--state", type=Path, default=Path("cognigy-walk.json"))
    parser.add_argument("--max-pages", type=int)
    args = parser.parse_args()
    if load_position(args.state).get("finished"):
        print(f"already walked to the end; delete {args.state} to start again")
        return
    by_status = asyncio.run(
        walk(
            args.simulation_ref,
            args.batch_ref,
            project_id=args.project,
            state=args.state,
            max_pages=args.max_pages,
        )
    )
    print(f"{sum(by_status.values())} runs walked; position saved in {args.state}")
    for status, count in by_status.most_common():
        print(f"  {status:<10} {count}")


if __name__ == "__main__":
    main()
