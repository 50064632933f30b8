"""Every Python block of the README and the docs runs as shown, and passes ``mypy --strict``.

Each block is a complete program. It runs in a subprocess against a sandbox served by the
test, with the environment that the getting-started page tells readers to set
(``BLUEJAY_API_KEY``, ``BLUEJAY_BASE_URL``, ``COGNIGY_TOKEN``, ``COGNIGY_BASE_URL``). A block
that is a pytest file runs under pytest. A ``--8<--`` block includes a file of ``examples/``,
which ``tests/examples`` runs. A block marked ``<!-- fragment -->`` on the line before its fence
is an excerpt: it is only checked to parse.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from bluejay_async.sandbox import SandboxConfig, run_sandbox
from tests.docs.blocks import Block, python_blocks
from tests.scripts import ROOT, mypy_strict, run_python, sandbox_environment

BLOCKS = python_blocks()
PROGRAMS = [b for b in BLOCKS if b.included is None and not b.fragment]
FRAGMENTS = [b for b in BLOCKS if b.fragment]


def test_the_pages_hold_python_blocks() -> None:
    pages = {block.page.relative_to(ROOT).as_posix() for block in PROGRAMS}

    assert "README.md" in pages
    assert {"docs/getting-started.md", "docs/guides/bluejay.md", "docs/guides/cognigy.md"} <= pages
    assert len(PROGRAMS) >= 15


@pytest.mark.parametrize("block", PROGRAMS, ids=[b.name for b in PROGRAMS])
async def test_the_block_runs_against_the_sandbox(block: Block, tmp_path: Path) -> None:
    script = tmp_path / f"{block.name}.py"
    script.write_text(block.code, encoding="utf-8")
    args: list[str | Path] = [script]
    if block.is_test_file:
        # The project's pytest settings (asyncio_mode = "auto"), which the docs tell users to set.
        config = ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path)]
        args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", *config, script]

    async with run_sandbox(SandboxConfig(run_seconds=2)) as sb:
        ran = await run_python(*args, env=sandbox_environment(sb), cwd=tmp_path)

    where = f"{block.page.relative_to(ROOT)}:{block.line}"
    assert ran.code == 0, f"{where} failed:\n{ran.stdout}\n{ran.stderr}"
    assert "Traceback" not in ran.stderr, where


@pytest.mark.parametrize("block", FRAGMENTS, ids=[b.name for b in FRAGMENTS])
def test_a_fragment_parses(block: Block) -> None:
    compile(block.code, block.name, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def test_every_block_passes_mypy_strict(tmp_path: Path) -> None:
    paths = []
    for block in PROGRAMS:
        path = tmp_path / f"{block.name}.py"
        path.write_text(block.code, encoding="utf-8")
        paths.append(path)

    report = mypy_strict(paths)

    lines = {f"{b.name}.py": f"{b.page.relative_to(ROOT)}:{b.line}" for b in PROGRAMS}
    assert report == "", "\n".join(
        [report, "blocks:", *(f"  {name} = {where}" for name, where in lines.items())]
    )


async def test_every_block_is_clean_for_ruff(tmp_path: Path) -> None:
    for block in PROGRAMS:
        (tmp_path / f"{block.name}.py").write_text(block.code, encoding="utf-8")
    config = ["--config", str(ROOT / "pyproject.toml")]
    env = {"PATH": os.environ.get("PATH", "")}

    lint = await run_python("-m", "ruff", "check", *config, tmp_path, env=env, cwd=tmp_path)
    form = await run_python(
        "-m", "ruff", "format", "--check", "--diff", *config, tmp_path, env=env, cwd=tmp_path
    )

    assert lint.code == 0, lint.stdout + lint.stderr
    assert form.code == 0, form.stdout + form.stderr


def test_included_files_are_the_examples() -> None:
    included = [b.included for b in BLOCKS if b.included is not None]

    assert included
    for path in included:
        assert path.is_file(), path
        assert path.parent == ROOT / "examples", path


def test_the_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    demo = (
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[fast]" '
        "&& python -m bluejay_async demo"
    )
    tests = 'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[dev]" && pytest'

    assert demo in readme
    assert tests in readme
    assert readme.index(demo) < readme.index("## Install")
    assert len(readme.splitlines()) < 200
