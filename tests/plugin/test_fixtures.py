"""The plugin's fixtures, used from a user's own project: test files run by ``pytester`` in a
separate pytest process that finds the plugin only through its ``pytest11`` entry point."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest_plugins = ["pytester"]

AUTO_MODE = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings =
    error::ResourceWarning
    ignore:Unknown config option:pytest.PytestConfigWarning
"""

USER_TESTS = """
import pytest

from bluejay_async import RetryPolicy
from bluejay_async.errors import NotFoundError, ServerError
from bluejay_async.sandbox import FaultRule


async def test_the_client_reaches_the_sandbox(bluejay_client, bluejay_sandbox):
    runs = await bluejay_client.runs.list(1)
    assert len(runs) == bluejay_sandbox.config.runs_per_simulation
    results = await bluejay_client.results.retrieve(runs[0].id)
    assert results.simulation_run.id == str(runs[0].id)
    assert bluejay_client.base_url == bluejay_sandbox.bluejay_url
    assert bluejay_sandbox.bluejay_url.startswith("http://127.0.0.1:")
    assert [r.route for r in bluejay_sandbox.request_log] == [
        "get_simulation_runs",
        "retrieve_simulation_results",
    ]


async def test_every_test_gets_a_fresh_sandbox(bluejay_client, bluejay_sandbox):
    assert not bluejay_sandbox.request_log
    created = await bluejay_client.simulations.create("agent-1")
    assert created.simulation_id == 4  # simulations 1..3 are seeded


async def test_the_default_sandbox_has_three_simulations(bluejay_client):
    with pytest.raises(NotFoundError):
        await bluejay_client.runs.list(4)


@pytest.mark.bluejay_sandbox(seed=7, simulations=5, runs_per_simulation=2)
async def test_the_marker_configures_the_sandbox(bluejay_client, bluejay_sandbox):
    assert bluejay_sandbox.config.seed == 7
    assert len(await bluejay_client.runs.list(5)) == 2


@pytest.mark.bluejay_sandbox(
    faults=[FaultRule("status", "get_simulation_runs", status=503, times=2)]
)
async def test_faults_from_the_marker_are_retried(bluejay_client, bluejay_sandbox):
    assert len(await bluejay_client.runs.list(1)) == 4
    assert bluejay_sandbox.counters.responses[("get_simulation_runs", 503)] == 2
    assert bluejay_sandbox.counters.responses[("get_simulation_runs", 200)] == 1


async def test_faults_set_during_the_test(bluejay_client, bluejay_sandbox):
    await bluejay_client.runs.list(1)
    bluejay_sandbox.set_faults([FaultRule("status", "*", status=500)])
    with pytest.raises(ServerError):
        await bluejay_client.runs.list(1)
    assert bluejay_sandbox.counters.faults[("get_simulation_runs", "status")] == 3
    bluejay_sandbox.clear_faults()
    await bluejay_client.runs.list(1)


@pytest.mark.bluejay_sandbox(faults="flaky", seed=3)
async def test_a_fault_preset_by_name(bluejay_sandbox):
    assert len(bluejay_sandbox.faults) > 5


@pytest.mark.bluejay_sandbox(seed=5, simulations=6)
class TestMarkersNearestWins:
    async def test_the_class_marker(self, bluejay_sandbox):
        assert (bluejay_sandbox.config.seed, bluejay_sandbox.config.simulations) == (5, 6)

    @pytest.mark.bluejay_sandbox(seed=9)
    async def test_the_method_marker_on_top(self, bluejay_sandbox):
        assert (bluejay_sandbox.config.seed, bluejay_sandbox.config.simulations) == (9, 6)


async def test_the_cognigy_client_walks_the_sandbox(cognigy_client, bluejay_sandbox):
    runs = [run async for run in cognigy_client.runs.iterate("sim", "batch", max_items=30)]
    assert len(runs) == 30
    assert len({run.id for run in runs}) == 30
    assert cognigy_client.project_id == "sandbox"
    assert all(r.route == "cognigy_runs" for r in bluejay_sandbox.request_log)


async def test_both_clients_share_one_sandbox(bluejay_client, cognigy_client, bluejay_sandbox):
    await bluejay_client.runs.list(2)
    await cognigy_client.runs.list("sim", "batch", limit=1)
    assert len(bluejay_sandbox.request_log) == 2
"""


