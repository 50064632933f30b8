"""A package's public names, imported from their modules the first time they are used (PEP 562).

``import bluejay_async`` and ``bluejay-async --help`` then cost only what they use: ``aiohttp``
is imported with the first client, ``aiohttp.web`` with the first sandbox.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    package: str, modules: Mapping[str, Iterable[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, exporting ``modules``' names.

    ``modules`` maps a module (relative to ``package`` when it starts with a dot) to the names
    the package takes from it. The first lookup of a name imports its module and stores the
    value in the package, so later lookups are plain attribute reads.
    """
    namespace = importlib.import_module(package).__dict__
    exports = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
