"""The Cognigy pagination rule, as plain functions of pages: no I/O, no clock, no tasks.

A :class:`Walk` is told where to start and, after each page, what that page said; it answers
with the next :class:`PageRequest` to send, or ``None`` to stop. :mod:`cognigy_async.resources`
does the sending. The rule, for a forward walk:

1. after each page, follow ``pagination.next`` when it is a non-empty cursor (``next=``, no
   ``skip``);
2. otherwise, while ``hasNext``, advance ``skip`` by the number of items actually received (a
   server may cap a page below ``limit``, so ``skip + limit`` would miss items);
3. stop when neither.

A backward walk is the mirror image: ``pagination.previous`` / ``hasPrevious``, and in offset
mode the page *ending* where the last one began: from position ``E`` it asks for
``skip = E - limit`` with ``limit = min(limit, E)``. Such a page must reach ``E``; a server
that caps it shorter returns items that leave a gap before ``E``, so that page is dropped
(never yielded) and asked for again with the cap as ``limit``, which the walk then keeps.

Guards: every walk ends, and never yields a run twice. It raises :class:`PaginationError`
rather than loop or repeat when the server

* returns a cursor already seen in this walk;
* returns a run it yielded among the last :data:`RECENT_ITEMS` runs of this walk (a repeated
  page, or a page repeating one run);
* reports more items (``hasNext``, no cursor) at an offset at or past its own ``total``;
* sends a page that moves the walk nowhere (no items and no new cursor while it says there is
  more);
* still reports more after ``max_pages`` pages (:data:`MAX_PAGES` by default).

What a walk remembers to do so is one 64-bit digest (Python's ``hash``) per cursor (one per
page, so bounded by ``max_pages``) and per run among the last :data:`RECENT_ITEMS`, never the
cursors themselves: memory does not grow with the size of the cursors a server sends, nor
with the number of runs walked. A server that repeats a run from further back is still
stopped by ``max_pages``. ``max_items`` caps the walk: each request asks for at most the items still
wanted, and none is sent once they have all been received.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import NoReturn

import attrs

from bluejay_async.core.errors import PaginationError
from cognigy_async.models import Pagination

__all__ = ["MAX_PAGES", "PageRequest", "Step", "Walk"]

MAX_PAGES = 10_000
"""The pages a walk requests at most by default (a million runs at the largest page size)."""

RECENT_ITEMS = 10_000
"""How many of the last runs yielded a walk checks a new page against (a hundred full pages)."""


@attrs.frozen(kw_only=True)
class PageRequest:
    """The paging part of one request: ``limit`` plus one of ``skip``, ``next``, ``previous``."""

    limit: int
    skip: int | None = None
    next: str | None = None
    previous: str | None = None

    def params(self) -> dict[str, str]:
        """The query parameters that select this page."""
        params = {"limit": str(self.limit)}
        if self.next is not None:
            params["next"] = self.next
        elif self.previous is not None:
            params["previous"] = self.previous
        elif self.skip is not None:
            params["skip"] = str(self.skip)
        return params


@attrs.frozen
class Step:
    """What the walk makes of a page that arrived, and what to ask for next.

    ``items`` selects the page's items that belong to the walk (all of them, unless
    ``max_items`` is reached or a server sent more than was asked for). ``discard`` means the
    page is not part of the walk at all: it is being asked for again with a smaller ``limit``.
    ``request`` is the next page to ask for, ``None`` when the walk is over.
    """

    items: slice
    request: PageRequest | None
    discard: bool = False
    error: PaginationError | None = None
    """Set when the page is good but the walk cannot go on from it: raise after the page."""


class Walk:
    """The state of one walk through a listing (see the module docstring for the rule).

    Args:
        page_size: the ``limit`` of each request, 1..100.
        max_items: stop after this many items (``None``: all of them).
        cursor: start from this cursor (sent as ``next=``, or ``previous=`` when backward).
        skip: start at this offset; backward, walk the items *before* it. Forward defaults to
            0; a backward walk needs ``cursor`` or ``skip``.
        backward: walk towards the start of the listing.
        max_pages: the most pages to request (``None``: no cap).

    The only state that grows with the walk is a set of 64-bit digests, one per cursor (one per
    page), which lets a cursor loop of any length be refused; the digests of the last
    :data:`RECENT_ITEMS` items yielded are kept too, so a repeated page is refused before it
    repeats an item, in memory that does not grow with the walk.
    """

    def __init__(
        self,
        *,
        page_size: int,
        max_items: int | None = None,
        cursor: str | None = None,
        skip: int | None = None,
        backward: bool = False,
        max_pages: int | None = MAX_PAGES,
    ) -> None:
        self.page_size = page_size
        self.backward = backward
        self.remaining = max_items
        self.max_pages = max_pages
        self.pages = 0
        """Pages received so far."""
        self._cursor = cursor
        self._skip = skip
        self._cap: int | None = None
        self._cursors: set[int] = set() if cursor is None else {hash(cursor)}
        self._items: set[int] = set()
        self._recent: deque[int] = deque()
        self._forgotten = 0

    def first(self) -> PageRequest | None:
        """The first request of the walk, or ``None`` when there is nothing to fetch."""
        if self.remaining == 0:
            return None
        if self._cursor is not None:
            return self._follow(self._cursor)
        if self.backward:
            return self._ending_at(self._skip or 0)
        return self._from(self._skip or 0)

    def after(self, request: PageRequest, pagination: Pagination | None, received: int) -> Step:
        """Account for the page ``request`` returned (``received`` items) and say what is next.

        A page without ``pagination`` (the OpenAPI does not require it) ends the walk.

        Raises:
            PaginationError: the page cannot be part of the walk: the server did not honour
                ``skip``, or sent nothing where it reports items. When the page itself is good
                but leads nowhere (a cursor already seen in this walk, or ``hasNext`` with
                nothing to advance by), the error comes in :attr:`Step.error` instead, to be
                raised once the page's items have been handed out.
        """
        self.pages += 1
        valid = received
        if pagination is not None and request.skip is not None:
            if pagination.skip != request.skip:
                raise PaginationError(
                    f"asked for skip={request.skip} but the server answered "
                    f"skip={pagination.skip}: walking on would repeat or miss items"
                )
            if self.backward:
                end = request.skip + request.limit
                if request.skip + received < min(end, pagination.total):
                    return self._capped(request, received, end)
                valid = min(received, request.limit)  # anything past `end` was walked already
        take = valid if self.remaining is None else min(valid, self.remaining)
        items = slice(valid - take, valid) if self.backward else slice(0, take)
        if self.remaining is not None:
            self.remaining -= take
            if self.remaining == 0:
                return Step(items, None)
        if pagination is None:
            return Step(items, None)
        try:
            following = self._next(request, pagination, valid)
            cap = self.max_pages
            if following is not None and cap is not None and self.pages >= cap:
                raise PaginationError(
                    f"the walk reached its cap of max_pages={cap} pages and the server still "
                    "reports more; pass a larger max_pages (or None) to walk further"
                )
            return Step(items, following)
        except PaginationError as exc:
            return Step(items, None, error=exc)

    def admit(self, ids: Iterable[str]) -> None:
        """Record the ids of the items about to be yielded.

        Raises:
            PaginationError: one of them was yielded before in this walk (among the last
                :data:`RECENT_ITEMS`), or comes twice in ``ids``: the server repeats itself,
                and walking on would yield it twice (or loop).
        """
        ids = list(ids)
        digests = [hash(item_id) for item_id in ids]
        seen, recent = self._items, self._recent
        before = len(seen)
        seen.update(digests)
        if len(seen) != before + len(digests):  # a digest was there already
            self._refuse(ids, digests)
        recent.extend(digests)
        excess = len(recent) - RECENT_ITEMS
        if excess > 0:
            popleft = recent.popleft
            seen.difference_update([popleft() for _ in range(excess)])
            self._forgotten += excess
            if self._forgotten >= RECENT_ITEMS * 3 // 4:
                # A digest removed from a set leaves a placeholder in its table, and a table
                # that fills up with placeholders is rebuilt at twice the size: build it afresh
                # before that, at the size a walk of RECENT_ITEMS runs reaches, so that memory
                # stays flat however long the walk.
                seen.clear()
                seen.update(recent)
                self._forgotten = 0

    def _refuse(self, ids: list[str], digests: list[int]) -> NoReturn:
        """Raise for the first of ``ids`` that repeats a run of the window or of ``ids``."""
        window = set(self._recent)
        for item_id, digest in zip(ids, digests, strict=True):
            if digest in window:
                raise PaginationError(
                    f"the server returned run {_shown(item_id)} a second time in this walk "
                    f"(page {self.pages}); stopping instead of yielding it twice"
                )
            window.add(digest)
        raise AssertionError("unreachable: the set grew by fewer digests than it was given")

    # --- the rule ------------------------------------------------------------------------

    def _next(
        self, request: PageRequest, pagination: Pagination, received: int
    ) -> PageRequest | None:
        cursor = pagination.previous if self.backward else pagination.next
        if cursor:
            digest = hash(cursor)
            if digest in self._cursors:
                raise PaginationError(
                    f"the server returned cursor {_shown(cursor)} a second time; stopping "
                    "instead of looping"
                )
            self._cursors.add(digest)
            return self._follow(cursor)
        more = pagination.has_previous if self.backward else pagination.has_next
        if not more:
            return None
        start = request.skip if request.skip is not None else pagination.skip
        if self.backward:
            if start <= 0:
                raise PaginationError(
                    "the server reports items before offset 0 (hasPrevious at skip=0) and "
                    "no cursor: the walk cannot go further back"
                )
            return self._ending_at(start)
        if received == 0:
            raise PaginationError(
                f"the page at skip={start} was empty but the server reports more (hasNext) "
                "and no cursor: the walk would not progress"
            )
        if start + received >= pagination.total:
            raise PaginationError(
                f"the server reports more items (hasNext) after skip={start + received} but a "
                f"total of {pagination.total}: walking on would run past the end"
            )
        return self._from(start + received)

    def _capped(self, request: PageRequest, received: int, end: int) -> Step:
        """A backward page that stops short of ``end``: ask again, with the cap as limit."""
        if received == 0:
            raise PaginationError(
                f"the page at skip={request.skip} was empty although the server reports items "
                "there: the walk would not progress"
            )
        self._cap = received
        return Step(slice(0, 0), self._ending_at(end), discard=True)

    # --- requests ------------------------------------------------------------------------

    def _limit(self) -> int:
        limit = self.page_size if self._cap is None else min(self.page_size, self._cap)
        return limit if self.remaining is None else min(limit, self.remaining)

    def _follow(self, cursor: str) -> PageRequest:
        if self.backward:
            return PageRequest(limit=self._limit(), previous=cursor)
        return PageRequest(limit=self._limit(), next=cursor)

    def _from(self, skip: int) -> PageRequest:
        return PageRequest(limit=self._limit(), skip=skip)

    def _ending_at(self, end: int) -> PageRequest | None:
        limit = min(self._limit(), end)
        if limit <= 0:
            return None
        return PageRequest(limit=limit, skip=end - limit)


def _shown(cursor: str) -> str:
    return repr(cursor) if len(cursor) <= 40 else repr(cursor[:40] + "...")
