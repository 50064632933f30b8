"""Testing code that uses the SDK: a pytest plugin, response bodies and an aioresponses shim.

* the pytest plugin, active wherever the SDK is installed (``pytest11`` entry point, module
  ``_bluejay_async_pytest``, kept outside this package so that loading it imports nothing of
  the SDK): fixtures ``bluejay_sandbox``, ``bluejay_sandbox_config``,
  ``bluejay_client``, ``cognigy_client``, ``bluejay_retry_policy`` and ``aioresponses_mock``,
  and the ``@pytest.mark.bluejay_sandbox(**SandboxConfig fields)`` marker.
* :mod:`bluejay_async.testing.bodies`: realistic response bodies of every endpoint, from the
  sandbox's data, for tests that mock the HTTP layer with aioresponses.
* :func:`sent_json`: the JSON bodies the SDK sent to an aioresponses mock.
* :func:`aioresponses_compat`: aioresponses 0.7.9 on aiohttp 3.14 (applied by the fixture).

The guide is ``docs/guides/testing.md``.
"""

from bluejay_async.testing import bodies
from bluejay_async.testing.aioresponses_compat import aioresponses_compat
from bluejay_async.testing.mocking import sent_json

__all__ = ["aioresponses_compat", "bodies", "sent_json"]
