"""From an HTTP error response to its typed error: the single error-mapping point.

:func:`status_error_from_response` picks the :class:`~bluejay_async.core.errors.APIStatusError`
subclass of the status, parses the body (JSON or text), reads FastAPI's 422 ``detail`` list
into :class:`~bluejay_async.core.errors.FieldError`\\ s, Cognigy's ``{error, field, code,
traceId}`` into attributes, and the request and trace ids from the headers, and words one
message that names the status, the request and what the server said.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bluejay_async.core import codec as _codec
from bluejay_async.core.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
)

__all__ = ["excerpt", "status_error_from_response"]

_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")
_TRACE_ID_HEADERS = ("x-trace-id", "trace-id", "x-b3-traceid")
_EXCERPT_CHARS = 200


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _status_class(status: int) -> type[APIStatusError]:
    if status >= 500:
        return ServerError
    return _STATUS_CLASSES.get(status, APIStatusError)


def _first_header(headers: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def excerpt(raw: bytes, limit: int = _EXCERPT_CHARS) -> str:
    """A short printable excerpt of a response body, for error messages."""
    text = raw[: limit * 4].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _parse_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return _codec.loads(raw)
    except (ValueError, RecursionError):  # the stdlib decoder recurses on nesting
        return raw.decode("utf-8", errors="replace")


def _field_errors(body: Any) -> tuple[FieldError, ...]:
    if not isinstance(body, dict) or not isinstance(body.get("detail"), list):
        return ()
    found = []
    for item in body["detail"]:
        if not isinstance(item, dict):
            continue
        loc = item.get("loc")
        found.append(
            FieldError(
                loc=tuple(p for p in loc if isinstance(p, (str, int)))
                if isinstance(loc, list)
                else (),
                msg=str(item.get("msg", "")),
                type=str(item.get("type", "")),
                input=item.get("input"),
            )
        )
    return tuple(found)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _describe(body: Any, errors: tuple[FieldError, ...], raw: bytes) -> str:
    if errors:
        return "; ".join(f"{e.field}: {e.msg}" for e in errors)
    if isinstance(body, dict):
        for key in ("error", "detail", "message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
        try:
            return excerpt(_codec.dumps(body))
        except (TypeError, ValueError, RecursionError):  # orjson encodes 255 levels at most
            return excerpt(raw)
    if isinstance(body, str):
        return excerpt(body.encode())
    return "no body"


def status_error_from_response(
    *,
    status: int,
    headers: Mapping[str, str],
    raw_body: bytes,
    method: str,
    url: str,
    retry_after: float | None = None,
) -> APIStatusError:
    """Build the typed error for an HTTP error response (the single error-mapping point)."""
    cls = _status_class(status)
    body = _parse_body(raw_body)
    errors = _field_errors(body)
    fields = body if isinstance(body, dict) else {}
    trace_id = _str_or_none(fields.get("traceId")) or _first_header(headers, _TRACE_ID_HEADERS)
    message = f"{status} {cls.__name__} on {method} {url}: {_describe(body, errors, raw_body)}"
    if trace_id:
        message += f" (trace id {trace_id})"
    kwargs: dict[str, Any] = {
        "status_code": status,
        "method": method,
        "url": url,
        "body": body,
        "headers": headers,
        "request_id": _first_header(headers, _REQUEST_ID_HEADERS),
        "code": _str_or_none(fields.get("code")),
        "field": _str_or_none(fields.get("field")),
        "trace_id": trace_id,
        "errors": errors,
    }
    if cls is RateLimitError:
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    return cls(message, **kwargs)
