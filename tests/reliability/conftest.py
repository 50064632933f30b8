"""Fixtures of the reliability tests (the ``soak`` marker is registered in pyproject.toml)."""

from __future__ import annotations

import pytest


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
