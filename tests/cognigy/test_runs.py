"""``runs.list``, ``runs.pages`` and ``runs.iterate`` against the sandbox, over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bluejay_async.errors import (
    APIConnectionError,
    BadRequestError,
    InvalidRequestError,
    PaginationError,
    ServerError,
)
from bluejay_async.sandbox import FaultRule, Sandbox
from cognigy_async import CognigyClient, Pagination, Run, RunsPage
from tests.cognigy.conftest import SandboxFactory, client_for, queries

ALL = list(range(250, 0, -1))  # sequences, in the sandbox's default order (newest first)


async def sequences(runs: AsyncIterator[Run], into: list[int] | None = None) -> list[int]:
    """The sequences of a walk, appended to ``into`` as they come (kept if the walk fails)."""
    got = [] if into is None else into
    async for run in runs:
        got.append(run.sequence)
    return got


def paging(page: RunsPage) -> Pagination:
    """The page's pagination, which the sandbox always sends."""
    assert page.pagination is not None
    return page.pagination


# --- list ------------------------------------------------------------------------------------


async def test_list_returns_one_page(cg: CognigyClient, sandbox: Sandbox) -> None:
    page = await cg.runs.list("sim", "batch", limit=20, skip=5)
    assert isinstance(page, RunsPage)
    assert [r.sequence for r in page.data] == ALL[5:25]
    assert page.pagination is not None
    assert page.pagination.skip == 5
    assert page.pagination.total == 250
    assert page.pagination.has_next
    assert page.pagination.has_previous
    assert page.pagination.next
    [query] = queries(sandbox)
    assert query == {"projectId": "p1", "limit": "20", "skip": "5"}
    assert all(isinstance(r, Run) and r.project_reference == "p1" for r in page.data)


async def test_list_follows_a_cursor_both_ways(cg: CognigyClient, sandbox: Sandbox) -> None:
    first = await cg.runs.list("sim", "batch", limit=10, skip=40)
    assert first.pagination is not None
    after = await cg.runs.list("sim", "batch", limit=10, cursor=first.pagination.next)
    before = await cg.runs.list(
        "sim", "batch", limit=10, cursor=first.pagination.previous, backward=True
    )
    assert [r.sequence for r in after.data] == ALL[50:60]
    assert [r.sequence for r in before.data] == ALL[30:40]
    assert "skip" not in queries(sandbox)[1]
    assert queries(sandbox)[2]["previous"] == first.pagination.previous


async def test_list_passes_filter_sort_and_end_point_type(
    cg: CognigyClient, sandbox: Sandbox
) -> None:
    page = await cg.runs.list(
        "sim",
        "batch",
        project_id="other",
        filter="agent",
        sort="sequence:asc",
        end_point_type="rest",
    )
    assert queries(sandbox)[0] == {
        "projectId": "other",
        "limit": "20",
        "skip": "0",
        "filter": "agent",
        "sort": "sequence:asc",
        "endPointType": "rest",
    }
    assert page.data
    assert all(r.end_point_type == "rest" and r.project_reference == "other" for r in page.data)
    assert [r.sequence for r in page.data] == sorted(r.sequence for r in page.data)


async def test_references_are_one_path_segment(cg: CognigyClient, sandbox: Sandbox) -> None:
    await cg.runs.list("../admin", "a/b?x=1", limit=1)
    [record] = [r for r in sandbox.request_log if r.route == "cognigy_runs"]
    assert record.match_info == {
        "simulationReference": "../admin",
        "simulationRunBatchReference": "a/b?x=1",
    }


# --- walks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("cursors", [True, False], ids=["cursors", "offsets"])
@pytest.mark.parametrize("prefetch", [False, True])
async def test_iterate_walks_every_run_once_with_short_pages(
    start_sandbox: SandboxFactory, cursors: bool, prefetch: bool
) -> None:
    sb = await start_sandbox(
        cognigy_runs_per_batch=250, cognigy_max_page_size=30, cognigy_cursors=cursors
    )
    async with client_for(sb) as cg:
        got = await sequences(cg.runs.iterate("sim", "batch", page_size=50, prefetch=prefetch))
    assert got == ALL
    sent = queries(sb)
    assert len(sent) == 9  # ceil(250 / 30): every capped page advanced by what it held
    assert all(q["limit"] == "50" for q in sent)
    if cursors:
        assert "next" in sent[1]
        assert "skip" not in sent[1]
    else:
        assert [int(q["skip"]) for q in sent] == list(range(0, 250, 30))


