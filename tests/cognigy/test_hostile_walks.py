"""Cognigy walks against small hostile servers on 127.0.0.1: every walk ends, never yields a run
twice, and holds no more memory on page 200 than on page 50, whatever the server sends."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import tracemalloc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from bluejay_async.errors import PaginationError
from cognigy_async import CognigyClient
from tests.cognigy.fake_listing import run_json

Page = tuple[list[dict[str, Any]], dict[str, Any]]
"""A page's ``data`` and ``pagination``."""
Answer = Callable[[int, dict[str, str]], Page]
"""``answer(request_number, query) -> page``: the hostile server's whole behaviour."""


def pagination(
    *, skip: int = 0, total: int = 10**6, next: str | None = None, has_next: bool = True
) -> dict[str, Any]:
    return {
        "limit": 100,
        "skip": skip,
        "total": total,
        "hasNext": has_next,
        "hasPrevious": skip > 0,
        "next": next,
        "previous": None,
    }


class Listing:
    """A runs route answered by ``answer``; counts the requests."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests = 0

    async def handle(self, request: web.Request) -> web.Response:
        number = self.requests
        self.requests += 1
        data, paging = self.answer(number, dict(request.query))
        return web.json_response({"data": data, "pagination": paging})


@asynccontextmanager
async def hostile(answer: Answer) -> AsyncIterator[tuple[Listing, CognigyClient]]:
    listing = Listing(answer)
    app = web.Application()
    app.router.add_get("/simulations/s/batches/b/runs", listing.handle)
    runner = web.AppRunner(app, handle_signals=False, max_line_size=512 * 1024)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with CognigyClient(token="t", base_url=url, project_id="p") as cg:
            yield listing, cg
    finally:
        await runner.cleanup()


async def walk(cg: CognigyClient, yielded: list[str], **kwargs: Any) -> None:
    """Walk into ``yielded``; a walk that would never end fails the test instead."""

    async def run_ids() -> None:
        async for run in cg.runs.iterate("s", "b", **kwargs):
            yielded.append(run.id)

    await asyncio.wait_for(run_ids(), HANG_GUARD)


HANG_GUARD = 60.0
"""Seconds after which a walk that should end after a page or two fails instead of hanging."""


async def test_the_same_runs_under_fresh_cursors_end_the_walk() -> None:
    """Issue: 200 000 runs yielded (100 unique) in 2 000 pages, no error."""

    def answer(number: int, _: dict[str, str]) -> Page:
        return [run_json(i) for i in range(100)], pagination(next=f"fresh-{number}")

    yielded: list[str] = []
    async with hostile(answer) as (listing, cg):
        with pytest.raises(PaginationError, match="run 'run-0' a second time"):
            await walk(cg, yielded)
    assert len(yielded) == len(set(yielded)) == 100
    assert listing.requests == 2


async def test_a_page_repeating_one_run_ends_the_walk() -> None:
    """Issue: in skip mode, a page repeating one run yielded it 300 times."""

    def answer(_: int, query: dict[str, str]) -> Page:
        return [run_json(0)], pagination(skip=int(query["skip"]), total=300)

    yielded: list[str] = []
    async with hostile(answer) as (listing, cg):
        with pytest.raises(PaginationError, match="a second time"):
            await walk(cg, yielded)
    assert yielded == ["run-0"]
    assert listing.requests == 2


async def test_has_next_past_the_servers_own_total_ends_the_walk() -> None:
    """Issue: ``hasNext`` kept a walk going to skip=199 900 while ``total`` was 0."""

    def answer(_: int, query: dict[str, str]) -> Page:
        skip = int(query["skip"])
        return [run_json(skip + i) for i in range(100)], pagination(skip=skip, total=0)

    yielded: list[str] = []
    async with hostile(answer) as (listing, cg):
        with pytest.raises(PaginationError, match="total of 0"):
            await walk(cg, yielded)
    assert len(yielded) == 100
    assert listing.requests == 1


async def test_a_listing_without_end_stops_at_the_page_cap() -> None:
    def answer(number: int, _: dict[str, str]) -> Page:
        data = [run_json(number * 100 + i) for i in range(100)]
        return data, pagination(next=f"page-{number + 1}")

    yielded: list[str] = []
    async with hostile(answer) as (listing, cg):
        with pytest.raises(PaginationError, match="max_pages=5"):
            await walk(cg, yielded, max_pages=5)
    assert len(yielded) == len(set(yielded)) == 500
    assert listing.requests == 5


FROM, TO = 200, 400
"""The pages between which a walk's memory must not grow. Not from the first: yarl keeps the
last 128 URLs it parsed in bounded caches (the client's and the test server's, each URL with
its 100 KB cursor), which are full by page 200."""


async def test_huge_cursors_do_not_grow_a_walks_memory() -> None:
    """Issue: every cursor was kept (100 KB cursors: +29 MB per 300 pages)."""
    filler = "x" * 100_000

    def answer(number: int, _: dict[str, str]) -> Page:
        data = [run_json(number * 5 + i) for i in range(5)]
        return data, pagination(next=f"{number:08d}{filler}")

    readings: dict[int, int] = {}
    async with hostile(answer) as (listing, cg):
        tracemalloc.start()
        try:
            async with contextlib.aclosing(cg.runs.pages("s", "b", page_size=5)) as pages:
                async for number, _ in aenumerate(pages, start=1):
                    if number in (FROM, TO):
                        readings[number] = traced_now()
                    if number == TO:
                        break
        finally:
            tracemalloc.stop()
    assert listing.requests == TO
    grown = readings[TO] - readings[FROM]
    assert grown < 2 * 1024 * 1024, grown  # the 200 cursors in between: 20 MB if kept


async def aenumerate(items: AsyncIterator[Any], start: int) -> AsyncIterator[tuple[int, Any]]:
    number = start
    async for item in items:
        yield number, item
        number += 1


def traced_now() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]
