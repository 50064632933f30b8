"""The SDK's pytest plugin, registered through the ``pytest11`` entry point: installing the SDK
is enough.

pytest imports plugins before a coverage plugin starts measuring, so loading this module
imports nothing of the SDK beyond the (lazy) package ``__init__`` modules on its path; the SDK
is imported inside the fixtures, and a coverage run of code using the SDK misses no line.

Fixtures (the async ones need ``pytest-asyncio``; they work in its strict and auto modes):

``bluejay_sandbox``
    A running :class:`~bluejay_async.sandbox.Sandbox` of both APIs on 127.0.0.1, on an
    ephemeral port, seeded, stopped after the test. Change its faults during a test with
    ``bluejay_sandbox.set_faults([...])``; read ``.request_log``, ``.counters``, ``.state``.
``bluejay_sandbox_config``
    The :class:`~bluejay_async.sandbox.SandboxConfig` it starts from: ``SandboxConfig()``
    (seed 0) updated with the keyword arguments of a ``@pytest.mark.bluejay_sandbox(...)``
    marker (``seed=3, simulations=5, faults=[FaultRule(...)]``, or ``faults="flaky"`` for a
    preset). Override the fixture in a ``conftest.py`` for a suite-wide default.
``bluejay_client`` / ``cognigy_client``
    A ``BluejayClient`` / ``CognigyClient`` (project ``"sandbox"``) pointed at the sandbox
    with its key, using ``bluejay_retry_policy``; closed after the test.
``bluejay_retry_policy``
    The clients' :class:`~bluejay_async.RetryPolicy`: 3 attempts with millisecond backoff,
    so injected faults are retried without slowing a suite (``Retry-After`` is still
    honoured). Override it to test your own policy.
``aioresponses_mock``
    An active ``aioresponses()`` (installed separately) that works on every supported aiohttp
    (see :mod:`bluejay_async.testing.aioresponses_compat`). Bodies for it come from
    :mod:`bluejay_async.testing.bodies`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from aioresponses import aioresponses

    from bluejay_async import BluejayClient, RetryPolicy
    from bluejay_async.sandbox import Sandbox, SandboxConfig
    from cognigy_async import CognigyClient


__all__ = [
    "aioresponses_mock",
    "bluejay_client",
    "bluejay_retry_policy",
    "bluejay_sandbox",
    "bluejay_sandbox_config",
    "cognigy_client",
]

MARKER = "bluejay_sandbox"
COGNIGY_PROJECT = "sandbox"
"""The default project id of the ``cognigy_client`` fixture (the sandbox accepts any)."""

_asyncio_fixture: Callable[..., Any] | None
try:
    from pytest_asyncio import fixture as _asyncio_fixture
except ImportError:
    _asyncio_fixture = None


def _async_fixture(func: Callable[..., Any]) -> Any:
    """An async fixture through pytest-asyncio, or a clear failure where it is missing."""
    if _asyncio_fixture is not None:
        return _asyncio_fixture(func)

    def missing(*_: Any, **__: Any) -> None:
        pytest.fail(
            f"the {func.__name__} fixture is async: install pytest-asyncio "
            "(pip install pytest-asyncio) and set asyncio_mode = auto, or mark the test "
            "@pytest.mark.asyncio",
            pytrace=False,
        )

    missing.__name__ = func.__name__
    missing.__doc__ = func.__doc__
    return pytest.fixture(missing)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**config): SandboxConfig fields for the bluejay_sandbox fixture of this test "
        "(faults may name a preset: 'realistic', 'flaky', 'rate-limited', 'chaos')",
    )


@pytest.fixture
def bluejay_sandbox_config(request: pytest.FixtureRequest) -> SandboxConfig:
    """``SandboxConfig()`` with the fields of the test's ``bluejay_sandbox`` marker."""
    from bluejay_async.sandbox import FAULT_PRESETS, SandboxConfig

    fields: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):  # closest marker wins
        if marker.args:
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER} takes SandboxConfig fields as keywords, "
                f"got positional {marker.args!r}"
            )
        fields.update(marker.kwargs)
    faults = fields.get("faults")
    if isinstance(faults, str):
        if faults not in FAULT_PRESETS:
            raise pytest.UsageError(
                f"unknown fault preset {faults!r}; expected one of {sorted(FAULT_PRESETS)}"
            )
        fields["faults"] = FAULT_PRESETS[faults]
    try:
        return SandboxConfig(**fields)
    except TypeError as exc:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: {exc}") from None


@_async_fixture
async def bluejay_sandbox(bluejay_sandbox_config: SandboxConfig) -> AsyncIterator[Sandbox]:
    """A sandbox of both APIs on 127.0.0.1 (ephemeral port), stopped after the test."""
    from bluejay_async.sandbox import run_sandbox

    async with run_sandbox(bluejay_sandbox_config) as sandbox:
        yield sandbox


@pytest.fixture
def bluejay_retry_policy() -> RetryPolicy:
    """The clients' retry policy: 3 attempts, millisecond backoff."""
    from bluejay_async import RetryPolicy

    return RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.01)


@_async_fixture
async def bluejay_client(
    bluejay_sandbox: Sandbox, bluejay_retry_policy: RetryPolicy
) -> AsyncIterator[BluejayClient]:
    """A ``BluejayClient`` of the sandbox, closed after the test."""
    from bluejay_async import BluejayClient

    async with BluejayClient(
        api_key=bluejay_sandbox.api_key,
        base_url=bluejay_sandbox.bluejay_url,
        retry=bluejay_retry_policy,
    ) as client:
        yield client


@_async_fixture
async def cognigy_client(
    bluejay_sandbox: Sandbox, bluejay_retry_policy: RetryPolicy
) -> AsyncIterator[CognigyClient]:
    """A ``CognigyClient`` of the sandbox (project ``"sandbox"``), closed after the test."""
    from cognigy_async import CognigyClient

    async with CognigyClient(
        token=bluejay_sandbox.api_key,
        base_url=bluejay_sandbox.cognigy_url,
        project_id=COGNIGY_PROJECT,
        retry=bluejay_retry_policy,
    ) as client:
        yield client


@pytest.fixture
def aioresponses_mock() -> Iterator[aioresponses]:
    """An active ``aioresponses()`` mock of every aiohttp request of the test."""
    try:
        from aioresponses import aioresponses
    except ImportError:
        pytest.fail(
            "the aioresponses_mock fixture needs aioresponses: pip install aioresponses",
            pytrace=False,
        )
    from bluejay_async.testing.aioresponses_compat import aioresponses_compat

    with aioresponses_compat(), aioresponses() as mocked:
        yield mocked
