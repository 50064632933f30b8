"""The Python blocks of the README and of the documentation pages, as complete programs.

A block is a complete program unless the line before its fence is ``<!-- fragment -->``
(invisible once rendered): then it is an excerpt, such as a few lines of a longer example, and
is only checked to parse (top-level ``await`` allowed).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import attrs

from tests.scripts import ROOT

_FENCE = re.compile(
    r"^(?P<indent> *)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
_INCLUDE = re.compile(r'^--8<-- "(?P<path>[^"]+)"$')
_FRAGMENT = "<!-- fragment -->"


@attrs.frozen
class Block:
    """One fenced ``python`` block."""

    page: Path
    number: int
    """1 for the page's first Python block."""
    line: int
    code: str
    fragment: bool = False
    """Marked ``<!-- fragment -->`` on the line before: an excerpt, only checked to parse."""

    @property
    def name(self) -> str:
        """A module name unique to the block: ``docs_guides_bluejay_2``."""
        stem = self.page.relative_to(ROOT).with_suffix("").as_posix()
        return re.sub(r"\W", "_", stem).lower() + f"_{self.number}"

    @property
    def included(self) -> Path | None:
        """The file a ``--8<--`` snippet line includes instead of code, if this is one."""
        match = _INCLUDE.match(self.code.strip())
        return ROOT / match["path"] if match else None

    @property
    def is_test_file(self) -> bool:
        """Whether the block is a pytest file (run with pytest, not as a script)."""
        return re.search(r"^(async )?def test_", self.code, re.M) is not None


def pages() -> list[Path]:
    """The README and every page of the documentation site."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def python_blocks() -> list[Block]:
    """Every ``python`` block of every page, in page order."""
    blocks = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        number = 0
        for match in _FENCE.finditer(text):
            if match["lang"] not in ("python", "py"):
                continue
            number += 1
            line = text.count("\n", 0, match.start()) + 2
            fragment = text[: match.start()].rstrip().endswith(_FRAGMENT)
            code = textwrap.dedent(match["body"])
            blocks.append(Block(page, number, line, code, fragment))
    return blocks
