"""Pure pieces of the sandbox: seeded state, caches, cursors, ordering, UUID wording."""

from __future__ import annotations

import pytest

from bluejay_async.sandbox import SandboxConfig, SandboxState, build_app
from bluejay_async.sandbox.cognigy_api import CursorCodec, Ordered, QueryError
from bluejay_async.sandbox.schemas import SIMULATION_REQUEST
from bluejay_async.sandbox.validation import _uuid_problem


def test_default_layout() -> None:
    state = SandboxState(SandboxConfig())
    assert sorted(state.simulations) == [1, 2, 3]
    assert sorted(state.runs) == list(range(1001, 1013))
    assert len(state.results) == 120
    assert sorted(state.results) == list(range(50_001, 50_121))
    assert state.simulations[2]["run_ids"] == [1005, 1006, 1007, 1008]
    assert state.result_run[50_011] == 1002


def test_results_are_generated_lazily_and_independently() -> None:
    one, two = SandboxState(SandboxConfig(seed=9)), SandboxState(SandboxConfig(seed=9))
    assert one.results[50_077] == two.results[50_077]  # no other result generated in `one`
    for rid in (50_001, 50_050):
        assert two.results[rid]["id"] == rid
    assert one.results[50_001] == two.results[50_001]
    assert SandboxState(SandboxConfig(seed=10)).results[50_077] != one.results[50_077]


def test_body_cache_is_bounded_and_invalidated() -> None:
    state = SandboxState(SandboxConfig(body_cache_size=2))
    first = state.retrieve_body(1001)
    state.retrieve_body(1002)
    state.retrieve_body(1003)
    assert state.retrieve_body(1001) == first  # regenerated identically after eviction
    assert state.retrieve_body(1001) is state.retrieve_body(1001)
    assert state.update_result(50_001, {"tags": ["x"]})
    assert state.retrieve_body(1001) != first
    assert b'"tags":["x"]' in (state.retrieve_body(1001) or b"")
    assert not state.update_result(1, {})
    assert state.retrieve_body(4242) is None
    assert state.simulation_runs_body(4242) is None


def test_warm_and_cognigy_append() -> None:
    _, sandbox = build_app(SandboxConfig(simulations=1, cognigy_runs_per_batch=3, warm=True))
    state = sandbox.state
    assert len(state._bodies) == len(state.runs) == 4
    assert state.cognigy_count("a", "b") == 3
    assert state.cognigy_append("a", "b", 4) == 7
    assert state.cognigy_count("a", "b") == 7
    assert state.cognigy_count("a", "c") == 3
    with pytest.raises(ValueError, match="count"):
        state.cognigy_append("a", "b", -1)


def test_created_simulation_uses_num_runs() -> None:
    state = SandboxState(SandboxConfig(simulations=0))
    request = SIMULATION_REQUEST(
        {"agent_id": "a", "digital_humans_settings": {"num_runs": 3}}, ("body",), []
    )
    assert state.create_simulation(request) == 1
    assert len(state.simulations[1]["run_ids"]) == 3
    assert state.create_simulation(SIMULATION_REQUEST({"agent_id": "b"}, ("body",), [])) == 2
    assert len(state.simulations[2]["run_ids"]) == 4


@pytest.mark.parametrize("desc", [False, True])
def test_ordered_positions(desc: bool) -> None:
    asc = [0, 3, 4, 9, 12]
    ordered = Ordered(asc, desc)
    listing = ordered.slice(0, 10)
    assert listing == (asc[::-1] if desc else asc)
    for pos, index in enumerate(listing):
        assert ordered.position_after(index) == pos + 1
        assert ordered.position_before(index) == pos
    # A position between two present runs (e.g. a filtered-out run) still splits the list.
    assert ordered.slice(ordered.position_after(5), 10) == ([4, 3, 0] if desc else [9, 12])
    assert ordered.slice(0, ordered.position_before(5)) == ([12, 9] if desc else [0, 3, 4])
    assert Ordered(range(5), desc).slice(3, 99) == ([1, 0] if desc else [3, 4])


def test_cursor_codec_round_trip_and_rejections() -> None:
    codec = CursorCodec(seed=1)
    token = codec.encode("createdAt:desc", 1_700_000_000_000, 42, "q1")
    assert codec.decode(token, "next", "createdAt:desc", "q1") == 41
    with pytest.raises(QueryError, match="does not match"):
        codec.decode(token, "next", "sequence:asc", "q1")
    with pytest.raises(QueryError, match="does not match"):
        codec.decode(token, "previous", "createdAt:desc", "q2")
    for bad in ("", "x", token[:-2], token + "AA", CursorCodec(seed=2).encode("a", 1, 1, "q1")):
        with pytest.raises(QueryError) as info:
            codec.decode(bad, "previous", "createdAt:desc", "q1")
        assert info.value.field == "previous"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("3c90c3cc-0d44-4b50-8888-8dd25736052a", None),
        ("3c90c3cc0d444b5088888dd25736052a", None),
        ("{3c90c3cc-0d44-4b50-8888-8dd25736052a}", None),
        ("urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a", None),
        ("", "invalid length: expected length 32 for simple format, found 0"),
        ("abc", "invalid length: expected length 32 for simple format, found 3"),
        ("3c90c3cc-0d44-4b50-8888", "invalid group count: expected 5, found 4"),
        (
            "3c90c3cc-0d44-4b50-8888-8dd25736052",
            "invalid group length in group 4: expected 12, found 11",
        ),
        (
            "zc90c3cc-0d44-4b50-8888-8dd25736052a",
            "invalid character: expected an optional prefix of `urn:uuid:` followed by "
            "[0-9a-fA-F-], found `z` at 1",
        ),
    ],
)
def test_uuid_problems(text: str, problem: str | None) -> None:
    assert _uuid_problem(text) == problem
