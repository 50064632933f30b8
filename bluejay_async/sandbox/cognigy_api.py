"""The Cognigy simulator route: ``GET /testing/simulations/{sim}/batches/{batch}/runs``.

Auth is ``Authorization: Bearer <api_key>`` or ``X-API-Key: <api_key>``; otherwise 401
``{"error", "code": "UNAUTHORIZED", "traceId"}``. Query errors are 400
``{"error", "field", "code": "VALIDATION_ERROR", "traceId"}``, first problem only:

* ``projectId`` required (non-empty); ``limit`` integer 1..100 (default 20); ``skip``
  integer >= 0 (default 0);
* ``sort`` is ``field`` or ``field:asc|desc`` with field ``createdAt`` or ``sequence``
  (default ``createdAt:desc``, newest first; both fields order runs the same way);
* ``filter``: case-insensitive substring of the run's ``id`` or ``metrics.summary``;
  ``endPointType``: exact match.

A page holds at most ``min(limit, cognigy_max_page_size)`` runs: a server may return fewer
than ``limit``, so clients must advance ``skip`` by the number of runs received.
``pagination.limit`` echoes the requested limit, ``skip`` is the offset of the page's first
run in the filtered, sorted list and ``total`` the length of that list.

Cursors (``cognigy_cursors=True``): ``pagination.next`` is an opaque token naming the
*position* of the page's last run (keyset: its sort key and sequence, not an offset),
present when more runs follow; ``pagination.previous`` names the page's first run, present
when runs precede it. ``next=<token>`` returns the ``limit`` runs immediately after that
position; ``previous=<token>`` returns the ``limit`` runs immediately before it, in the same
sort order. Because positions are keys, not offsets, a walk in either direction is unaffected
by runs appended to the batch meanwhile (with the default newest-first sort, appended runs
appear before the first page and are reached through ``previous``). A cursor takes precedence
over ``skip``. A token that does not decode, was forged, or belongs to another query (other
batch, filter, endPointType or sort) is a 400 with ``field`` ``"next"`` or ``"previous"``.
Tokens are base64url of ``{"v":1,"sort":..,"key":..,"seq":..,"q":..}`` plus a MAC.
Without cursors, ``next`` and ``previous`` are always null and only ``skip`` paging works
(cursor parameters are ignored, as a server that does not know them would).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

import attrs
from aiohttp import web

from ._json import dumps
from .cognigy_data import CognigyStore
from .config import SandboxConfig
from .errors import JSON_TYPE, TraceIds, cognigy_error

PREFIX = "/testing"
SORT_FIELDS = ("createdAt", "sequence")
DEFAULT_SORT = "createdAt:desc"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class QueryError(Exception):
    """A query parameter is invalid: becomes a 400 naming ``field``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@attrs.frozen
class Ordered:
    """Run indices (ascending in ``asc``) seen in ascending or descending sort order."""

    asc: Sequence[int]
    desc: bool

    def __len__(self) -> int:
        return len(self.asc)

    def slice(self, start: int, stop: int) -> list[int]:
        """Indices at sort positions ``start..stop-1`` (clamped)."""
        n = len(self.asc)
        start, stop = max(0, start), min(n, stop)
        if start >= stop:
            return []
        if self.desc:
            return [self.asc[n - 1 - p] for p in range(start, stop)]
        return list(self.asc[start:stop])

    def position_after(self, index: int) -> int:
        """Sort position of the first run that comes after run ``index``."""
        if self.desc:
            return len(self.asc) - bisect_left(self.asc, index)
        return bisect_right(self.asc, index)

    def position_before(self, index: int) -> int:
        """How many runs come before run ``index`` in sort order."""
        if self.desc:
            return len(self.asc) - bisect_right(self.asc, index)
        return bisect_left(self.asc, index)


