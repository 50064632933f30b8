"""Bodies that do not decode: typed errors that name the endpoint and the field, on either path."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from bluejay_async import BluejayClient
from bluejay_async.errors import ResponseDecodeError
from bluejay_async.testing import bodies
from tests.mocked.conftest import BASE

RUNS = "/v1/get-simulation-runs/5"
RESULTS = "/v1/retrieve-simulation-results/7"


async def test_a_bare_list_of_runs_names_the_endpoint_not_a_private_class(
    m: aioresponses, bj: BluejayClient
) -> None:
    m.get(BASE + RUNS, payload=bodies.runs_body(5)["simulation_runs"])

    with pytest.raises(ResponseDecodeError) as caught:
        await bj.runs.list(5)

    assert str(caught.value) == (
        f"unexpected get-simulation-runs response from GET {BASE}{RUNS}: "
        "$: expected an object, got array"
    )
    assert caught.value.path == "$"
    assert not caught.value.malformed


async def test_a_wrongly_typed_field_is_named_by_its_json_path(
    m: aioresponses, bj: BluejayClient
) -> None:
    body = bodies.results_body(7)
    body["simulation_results"][1]["evaluations"][0]["latency"] = "fast"
    m.get(BASE + RESULTS, payload=body)

    with pytest.raises(ResponseDecodeError) as caught:
        await bj.results.retrieve(7)

    assert caught.value.path == "$.simulation_results[1].evaluations[0].latency"
    assert str(caught.value).startswith(f"unexpected SimulationResults response from GET {BASE}")
    assert caught.value.method == "GET"
    assert caught.value.url == BASE + RESULTS


async def test_an_html_page_with_status_200_is_not_json(m: aioresponses, bj: BluejayClient) -> None:
    m.get(BASE + RESULTS, body=b"<html>maintenance</html>", content_type="text/html", repeat=True)

    with pytest.raises(ResponseDecodeError) as caught:
        await bj.results.retrieve(7)

    assert caught.value.malformed
    assert caught.value.excerpt == "<html>maintenance</html>"
    assert f"response from GET {BASE}{RESULTS} is not valid JSON" in str(caught.value)


async def test_the_runs_body_builder_decodes(m: aioresponses, bj: BluejayClient) -> None:
    m.get(BASE + RUNS, payload=bodies.runs_body(5, run_ids=[11, 12]))

    runs = await bj.runs.list(5)

    assert [(r.id, r.simulation_id) for r in runs] == [(11, 5), (12, 5)]
