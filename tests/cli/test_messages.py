"""The command line speaks in its own words: flags and variables the user set, exit statuses."""

from __future__ import annotations

import re

import pytest

import bluejay_async
from bluejay_async.__main__ import build_parser, main
from bluejay_async.cli.config import Settings, bluejay_client, cognigy_client, resolve_settings
from bluejay_async.cli.errors import UsageError
from bluejay_async.cli.parser import in_cli_words
from bluejay_async.sandbox import Sandbox
from tests.cli.helpers import cli_env, run_cli, sandbox_env

_CREDENTIALS = ("BLUEJAY_API_KEY", "BLUEJAY_BASE_URL", "COGNIGY_TOKEN", "COGNIGY_API_KEY")


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*_CREDENTIALS, "COGNIGY_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``main(argv)`` in this process: exit status, stdout, stderr."""
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


COGNIGY = ["cognigy", "runs", "sim", "batch", "--project", "p", "--sandbox"]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            [*COGNIGY, "--limit", "0"],
            "error: --limit must be 1 or more, got 0; see bluejay-async cognigy runs --help",
        ),
        (
            [*COGNIGY, "--page-size", "500"],
            "error: --page-size must be in 1..100, got 500; see bluejay-async cognigy runs --help",
        ),
        (
            [*COGNIGY, "--page-size", "ten"],
            "error: --page-size must be a whole number, got 'ten'; "
            "see bluejay-async cognigy runs --help",
        ),
        (
            ["runs", "1", "--timeout", "soon"],
            "error: --timeout must be a number of seconds, got 'soon'; "
            "see bluejay-async runs --help",
        ),
        (
            ["runs", "1", "--timeout"],
            "error: --timeout needs a value; see bluejay-async runs --help",
        ),
        (["runs"], "error: SIMULATION_ID is required; see bluejay-async runs --help"),
        (["export", "1"], "error: --out is required; see bluejay-async export --help"),
        (
            ["runs", "1", "--jsonl", "--json"],
            "error: --json and --jsonl cannot be used together; see bluejay-async runs --help",
        ),
        (
            ["serve", "--port", "eighty"],
            "error: --port must be a whole number, got 'eighty'; see bluejay-async serve --help",
        ),
        (
            ["demo", "--runs", "0"],
            "error: --runs must be 1 or more, got 0; see bluejay-async demo --help",
        ),
    ],
)
def test_bad_flags_are_one_line_naming_the_flag(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(argv, capsys)

    assert (code, out) == (2, "")
    assert err.splitlines() == [line]


def test_an_unknown_command_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["rnus", "1"], capsys)

    assert code == 2
    assert err.startswith("error: unknown command 'rnus'; choose from serve, demo, runs,")
    assert err.endswith("; see bluejay-async --help\n")


def test_an_unknown_choice_lists_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["runs", "1", "--sandbox", "--sandbox-faults", "noisy"], capsys)

    assert code == 2
    assert err.startswith("error: --sandbox-faults must be one of chaos, flaky, none,")
    assert "got 'noisy'" in err


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # The forms argparse uses across Python 3.10 to 3.13.
        ("argument COMMAND: invalid choice: 'x' (choose from 'a', 'b')", "unknown command 'x'"),
        ("argument COMMAND: invalid choice: 'x' (choose from a, b)", "choose from a, b"),
        ("argument --faults: invalid choice: 'x' (choose from a, b)", "--faults must be one of"),
        ("argument -o/--out: expected one argument", "--out needs a value"),
        ("the following arguments are required: -o/--out, SIM_REF", "--out, SIM_REF are required"),
        ("unrecognized arguments: --nope", "unknown option or extra argument: --nope"),
        ("argument --port: invalid int value: 'x'", "--port must be a whole number, got 'x'"),
        ("argument --latency: invalid float value: 'x'", "--latency must be a number, got 'x'"),
        ("something else entirely", "something else entirely"),
    ],
)
def test_argparse_messages_in_the_command_lines_words(message: str, expected: str) -> None:
    assert expected in in_cli_words(message)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["--version"], capsys)

    assert (code, out) == (0, f"bluejay-async {bluejay_async.__version__}\n")


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """The sections of a command's --help, by heading (``"usage"`` for the first)."""
    code, out, _ = _run([*argv, "--help"], capsys)
    assert code == 0
    sections: dict[str, str] = {}
    heading = "usage"
    for line in out.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            heading = line[:-1]
            sections[heading] = ""
        else:
            sections[heading] = sections.get(heading, "") + line + "\n"
    return sections