def test_the_fixtures_from_a_users_test_file(pytester: pytest.Pytester) -> None:
    pytester.makeini(AUTO_MODE)
    pytester.makepyfile(test_user=USER_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=USER_TESTS.count("async def test_"))


def test_a_suite_wide_retry_policy_and_strict_mode(pytester: pytest.Pytester) -> None:
    """A conftest overrides ``bluejay_retry_policy``; strict mode needs the asyncio marker."""
    pytester.makeini("[pytest]\nasyncio_mode = strict\n")
    pytester.makeconftest(
        textwrap.dedent(
            """
            import pytest
            from bluejay_async import RetryPolicy

            @pytest.fixture
            def bluejay_retry_policy():
                return RetryPolicy(max_attempts=1)
            """
        )
    )
    pytester.makepyfile(
        test_strict=textwrap.dedent(
            """
            import pytest
            from bluejay_async.errors import ServerError
            from bluejay_async.sandbox import FaultRule

            @pytest.mark.asyncio
            @pytest.mark.bluejay_sandbox(faults=[FaultRule("status", status=503, times=1)])
            async def test_one_attempt(bluejay_client, bluejay_sandbox):
                with pytest.raises(ServerError):
                    await bluejay_client.runs.list(1)
                assert bluejay_sandbox.counters.requests["get_simulation_runs"] == 1
            """
        )
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)


def test_marker_mistakes_are_usage_errors(pytester: pytest.Pytester) -> None:
    pytester.makeini(AUTO_MODE)
    pytester.makepyfile(
        test_typo=textwrap.dedent(
            """
            import pytest

            @pytest.mark.bluejay_sandbox(simulatons=5)
            def test_typo(bluejay_sandbox_config):
                pass

            @pytest.mark.bluejay_sandbox(faults="stormy")
            def test_unknown_preset(bluejay_sandbox_config):
                pass

            @pytest.mark.bluejay_sandbox(5)
            def test_positional(bluejay_sandbox_config):
                pass
            """
        )
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "*simulatons*",
            "*unknown fault preset 'stormy'*",
            "*takes SandboxConfig fields as keywords*",
        ],
        consecutive=False,
    )


def test_loading_the_plugin_imports_nothing_of_the_sdk() -> None:
    """pytest loads plugins before coverage starts: an SDK imported then is never measured.

    Only the lazy package modules on the plugin's own path may load (they run no SDK code).
    """
    probe = (
        "import sys, bluejay_async.testing.plugin\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('bluejay_async', 'cognigy_async', 'aiohttp'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    allowed = ["bluejay_async", "bluejay_async.core", "bluejay_async.core.lazy"]
    allowed += ["bluejay_async.testing"]
    assert done.stdout.strip() == str([*allowed, "bluejay_async.testing.plugin"])


def test_without_pytest_asyncio_the_fixtures_say_what_is_missing(pytester: pytest.Pytester) -> None:
    # A pytest_asyncio that cannot be imported, and pytest's own copy of the plugin disabled.
    pytester.mkpydir("pytest_asyncio").joinpath("__init__.py").write_text(
        "raise ImportError('pytest-asyncio is not installed')\n"
    )
    pytester.makepyfile(test_plain="def test_needs_the_sandbox(bluejay_sandbox):\n    pass\n")

    result = pytester.runpytest_subprocess("-p", "no:asyncio", "-p", "no:cacheprovider")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bluejay_sandbox fixture is async: install pytest-asyncio*"])
