"""The Bluejay API root: every route starts with ``/v1``, which the base URL must not repeat."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["API_VERSION_PREFIX", "without_api_version"]

API_VERSION_PREFIX = "/v1"
"""The path every Bluejay route starts with; the client adds it."""


def without_api_version(url: str) -> str:
    """``https://host/v1`` -> ``https://host``; any other URL is returned as it is.

    The API reference gives its base URL with ``/v1`` and users copy it as written, while the
    client adds ``/v1`` to every route: without this, requests would go to ``/v1/v1/...``.
    A URL that cannot be parsed is returned as it is, for the client's checks to refuse.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    if not path.endswith(API_VERSION_PREFIX):
        return url
    return urlunsplit(parts._replace(path=path.removesuffix(API_VERSION_PREFIX)))
