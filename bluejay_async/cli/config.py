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

``--sandbox`` replaces all of them with an in-process sandbox of both APIs, so every command
can be tried without an account. A missing credential is reported only by a command that needs
it; secrets never appear in ``repr()`` or in an error message.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import AsyncIterator, Mapping

import attrs

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.cli.errors import UsageError
from bluejay_async.core.errors import ConfigurationError
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


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


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
        type=_positive_float,
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
        "--base-url", metavar="URL", help="Bluejay API root (default: $BLUEJAY_BASE_URL, else live)"
    )
    _common_options(parser)
    return parser


def cognigy_options() -> argparse.ArgumentParser:
    """A parent parser with the options of every Cognigy command."""
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("Cognigy connection")
    credentials = group.add_mutually_exclusive_group()
    credentials.add_argument(
        "--cognigy-token", metavar="TOKEN", help="bearer token (prefer $COGNIGY_TOKEN)"
    )
    credentials.add_argument(
        "--cognigy-api-key", metavar="KEY", help="API key (prefer $COGNIGY_API_KEY)"
    )
    group.add_argument(
        "--cognigy-base-url",
        metavar="URL",
        help="Cognigy testing API root (default: $COGNIGY_BASE_URL, else the trial host)",
    )
    _common_options(parser)
    return parser


@attrs.frozen(kw_only=True)
class Settings:
    """The resolved connection settings of one command."""

    bluejay_api_key: str | None = attrs.field(default=None, repr=False)
    bluejay_base_url: str | None = None
    cognigy_token: str | None = attrs.field(default=None, repr=False)
    cognigy_api_key: str | None = attrs.field(default=None, repr=False)
    cognigy_base_url: str | None = None
    sandbox: bool = False
    sandbox_faults: str | None = None
    sandbox_run_seconds: float | None = None
    sandbox_goal_success_rate: float | None = None
    timeout: float = 30.0
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)


def _pick(flag: str | None, environ: Mapping[str, str], name: str) -> str | None:
    """The flag's value when it was given, else the environment variable's when it is set."""
    if flag is not None:
        return flag
    return environ.get(name) or None


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
    # Either Cognigy credential from a flag beats both from the environment, where the token
    # wins as it does in CognigyClient.
    token: str | None = getattr(args, "cognigy_token", None)
    key: str | None = getattr(args, "cognigy_api_key", None)
    if token is None and key is None:
        token = env.get("COGNIGY_TOKEN") or None
        if token is None:
            key = env.get("COGNIGY_API_KEY") or None
    return Settings(
        bluejay_api_key=_pick(getattr(args, "api_key", None), env, "BLUEJAY_API_KEY"),
        bluejay_base_url=_pick(getattr(args, "base_url", None), env, "BLUEJAY_BASE_URL"),
        cognigy_token=token,
        cognigy_api_key=key,
        cognigy_base_url=_pick(getattr(args, "cognigy_base_url", None), env, "COGNIGY_BASE_URL"),
        sandbox=sandbox,
        sandbox_faults=faults,
        sandbox_run_seconds=run_seconds,
        sandbox_goal_success_rate=goal_rate,
        timeout=getattr(args, "timeout", 30.0),
        retry=RetryPolicy(max_attempts=getattr(args, "max_attempts", 3)),
    )


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


@contextlib.asynccontextmanager
async def bluejay_client(settings: Settings) -> AsyncIterator[BluejayClient]:
    """A :class:`BluejayClient` configured by ``settings``, closed when the block ends.

    Raises:
        ConfigurationError: no API key, or an unusable base URL.
    """
    async with _endpoints(settings) as endpoints:
        if endpoints.bluejay_api_key is None:
            raise ConfigurationError(
                "no Bluejay API key: set BLUEJAY_API_KEY or pass --api-key (or try --sandbox)"
            )
        async with BluejayClient(
            api_key=endpoints.bluejay_api_key,
            base_url=endpoints.bluejay_base_url,
            timeout=settings.timeout,
            retry=settings.retry,
        ) as client:
            yield client


@contextlib.asynccontextmanager
async def cognigy_client(settings: Settings) -> AsyncIterator[CognigyClient]:
    """A :class:`CognigyClient` configured by ``settings``, closed when the block ends.

    Raises:
        ConfigurationError: no credentials, or an unusable base URL.
    """
    async with _endpoints(settings) as endpoints:
        if endpoints.cognigy_token is None and endpoints.cognigy_api_key is None:
            raise ConfigurationError(
                "no Cognigy credentials: set COGNIGY_TOKEN or COGNIGY_API_KEY, or pass "
                "--cognigy-token or --cognigy-api-key (or try --sandbox)"
            )
        async with CognigyClient(
            token=endpoints.cognigy_token,
            api_key=endpoints.cognigy_api_key,
            base_url=endpoints.cognigy_base_url,
            timeout=settings.timeout,
            retry=settings.retry,
        ) as client:
            yield client