@pytest.mark.parametrize("cursors", [True, False], ids=["cursors", "offsets"])
async def test_pages_yields_run_pages(start_sandbox: SandboxFactory, cursors: bool) -> None:
    sb = await start_sandbox(cognigy_runs_per_batch=95, cognigy_cursors=cursors)
    async with client_for(sb) as cg:
        pages = [page async for page in cg.runs.pages("sim", "batch", page_size=40)]
    assert [len(p.data) for p in pages] == [40, 40, 15]
    assert [paging(p).skip for p in pages] == [0, 40, 80]
    assert paging(pages[-1]).has_next is False


@pytest.mark.parametrize("cursors", [True, False], ids=["cursors", "offsets"])
async def test_backward_walks_are_the_reverse(start_sandbox: SandboxFactory, cursors: bool) -> None:
    sb = await start_sandbox(
        cognigy_runs_per_batch=250, cognigy_max_page_size=30, cognigy_cursors=cursors
    )
    async with client_for(sb) as cg:
        from_offset = await sequences(
            cg.runs.iterate("sim", "batch", page_size=50, skip=200, backward=True)
        )
        assert from_offset == ALL[:200][::-1]
        if cursors:
            page = await cg.runs.list("sim", "batch", limit=10, skip=120)
            from_cursor = await sequences(
                cg.runs.iterate("sim", "batch", cursor=paging(page).previous, backward=True)
            )
            assert from_cursor == ALL[:120][::-1]


async def test_offset_backward_pages_end_where_the_last_began(
    start_sandbox: SandboxFactory,
) -> None:
    sb = await start_sandbox(cognigy_runs_per_batch=100, cognigy_cursors=False)
    async with client_for(sb) as cg:
        pages = [
            p async for p in cg.runs.pages("sim", "batch", page_size=30, skip=70, backward=True)
        ]
    assert [(paging(p).skip, len(p.data)) for p in pages] == [(40, 30), (10, 30), (0, 10)]
    assert [q["skip"] for q in queries(sb)] == ["40", "10", "0"]


async def test_walk_passes_filter_sort_and_end_point_type_on_every_page(
    cg: CognigyClient, sandbox: Sandbox
) -> None:
    got = await sequences(
        cg.runs.iterate(
            "sim",
            "batch",
            page_size=10,
            sort="sequence:asc",
            end_point_type="rest",
            filter="e",
        )
    )
    assert got == sorted(got)
    sent = queries(sandbox)
    assert len(sent) >= 2
    assert all(
        q["sort"] == "sequence:asc" and q["endPointType"] == "rest" and q["filter"] == "e"
        for q in sent
    )


@pytest.mark.parametrize("backward", [False, True])
async def test_max_items_never_over_fetches(
    cg: CognigyClient, sandbox: Sandbox, backward: bool
) -> None:
    start: dict[str, Any] = {"skip": 250, "backward": True} if backward else {}
    got = await sequences(cg.runs.iterate("sim", "batch", page_size=40, max_items=90, **start))
    assert got == (ALL[::-1] if backward else ALL)[:90]
    assert [q["limit"] for q in queries(sandbox)] == ["40", "40", "10"]
    assert [
        len(p.data) async for p in cg.runs.pages("sim", "batch", page_size=40, max_items=0)
    ] == []
    assert len(queries(sandbox)) == 3


