"""Error responses in the shape each emulated service sends them.

Bluejay is a FastAPI service (``{"detail": ...}``); Cognigy's simulator API answers
``{"error", "code", "traceId"}`` (plus ``field`` on 400s); a proxy in front of either sends HTML.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from aiohttp import web

from ._json import dumps
from .cognigy_data import mix64

JSON_TYPE = "application/json"


def json_response(
    payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A response with a compact JSON body."""
    return web.Response(body=dumps(payload), status=status, content_type=JSON_TYPE, headers=headers)


def reason(status: int) -> str:
    """The standard reason phrase for ``status`` (``"Error"`` for unknown codes)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def status_code_name(status: int) -> str:
    """Cognigy-style error code for a status, e.g. 503 -> ``SERVICE_UNAVAILABLE``."""
    return reason(status).upper().replace(" ", "_").replace("-", "_").replace("'", "")


def bluejay_error(
    status: int, detail: Any, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A FastAPI ``HTTPException`` body."""
    return json_response({"detail": detail}, status, headers)


def cognigy_error(
    status: int,
    error: str,
    trace_id: str,
    *,
    code: str | None = None,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """A Cognigy error body: ``{"error", "field"?, "code", "traceId"}``."""
    body: dict[str, Any] = {"error": error}
    if field is not None:
        body["field"] = field
    body["code"] = code or status_code_name(status)
    body["traceId"] = trace_id
    return json_response(body, status, headers)


def html_error(status: int, headers: Mapping[str, str] | None = None) -> web.Response:
    """The kind of HTML error page a reverse proxy or load balancer sends."""
    title = f"{status} {reason(status)}"
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return web.Response(text=page, status=status, content_type="text/html", headers=headers)


class TraceIds:
    """Seed-reproducible trace ids for Cognigy error bodies: the n-th call gives the n-th id."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._count = itertools.count()

    def __call__(self) -> str:
        high = mix64(self._seed * 1_000_003 + next(self._count))
        return str(uuid.UUID(int=high << 64 | mix64(high), version=4))