class CursorCodec:
    """Signs and checks cursor tokens (so a garbled or forged one is rejected)."""

    def __init__(self, seed: int) -> None:
        self._key = hashlib.blake2b(f"cursor:{seed}".encode(), digest_size=16).digest()

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, "sha256").digest()[:8]

    def encode(self, sort: str, key: int, seq: int, query: str) -> str:
        """Token for the position of the run with sort key ``key`` and sequence ``seq``."""
        payload = json.dumps(
            {"v": 1, "sort": sort, "key": key, "seq": seq, "q": query}, separators=(",", ":")
        ).encode()
        return base64.urlsafe_b64encode(payload + self._mac(payload)).rstrip(b"=").decode()

    def decode(self, token: str, field: str, sort: str, query: str) -> int:
        """The run index a token points at, checked against the current query."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            payload, mac = raw[:-8], raw[-8:]
            if len(raw) <= 8 or not hmac.compare_digest(mac, self._mac(payload)):
                raise ValueError("bad signature")
            data = json.loads(payload)
            seq = data["seq"]
            if data["v"] != 1 or not isinstance(seq, int) or seq < 1:
                raise ValueError("bad payload")
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise QueryError(field, f"Invalid pagination cursor in '{field}'") from exc
        if data["sort"] != sort or data["q"] != query:
            raise QueryError(field, f"Pagination cursor in '{field}' does not match this query")
        index: int = seq - 1
        return index


def _int_param(query: Any, name: str, default: int, low: int, high: int | None) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    text = raw.strip()
    if not (text.lstrip("-").isdigit() and text.isascii()):
        raise QueryError(name, f"'{name}' must be an integer")
    value = int(text)
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f">= {low}"
        raise QueryError(name, f"'{name}' must be {bounds}")
    return value


def _sort_param(raw: str | None) -> tuple[str, bool]:
    text = DEFAULT_SORT if raw is None or raw == "" else raw
    field, _, direction = text.partition(":")
    direction = direction or "asc"
    if field not in SORT_FIELDS or direction not in ("asc", "desc"):
        raise QueryError(
            "sort",
            f"Invalid sort '{raw}': use <field>:<asc|desc> with field one of "
            + ", ".join(SORT_FIELDS),
        )
    return f"{field}:{direction}", direction == "desc"


class CognigyAPI:
    """The runs endpoint.

    It pages through ``store``'s batches as ``config`` says (API key, cursor seed, page size,
    cursors on or off) and puts ``trace_ids`` in its error bodies.
    """

    def __init__(self, store: CognigyStore, config: SandboxConfig, trace_ids: TraceIds) -> None:
        self._store = store
        self._config = config
        self._trace_ids = trace_ids
        self._key = config.api_key.encode()
        self._cursors = CursorCodec(config.seed)

    def add_routes(self, app: web.Application) -> None:
        """Register the runs endpoint (route name ``cognigy_runs``)."""
        app.router.add_get(
            # [^/]+ rather than the default pattern, which refuses ids holding braces.
            f"{PREFIX}/simulations/{{simulationReference:[^/]+}}/batches/"
            "{simulationRunBatchReference:[^/]+}/runs",
            self.list_runs,
            name="cognigy_runs",
            allow_head=False,
        )

    def _authorized(self, request: web.Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return hmac.compare_digest(token.strip().encode(), self._key)
        key = request.headers.get("X-API-Key", "")
        return bool(key) and hmac.compare_digest(key.encode(), self._key)

    async def list_runs(self, request: web.Request) -> web.Response:
        """``GET /testing/simulations/{sim}/batches/{batch}/runs``."""
        if not self._authorized(request):
            missing = "Authorization" not in request.headers and "X-API-Key" not in request.headers
            message = "Missing authentication" if missing else "Invalid or expired credentials"
            return cognigy_error(401, message, self._trace_ids(), code="UNAUTHORIZED")
        try:
            page = self._page(request)
        except QueryError as exc:
            return cognigy_error(
                400, exc.message, self._trace_ids(), code="VALIDATION_ERROR", field=exc.field
            )
        return web.Response(body=dumps(page), content_type=JSON_TYPE)

    def _page(self, request: web.Request) -> dict[str, Any]:
        config, store = self._config, self._store
        q = request.query
        sim = request.match_info["simulationReference"]
        batch = request.match_info["simulationRunBatchReference"]
        project_id = q.get("projectId", "")
        if not project_id.strip():
            raise QueryError("projectId", "'projectId' is required")
        limit = _int_param(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        skip = _int_param(q, "skip", 0, 0, None)
        sort, desc = _sort_param(q.get("sort"))
        text, endpoint = q.get("filter", ""), q.get("endPointType", "")
        indices: Sequence[int] = (
            store.matching(sim, batch, text, endpoint)
            if text or endpoint
            else range(store.count(sim, batch))
        )
        ordered = Ordered(indices, desc)
        size = min(limit, config.cognigy_max_page_size)
        fingerprint = hashlib.blake2b(
            "\x1f".join((sim, batch, text.lower(), endpoint)).encode(), digest_size=6
        ).hexdigest()
        next_token, previous_token = q.get("next"), q.get("previous")
        if config.cognigy_cursors and next_token:
            start = ordered.position_after(
                self._cursors.decode(next_token, "next", sort, fingerprint)
            )
        elif config.cognigy_cursors and previous_token:
            stop = ordered.position_before(
                self._cursors.decode(previous_token, "previous", sort, fingerprint)
            )
            start = max(0, stop - size)
            size = stop - start
        else:
            start = skip
        chosen = ordered.slice(start, start + size)
        total = len(ordered)
        runs = [store.run(sim, batch, i, project_id) for i in chosen]
        has_next = start + len(chosen) < total
        has_previous = start > 0
        next_cursor = previous_cursor = None
        if config.cognigy_cursors and runs:
            if has_next:
                last = runs[-1]
                next_cursor = self._cursors.encode(
                    sort, last[sort.split(":")[0]], last["sequence"], fingerprint
                )
            if has_previous:
                first = runs[0]
                previous_cursor = self._cursors.encode(
                    sort, first[sort.split(":")[0]], first["sequence"], fingerprint
                )
        return {
            "data": runs,
            "pagination": {
                "limit": limit,
                "skip": start,
                "total": total,
                "hasNext": has_next,
                "hasPrevious": has_previous,
                "next": next_cursor,
                "previous": previous_cursor,
            },
        }
