"""Testing code that uses the SDK: a pytest plugin, response bodies and an aioresponses shim.

* the pytest plugin, active wherever the SDK is installed (``pytest11`` entry point,
  :mod:`bluejay_async.testing.plugin`; loading it imports nothing of the SDK): fixtures
  ``bluejay_sandbox``, ``bluejay_sandbox_config``, ``bluejay_client``, ``cognigy_client``,
  ``bluejay_retry_policy`` and ``aioresponses_mock``, and the
  ``@pytest.mark.bluejay_sandbox(**SandboxConfig fields)`` marker.
* :mod:`bluejay_async.testing.bodies`: realistic response bodies of every endpoint, from the
  sandbox's data, for tests that mock the HTTP layer with aioresponses.
* :func:`sent_json`: the JSON bodies the SDK sent to an aioresponses mock.
* :func:`aioresponses_compat`: aioresponses 0.7.9 on aiohttp 3.14 (applied by the fixture).

The guide is ``docs/guides/testing.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bluejay_async.testing import bodies
    from bluejay_async.testing.aioresponses_compat import aioresponses_compat
    from bluejay_async.testing.mocking import sent_json

__all__ = ["aioresponses_compat", "bodies", "sent_json"]

# Imported on first use: the pytest plugin loads this package before coverage starts.
_EXPORTS = {
    "bodies": (".bodies", None),
    "aioresponses_compat": (".aioresponses_compat", "aioresponses_compat"),
    "sent_json": (".mocking", "sent_json"),
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, attribute = _EXPORTS[name]
    module = importlib.import_module(module_name, __name__)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
