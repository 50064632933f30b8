"""URL policy: which base URLs a client accepts, and how a request's URL and query are formed.

Every refusal is a typed error before anything is sent: a base URL aiohttp could not use, one
with a query, a fragment or ``user:password@`` (credentials belong in the client's arguments,
never in a URL that ends up in ``repr()`` and messages), or plain ``http://`` to a host that is
not loopback unless the caller insists.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

import yarl

from bluejay_async.core.credentials import REDACTED
from bluejay_async.core.errors import ConfigurationError, InvalidRequestError

__all__ = ["check_base_url", "check_params", "is_loopback", "origin_of", "without_userinfo"]

_LOOPBACK_NAMES = frozenset({"localhost"})


def check_base_url(base_url: object, *, allow_insecure: bool) -> str:
    """Validate a base URL and return it without a trailing slash.

    Raises:
        ConfigurationError: the URL is not an absolute http(s) URL with a host, carries a
            query, a fragment or userinfo, or is plain http to a host that is not loopback
            (without ``allow_insecure``). The message never shows a password.
    """
    if not isinstance(base_url, str):
        raise ConfigurationError(f"base_url must be a string, got {type(base_url).__name__}")
    shown = without_userinfo(base_url)
    if shown != base_url:
        raise ConfigurationError(
            f"base_url must not carry credentials (user:password@): {shown!r}; pass the API "
            "key or token to the client instead"
        )
    try:
        parts = urlsplit(base_url)
        # aiohttp parses the URL with yarl: what yarl cannot parse, or reads as another host,
        # would otherwise fail with a bare ValueError on the first request.
        parsed = yarl.URL(base_url)
        usable = parsed.host == parts.hostname and parsed.port is not None
    except (ValueError, IndexError):  # yarl raises IndexError on some malformed hosts
        usable = False
    if not usable or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"base_url must not carry a query or fragment: {base_url!r}")
    if parts.scheme == "http" and not allow_insecure and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"refusing to send credentials over plain http to {parts.hostname!r}; "
            "use https, or pass allow_insecure=True if you really mean it"
        )
    return base_url.rstrip("/")


def without_userinfo(url: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@``, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority_end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority = rest[:authority_end]
    if "@" not in authority:
        return url
    host = authority.rpartition("@")[2]
    return f"{scheme}://{REDACTED}@{host}{rest[authority_end:]}"


def check_params(params: Mapping[str, str]) -> None:
    """Refuse query values with no UTF-8 form: yarl would silently drop their surrogates."""
    for key, value in params.items():
        try:
            key.encode()
            value.encode()
        except UnicodeEncodeError:
            raise InvalidRequestError(
                f"query parameter {key!r} is not valid Unicode text (it holds a lone surrogate)",
                param=key,
            ) from None


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, ``127.x``, ``::1``)."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a DNS name such as "127.example.com" is not loopback
        return False


def origin_of(url: str) -> tuple[str, str]:
    """The ``(scheme, netloc)`` of an absolute URL, lower-cased as origins compare."""
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
