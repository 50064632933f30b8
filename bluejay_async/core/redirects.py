"""Redirect policy: which 3xx answers are followed, and where to.

A redirect is followed only when it is safe and unambiguous: a read (GET and the other
idempotent methods), a ``Location`` that is a URL, on the same origin (scheme, host and port),
at most :data:`MAX_REDIRECTS` times in a row. Everything else is a :class:`RedirectError`,
never a success: a 3xx without a ``Location`` is not an answer to the request, whatever its body
says. The ``Location`` is the whole target: the first request's query is not sent again.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urljoin

import yarl

from bluejay_async.core.errors import RedirectError
from bluejay_async.core.urls import origin_of

__all__ = [
    "IDEMPOTENT_METHODS",
    "MAX_REDIRECTS",
    "is_redirect",
    "redirect_target",
    "too_many_redirects",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MAX_REDIRECTS = 5


def is_redirect(status: int) -> bool:
    """Whether ``status`` is a redirection (3xx)."""
    return 300 <= status < 400


def redirect_target(method: str, url: str, status: int, headers: Mapping[str, str]) -> str:
    """The URL to follow a ``status`` redirect of ``method url`` to.

    Raises:
        RedirectError: when the redirect must not be followed (see the module notes).
    """
    location = headers.get("Location")

    def refuse(why: str) -> RedirectError:
        return RedirectError(
            f"{method} {url} was redirected ({status}) {why}",
            method=method,
            url=url,
            status_code=status,
            location=location,
        )

    if location is None or not location.strip():
        raise refuse("without a Location to follow; a redirect is not an answer")
    try:
        target = urljoin(url, location.strip())
        origin = origin_of(target)
        yarl.URL(target, encoded=True)  # what aiohttp will be handed next
    except (ValueError, TypeError):  # e.g. "http://[::1/x": an IPv6 host that is not closed
        raise refuse(f"to {location!r}, which is not a URL") from None
    if method not in IDEMPOTENT_METHODS:
        # Following would send the write again (or turn it into a GET, per RFC 9110): the
        # server may already have acted on it, so say so instead of guessing.
        raise refuse(f"to {target}; not followed so that the write is never sent twice")
    if origin != origin_of(url):
        raise refuse(
            f"to another origin ({origin[0]}://{origin[1]}); refused so that credentials are "
            "never sent elsewhere"
        )
    return target


def too_many_redirects(method: str, url: str, status: int) -> RedirectError:
    """The error for a chain longer than :data:`MAX_REDIRECTS`."""
    return RedirectError(
        f"too many redirects for {method} {url} (more than {MAX_REDIRECTS})",
        method=method,
        url=url,
        status_code=status,
    )
