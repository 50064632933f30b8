"""The exceptions raised by both clients, and the one place that maps an HTTP error to them.

Every failure the SDK reports is an :class:`APIError`. The tree::

    APIError
    ├── ConfigurationError          no API key, malformed base URL, ...
    ├── ClientClosedError           the client was closed (before or during the call)
    ├── InvalidRequestError         bad argument, raised before anything is sent (also ValueError)
    ├── APIConnectionError          the request never got a usable HTTP answer
    │   ├── RedirectError           a 3xx the client will not follow (``.status_code``)
    │   └── APITimeoutError
    │       └── RunTimeoutError     a run did not finish within ``runs.wait``'s timeout
    ├── ResponseDecodeError         a 2xx body that is not the JSON the API documents
    │   └── ResponseTooLargeError   a body past the client's ``max_response_bytes``
    ├── PaginationError             a cursor loop or a page that makes no progress
    └── APIStatusError              the server answered with a status >= 400
        ├── BadRequestError         400
        ├── AuthenticationError     401
        ├── PermissionDeniedError   403
        ├── NotFoundError           404
        ├── UnprocessableEntityError 422 (``.errors`` holds FastAPI's ``detail`` list)
        ├── RateLimitError          429 (``.retry_after`` in seconds, when the server sent one)
        └── ServerError             5xx

Every class survives ``pickle`` with its attributes (multiprocessing, Celery, pytest-xdist hand
exceptions across processes), whatever its constructor's keyword-only arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import multidict

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "FieldError",
    "InvalidRequestError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "ResponseDecodeError",
    "ResponseTooLargeError",
    "RunTimeoutError",
    "ServerError",
    "UnprocessableEntityError",
]



class APIError(Exception):
    """Base class of every error this SDK raises."""

    message: str

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle re-creates an exception as ``cls(*args)``, which the keyword-only arguments of
        # the subclasses refuse; rebuild it from its args and attributes instead.
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(cls: type[APIError], args: tuple[Any, ...], state: dict[str, Any]) -> APIError:
    """Unpickle an :class:`APIError` (see :meth:`APIError.__reduce__`)."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigurationError(APIError):
    """The client is not configured well enough to send a request (e.g. no API key)."""


class ClientClosedError(APIError):
    """The client was closed: by :meth:`aclose` (or leaving ``async with``) before the call, or
    while the call was waiting for a connection or an answer. Create a new client to go on."""


class InvalidRequestError(APIError, ValueError):
    """An argument is invalid; raised before anything is sent."""

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class PaginationError(APIError):
    """The server's pagination would loop (a cursor seen twice) or makes no progress."""


class APIConnectionError(APIError):
    """No usable HTTP response: the connection failed, dropped, the body was cut off, or the
    server redirected where the client does not follow (:class:`RedirectError`)."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class RedirectError(APIConnectionError):
    """The server answered with a redirect (3xx) the client does not follow.

    Refused, never retried: a redirect without a ``Location`` or with one that is not a URL, a
    redirected write (following could send it twice), a redirect to another origin (the
    credentials would go there), or more than five redirects in a row.

    Attributes:
        status_code: the 3xx status of the last answer.
        location: its ``Location`` header as sent (``None`` when absent).
        method, url: the request that was redirected.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status_code: int,
        location: str | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status_code = status_code
        self.location = location


class APITimeoutError(APIConnectionError):
    """The request did not complete within the configured timeout."""


class ResponseDecodeError(APIError):
    """A successful response whose body is not valid JSON or does not match the documented schema.

    ``path`` is the JSON path of the offending value (``$.simulation_results[0].id``) when the
    body parsed as JSON but a field had the wrong type or was missing. ``malformed`` is true when
    the body is not JSON at all (cut off or garbled in transit); such a GET is retried.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        excerpt: str | None = None,
        method: str | None = None,
        url: str | None = None,
        malformed: bool = False,
    ) -> None:
        super().__init__(message)
        self.malformed = malformed
        self.path = path
        self.excerpt = excerpt
        self.method = method
        self.url = url


class ResponseTooLargeError(ResponseDecodeError):
    """A response body grew past the client's ``max_response_bytes`` (compressed or not).

    Reading stopped at the limit, so memory stays bounded; the request is not retried, since
    the same body would come back. Raise ``max_response_bytes`` on the client if the API
    really sends bodies this large.

    Attributes:
        limit: the ``max_response_bytes`` in force.
        status_code: the HTTP status of the oversized response.
    """

    def __init__(
        self, message: str, *, limit: int, status_code: int, method: str, url: str
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.limit = limit
        self.status_code = status_code


@attrs.frozen(kw_only=True)
class FieldError:
    """One entry of a FastAPI 422 ``detail`` list: where (``loc``), what (``msg``), and its type."""

    loc: tuple[str | int, ...]
    msg: str
    type: str
    input: Any = None

    @property
    def field(self) -> str:
        """The failing field as a dotted path, without the leading ``body``/``query``/``path``."""
        parts = self.loc[1:] if self.loc and self.loc[0] in ("body", "query", "path") else self.loc
        return ".".join(str(p) for p in parts) or "<root>"


class APIStatusError(APIError):
    """The server answered with an HTTP error status.

    Attributes:
        status_code: the HTTP status.
        body: the parsed JSON body, or its text when it is not JSON (``None`` when empty).
        headers: the response headers (never the request's, which hold the credentials).
        request_id: the server's request id header, when sent.
        code, field, trace_id: from a ``{error, field, code, traceId}`` body (Cognigy), when sent.
        errors: the structured FastAPI validation errors of a 422 body (empty otherwise).
        method, url: the request that failed.
    """

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        url: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        request_id: str | None = None,
        code: str | None = None,
        field: str | None = None,
        trace_id: str | None = None,
        errors: tuple[FieldError, ...] = (),
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.method = method
        self.url = url
        self.body = body
        # Header names are case-insensitive: err.headers["retry-after"] must work however the
        # server spelled it.
        self.headers: Mapping[str, str] = multidict.CIMultiDict(headers or {})
        self.request_id = request_id
        self.code = code
        self.field = field
        self.trace_id = trace_id
        self.errors = errors


class BadRequestError(APIStatusError):
    """HTTP 400: the server rejected the request's parameters."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the credentials are missing or wrong."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the credentials do not allow this operation."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such simulation, run or result."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: FastAPI validation failed; ``.errors`` lists each failing field."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests. ``retry_after`` is the server's wait hint in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """HTTP 5xx: the server failed."""


class RunTimeoutError(APITimeoutError):
    """A simulation run did not reach a terminal status within the time given to wait for it.

    Raised by ``runs.wait`` and ``runs.watch``; polling has stopped and nothing is left running.
    The run itself goes on on the server: wait again, or read it with ``results.retrieve``.

    Attributes:
        run_id: the run that was being waited for.
        last_status: its ``simulation_run.status`` at the last successful poll (``None`` when no
            poll succeeded, or the server sent no status).
        timeout: the seconds that were allowed.

    The constructor takes its fields positionally too, so the error survives ``pickle`` (and
    crossing a process boundary) with every attribute.
    """

    def __init__(
        self,
        message: str,
        run_id: str | None = None,
        last_status: str | None = None,
        timeout: float | None = None,
        *,
        method: str = "GET",
        url: str = "",
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.run_id = run_id
        self.last_status = last_status
        self.timeout = timeout

    def __reduce__(self) -> tuple[Any, ...]:
        args = (self.message, self.run_id, self.last_status, self.timeout)
        return (type(self), args, dict(self.__dict__))
