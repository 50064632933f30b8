"""Settings from flags, then the environment; ``--sandbox``; secrets kept out of sight."""

from __future__ import annotations

import pytest

from bluejay_async.__main__ import build_parser
from bluejay_async.cli.config import Settings, bluejay_client, cognigy_client, resolve_settings
from bluejay_async.cli.errors import UsageError
from bluejay_async.errors import ConfigurationError


def _settings(argv: list[str], env: dict[str, str]) -> Settings:
    return resolve_settings(build_parser().parse_args(argv), env)


def test_flags_win_over_the_environment() -> None:
    env = {"BLUEJAY_API_KEY": "env-key", "BLUEJAY_BASE_URL": "https://env.example"}

    from_flags = _settings(["runs", "1", "--api-key", "k", "--base-url", "https://f.example"], env)
    from_env = _settings(["runs", "1"], env)

    assert (from_flags.bluejay_api_key, from_flags.bluejay_base_url) == ("k", "https://f.example")
    assert (from_env.bluejay_api_key, from_env.bluejay_base_url) == (
        "env-key",
        "https://env.example",
    )


def test_an_empty_environment_variable_counts_as_unset() -> None:
    settings = _settings(["runs", "1"], {"BLUEJAY_API_KEY": "", "BLUEJAY_BASE_URL": ""})

    assert (settings.bluejay_api_key, settings.bluejay_base_url) == (None, None)


@pytest.mark.parametrize(
    ("flags", "env", "token", "key"),
    [
        ([], {"COGNIGY_TOKEN": "t", "COGNIGY_API_KEY": "k"}, "t", None),
        ([], {"COGNIGY_API_KEY": "k"}, None, "k"),
        (["--cognigy-api-key", "fk"], {"COGNIGY_TOKEN": "t"}, None, "fk"),
        (["--cognigy-token", "ft"], {"COGNIGY_API_KEY": "k"}, "ft", None),
    ],
)
def test_cognigy_credentials(flags: list[str], env: dict[str, str], token: str, key: str) -> None:
    argv = ["cognigy", "runs", "s", "b", "--project", "p", *flags]

    settings = _settings(argv, {**env, "COGNIGY_BASE_URL": "https://cg.example/testing"})

    assert (settings.cognigy_token, settings.cognigy_api_key) == (token, key)
    assert settings.cognigy_base_url == "https://cg.example/testing"


def test_request_options() -> None:
    settings = _settings(["runs", "1", "--timeout", "2.5", "--max-attempts", "7"], {})

    assert settings.timeout == 2.5
    assert settings.retry.max_attempts == 7


@pytest.mark.parametrize(
    "argv",
    [
        ["runs", "1", "--sandbox", "--base-url", "https://x.example"],
        ["cognigy", "runs", "s", "b", "--project", "p", "--sandbox", "--cognigy-base-url", "u"],
        ["runs", "1", "--sandbox-faults", "flaky"],
    ],
)
def test_conflicting_sandbox_options(argv: list[str]) -> None:
    with pytest.raises(UsageError):
        _settings(argv, {})


def test_secrets_stay_out_of_repr() -> None:
    settings = _settings(["runs", "1", "--api-key", "s3cret-b"], {"COGNIGY_TOKEN": "s3cret-c"})

    assert "s3cret" not in repr(settings)


async def test_a_missing_key_is_reported_before_any_request() -> None:
    with pytest.raises(ConfigurationError, match="BLUEJAY_API_KEY"):
        async with bluejay_client(Settings()):
            pass
    with pytest.raises(ConfigurationError, match="COGNIGY_TOKEN"):
        async with cognigy_client(Settings()):
            pass


async def test_the_sandbox_serves_both_clients_without_credentials() -> None:
    async with bluejay_client(Settings(sandbox=True)) as bj:
        runs = await bj.runs.list(1)
    async with cognigy_client(Settings(sandbox=True, sandbox_faults="none")) as cg:
        page = await cg.runs.list("s", "b", project_id="p", limit=2)

    assert len(runs) == 4
    assert len(page.data) == 2
