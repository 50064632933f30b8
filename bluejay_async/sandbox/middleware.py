"""The one aiohttp middleware every request passes through.

It counts the request, applies the global latency, asks the :class:`FaultEngine` what to do,
injects the chosen fault (or runs the handler), turns router errors into the owning service's
error shape, and appends a :class:`RequestRecord` to the request log. With no fault rules and
no latency the hot path is a counter increment, a handler call and a log append.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from email.utils import formatdate
from time import time
from typing import Any

import attrs
from aiohttp import web

from .errors import TraceIds, bluejay_error, cognigy_error, html_error, reason
from .faults import (
    ROUTES,
    FaultDecision,
    FaultEngine,
    FaultRule,
    SandboxCounters,
    retry_after_header,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
UNMATCHED = "unmatched"


@attrs.frozen
class RequestRecord:
    """One request as the sandbox saw it."""

    method: str
    raw_path: str
    """Path and query exactly as sent (still percent-encoded)."""
    route: str
    """Route name (see ``faults.ROUTES``) or ``"unmatched"``."""
    match_info: dict[str, str]
    """Decoded path parameters."""
    status: int | None
    """Status sent; None when the connection was dropped without a response."""
    fault: str | None = None
    """Kind of fault injected, if any (``"latency"`` only when nothing else was)."""


def _is_cognigy(route: str, path: str) -> bool:
    return route == "cognigy_runs" or path.startswith("/testing")


def _drop(request: web.Request) -> web.Response:
    """Close the connection; aiohttp then fails to write the returned response, quietly."""
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=204)


def _retry_headers(rule: FaultRule, wait: float | None = None) -> dict[str, str]:
    seconds = wait if wait is not None else rule.retry_after
    if seconds is None:
        return {}
    if rule.retry_after_http_date:
        return {"Retry-After": formatdate(time() + int(retry_after_header(seconds)), usegmt=True)}
    if wait is None and seconds != int(seconds):
        return {"Retry-After": f"{seconds:g}"}
    return {"Retry-After": retry_after_header(seconds)}


class FaultMiddleware:
    """Callable aiohttp middleware: counts and logs every request and injects its faults.

    It uses the fault ``engine`` (the active fault plan), the ``counters`` and ``request_log``
    it fills, ``trace_ids`` for Cognigy error bodies, and ``latency`` seconds added to every
    request.
    """

    __middleware_version__ = 1

    def __init__(
        self,
        engine: FaultEngine,
        counters: SandboxCounters,
        request_log: deque[RequestRecord],
        trace_ids: TraceIds,
        latency: float = 0.0,
    ) -> None:
        self._engine = engine
        self._counters = counters
        self._log = request_log
        self._trace_ids = trace_ids
        self._latency = latency

    def _error(
        self, route: str, request: web.Request, status: int, message: str, headers: dict[str, str]
    ) -> web.Response:
        if _is_cognigy(route, request.path):
            return cognigy_error(status, message, self._trace_ids(), headers=headers)
        return bluejay_error(status, message, headers)

    async def __call__(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        counters, engine = self._counters, self._engine
        route = request.match_info.route.name or UNMATCHED
        counters.requests[route] += 1
        response: web.StreamResponse | None = None
        fault: str | None = None
        try:
            if self._latency > 0:
                await asyncio.sleep(self._latency)
            if engine.active and route in ROUTES:
                decision = engine.decide(route)
                if decision.latency_hits:
                    counters.faults[(route, "latency")] += decision.latency_hits
                    fault = "latency"
                    await asyncio.sleep(decision.delay)
                if decision.rule is not None:
                    fault = decision.rule.kind
                    counters.faults[(route, fault)] += 1
                    response = await self._inject(route, request, handler, decision)
                    return response
                response = await self._call(route, request, handler)
                if decision.bucket is not None:
                    response.headers.update(self._rate_headers(decision))
                return response
            response = await self._call(route, request, handler)
            return response
        finally:
            dropped = fault in ("drop_before", "drop_after")
            status = None if dropped or response is None else response.status
            if status is not None:
                counters.responses[(route, status)] += 1
            self._log.append(
                RequestRecord(
                    request.method, request.raw_path, route, dict(request.match_info), status, fault
                )
            )

    async def _call(self, route: str, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ConnectionResetError:
            # The client hung up before its body was read (e.g. during injected latency):
            # nothing to answer, and nothing worth aiohttp's "Error handling request" log.
            return _drop(request)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}
            return self._error(route, request, exc.status, reason(exc.status), headers)

    def _rate_headers(self, decision: FaultDecision) -> dict[str, str]:
        assert decision.bucket is not None
        bucket = decision.bucket
        headers = {
            "X-RateLimit-Limit": f"{bucket.rate:g}",
            "X-RateLimit-Remaining": str(int(bucket.tokens)),
        }
        if decision.wait:
            headers["X-RateLimit-Reset"] = f"{decision.wait:.3f}"
        return headers

    async def _inject(
        self, route: str, request: web.Request, handler: Handler, decision: FaultDecision
    ) -> web.StreamResponse:
        rule = decision.rule
        assert rule is not None
        if rule.kind == "status":
            headers = _retry_headers(rule)
            if rule.html:
                return html_error(rule.status, headers)
            return self._error(route, request, rule.status, reason(rule.status), headers)
        if rule.kind == "rate_limit":
            headers = {**_retry_headers(rule, decision.wait), **self._rate_headers(decision)}
            message = (
                "Rate limit exceeded"
                if not _is_cognigy(route, request.path)
                else ("Too many requests, please retry later")
            )
            return self._error(route, request, 429, message, headers)
        if rule.kind == "drop_before":
            return _drop(request)
        response = await self._call(route, request, handler)
        if rule.kind == "drop_after":
            return _drop(request)
        return await _truncate(request, response, rule)


async def _truncate(
    request: web.Request, response: web.StreamResponse, rule: FaultRule
) -> web.StreamResponse:
    body: Any = getattr(response, "body", None)
    if not isinstance(body, bytes) or len(body) < 2:
        return response
    cut = min(len(body) - 1, max(1, int(len(body) * rule.truncate_at)))
    if rule.broken_json:
        return web.Response(
            body=body[:cut], status=response.status, content_type=response.content_type
        )
    partial = web.StreamResponse(status=response.status)
    partial.content_type = response.content_type
    partial.content_length = len(body)
    await partial.prepare(request)
    await partial.write(body[:cut])
    transport = request.transport
    if transport is not None:
        transport.close()
    return partial
