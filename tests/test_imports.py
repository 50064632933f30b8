"""What importing the packages and starting the command line load, checked in a fresh interpreter.

The packages export their names lazily (PEP 562), so these also check that every exported name
still resolves, and that a missing one is still an ``AttributeError``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("aiohttp.web", "bluejay_async.sandbox.server", "tqdm")


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(completed.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("package", ["bluejay_async", "cognigy_async"])
def test_importing_a_package_loads_no_client_sandbox_or_progress_bar(package: str) -> None:
    loaded = _modules_after(f"import {package}")

    assert package in loaded
    assert not loaded & {*HEAVY, "aiohttp", "bluejay_async.sandbox"}


def test_help_loads_neither_aiohttp_nor_the_sandbox_server_nor_asyncio() -> None:
    code = (
        "import contextlib, io, sys\n"
        "from bluejay_async.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
    )
    loaded = _modules_after(code)

    assert "bluejay_async.cli.judge_options" in loaded  # the parser was really built
    assert not loaded & {*HEAVY, "aiohttp", "asyncio", "bluejay_async.report", "tenacity"}


def test_making_a_client_loads_aiohttp_but_not_the_sandbox() -> None:
    loaded = _modules_after("from bluejay_async import BluejayClient")

    assert "aiohttp" in loaded
    assert not loaded & set(HEAVY)


@pytest.mark.parametrize("package", ["bluejay_async", "cognigy_async", "bluejay_async.sandbox"])
def test_every_exported_name_resolves(package: str) -> None:
    code = (
        f"import importlib\nmodule = importlib.import_module({package!r})\n"
        "missing = [n for n in module.__all__ if getattr(module, n, None) is None]\n"
        "assert not missing, missing\n"
        "assert set(module.__all__) <= set(dir(module)), set(module.__all__) - set(dir(module))\n"
        f"exec('from {package} import *', {{}})\n"
    )
    _modules_after(code)


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import bluejay_async

    with pytest.raises(AttributeError, match="NoSuchName"):
        _ = bluejay_async.NoSuchName  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        from bluejay_async import NoSuchName  # type: ignore[attr-defined]  # noqa: F401


def test_the_sandbox_clocks_and_fault_presets_load_no_aiohttp() -> None:
    loaded = _modules_after("from bluejay_async.sandbox import FAULT_PRESETS, ManualClock")

    assert not loaded & {*HEAVY, "aiohttp"}