async def test_a_cursor_loop_raises_pagination_error(
    cg: CognigyClient, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await cg.runs.list("sim", "batch", limit=10)
    looping = paging(first).next
    assert looping
    original = cg.runs._fetch

    async def stuck(listing: object, request: object) -> RunsPage:
        page = await original(listing, request)  # type: ignore[arg-type]
        import attrs

        return attrs.evolve(page, pagination=attrs.evolve(paging(page), next=looping))

    monkeypatch.setattr(cg.runs, "_fetch", stuck)
    got: list[int] = []
    with pytest.raises(PaginationError, match="second time"):
        await sequences(cg.runs.iterate("sim", "batch", page_size=10), got)
    assert got == ALL[:20]  # the repeated page is never yielded


# --- early exit ------------------------------------------------------------------------------


def connections_in_use(client: CognigyClient) -> int:
    session = client._transport._pool._session
    return 0 if session is None else len(session.connector._acquired)  # type: ignore[union-attr]


def other_tasks() -> set[asyncio.Task[object]]:
    """The client's tasks besides the test's own (the sandbox's server tasks do not count)."""
    return {
        t
        for t in asyncio.all_tasks()
        if t is not asyncio.current_task()
        and "cognigy_async" in getattr(getattr(t.get_coro(), "cr_code", None), "co_filename", "")
    }


@pytest.mark.parametrize("prefetch", [False, True])
async def test_closing_a_walk_early_leaves_no_task_or_connection(
    start_sandbox: SandboxFactory, prefetch: bool
) -> None:
    sb = await start_sandbox(cognigy_runs_per_batch=500, latency=0.5)
    async with client_for(sb) as cg:
        async with contextlib.aclosing(
            cg.runs.iterate("sim", "batch", page_size=10, prefetch=prefetch)
        ) as runs:
            async for run in runs:
                assert run.sequence == 500
                if prefetch:
                    await asyncio.sleep(0.05)  # the read-ahead is now in flight
                    assert len(other_tasks()) == 1
                    assert connections_in_use(cg) == 1
                closing = time.monotonic()
                break
        # closing cancelled the read-ahead rather than waiting for its answer
        assert time.monotonic() - closing < 0.25
        assert other_tasks() == set()
        assert connections_in_use(cg) == 0


async def test_a_plain_break_is_cleaned_up_by_the_event_loop(
    start_sandbox: SandboxFactory,
) -> None:
    sb = await start_sandbox(cognigy_runs_per_batch=500, latency=0.2)
    async with client_for(sb) as cg:
        async for _ in cg.runs.iterate("sim", "batch", page_size=10, prefetch=True):
            await asyncio.sleep(0.05)
            break
        gc.collect()
        for _ in range(5):
            await asyncio.sleep(0)
        assert other_tasks() == set()
        assert connections_in_use(cg) == 0


async def test_prefetch_requests_the_next_page_while_the_caller_is_busy(
    cg: CognigyClient, sandbox: Sandbox
) -> None:
    async with contextlib.aclosing(cg.runs.pages("sim", "batch", page_size=50, prefetch=True)) as p:
        await anext(p)
        await asyncio.sleep(0.1)  # "consuming" the first page
        assert len(queries(sandbox)) == 2
    async with contextlib.aclosing(cg.runs.pages("sim", "batch", page_size=50)) as p:
        await anext(p)
        await asyncio.sleep(0.1)
        assert len(queries(sandbox)) == 3  # without prefetch, nothing until asked


async def test_prefetch_does_not_read_ahead_past_the_end(
    cg: CognigyClient, sandbox: Sandbox
) -> None:
    got = await sequences(cg.runs.iterate("sim", "batch", page_size=100, prefetch=True))
    assert got == ALL
    assert len(queries(sandbox)) == 3
    assert other_tasks() == set()


async def test_a_failed_read_ahead_surfaces_when_its_page_is_asked_for(
    cg: CognigyClient, sandbox: Sandbox
) -> None:
    sandbox.set_faults([FaultRule("status", "cognigy_runs", status=400, after=1)])
    got: list[int] = []
    with pytest.raises(BadRequestError):
        await sequences(cg.runs.iterate("sim", "batch", page_size=100, prefetch=True), got)
    assert got == ALL[:100]
    assert other_tasks() == set()


# --- retries in the middle of a walk ---------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        FaultRule("status", "cognigy_runs", status=503, after=2, times=2),
        FaultRule("status", "cognigy_runs", status=429, retry_after=0, after=1, times=1),
        FaultRule("status", "cognigy_runs", status=502, html=True, after=3, times=1),
        FaultRule("drop_before", "cognigy_runs", after=2, times=1),
        FaultRule("drop_after", "cognigy_runs", after=1, times=1),
        FaultRule("truncate", "cognigy_runs", after=4, times=1),
    ],
    ids=lambda rule: f"{rule.kind}-{rule.status}",
)
@pytest.mark.parametrize("cursors", [True, False], ids=["cursors", "offsets"])
@pytest.mark.parametrize("prefetch", [False, True])
async def test_retries_mid_walk_lose_or_repeat_nothing(
    start_sandbox: SandboxFactory, fault: FaultRule, cursors: bool, prefetch: bool
) -> None:
    sb = await start_sandbox(
        cognigy_runs_per_batch=250,
        cognigy_max_page_size=30,
        cognigy_cursors=cursors,
        faults=(fault,),
    )
    async with client_for(sb) as cg:
        got = await sequences(cg.runs.iterate("sim", "batch", page_size=50, prefetch=prefetch))
    assert got == ALL
    assert sum(sb.counters.faults.values()) == (fault.times or 0)
    assert len(queries(sb)) == 9 + sum(sb.counters.faults.values())


