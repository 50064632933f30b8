"""Ids reach the server as exactly one path segment; bad ids never leave the client."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluejay_async import BluejayClient
from bluejay_async.core.validation import path_segment
from bluejay_async.errors import InvalidRequestError
from tests.scripted_server import Reply, ScriptedServer

RUNS = "/v1/get-simulation-runs/"
RESULTS = "/v1/retrieve-simulation-results/"

TRICKY_IDS = [
    ("../admin", "..%2Fadmin"),
    ("..", "%2E%2E"),
    (".", "%2E"),
    ("...", "%2E%2E%2E"),
    ("a/b?x=1", "a%2Fb%3Fx%3D1"),
    ("#frag", "%23frag"),
    ("%2F", "%252F"),
    ("a b", "a%20b"),
    ("déjà-vu", "d%C3%A9j%C3%A0-vu"),
    ("日本", "%E6%97%A5%E6%9C%AC"),
    ("a;b=c", "a%3Bb%3Dc"),
    ("a\\b", "a%5Cb"),
    ("~user_1.x-y", "~user_1.x-y"),
    (" .. ", "%20..%20"),
    (42, "42"),
    (-1, "-1"),
]


@pytest.mark.parametrize(("run_id", "encoded"), TRICKY_IDS)
async def test_run_id_is_one_segment(
    server: ScriptedServer, bj: BluejayClient, run_id: Any, encoded: str
) -> None:
    server.script("GET", RUNS + encoded, Reply(json={"simulation_runs": []}))

    assert await bj.runs.list(run_id) == []

    [seen] = server.requests
    assert seen.raw_path == RUNS + encoded
    assert seen.query == {}
    assert unquote(seen.raw_path[len(RUNS) :]) == str(run_id)


@pytest.mark.parametrize(("run_id", "encoded"), TRICKY_IDS[:8])
async def test_results_id_is_one_segment(
    server: ScriptedServer, bj: BluejayClient, run_id: Any, encoded: str
) -> None:
    server.script("GET", RESULTS + encoded, Reply(status=404, json={"detail": "no"}))

    with pytest.raises(Exception, match="404"):
        await bj.results.retrieve(run_id)

    assert [r.raw_path for r in server.requests] == [RESULTS + encoded]


@given(st.text(min_size=1).filter(lambda s: s.strip() != ""))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_id_encodes_to_one_segment_that_decodes_back(value: str) -> None:
    segment = path_segment(value, "run_id")
    assert "/" not in segment
    assert "?" not in segment
    assert "#" not in segment
    assert segment.strip(".") != ""  # never "." or ".." once in the URL
    assert unquote(segment, errors="surrogatepass") == value


@pytest.mark.parametrize("bad", ["", "   ", "\t\n", None, 1.5, True, False, b"1", ["1"], {"a": 1}])
async def test_bad_ids_are_refused_before_any_request(
    server: ScriptedServer, bj: BluejayClient, bad: Any
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        await bj.runs.list(bad)
    assert info.value.param == "simulation_id"
    with pytest.raises(InvalidRequestError) as info:
        await bj.results.retrieve(bad)
    assert info.value.param == "run_id"
    with pytest.raises(InvalidRequestError) as info:
        await bj.results.update(bad)
    assert info.value.param == "result_id"

    assert server.requests == []