def test_cognigy_credentials_are_listed_with_the_connection(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sections = _help(["cognigy", "runs"], capsys)

    (connection,) = [text for name, text in sections.items() if name.startswith("Cognigy conn")]
    for flag in ("--cognigy-token", "--cognigy-api-key", "--cognigy-base-url", "--allow-insecure"):
        assert flag in connection
        assert flag not in sections["options"]
    assert "--json " in sections["output (default: a table)"]


def test_every_serve_option_is_explained_with_its_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = _help(["serve"], capsys)["options"]

    # Each option's help starts on its own line or after the flag; none is left bare.
    entries = re.split(r"\n  (?=-)", "\n" + options)
    for entry in filter(str.strip, entries):
        flag = entry.split()[0]
        assert len(entry.split()) > 2 or flag in ("--no-cognigy-cursors", "--warm"), entry
    for flag, default in [
        ("--simulations", "3"),
        ("--runs-per-simulation", "4"),
        ("--results-per-run", "10"),
        ("--cognigy-runs-per-batch", "250"),
        ("--cognigy-max-page-size", "100"),
    ]:
        (entry,) = [e for e in entries if e.strip().startswith(flag + " ")]
        assert f"(default: {default})" in " ".join(entry.split()), entry


def test_demo_help_describes_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    sections = _help(["demo"], capsys)

    assert "sandbox" in sections["usage"]
    assert "(default: 40)" in sections["options"]


def _settings(argv: list[str], env: dict[str, str]) -> Settings:
    return resolve_settings(build_parser().parse_args(argv), env)


@pytest.mark.parametrize(
    ("argv", "env", "named"),
    [
        (["runs", "1"], {"BLUEJAY_BASE_URL": "127.0.0.1:8080"}, "BLUEJAY_BASE_URL"),
        (["runs", "1", "--base-url", "127.0.0.1:8080"], {}, "--base-url"),
        (["runs", "1", "--base-url", "https://h.example/?x=1"], {}, "--base-url"),
    ],
)
async def test_an_unusable_base_url_names_where_it_came_from(
    argv: list[str], env: dict[str, str], named: str
) -> None:
    settings = _settings(argv, {"BLUEJAY_API_KEY": "k", **env})

    with pytest.raises(UsageError, match=f"^{named} must be an http\\(s\\) URL") as caught:
        async with bluejay_client(settings):
            pass
    assert "such as https://api.getbluejay.ai" in str(caught.value)


async def test_plain_http_is_refused_until_allow_insecure() -> None:
    env = {"COGNIGY_TOKEN": "t", "COGNIGY_BASE_URL": "http://cognigy.example/testing"}
    argv = ["cognigy", "runs", "s", "b", "--project", "p"]

    with pytest.raises(UsageError, match=r"^COGNIGY_BASE_URL is plain http") as caught:
        async with cognigy_client(_settings(argv, env)):
            pass
    assert "--allow-insecure" in str(caught.value)
    async with cognigy_client(_settings([*argv, "--allow-insecure"], env)) as cg:
        assert cg.base_url == "http://cognigy.example/testing"  # nothing is sent


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.getbluejay.ai/v1", "https://api.getbluejay.ai"),
        ("https://api.getbluejay.ai/v1/", "https://api.getbluejay.ai"),
        ("https://proxy.example/bluejay/v1", "https://proxy.example/bluejay"),
        ("https://api.getbluejay.ai", "https://api.getbluejay.ai"),
        ("https://proxy.example/v10", "https://proxy.example/v10"),
    ],
)
def test_a_bluejay_base_url_may_end_in_v1(url: str, expected: str) -> None:
    assert _settings(["runs", "1", "--base-url", url], {}).bluejay_base_url == expected


async def test_the_v1_base_url_of_the_api_reference_works(sandbox: Sandbox) -> None:
    env = sandbox_env(sandbox, BLUEJAY_BASE_URL=sandbox.bluejay_url + "/v1")

    done = await run_cli("runs", "1", "--jsonl", env=env)

    assert done.code == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(sandbox.state.simulations[1]["run_ids"])


@pytest.mark.parametrize(("flag", "variable"), [("--api-key", None), (None, "BLUEJAY_API_KEY")])
def test_a_malformed_key_names_its_source_not_its_value(
    flag: str | None,
    variable: str | None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = " s3cret-key"
    argv = ["runs", "1", "--base-url", "https://api.example"]
    if flag:
        argv += [flag, secret]
    if variable:
        monkeypatch.setenv(variable, secret)

    code, _, err = _run(argv, capsys)

    assert code == 2
    assert err.startswith(f"error: {flag or variable}: the Bluejay API key has surrounding")
    assert "s3cret" not in err


def test_both_cognigy_credentials_as_flags_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        ["cognigy", "runs", "s", "b", "--project", "p", "--cognigy-token", "t",
         "--cognigy-api-key", "k"],
        capsys,
    )  # fmt: skip

    assert code == 2
    assert err == "error: --cognigy-token and --cognigy-api-key cannot be used together\n"


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["runs", " ", "--sandbox"], "error: SIMULATION_ID must not be empty"),
        (["results", "", "--sandbox"], "error: RUN_ID must not be empty"),
        ([*COGNIGY[:5], "", "--sandbox"], "error: --project must not be empty"),
        (["cognigy", "runs", " ", "b", "--project", "p", "--sandbox"], "error: SIM_REF must not"),
    ],
)
def test_sdk_argument_errors_name_the_command_lines_argument(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(argv, capsys)

    assert code == 2
    assert err.startswith(line)


async def test_help_and_version_need_no_credentials() -> None:
    done = await run_cli("--version", env=cli_env())

    assert (done.code, done.stdout.strip()) == (0, f"bluejay-async {bluejay_async.__version__}")
