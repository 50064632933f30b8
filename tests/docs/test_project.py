"""What a Python user expects of the project: one version, a licence, links, a changelog."""

from __future__ import annotations

import importlib.metadata
import re
import sys

import pytest

import bluejay_async
from tests.scripts import ROOT

# tomllib is in the standard library from Python 3.11; tomli is the same parser before it.
toml = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
PYPROJECT = toml.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_has_one_source() -> None:
    project = PYPROJECT["project"]

    assert "version" not in project
    assert "version" in project["dynamic"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "bluejay_async.__version__"}
    assert importlib.metadata.version("bluejay-cognigy-async") == bluejay_async.__version__


def test_the_licence_file_is_the_declared_one() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")

    assert PYPROJECT["project"]["license"] == "MIT"
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_the_project_links() -> None:
    urls = PYPROJECT["project"]["urls"]

    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


def test_the_docs_extra_builds_the_site() -> None:
    docs = " ".join(PYPROJECT["project"]["optional-dependencies"]["docs"])

    for package in ("mkdocs", "mkdocs-material", "mkdocstrings[python]"):
        assert package in docs
    assert (ROOT / "mkdocs.yml").is_file()
    assert (ROOT / ".ci" / "docs").is_file()


def test_the_changelog_dates_the_released_version_below_unreleased() -> None:
    headings = re.findall(r"^## \[(.+?)\](.*)$", (ROOT / "CHANGELOG.md").read_text(), re.M)

    assert headings[0] == ("Unreleased", "")
    versions = dict(headings[1:])
    assert re.fullmatch(r" - \d{4}-\d{2}-\d{2}", versions[bluejay_async.__version__])