async def test_retries_exhausted_mid_walk_raise_after_the_pages_already_yielded(
    cg: CognigyClient, sandbox: Sandbox
) -> None:
    sandbox.set_faults([FaultRule("status", "cognigy_runs", status=500, after=1)])
    got: list[int] = []
    with pytest.raises(ServerError) as info:
        await sequences(cg.runs.iterate("sim", "batch", page_size=100), got)
    assert got == ALL[:100]
    assert info.value.trace_id
    assert info.value.trace_id in str(info.value)
    assert len(queries(sandbox)) == 1 + cg.retry.max_attempts


async def test_a_dropped_connection_without_retries_is_a_connection_error(
    cg: CognigyClient, sandbox: Sandbox
) -> None:
    from bluejay_async import RetryPolicy

    sandbox.set_faults([FaultRule("drop_before", "cognigy_runs")])
    with pytest.raises(APIConnectionError):
        await cg.with_options(retry=RetryPolicy(max_attempts=1)).runs.list("sim", "batch")


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": True}, "limit"),
        ({"skip": -1}, "skip"),
        ({"skip": "3"}, "skip"),
        ({"cursor": ""}, "cursor"),
        ({"cursor": "c", "skip": 3}, "skip"),
        ({"backward": True}, "backward"),
        ({"backward": True, "skip": 0}, "skip"),
        ({"project_id": ""}, "project_id"),
        ({"filter": ""}, "filter"),
        ({"sort": 3}, "sort"),
        ({"end_point_type": " "}, "end_point_type"),
    ],
)
async def test_list_validates_before_sending(
    cg: CognigyClient, sandbox: Sandbox, kwargs: dict[str, object], param: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        await cg.runs.list("sim", "batch", **kwargs)  # type: ignore[arg-type]
    assert info.value.param == param
    assert isinstance(info.value, ValueError)
    assert queries(sandbox) == []


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"max_items": -1}, "max_items"),
        ({"prefetch": 2}, "prefetch"),
        ({"backward": "yes"}, "backward"),
        ({"skip": -5}, "skip"),
    ],
)
@pytest.mark.parametrize("method", ["pages", "iterate"])
async def test_walks_validate_when_called(
    cg: CognigyClient, sandbox: Sandbox, kwargs: dict[str, object], param: str, method: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        getattr(cg.runs, method)("sim", "batch", **kwargs)  # raised by the call, not the loop
    assert info.value.param == param
    assert queries(sandbox) == []


@pytest.mark.parametrize("refs", [("", "b"), ("s", ""), ("  ", "b"), (None, "b")])
async def test_references_must_be_non_empty(cg: CognigyClient, refs: tuple[object, object]) -> None:
    with pytest.raises(InvalidRequestError):
        await cg.runs.list(*refs)  # type: ignore[arg-type]


async def test_project_id_falls_back_to_the_client_default(sandbox: Sandbox) -> None:
    async with client_for(sandbox, project_id=None) as cg:
        with pytest.raises(InvalidRequestError, match="project_id is required") as info:
            await cg.runs.list("sim", "batch")
        assert info.value.param == "project_id"
        with pytest.raises(InvalidRequestError):
            cg.runs.iterate("sim", "batch")
        page = await cg.runs.list("sim", "batch", project_id="explicit", limit=1)
    assert page.data[0].project_reference == "explicit"
    async with client_for(sandbox, project_id="default") as cg:
        page = await cg.runs.list("sim", "batch", limit=1)
    assert page.data[0].project_reference == "default"
