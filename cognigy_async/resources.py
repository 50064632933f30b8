"""``client.runs``: one page of a batch's simulation runs, or a walk through all of them.

The pagination rule itself lives in :mod:`cognigy_async.pagination`; this module validates the
arguments, sends the requests the rule asks for, and hands out pages or runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from collections.abc import AsyncGenerator
from typing import Any

import attrs

from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.core.transport import Transport
from bluejay_async.core.validation import check_bool, check_int, check_str, path_segment
from cognigy_async.models import Run, RunsPage
from cognigy_async.pagination import MAX_PAGES, PageRequest, Step, Walk

__all__ = ["MAX_LIMIT", "RunsResource"]

MAX_LIMIT = 100
"""The largest ``limit`` the API accepts (and the default ``page_size`` of a walk)."""


@attrs.frozen
class _Listing:
    """What stays the same on every page of one listing: the path and the filter parameters."""

    path: str
    params: dict[str, str]


class RunsResource:
    """Simulation runs of a batch (``GET /simulations/{ref}/batches/{ref}/runs``)."""

    def __init__(self, transport: Transport, project_id: str | None = None) -> None:
        self._transport = transport
        self._project_id = project_id

    async def list(
        self,
        simulation_ref: str,
        batch_ref: str,
        *,
        project_id: str | None = None,
        limit: int = 20,
        skip: int | None = None,
        cursor: str | None = None,
        backward: bool = False,
        filter: str | None = None,
        sort: str | None = None,
        end_point_type: str | None = None,
    ) -> RunsPage:
        """One page of runs.

        Select the page by offset (``skip``, default 0) or by a cursor from an earlier page
        (``cursor=page.pagination.next``; with ``backward=True`` the cursor is sent as
        ``previous=``, and ``skip=S`` asks for the page that ends at offset ``S``).

        Args:
            simulation_ref: the simulation (scenario) reference.
            batch_ref: the simulation run batch reference.
            project_id: defaults to the client's ``project_id``.
            limit: runs per page, 1..100 (the server may send fewer).
            filter, sort, end_point_type: passed through as ``filter``, ``sort`` (e.g.
                ``"createdAt:desc"``) and ``endPointType``.

        Raises:
            InvalidRequestError: an argument is invalid; nothing was sent.
            BadRequestError: the server rejected a parameter (``.field``, ``.code``,
                ``.trace_id`` say which and how).
        """
        listing = self._listing(simulation_ref, batch_ref, project_id, filter, sort, end_point_type)
        walk = _walk(page_size=limit, cursor=cursor, skip=skip, backward=backward, name="limit")
        request = walk.first()
        if request is None:
            raise InvalidRequestError(
                "a backward page from skip=0 would be empty: nothing comes before offset 0",
                param="skip",
            )
        return await self._fetch(listing, request)

    def pages(
        self,
        simulation_ref: str,
        batch_ref: str,
        *,
        project_id: str | None = None,
        page_size: int = MAX_LIMIT,
        filter: str | None = None,
        sort: str | None = None,
        end_point_type: str | None = None,
        max_items: int | None = None,
        cursor: str | None = None,
        skip: int | None = None,
        backward: bool = False,
        prefetch: bool = False,
        max_pages: int | None = MAX_PAGES,
    ) -> AsyncGenerator[RunsPage, None]:
        """Walk the listing page by page (an async generator of :class:`RunsPage`).

        Follows the pagination rule of :mod:`cognigy_async.pagination`: cursors when the server
        sends them, else ``skip`` advanced by the runs actually received. Pages arrive in walk
        order, each page's ``data`` in the server's order.

        Args:
            page_size: the ``limit`` of each request, 1..100.
            max_items: stop after this many runs; the last request asks only for what is still
                needed, and the last page is trimmed should the server send more.
            cursor: start from a cursor of an earlier page (``next``, or ``previous`` when
                ``backward``).
            skip: start at this offset (default 0). Backward, the walk covers the runs
                *before* ``skip``: each request asks for the page ending where the previous
                one began.
            backward: walk towards the start; needs ``cursor`` or ``skip``.
            prefetch: ``True`` asks for the next page while the caller is still busy with the
                current one. Deeper read-ahead is impossible: which page comes next is only
                known once the current one has arrived. The read-ahead request is cancelled
                when the walk is closed early. (``0``/``1`` are still accepted, with a
                ``DeprecationWarning``.)
            max_pages: the most pages the walk requests (default
                :data:`~cognigy_async.pagination.MAX_PAGES`, 10 000); a server still reporting
                more after that raises :class:`~bluejay_async.errors.PaginationError`.
                ``None`` lifts the cap.
            project_id, filter, sort, end_point_type: as in :meth:`list`.

        Arguments are checked when ``pages()`` is called; requests start with the iteration.
        Close an abandoned walk (``contextlib.aclosing``, or ``aclose()``) to cancel its
        read-ahead at once rather than when it is garbage-collected.

        Every walk ends and never yields a run twice (see :mod:`cognigy_async.pagination`).

        Raises:
            InvalidRequestError: an argument is invalid (raised by the call itself).
            PaginationError: the server repeats a cursor or a run, ignores ``skip``, reports
                more past its own ``total``, stops progressing, or still reports more after
                ``max_pages`` pages; raised after the last good page has been handed out.
        """
        listing = self._listing(simulation_ref, batch_ref, project_id, filter, sort, end_point_type)
        walk = _walk(
            page_size=page_size,
            cursor=cursor,
            skip=skip,
            backward=backward,
            max_items=max_items,
            max_pages=max_pages,
        )
        return self._pages(listing, walk, _read_ahead(prefetch))

    def iterate(
        self,
        simulation_ref: str,
        batch_ref: str,
        *,
        project_id: str | None = None,
        page_size: int = MAX_LIMIT,
        filter: str | None = None,
        sort: str | None = None,
        end_point_type: str | None = None,
        max_items: int | None = None,
        cursor: str | None = None,
        skip: int | None = None,
        backward: bool = False,
        prefetch: bool = False,
        max_pages: int | None = MAX_PAGES,
    ) -> AsyncGenerator[Run, None]:
        """Every run of the listing, one at a time (an async generator of :class:`Run`).

        Takes the arguments of :meth:`pages`. A forward walk yields runs in listing order; a
        backward walk yields them in reverse (the last run first), so it is exactly the
        reverse of the forward walk over the same runs. Memory stays flat: one page is held at
        a time (two with ``prefetch=True``), plus a 64-bit digest of each of the last
        :data:`~cognigy_async.pagination.RECENT_ITEMS` runs yielded and of each page's cursor
        (the guards against a server repeating itself).
        """
        pages = self.pages(
            simulation_ref,
            batch_ref,
            project_id=project_id,
            page_size=page_size,
            filter=filter,
            sort=sort,
            end_point_type=end_point_type,
            max_items=max_items,
            cursor=cursor,
            skip=skip,
            backward=backward,
            prefetch=prefetch,
            max_pages=max_pages,
        )
        return _runs(pages, reverse=backward)

    # --- internals -----------------------------------------------------------------------

    def _listing(
        self,
        simulation_ref: str,
        batch_ref: str,
        project_id: str | None,
        filter: str | None,
        sort: str | None,
        end_point_type: str | None,
    ) -> _Listing:
        path = (
            f"/simulations/{path_segment(simulation_ref, 'simulation_ref')}"
            f"/batches/{path_segment(batch_ref, 'batch_ref')}/runs"
        )
        project = project_id if project_id is not None else self._project_id
        if project is None:
            raise InvalidRequestError(
                "project_id is required: pass project_id=... or CognigyClient(project_id=...)",
                param="project_id",
            )
        params = {"projectId": check_str(project, "project_id")}
        for key, name, value in (
            ("filter", "filter", filter),
            ("sort", "sort", sort),
            ("endPointType", "end_point_type", end_point_type),
        ):
            if value is not None:
                params[key] = check_str(value, name)
        return _Listing(path, params)

    async def _fetch(self, listing: _Listing, request: PageRequest) -> RunsPage:
        return await self._transport.request(
            "GET", listing.path, params={**listing.params, **request.params()}, into=RunsPage
        )

    async def _pages(
        self, listing: _Listing, walk: Walk, read_ahead: bool
    ) -> AsyncGenerator[RunsPage, None]:
        request = walk.first()
        ahead: asyncio.Task[RunsPage] | None = None
        try:
            while request is not None:
                if ahead is None:
                    page = await self._fetch(listing, request)
                else:
                    page = await ahead
                    ahead = None
                step = walk.after(request, page.pagination, len(page.data))
                request = step.request
                if read_ahead and request is not None:
                    ahead = asyncio.ensure_future(self._fetch(listing, request))
                if not step.discard:
                    page = _trimmed(page, step)
                    walk.admit([run.id for run in page.data])
                    yield page
                # Let go of the page before asking for the next: one page is alive at a time
                # (two with read-ahead), not two, and the garbage collector finds fewer
                # survivors while the next page is decoded.
                del page
                if step.error is not None:
                    raise step.error
        finally:
            if ahead is not None:
                await _cancel(ahead)


def _walk(
    *,
    page_size: int,
    cursor: str | None,
    skip: int | None,
    backward: bool,
    max_items: int | None = None,
    max_pages: int | None = MAX_PAGES,
    name: str = "page_size",
) -> Walk:
    """Check the paging arguments shared by ``list`` and the walks, and start a walk."""
    check_int(page_size, name, minimum=1, maximum=MAX_LIMIT)
    if skip is not None:
        check_int(skip, "skip", minimum=0)
    if cursor is not None:
        check_str(cursor, "cursor")
        if skip is not None:
            raise InvalidRequestError(
                "pass either cursor or skip, not both: a cursor already says where to start",
                param="skip",
            )
    if check_bool(backward, "backward") and cursor is None and skip is None:
        raise InvalidRequestError(
            "a backward walk starts from a cursor (cursor=page.pagination.previous) or from "
            "an offset (skip=N walks the items before N)",
            param="backward",
        )
    if max_items is not None:
        check_int(max_items, "max_items", minimum=0)
    if max_pages is not None:
        check_int(max_pages, "max_pages", minimum=1)
    return Walk(
        page_size=page_size,
        max_items=max_items,
        cursor=cursor,
        skip=skip,
        backward=backward,
        max_pages=max_pages,
    )


def _read_ahead(prefetch: bool) -> bool:
    """``prefetch`` as a bool; the ints it used to be (0 or 1) still work, with a warning."""
    if isinstance(prefetch, bool):
        return prefetch
    value = check_int(prefetch, "prefetch", minimum=0, maximum=1)
    warnings.warn(
        f"prefetch={value} is deprecated: pass prefetch={bool(value)}",
        DeprecationWarning,
        stacklevel=4,
    )
    return value == 1


def _trimmed(page: RunsPage, step: Step) -> RunsPage:
    start, stop, _ = step.items.indices(len(page.data))
    if start == 0 and stop == len(page.data):
        return page
    return attrs.evolve(page, data=page.data[start:stop])


async def _runs(
    pages: AsyncGenerator[RunsPage, None], *, reverse: bool
) -> AsyncGenerator[Run, None]:
    async with contextlib.aclosing(pages):
        async for page in pages:
            runs = page.data
            del page  # hold the runs, not the page, while the next page is fetched
            for run in reversed(runs) if reverse else runs:
                yield run
            del runs


async def _cancel(task: asyncio.Task[Any]) -> None:
    """Cancel a read-ahead nobody will consume, wait for it to finish, and reap its outcome."""
    if not task.done():
        task.cancel()
        await asyncio.wait([task])
    if not task.cancelled():
        task.exception()
