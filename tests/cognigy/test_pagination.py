"""The pagination rule, sans I/O: each decision of ``Walk``, then properties over any listing."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluejay_async.errors import PaginationError
from cognigy_async.models import Pagination
from cognigy_async.pagination import MAX_PAGES, RECENT_ITEMS, PageRequest, Walk
from tests.cognigy.fake_listing import FakeListing, FakeTransport


def info(
    *,
    skip: int = 0,
    total: int = 1000,
    has_next: bool = True,
    has_previous: bool = False,
    next: str | None = None,
    previous: str | None = None,
    limit: int = 10,
) -> Pagination:
    return Pagination(
        limit=limit,
        skip=skip,
        total=total,
        has_next=has_next,
        has_previous=has_previous,
        next=next,
        previous=previous,
    )


# --- single decisions ------------------------------------------------------------------------


def test_first_request_defaults_to_offset_zero() -> None:
    assert Walk(page_size=10).first() == PageRequest(limit=10, skip=0)
    assert PageRequest(limit=10, skip=0).params() == {"limit": "10", "skip": "0"}


def test_starting_cursor_is_sent_as_next_or_previous_without_skip() -> None:
    forward = Walk(page_size=10, cursor="c1").first()
    assert forward is not None
    assert forward.params() == {"limit": "10", "next": "c1"}
    backward = Walk(page_size=10, cursor="c1", backward=True).first()
    assert backward is not None
    assert backward.params() == {"limit": "10", "previous": "c1"}


def test_cursor_wins_over_has_next() -> None:
    walk = Walk(page_size=10)
    step = walk.after(PageRequest(limit=10, skip=0), info(next="c2"), 10)
    assert step.request == PageRequest(limit=10, next="c2")
    assert step.items == slice(0, 10)


def test_empty_cursor_counts_as_none_and_skip_advances_by_items_received() -> None:
    walk = Walk(page_size=10)
    step = walk.after(PageRequest(limit=10, skip=0), info(next=""), 7)  # a page capped at 7
    assert step.request == PageRequest(limit=10, skip=7)
    step = walk.after(PageRequest(limit=10, skip=7), info(skip=7), 7)
    assert step.request == PageRequest(limit=10, skip=14)


def test_after_a_cursor_page_without_cursor_skip_continues_from_the_reported_offset() -> None:
    walk = Walk(page_size=10, cursor="c1")
    step = walk.after(PageRequest(limit=10, next="c1"), info(skip=40), 6)
    assert step.request == PageRequest(limit=10, skip=46)


def test_stops_when_neither_cursor_nor_has_next() -> None:
    step = Walk(page_size=10).after(PageRequest(limit=10, skip=0), info(has_next=False), 3)
    assert step.request is None
    assert step.items == slice(0, 3)


def test_cursor_seen_twice_raises() -> None:
    walk = Walk(page_size=10)
    walk.after(PageRequest(limit=10, skip=0), info(next="a"), 10)
    walk.after(PageRequest(limit=10, next="a"), info(next="b"), 10)
    step = walk.after(PageRequest(limit=10, next="b"), info(next="a"), 10)
    assert step.items == slice(0, 10)  # the page is good: its items come first
    assert step.request is None
    assert isinstance(step.error, PaginationError)
    assert "'a' a second time" in str(step.error)


def test_the_starting_cursor_counts_as_seen() -> None:
    walk = Walk(page_size=10, cursor="start")
    step = walk.after(PageRequest(limit=10, next="start"), info(next="start"), 10)
    assert "second time" in str(step.error)


def test_empty_page_with_has_next_and_no_cursor_makes_no_progress() -> None:
    step = Walk(page_size=10).after(PageRequest(limit=10, skip=30), info(skip=30), 0)
    assert step.request is None
    assert "would not progress" in str(step.error)


def test_a_server_that_ignores_skip_is_refused() -> None:
    walk = Walk(page_size=10)
    with pytest.raises(PaginationError, match="skip=10 but the server answered skip=0"):
        walk.after(PageRequest(limit=10, skip=10), info(skip=0), 10)


def test_empty_page_with_a_fresh_cursor_is_progress() -> None:
    step = Walk(page_size=10).after(PageRequest(limit=10, skip=0), info(next="n"), 0)
    assert step.request == PageRequest(limit=10, next="n")


def test_a_run_yielded_twice_in_one_walk_is_refused() -> None:
    walk = Walk(page_size=10)
    walk.admit(["r1", "r2"])
    walk.admit(["r3"])
    with pytest.raises(PaginationError, match="run 'r2' a second time"):
        walk.admit(["r4", "r2"])


def test_a_walk_remembers_a_bounded_window_of_runs() -> None:
    """Memory stays flat however many runs a walk yields: a repeat within the last
    RECENT_ITEMS runs is refused, one from further back is left to ``max_pages``."""
    walk = Walk(page_size=100)
    walk.admit(f"r{i}" for i in range(3 * RECENT_ITEMS))
    assert len(walk._items) == RECENT_ITEMS
    walk.admit(["r0"])  # far behind the window: not remembered any more
    with pytest.raises(PaginationError, match="a second time"):
        walk.admit([f"r{3 * RECENT_ITEMS - 1}"])


def test_a_run_repeated_within_one_page_is_refused() -> None:
    walk = Walk(page_size=10)
    walk.admit(["r1"])
    with pytest.raises(PaginationError, match="run 'r3' a second time"):
        walk.admit(["r2", "r3", "r4", "r3", "r2"])


def test_the_memory_of_a_long_walk_is_that_of_a_walk_of_recent_items_runs() -> None:
    """However many runs a walk yields, what it remembers of them takes the room it takes
    after RECENT_ITEMS runs: forgetting old digests does not leave the set's table to grow."""
    walk = Walk(page_size=100)
    pages = ([f"r{page}-{i}" for i in range(100)] for page in range(10 * RECENT_ITEMS // 100))
    for number, page in enumerate(pages, start=1):
        walk.admit(page)
        if number * 100 == RECENT_ITEMS:
            size = sys.getsizeof(walk._items)
        elif number * 100 > RECENT_ITEMS:
            assert sys.getsizeof(walk._items) == size
            assert len(walk._items) == len(walk._recent) == RECENT_ITEMS
    # and the window is still the last RECENT_ITEMS runs
    with pytest.raises(PaginationError, match="a second time"):
        walk.admit([f"r{10 * RECENT_ITEMS // 100 - RECENT_ITEMS // 100}-0"])
    walk.admit([f"r{10 * RECENT_ITEMS // 100 - RECENT_ITEMS // 100 - 1}-99"])


def test_more_past_the_servers_own_total_ends_the_walk() -> None:
    """``hasNext`` with ``total`` 0 walked on to skip=199 900 (issue)."""
    walk = Walk(page_size=10)
    step = walk.after(PageRequest(limit=10, skip=0), info(total=0), 10)
    assert step.items == slice(0, 10)  # the page is good: its items come first
    assert step.request is None
    assert isinstance(step.error, PaginationError)
    assert "after skip=10 but a total of 0" in str(step.error)
    # Up to the total, the walk goes on.
    step = Walk(page_size=10).after(PageRequest(limit=10, skip=0), info(total=11), 10)
    assert step.request == PageRequest(limit=10, skip=10)


def test_the_page_cap_ends_a_walk_that_still_reports_more() -> None:
    walk = Walk(page_size=10, max_pages=3)
    for page in range(2):
        step = walk.after(PageRequest(limit=10, next=f"c{page}"), info(next=f"c{page + 1}"), 10)
        assert step.error is None
    step = walk.after(PageRequest(limit=10, next="c2"), info(next="c3"), 10)
    assert step.items == slice(0, 10)
    assert step.request is None
    assert "max_pages=3" in str(step.error)
    # The last page of a listing is no reason to complain.
    walk = Walk(page_size=10, max_pages=1)
    assert walk.after(PageRequest(limit=10, skip=0), info(has_next=False), 3).error is None


def test_no_page_cap_when_asked() -> None:
    walk = Walk(page_size=10, max_pages=None)
    for page in range(MAX_PAGES + 1):
        step = walk.after(PageRequest(limit=10, next=f"c{page}"), info(next=f"c{page + 1}"), 10)
    assert step.error is None


def test_a_walk_keeps_a_digest_of_each_cursor_not_the_cursor() -> None:
    walk = Walk(page_size=10)
    cursor = "c" * 100_000
    walk.after(PageRequest(limit=10, skip=0), info(next=cursor), 10)
    held = [v for v in vars(walk).values() if isinstance(v, set)]
    assert held
    assert all(isinstance(item, int) for found in held for item in found)


def test_max_items_shrinks_the_last_request_and_sends_none_after() -> None:
    walk = Walk(page_size=10, max_items=25)
    assert walk.first() == PageRequest(limit=10, skip=0)
    assert walk.after(PageRequest(limit=10, skip=0), info(), 10).request == PageRequest(
        limit=10, skip=10
    )
    step = walk.after(PageRequest(limit=10, skip=10), info(skip=10), 10)
    assert step.request == PageRequest(limit=5, skip=20)
    step = walk.after(PageRequest(limit=5, skip=20), info(skip=20), 5)
    assert step.request is None
    assert Walk(page_size=10, max_items=0).first() is None


def test_max_items_trims_a_page_larger_than_asked() -> None:
    walk = Walk(page_size=10, max_items=3)
    step = walk.after(PageRequest(limit=3, skip=0), info(), 10)
    assert step.items == slice(0, 3)
    assert step.request is None


def test_backward_offset_asks_for_the_page_ending_at_skip() -> None:
    walk = Walk(page_size=10, skip=25, backward=True)
    assert walk.first() == PageRequest(limit=10, skip=15)
    step = walk.after(PageRequest(limit=10, skip=15), info(skip=15, has_previous=True), 10)
    assert step.request == PageRequest(limit=10, skip=5)
    step = walk.after(PageRequest(limit=10, skip=5), info(skip=5, has_previous=True), 10)
    assert step.request == PageRequest(limit=5, skip=0)
    step = walk.after(PageRequest(limit=5, skip=0), info(skip=0, has_previous=False), 5)
    assert step.request is None


def test_backward_capped_page_is_discarded_and_asked_again_with_the_cap() -> None:
    walk = Walk(page_size=10, skip=30, backward=True)
    step = walk.after(PageRequest(limit=10, skip=20), info(skip=20, has_previous=True), 4)
    assert step.discard
    assert step.request == PageRequest(limit=4, skip=26)
    step = walk.after(PageRequest(limit=4, skip=26), info(skip=26, has_previous=True), 4)
    assert not step.discard
    assert step.request == PageRequest(limit=4, skip=22)  # the cap is remembered


def test_backward_page_past_the_end_is_not_short() -> None:
    walk = Walk(page_size=10, skip=50, backward=True)
    step = walk.after(PageRequest(limit=10, skip=40), info(skip=40, total=45, has_previous=True), 5)
    assert not step.discard
    assert step.items == slice(0, 5)
    assert step.request == PageRequest(limit=10, skip=30)


def test_backward_max_items_keeps_the_items_nearest_the_start_point() -> None:
    walk = Walk(page_size=10, skip=30, backward=True, max_items=3)
    assert walk.first() == PageRequest(limit=3, skip=27)
    step = walk.after(PageRequest(limit=3, skip=27), info(skip=27, has_previous=True), 3)
    assert step.items == slice(0, 3)
    assert step.request is None


def test_backward_has_previous_at_offset_zero_raises() -> None:
    walk = Walk(page_size=10, cursor="c", backward=True)
    step = walk.after(PageRequest(limit=10, previous="c"), info(skip=0, has_previous=True), 10)
    assert "before offset 0" in str(step.error)


def test_backward_follows_previous_cursors() -> None:
    walk = Walk(page_size=10, cursor="c9", backward=True)
    step = walk.after(PageRequest(limit=10, previous="c9"), info(previous="c8"), 10)
    assert step.request == PageRequest(limit=10, previous="c8")
    step = walk.after(PageRequest(limit=10, previous="c8"), info(previous="c9"), 10)
    assert isinstance(step.error, PaginationError)


def test_backward_from_zero_fetches_nothing() -> None:
    assert Walk(page_size=10, skip=0, backward=True).first() is None


# --- properties ------------------------------------------------------------------------------


def walk_items(listing: FakeListing, walk: Walk) -> list[int]:
    """Drive ``walk`` against ``listing`` and collect the walk's items in walk order."""
    got: list[int] = []
    request = walk.first()
    while request is not None:
        assert len(listing.queries) < 10_000, "the walk does not end"
        body = listing.answer(request.params())
        assert 1 <= request.limit <= 100
        # never asks for more than is still wanted (max_items)
        assert walk.remaining is None or request.limit <= walk.remaining
        items = [run["sequence"] for run in body["data"]]
        pagination = Pagination(
            limit=body["pagination"]["limit"],
            skip=body["pagination"]["skip"],
            total=body["pagination"]["total"],
            has_next=body["pagination"]["hasNext"],
            has_previous=body["pagination"]["hasPrevious"],
            next=body["pagination"]["next"],
            previous=body["pagination"]["previous"],
        )
        step = walk.after(request, pagination, len(items))
        assert step.error is None
        if not step.discard:
            kept = items[step.items]
            got.extend(reversed(kept) if walk.backward else kept)
        request = step.request
    return got


listings = st.builds(
    FakeListing,
    total=st.integers(0, 600),
    cap=st.integers(1, 100),
    cursors=st.sampled_from(["always", "never", "sometimes"]),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    listing=listings,
    page_size=st.integers(1, 100),
    start=st.integers(0, 700),
    max_items=st.none() | st.integers(0, 700),
)
def test_forward_walk_yields_every_item_once_in_order(
    listing: FakeListing, page_size: int, start: int, max_items: int | None
) -> None:
    expected = list(range(start, listing.total))[:max_items]
    got = walk_items(listing, Walk(page_size=page_size, skip=start, max_items=max_items))
    assert got == expected
    if max_items == 0:
        assert listing.queries == []


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    listing=listings,
    page_size=st.integers(1, 100),
    start=st.integers(0, 700),
    max_items=st.none() | st.integers(0, 700),
)
def test_backward_walk_is_the_exact_reverse(
    listing: FakeListing, page_size: int, start: int, max_items: int | None
) -> None:
    expected = list(reversed(range(min(start, listing.total))))[:max_items]
    got = walk_items(
        listing, Walk(page_size=page_size, skip=start, backward=True, max_items=max_items)
    )
    assert got == expected


@settings(max_examples=200)
@given(
    listing=listings.filter(lambda listing: listing.cursors != "never"),
    page_size=st.integers(1, 100),
    data=st.data(),
)
def test_walks_from_a_cursor_in_both_directions(
    listing: FakeListing, page_size: int, data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, listing.total))
    forward = walk_items(listing, Walk(page_size=page_size, cursor=f"pos:{position}"))
    assert forward == list(range(position, listing.total))
    backward = walk_items(
        listing, Walk(page_size=page_size, cursor=f"pos:{position}", backward=True)
    )
    assert backward == list(reversed(range(position)))


