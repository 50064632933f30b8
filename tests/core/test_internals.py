"""Small pieces of the core that the end-to-end tests do not reach on their own."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, cast

import attrs
import pytest

from bluejay_async import (
    BluejayClient,
    Event,
    SimulationCreated,
    SimulationResult,
    SimulationResults,
    SimulationRunDetail,
)
from bluejay_async.core import codec as _codec
from bluejay_async.core import converter as conv
from bluejay_async.core.validation import check_instances, path_segment
from bluejay_async.errors import ConfigurationError, InvalidRequestError, ResponseDecodeError
from tests.scripted_server import Reply, ScriptedServer


def test_codec_without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_codec, "_orjson", None)
    assert _codec.dumps({"a": "é", "b": [1, None]}) == '{"a":"é","b":[1,null]}'.encode()
    assert _codec.loads(b'{"a": 1}') == {"a": 1}
    with pytest.raises(ValueError):  # noqa: PT011 - the contract is "a ValueError"
        _codec.loads(b"{")


def test_codec_with_orjson() -> None:
    if _codec._orjson is None:  # pragma: no cover
        pytest.skip("orjson is not installed")
    assert _codec.BACKEND == "orjson"
    assert _codec.dumps({"a": "é"}) == '{"a":"é"}'.encode()
    with pytest.raises(ValueError):  # noqa: PT011
        _codec.loads(b"[1,")


def test_lone_surrogate_id_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="lone surrogate"):
        path_segment("a\ud800b", "run_id")


def test_check_instances_checks_nested_records() -> None:
    good = SimulationResults(
        simulation_run=SimulationRunDetail(
            id="1", simulation_id="2", created_at=datetime(2024, 1, 1, tzinfo=timezone.utc)
        ),
        simulation_results=[SimulationResult(id=1, events=[Event(title="t", start_offset_ms=0)])],
    )
    assert check_instances([good], "r", SimulationResults) == [good]

    bad_event = attrs.evolve(
        good,
        simulation_results=[SimulationResult(id=1, events=[Event(title=5, start_offset_ms=0)])],  # type: ignore[arg-type]
    )
    with pytest.raises(
        InvalidRequestError, match=r"r\[0\]\.simulation_results\[0\]\.events\[0\]\.title"
    ):
        check_instances([bad_event], "r", SimulationResults)

    bad_run = attrs.evolve(good, simulation_run=attrs.evolve(good.simulation_run, id=cast(Any, 1)))
    with pytest.raises(InvalidRequestError, match=r"r\[0\]\.simulation_run\.id"):
        check_instances([bad_run], "r", SimulationResults)


def test_long_wrong_values_are_cut_in_messages() -> None:
    with pytest.raises(ResponseDecodeError) as info:
        conv.structure({"simulation_id": "x" * 100}, SimulationCreated)
    assert "got string '" + "x" * 39 + "..." in str(info.value)


@attrs.frozen(kw_only=True)
class _Node:
    name: str
    children: list[_Node] = attrs.field(factory=list)


def test_recursive_records_can_use_the_fast_path() -> None:
    assert conv._msgspec_can_decode(_Node) is True
    raw = b'{"name": "a", "children": [{"name": "b", "children": null}]}'
    expected = _Node(name="a", children=[_Node(name="b")])
    assert conv.decode_response(raw, _Node) == expected


@pytest.mark.parametrize("url", ["http://[::1", "https://example.com:99999", "http://:80"])
def test_base_urls_aiohttp_cannot_parse(url: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url"):
        BluejayClient(api_key="k", base_url=url)


async def test_query_parameters(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script("GET", "/v1/q", Reply(json={"simulation_id": 1}))
    transport = bj._transport

    created = await transport.request(
        "GET", "/v1/q", into=SimulationCreated, params={"a": "1 2", "b": "é"}
    )

    assert created.simulation_id == 1
    assert server.requests[0].query == {"a": "1 2", "b": "é"}
    with pytest.raises(InvalidRequestError, match="lone surrogate"):
        await transport.request("GET", "/v1/q", into=SimulationCreated, params={"a": "\udc00"})
    assert len(server.requests) == 1


@attrs.frozen(kw_only=True)
class _Flags:
    flag: bool
    count: Annotated[int, "a plain annotation"] = 0


@pytest.mark.parametrize("backend", ["msgspec", "cattrs"])
def test_required_bool_and_annotated_fields(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conv, "_BACKEND", backend)
    assert conv._msgspec_can_decode(_Flags) is True
    assert conv.decode_response(b'{"flag": false, "count": 2}', _Flags) == _Flags(
        flag=False, count=2
    )
    with pytest.raises(ResponseDecodeError, match=r"\$\.flag: expected a boolean, got integer 0"):
        conv.decode_response(b'{"flag": 0}', _Flags)
