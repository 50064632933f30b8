"""The test files of ``docs/guides/testing.md`` run as shown, from a user's project."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "testing.md"
BLOCK = re.compile(r"^```(?:python|toml)\n# (?P<name>[\w.]+)\n(?P<body>.*?)^```$", re.M | re.S)
TEST_FILES = ("test_with_sandbox.py", "test_with_aioresponses.py")


def guide_files() -> dict[str, str]:
    """Every code block of the guide that starts with ``# <file name>``, by file name."""
    found: dict[str, str] = {}
    for block in BLOCK.finditer(GUIDE.read_text(encoding="utf-8")):
        assert block["name"] not in found, f"two blocks of the guide are {block['name']}"
        found[block["name"]] = f"# {block['name']}\n{block['body']}"
    return found


def write(pytester: pytest.Pytester, name: str, text: str) -> None:
    (pytester.path / name).write_text(text, encoding="utf-8")


def test_the_guides_test_files_pass(pytester: pytest.Pytester) -> None:
    files = guide_files()
    assert set(TEST_FILES) | {"pyproject.toml", "conftest.py"} == set(files)
    write(pytester, "pyproject.toml", files["pyproject.toml"])
    for name in TEST_FILES:
        write(pytester, name, files[name])

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error::ResourceWarning")

    tests = sum(files[name].count("\nasync def test_") for name in TEST_FILES)
    assert tests >= 10
    result.assert_outcomes(passed=tests)


def test_the_guides_conftest_sets_a_suite_wide_default(pytester: pytest.Pytester) -> None:
    files = guide_files()
    write(pytester, "pyproject.toml", files["pyproject.toml"])
    write(pytester, "conftest.py", files["conftest.py"])
    write(
        pytester,
        "test_defaults.py",
        "async def test_defaults(bluejay_sandbox, bluejay_client):\n"
        "    assert bluejay_sandbox.config.seed == 7\n"
        "    assert len(await bluejay_client.runs.list(10)) == 4\n"
        "    assert bluejay_client.retry.max_attempts == 1\n",
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1)