@settings(max_examples=60, deadline=None)
@given(
    listing=listings,
    page_size=st.integers(1, 100),
    backward=st.booleans(),
    prefetch=st.booleans(),
    max_items=st.none() | st.integers(0, 700),
)
async def test_iterate_over_any_listing_yields_every_run_once_in_order(
    listing: FakeListing, page_size: int, backward: bool, prefetch: bool, max_items: int | None
) -> None:
    from cognigy_async.resources import RunsResource

    runs = RunsResource(FakeTransport(listing), "p1")  # type: ignore[arg-type]
    skip = listing.total if backward else 0
    got = [
        run.sequence
        async for run in runs.iterate(
            "s",
            "b",
            page_size=page_size,
            skip=skip,
            backward=backward,
            prefetch=prefetch,
            max_items=max_items,
        )
    ]
    forward = list(range(listing.total))
    assert got == (forward[::-1] if backward else forward)[:max_items]


def test_max_items_zero_sends_nothing_even_from_a_cursor() -> None:
    assert Walk(page_size=10, cursor="c", max_items=0).first() is None
    assert Walk(page_size=10, skip=50, backward=True, max_items=0).first() is None


def test_backward_empty_page_where_the_server_reports_items_raises() -> None:
    walk = Walk(page_size=10, skip=30, backward=True)
    with pytest.raises(PaginationError, match="empty although the server reports items"):
        walk.after(PageRequest(limit=10, skip=20), info(skip=20, has_previous=True), 0)


def test_backward_page_larger_than_asked_keeps_only_the_requested_span() -> None:
    walk = Walk(page_size=10, skip=30, backward=True)
    step = walk.after(PageRequest(limit=10, skip=20), info(skip=20, has_previous=True), 25)
    assert step.items == slice(0, 10)  # items 30.. were walked already
    assert step.request == PageRequest(limit=10, skip=10)


def test_a_page_without_pagination_ends_the_walk() -> None:
    step = Walk(page_size=10).after(PageRequest(limit=10, skip=0), None, 4)
    assert step.items == slice(0, 4)
    assert step.request is None
    assert step.error is None
