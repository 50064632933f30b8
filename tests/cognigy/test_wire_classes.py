"""The msgspec path builds Cognigy records itself, through wire classes, exactly as the pure path.

Each body is decoded twice: with the msgspec decoder alone (no fallback), and by the pure path;
a body msgspec refuses must be refused by the pure path too, or decoded by it into records
msgspec would have built.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluejay_async.core.converter import decode_response, structure
from bluejay_async.core.decode import fast, mirrors, parse
from bluejay_async.core.markers import EPOCH_MILLIS, camel_case
from bluejay_async.errors import ResponseDecodeError
from cognigy_async import Pagination, Run, RunMetrics, RunsPage, Turn
from tests.cognigy.test_models import PAGINATION, RUN

pytestmark = pytest.mark.skipif(not fast.AVAILABLE, reason="msgspec is not installed")

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# The epoch milliseconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
FIRST_MS = -62_135_596_800_000
LAST_MS = 253_402_300_799_999


def both_ways(raw: bytes, into: Any) -> Any:
    """msgspec's records, after checking the pure path builds the same (or refuses the body
    when msgspec does)."""
    decode = fast.decoder(into)
    assert decode is not None
    try:
        fast_result = decode(raw)
    except fast.REFUSED:
        with pytest.raises(ResponseDecodeError):
            structure(parse.loads(raw), into)
        return None
    assert fast_result == structure(parse.loads(raw), into)
    return fast_result


def page_of(*runs: dict[str, Any]) -> bytes:
    return json.dumps({"data": list(runs), "pagination": PAGINATION}).encode()


def test_records_come_out_as_the_record_classes_themselves() -> None:
    page = both_ways(page_of(RUN, RUN), RunsPage)
    assert type(page) is RunsPage
    run = page.data[0]
    assert type(run) is Run
    assert type(run.turns[0]) is Turn
    assert type(run.metrics) is RunMetrics
    assert type(page.pagination) is Pagination
    assert attrs.evolve(run, id="other").id == "other"  # records work as records
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        run.id = "x"  # type: ignore[misc]


def test_the_records_gain_no_attribute() -> None:
    both_ways(page_of(RUN), RunsPage)
    for record in (Run, Turn, RunsPage, RunMetrics):
        assert not hasattr(record, "createdAt")
        assert not hasattr(record, "successRate")
    assert not hasattr(Turn, "__attrs_post_init__")
    assert [a.name for a in attrs.fields(Run)][:2] == ["id", "organisation_reference"]


@given(st.lists(st.integers(min_value=FIRST_MS, max_value=LAST_MS), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_epoch_milliseconds_anywhere_in_range_come_out_exact(stamps: list[int]) -> None:
    """Far apart, close together, before 1970: each timestamp is EPOCH + its milliseconds."""
    turns = [{"id": f"t{i}", "createdAt": ms} for i, ms in enumerate(stamps)]
    decoded = both_ways(json.dumps(turns).encode(), list[Turn])
    assert [t.created_at for t in decoded] == [EPOCH + timedelta(milliseconds=ms) for ms in stamps]


def test_timestamps_a_few_seconds_apart_and_across_the_reach() -> None:
    start = 1_744_854_476_821
    steps = [0, 1, 1023, 1024, 2**20 - 1, 2**20, 2**20 + 1, -1, 5_000, 10**9, 17, -1024, -1025]
    steps += [-(2**20) + 1, -(2**20), -(2**20) - 1, -5_000, -(10**9), 3]
    stamps = [start + sum(steps[: i + 1]) for i in range(len(steps))]
    turns = [{"createdAt": ms} for ms in stamps]
    decoded = both_ways(json.dumps(turns).encode(), list[Turn])
    assert [t.created_at for t in decoded] == [EPOCH + timedelta(milliseconds=ms) for ms in stamps]


@pytest.mark.parametrize(
    "value",
    [LAST_MS + 1, FIRST_MS - 1, 10**30, -(10**30), True, 1.5, "1735689600000", [1], {"a": 1}],
)
def test_a_bad_timestamp_is_refused_by_both_paths(value: Any) -> None:
    run = copy.deepcopy(RUN)
    run["turns"][0]["createdAt"] = value
    assert both_ways(page_of(run), RunsPage) is None
    run = copy.deepcopy(RUN)
    run["createdAt"] = value
    assert both_ways(page_of(run), RunsPage) is None


def test_a_bad_timestamp_just_past_a_good_one_is_refused() -> None:
    """The step from the last timestamp must not carry a value past the end of the range."""
    turns = [{"createdAt": LAST_MS - 5}, {"createdAt": LAST_MS + 5}]
    assert both_ways(json.dumps(turns).encode(), list[Turn]) is None
    turns = [{"createdAt": FIRST_MS + 5}, {"createdAt": FIRST_MS - 5}]
    assert both_ways(json.dumps(turns).encode(), list[Turn]) is None


def test_null_and_absent_fields_as_the_pure_path() -> None:
    run = copy.deepcopy(RUN)
    run["turns"] = None  # a null list reads as []
    run["successCriteria"] = None
    run["metrics"]["results"] = None
    del run["metrics"]["errorInfo"]
    del run["duration"]
    run["turns"] = [{"createdAt": None, "data": None}]
    page = both_ways(page_of(run), RunsPage)
    assert page.data[0].turns == [Turn()]
    assert page.data[0].success_criteria == []
    assert page.data[0].metrics.results == []
    assert page.data[0].metrics.error_info is None


@pytest.mark.parametrize("field", ["createdAt", "id", "metrics", "turns"])
def test_a_required_field_missing_or_null(field: str) -> None:
    run = copy.deepcopy(RUN)
    del run[field]
    assert both_ways(page_of(run), RunsPage) is None
    if field != "turns":  # a null list is [] on both paths
        run[field] = None
        assert both_ways(page_of(run), RunsPage) is None


def test_snake_case_keys_are_not_read_as_the_fields() -> None:
    run = copy.deepcopy(RUN)
    run["created_by"] = "someone else"
    run["turns"][0]["created_at"] = 5
    page = both_ways(page_of(run), RunsPage)
    assert page.data[0].created_by == "me@example.com"


def test_a_record_without_slots_gets_no_wire_class() -> None:
    @attrs.define(slots=False)
    class Loose:
        created_at: int = 0

    camel_case(Loose)
    with pytest.raises(mirrors.Unsupported):
        mirrors.WireTypes(fast.reads_directly).wire(Loose)


@pytest.mark.parametrize(
    "field",
    [
        attrs.field(default=0, validator=attrs.validators.instance_of(int)),
        attrs.field(default=0, converter=int),
        attrs.field(default=0, init=False),
    ],
)
def test_a_record_msgspec_would_build_differently_gets_no_wire_class(field: Any) -> None:
    Odd = camel_case(attrs.make_class("Odd", {"created_at": field}, frozen=True, slots=True))
    with pytest.raises(mirrors.Unsupported):
        mirrors.WireTypes(fast.reads_directly).wire(Odd)
    assert fast._build(Odd) is None  # always the pure path


def test_timestamps_at_both_ends_of_the_range_come_out_exact() -> None:
    """The first block of the range starts before datetime.min; the last ends past its end."""
    stamps = [FIRST_MS, FIRST_MS + 1, FIRST_MS + 2**20, FIRST_MS + 2**21 + 5, 0, -1]
    stamps += [LAST_MS, LAST_MS - 1, LAST_MS - 2**20, LAST_MS - 2**21 - 5]
    turns = [{"createdAt": ms} for ms in stamps]
    decoded = both_ways(json.dumps(turns).encode(), list[Turn])
    assert [t.created_at for t in decoded] == [EPOCH + timedelta(milliseconds=ms) for ms in stamps]


def test_the_table_of_block_starts_stays_small() -> None:
    """Timestamps spread over years: the blocks seen are kept, but never more than the cap."""
    stamps = [1_000_000_000_000 + i * 2**20 for i in range(mirrors._MAX_BLOCKS + 300)]
    turns = [{"createdAt": ms} for ms in stamps]
    decoded = both_ways(json.dumps(turns).encode(), list[Turn])
    assert decoded[-1].created_at == EPOCH + timedelta(milliseconds=stamps[-1])
    assert 0 < len(mirrors._BLOCKS) <= mirrors._MAX_BLOCKS


def test_a_single_run_and_a_list_of_runs_are_finished_too() -> None:
    run = both_ways(json.dumps(RUN).encode(), Run)
    assert type(run) is Run
    assert type(run.turns[0]) is Turn
    runs = both_ways(json.dumps([RUN, RUN]).encode(), list[Run])
    assert [type(r) for r in runs] == [Run, Run]
    assert runs[1].created_at == EPOCH + timedelta(milliseconds=RUN["createdAt"])


@camel_case
@attrs.frozen(kw_only=True)
class _Checked:
    """A record with a hook of its own (not the null-list one): attrs and the finisher run it."""

    created_at: Annotated[datetime, EPOCH_MILLIS]
    turns_by_name: dict[str, Turn] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.created_at.year < 2000:
            raise ValueError("created before 2000")


def test_a_records_own_hook_runs_and_its_refusal_is_a_refusal() -> None:
    good = {"createdAt": RUN["createdAt"], "turnsByName": {"a": {"createdAt": 5}}}
    record = both_ways(json.dumps(good).encode(), _Checked)
    assert type(record) is _Checked
    assert type(record.turns_by_name["a"]) is Turn  # dict values are finished too
    assert record.turns_by_name["a"].created_at == EPOCH + timedelta(milliseconds=5)
    old = {"createdAt": 5}
    assert both_ways(json.dumps(old).encode(), _Checked) is None
    with pytest.raises(ResponseDecodeError):
        decode_response(json.dumps(old).encode(), _Checked)


def test_a_union_of_a_wire_record_and_another_type_takes_the_pure_path() -> None:
    @camel_case
    @attrs.frozen(kw_only=True)
    class Either:
        value: Turn | str

    with pytest.raises(mirrors.Unsupported):
        mirrors.WireTypes(fast.reads_directly).finisher(Either)
    assert fast._build(Either) is None
