"""A local emulator of the Bluejay and Cognigy simulation-testing APIs (like stripe-mock).

Built on ``aiohttp.web`` only, independent of the SDK: it speaks the JSON of the real
services, with their auth, validation and pagination, seeded deterministic data, and
reproducible fault injection::

    from bluejay_async.sandbox import FaultRule, SandboxConfig, run_sandbox

    async with run_sandbox(SandboxConfig(seed=0)) as sb:
        sb.bluejay_url, sb.cognigy_url, sb.api_key
        sb.set_faults([FaultRule("status", "retrieve_simulation_results", status=503, times=1)])

Runs queued through ``POST /v1/queue-simulation-run`` progress against the sandbox's clock
(``SandboxConfig(run_seconds=...)``); pass ``run_sandbox(config, clock=ManualClock())`` and call
``clock.advance(seconds)`` to move them without waiting.
"""

from typing import TYPE_CHECKING

from bluejay_async.core.lazy import lazy_exports

if TYPE_CHECKING:
    from .clock import Clock, ManualClock, SystemClock
    from .config import SandboxConfig
    from .faults import FAULT_PRESETS, FaultRule, SandboxCounters, TokenBucket
    from .middleware import RequestRecord
    from .server import Sandbox, build_app, run_sandbox, start_site
    from .state import SandboxState
else:
    # Imported on first use, so that the CLI can read the fault presets and the serve options'
    # defaults without importing aiohttp.web.
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            ".clock": ["Clock", "ManualClock", "SystemClock"],
            ".config": ["SandboxConfig"],
            ".faults": ["FAULT_PRESETS", "FaultRule", "SandboxCounters", "TokenBucket"],
            ".middleware": ["RequestRecord"],
            ".server": ["Sandbox", "build_app", "run_sandbox", "start_site"],
            ".state": ["SandboxState"],
        },
    )

__all__ = [
    "FAULT_PRESETS",
    "Clock",
    "FaultRule",
    "ManualClock",
    "RequestRecord",
    "Sandbox",
    "SandboxConfig",
    "SandboxCounters",
    "SandboxState",
    "SystemClock",
    "TokenBucket",
    "build_app",
    "run_sandbox",
    "start_site",
]
