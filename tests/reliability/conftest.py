"""Fixtures of the reliability tests, and the ``soak`` marker."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``soak`` marker (CI runs it by default; ``-m "not soak"`` skips it)."""
    config.addinivalue_line(
        "markers", "soak: mixed-fault soak of retrieve_many and a Cognigy walk (runs in CI)"
    )


@pytest.fixture(autouse=True)
def _no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients get their key and URL from the test, never from the environment."""
    for name in (
        "BLUEJAY_API_KEY",
        "BLUEJAY_BASE_URL",
        "COGNIGY_TOKEN",
        "COGNIGY_API_KEY",
        "COGNIGY_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
