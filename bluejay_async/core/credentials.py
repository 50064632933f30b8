"""Credentials: the headers that carry them, and the redaction that keeps them out of errors.

A client holds the exact secret strings it sends (an API key, a bearer token), so hiding them is
a plain substring replacement. :class:`Credentials` pairs the auth headers with those secrets,
and :meth:`Credentials.scrub` replaces every copy of a secret by ``***`` in an exception and in
everything chained to it: its message and ``args``, its attributes (``.body``, ``.headers``,
``.request_id``, ``.trace_id``, ...), and the request headers aiohttp's own errors carry. A
server that echoes the key back in a body or a header therefore never puts it in a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

import aiohttp
import attrs
import multidict

__all__ = ["REDACTED", "Credentials"]

REDACTED = "***"
E = TypeVar("E", bound=BaseException)
_SHORTEST_TAIL = 4
"""The shortest start of a secret hidden when a text was cut right after it (``abcd...``)."""


@attrs.frozen(repr=False)
class Credentials:
    """The auth headers of a client and the secrets in them, never shown in a ``repr()``."""

    headers: Mapping[str, str]
    secrets: tuple[str, ...]
    _forms: tuple[str, ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        # The secret as written, and as a JSON string would escape it (a server echoing it
        # inside a JSON body); longest first, so that no replacement leaves a piece of another.
        forms = {form for s in self.secrets if s for form in (s, json.dumps(s)[1:-1])}
        object.__setattr__(self, "_forms", tuple(sorted(forms, key=len, reverse=True)))

    @classmethod
    def api_key(cls, key: str, header: str = "X-API-Key") -> Credentials:
        """An API key sent as ``header``."""
        return cls({header: key}, (key,))

    @classmethod
    def bearer(cls, token: str) -> Credentials:
        """A token sent as ``Authorization: Bearer <token>``."""
        return cls({"Authorization": "Bearer " + token}, (token,))

    def __repr__(self) -> str:
        return f"Credentials(headers={sorted(self.headers)!r})"

    def text(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``, including a secret cut off by ``...``."""
        for form in self._forms:
            if form in text:
                text = text.replace(form, REDACTED)
        if "..." in text:
            for form in self._forms:
                for end in range(len(form) - 1, _SHORTEST_TAIL - 1, -1):
                    cut = form[:end] + "..."
                    if cut in text:
                        text = text.replace(cut, REDACTED + "...")
        return text

    def bytes(self, raw: bytes) -> bytes:
        """``raw`` with every secret replaced by ``***`` (a body, before it is parsed)."""
        for form in self._forms:
            encoded = form.encode()
            if encoded in raw:
                raw = raw.replace(encoded, REDACTED.encode())
        return raw

    def value(self, value: Any) -> Any:
        """A copy of a decoded JSON value (or headers) with every secret replaced."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, multidict.CIMultiDict | multidict.CIMultiDictProxy):
            return multidict.CIMultiDict((self.text(k), self.text(v)) for k, v in value.items())
        if isinstance(value, dict):
            return {self.value(k): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return tuple(self.value(v) for v in value)
        if attrs.has(type(value)):
            changes = {
                a.alias: self.value(getattr(value, a.name))
                for a in attrs.fields(type(value))
                if a.init
            }
            return attrs.evolve(value, **changes)
        return value

    def scrub(self, error: E) -> E:
        """Remove the secrets from ``error`` and from its ``__cause__``/``__context__`` chain.

        The exceptions are changed in place (and ``error`` is returned), so the traceback shows
        the scrubbed texts.
        """
        seen: set[int] = set()
        current: BaseException | None = error
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            if isinstance(current, aiohttp.ClientResponseError):
                self._drop_request_headers(current)
            if self._forms:
                self._scrub_one(current)
            current = current.__cause__ or current.__context__
        return error

    def _scrub_one(self, error: BaseException) -> None:
        error.args = tuple(self.value(a) for a in error.args)
        for name, attribute in list(vars(error).items()):
            try:
                setattr(error, name, self.value(attribute))
            except AttributeError:  # a read-only property on some exception types
                continue

    def _drop_request_headers(self, error: aiohttp.ClientResponseError) -> None:
        """aiohttp's response errors carry the request's headers (the credentials among them)
        in their ``request_info``, which their ``repr()`` and ``args`` show."""
        info = error.request_info
        headers = multidict.CIMultiDict(info.headers)
        for name in self.headers:
            headers.popall(name, None)
        error.request_info = aiohttp.RequestInfo(
            info.url, info.method, multidict.CIMultiDictProxy(headers), info.real_url
        )
        error.args = (error.request_info, *error.args[1:])
