"""Where the command line's clients point and how they authenticate.

Every setting comes from its flag first, then from the environment:

============================  ==========================  ===================================
setting                       flag                        environment
============================  ==========================  ===================================
Bluejay API key               ``--api-key``               ``BLUEJAY_API_KEY``
Bluejay base URL              ``--base-url``              ``BLUEJAY_BASE_URL``
Cognigy bearer token          ``--cognigy-token``         ``COGNIGY_TOKEN``
Cognigy API key               ``--cognigy-api-key``       ``COGNIGY_API_KEY``
Cognigy base URL              ``--cognigy-base-url``      ``COGNIGY_BASE_URL``
============================  ==========================  ===================================

A Bluejay base URL ending in ``/v1`` (as the API reference writes it) is used without it: the
SDK adds ``/v1`` to every route. A plain ``http://`` base URL is refused unless it points at
this machine or ``--allow-insecure`` is given. Every complaint about a value names the flag or
the variable it came from.

``--sandbox`` replaces all of them with an in-process sandbox of both APIs, so every command
can be tried without an account. A missing credential is reported only by a command that needs
it; secrets never appear in ``repr()`` or in an error message.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import attrs

from bluejay_async.api_root import without_api_version
from bluejay_async.cli.errors import UsageError
from bluejay_async.cli.parser import positive_float, positive_int
from bluejay_async.core.errors import ConfigurationError

if TYPE_CHECKING:
    from bluejay_async import BluejayClient
    from bluejay_async.core.retry import RetryPolicy
    from cognigy_async import CognigyClient

__all__ = [
    "Endpoints",
    "Settings",
    "bluejay_client",
    "bluejay_options",
    "cognigy_client",
    "cognigy_options",
    "positive_int",
    "resolve_settings",
]


def _common_options(parser: argparse.ArgumentParser) -> None:
    from bluejay_async.sandbox import FAULT_PRESETS

    sandbox = parser.add_argument_group("sandbox")
    sandbox.add_argument(
        "--sandbox",
        action="store_true",
        help="run against an in-process sandbox of both APIs (seeded data, no account needed)",
    )
    sandbox.add_argument(
        "--sandbox-faults",
        metavar="PRESET",
        choices=sorted(FAULT_PRESETS),
        help=f"with --sandbox, inject a fault preset ({', '.join(sorted(FAULT_PRESETS))})",
    )
    requests = parser.add_argument_group("requests")
    requests.add_argument(
        "--timeout",
        type=positive_float,
        default=30.0,
        metavar="SECONDS",
        help="seconds per request attempt (default: 30)",
    )
    requests.add_argument(
        "--max-attempts",
        type=positive_int,
        default=3,
        metavar="N",
        help="attempts per request, retries included (default: 3)",
    )
    requests.add_argument(
        "-v", "--verbose", action="store_true", help="log every request attempt on stderr"
    )


def _allow_insecure(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--allow-insecure",
        action="store_true",
        help="allow a plain http:// base URL on a host other than this machine",
    )


def bluejay_options() -> argparse.ArgumentParser:
    """A parent parser with the options of every Bluejay command."""
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("Bluejay connection")
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help="Bluejay API key (prefer $BLUEJAY_API_KEY: flags show in ps)",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help=f"Bluejay API root (default: $BLUEJAY_BASE_URL, else {BLUEJAY_DEFAULT_URL})",
    )
    _allow_insecure(group)
    _common_options(parser)
    return parser


def cognigy_options() -> argparse.ArgumentParser:
    """A parent parser with the options of every Cognigy command."""
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("Cognigy connection (token or API key, not both)")
    # Not an argparse mutually exclusive group: copied from a parent parser, its flags would
    # leave this group for the generic "options" one in --help. resolve_settings checks it.
    group.add_argument(
        "--cognigy-token", metavar="TOKEN", help="bearer token (prefer $COGNIGY_TOKEN)"
    )
    group.add_argument("--cognigy-api-key", metavar="KEY", help="API key (prefer $COGNIGY_API_KEY)")
    group.add_argument(
        "--cognigy-base-url",
        metavar="URL",
        help=f"Cognigy testing API root (default: $COGNIGY_BASE_URL, else {COGNIGY_DEFAULT_URL})",
    )
    _allow_insecure(group)
    _common_options(parser)
    return parser


BLUEJAY_DEFAULT_URL = "https://api.getbluejay.ai"
COGNIGY_DEFAULT_URL = "https://api-trial.cognigy.ai/testing"


@attrs.frozen(kw_only=True)
class Settings:
    """The resolved connection settings of one command.

    ``sources`` names the flag or the environment variable each given setting came from,
    keyed by the flag's ``argparse`` name (``sources["base_url"]`` is ``"--base-url"`` or
    ``"BLUEJAY_BASE_URL"``), so that a message about a bad value names what the user set.
    """

    bluejay_api_key: str | None = attrs.field(default=None, repr=False)
    bluejay_base_url: str | None = None
    cognigy_token: str | None = attrs.field(default=None, repr=False)
    cognigy_api_key: str | None = attrs.field(default=None, repr=False)
    cognigy_base_url: str | None = None
    sources: Mapping[str, str] = attrs.field(factory=dict)
    allow_insecure: bool = False
    sandbox: bool = False
    sandbox_faults: str | None = None
    sandbox_run_seconds: float | None = None
    sandbox_goal_success_rate: float | None = None
    timeout: float = 30.0
    retry: RetryPolicy = attrs.field(factory=lambda: _retry_policy(3))


def _pick(
    args: argparse.Namespace,
    attr: str,
    environ: Mapping[str, str],
    variable: str,
    sources: dict[str, str],
) -> str | None:
    """The flag's value when it was given, else the environment variable's when it is set.

    Records in ``sources[attr]`` the flag or the variable the value came from.
    """
    flag: str | None = getattr(args, attr, None)
    if flag is not None:
        sources[attr] = "--" + attr.replace("_", "-")
        return flag
    value = environ.get(variable) or None
    if value is not None:
        sources[attr] = variable
    return value


def _without_api_version(url: str | None) -> str | None:
    return None if url is None else without_api_version(url)


def resolve_settings(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> Settings:
    """The settings the parsed flags and the environment describe (flags win).

    Raises:
        UsageError: conflicting flags, such as ``--sandbox`` with a base URL.
    """
    env = os.environ if environ is None else environ
    sandbox = bool(getattr(args, "sandbox", False))
    faults = getattr(args, "sandbox_faults", None)
    if faults is not None and not sandbox:
        raise UsageError("--sandbox-faults needs --sandbox")
    run_seconds = getattr(args, "sandbox_run_seconds", None)
    goal_rate = getattr(args, "sandbox_goal_success_rate", None)
    for flag, value in (("run-seconds", run_seconds), ("goal-success-rate", goal_rate)):
        if value is not None and not sandbox:
            raise UsageError(f"--sandbox-{flag} needs --sandbox")
    for flag in ("base_url", "cognigy_base_url"):
        if sandbox and getattr(args, flag, None) is not None:
            raise UsageError(f"--sandbox and --{flag.replace('_', '-')} cannot be used together")
    sources: dict[str, str] = {}
    # Either Cognigy credential from a flag beats both from the environment, where the token
    # wins as it does in CognigyClient.
    given = [f for f in ("cognigy_token", "cognigy_api_key") if getattr(args, f, None) is not None]
    if len(given) == 2:
        raise UsageError("--cognigy-token and --cognigy-api-key cannot be used together")
    cognigy_env = {} if given else env
    token = _pick(args, "cognigy_token", cognigy_env, "COGNIGY_TOKEN", sources)
    key = None
    if token is None:
        key = _pick(args, "cognigy_api_key", cognigy_env, "COGNIGY_API_KEY", sources)
    bluejay_url = _pick(args, "base_url", env, "BLUEJAY_BASE_URL", sources)
    return Settings(
        bluejay_api_key=_pick(args, "api_key", env, "BLUEJAY_API_KEY", sources),
        bluejay_base_url=_without_api_version(bluejay_url),
        cognigy_token=token,
        cognigy_api_key=key,
        cognigy_base_url=_pick(args, "cognigy_base_url", env, "COGNIGY_BASE_URL", sources),
        sources=sources,
        allow_insecure=bool(getattr(args, "allow_insecure", False)),
        sandbox=sandbox,
        sandbox_faults=faults,
        sandbox_run_seconds=run_seconds,
        sandbox_goal_success_rate=goal_rate,
        timeout=getattr(args, "timeout", 30.0),
        retry=_retry_policy(getattr(args, "max_attempts", 3)),
    )


def _retry_policy(max_attempts: int) -> RetryPolicy:
    # Imported here: the retry module loads tenacity, which ``--help`` does not need.
    from bluejay_async.core.retry import RetryPolicy

    return RetryPolicy(max_attempts=max_attempts)


@attrs.frozen(kw_only=True)
class Endpoints:
    """Where to send requests, with which credentials (a sandbox's, or the configured ones)."""

    bluejay_api_key: str | None = attrs.field(repr=False)
    bluejay_base_url: str | None
    cognigy_token: str | None = attrs.field(repr=False)
    cognigy_api_key: str | None = attrs.field(repr=False)
    cognigy_base_url: str | None


@contextlib.asynccontextmanager
async def _endpoints(settings: Settings) -> AsyncIterator[Endpoints]:
    """The configured endpoints, or those of a sandbox served for the block's duration."""
    if not settings.sandbox:
        yield Endpoints(
            bluejay_api_key=settings.bluejay_api_key,
            bluejay_base_url=settings.bluejay_base_url,
            cognigy_token=settings.cognigy_token,
            cognigy_api_key=settings.cognigy_api_key,
            cognigy_base_url=settings.cognigy_base_url,
        )
        return
    from bluejay_async.sandbox import FAULT_PRESETS, SandboxConfig, run_sandbox

    faults = FAULT_PRESETS[settings.sandbox_faults or "none"]
    config = SandboxConfig(faults=faults)
    if settings.sandbox_run_seconds is not None:
        config = attrs.evolve(config, run_seconds=settings.sandbox_run_seconds)
    if settings.sandbox_goal_success_rate is not None:
        config = attrs.evolve(config, goal_success_rate=settings.sandbox_goal_success_rate)
    async with run_sandbox(config) as sandbox:
        yield Endpoints(
            bluejay_api_key=sandbox.api_key,
            bluejay_base_url=sandbox.bluejay_url,
            cognigy_token=sandbox.api_key,
            cognigy_api_key=None,
            cognigy_base_url=sandbox.cognigy_url,
        )


def _check_url(url: str | None, source: str | None, example: str, settings: Settings) -> None:
    """Refuse an unusable base URL with a message naming the flag or variable that set it."""
    from bluejay_async.core.urls import check_base_url  # yarl: not needed for ``--help``

    if url is None or source is None:
        return
    try:
        check_base_url(url, allow_insecure=True)
    except ConfigurationError:
        raise UsageError(
            f"{source} must be an http(s) URL with a host and no query, such as {example}; "
            f"got {url!r}"
        ) from None
    if settings.allow_insecure:
        return
    try:
        check_base_url(url, allow_insecure=False)
    except ConfigurationError:
        raise UsageError(
            f"{source} is plain http to {urlsplit(url).hostname!r}: credentials would travel "
            "unencrypted; use https, or add --allow-insecure if you really mean it"
        ) from None


def _named(exc: ConfigurationError, source: str | None) -> ConfigurationError:
    """``exc`` with the flag or variable that set the faulty credential in front."""
    return ConfigurationError(f"{source}: {exc}" if source else str(exc))


@contextlib.asynccontextmanager
async def bluejay_client(settings: Settings) -> AsyncIterator[BluejayClient]:
    """A :class:`BluejayClient` configured by ``settings``, closed when the block ends.

    Raises:
        ConfigurationError: no API key, or an unusable one.
        UsageError: an unusable base URL (named by the flag or variable that set it).
    """
    from bluejay_async import BluejayClient

    if not settings.sandbox:
        source = settings.sources.get("base_url")
        _check_url(settings.bluejay_base_url, source, BLUEJAY_DEFAULT_URL, settings)
    async with _endpoints(settings) as endpoints:
        if endpoints.bluejay_api_key is None:
            raise ConfigurationError(
                "no Bluejay API key: set BLUEJAY_API_KEY or pass --api-key (or try --sandbox)"
            )
        try:
            client = BluejayClient(
                api_key=endpoints.bluejay_api_key,
                base_url=endpoints.bluejay_base_url,
                timeout=settings.timeout,
                retry=settings.retry,
                allow_insecure=settings.allow_insecure,
            )
        except ConfigurationError as exc:
            raise _named(exc, settings.sources.get("api_key")) from None
        async with client:
            yield client


@contextlib.asynccontextmanager
async def cognigy_client(settings: Settings) -> AsyncIterator[CognigyClient]:
    """A :class:`CognigyClient` configured by ``settings``, closed when the block ends.

    Raises:
        ConfigurationError: no credentials, or unusable ones.
        UsageError: an unusable base URL (named by the flag or variable that set it).
    """
    from cognigy_async import CognigyClient

    if not settings.sandbox:
        source = settings.sources.get("cognigy_base_url")
        _check_url(settings.cognigy_base_url, source, COGNIGY_DEFAULT_URL, settings)
    async with _endpoints(settings) as endpoints:
        if endpoints.cognigy_token is None and endpoints.cognigy_api_key is None:
            raise ConfigurationError(
                "no Cognigy credentials: set COGNIGY_TOKEN or COGNIGY_API_KEY, or pass "
                "--cognigy-token or --cognigy-api-key (or try --sandbox)"
            )
        try:
            client = CognigyClient(
                token=endpoints.cognigy_token,
                api_key=endpoints.cognigy_api_key,
                base_url=endpoints.cognigy_base_url,
                timeout=settings.timeout,
                retry=settings.retry,
                allow_insecure=settings.allow_insecure,
            )
        except ConfigurationError as exc:
            credential = "cognigy_token" if endpoints.cognigy_token else "cognigy_api_key"
            raise _named(exc, settings.sources.get(credential)) from None
        async with client:
            yield client
