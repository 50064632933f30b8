"""A griffe extension: the SDK's reStructuredText-flavoured docstrings, rendered as Markdown.

The docstrings are written to read well in ``help()`` and in an editor, with Sphinx roles
(``:class:`~bluejay_async.RetryPolicy```), ``::`` literal blocks and simple tables. Before
mkdocstrings renders them, this extension turns

- a role into a cross-reference to the object's entry in the API reference (an optional one:
  a name the reference does not document, such as ``aiohttp.ClientSession``, stays code);
- a paragraph ending in ``::`` and the indented block after it into a fenced Python block;
- a simple table (``====  ====`` borders) into a Markdown table.

It also gives each ``attrs`` class the ``__init__`` that ``attrs`` generates at run time (its
fields, in order, with their defaults; keyword-only where ``kw_only=True``), so the reference
shows how to construct a record and matches its ``Args:`` to real parameters.

Loaded by ``mkdocs.yml`` (``extensions: [docs/sphinx_roles.py]``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`(?P<tilde>~?)(?P<name>[^`]+)`")
_BORDER = re.compile(r"^ *=+( +=+)+ *$")
_OWN = ("bluejay_async", "cognigy_async")


class SphinxRoles(griffe.Extension):
    """Rewrites every docstring of a loaded package (see the module's docstring)."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **_: Any) -> None:
        """griffe >= 2: the package and its submodules are loaded."""
        self._rewrite_tree(pkg, loader)

    def on_package_loaded(
        self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **_: Any
    ) -> None:
        """griffe 1.x: the package and its submodules are loaded."""
        self._rewrite_tree(pkg, loader)

    def _rewrite_tree(self, obj: griffe.Object, loader: griffe.GriffeLoader) -> None:
        if isinstance(obj, griffe.Class) and "__init__" not in obj.members:
            _attrs_init(obj)
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj.docstring.value, obj, loader)
        for member in obj.members.values():
            if not member.is_alias and isinstance(member, griffe.Object):
                self._rewrite_tree(member, loader)


_ATTRS_DECORATORS = ("attrs.frozen", "attrs.define", "attrs.mutable", "attr.s", "attr.attrs")


def _attrs_init(cls: griffe.Class) -> None:
    """Give an ``attrs`` class the ``__init__`` attrs writes for it."""
    decorators = [str(d.value) for d in cls.decorators]
    decorator = next((d for d in decorators if d.startswith(_ATTRS_DECORATORS)), None)
    if decorator is None:
        return
    all_kw_only = "kw_only=True" in decorator
    parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
    for name, member in cls.members.items():
        if member.is_alias or not isinstance(member, griffe.Attribute):
            continue
        if member.annotation is None or "ClassVar" in str(member.annotation):
            continue
        default: str | None = None
        kw_only = all_kw_only
        value = member.value
        if isinstance(value, griffe.ExprCall) and str(value.function).endswith("field"):
            keywords = {
                a.name: str(a.value) for a in value.arguments if isinstance(a, griffe.ExprKeyword)
            }
            if keywords.get("init") == "False":
                continue
            kw_only = kw_only or keywords.get("kw_only") == "True"
            if "default" in keywords:
                default = keywords["default"]
            elif "factory" in keywords:
                default = f"{keywords['factory']}()"
        elif value is not None:
            default = str(value)
        parameters.append(
            griffe.Parameter(
                name.lstrip("_"),
                annotation=member.annotation,
                kind=griffe.ParameterKind.keyword_only
                if kw_only
                else griffe.ParameterKind.positional_or_keyword,
                default=default,
            )
        )
    init = griffe.Function(
        "__init__",
        parameters=griffe.Parameters(*parameters),
        returns="None",
        lineno=cls.lineno,
        endlineno=cls.lineno,
    )
    cls.set_member("__init__", init)
    init.labels.add("attrs-generated")


def rewrite(text: str, obj: griffe.Object, loader: griffe.GriffeLoader) -> str:
    """One docstring, in Markdown."""
    text = _tables(text)
    text = _literal_blocks(text)
    return _ROLE.sub(lambda match: _reference(match, obj, loader), text)


def _reference(match: re.Match[str], obj: griffe.Object, loader: griffe.GriffeLoader) -> str:
    name = match["name"].strip()
    shown = name.lstrip(".").rsplit(".", 1)[-1] if match["tilde"] else name
    target = _resolve(name, obj, loader)
    if target is None:
        return f"`{shown}`"
    return f'<autoref identifier="{target}" optional><code>{shown}</code></autoref>'


def _resolve(name: str, obj: griffe.Object, loader: griffe.GriffeLoader) -> str | None:
    """The full path of the object ``name`` refers to from ``obj``'s scope, if it is ours."""
    if name.startswith("."):
        module = obj if obj.is_module else obj.module
        base = module if module.is_package else module.parent
        for _ in range(len(name) - len(name.lstrip(".")) - 1):
            base = base.parent if base is not None else None
        if base is None:
            return None
        path = f"{base.path}.{name.lstrip('.')}"
    elif name.split(".", 1)[0] in _OWN:
        path = name
    else:
        first, _, rest = name.partition(".")
        try:
            path = obj.resolve(first) + (f".{rest}" if rest else "")
        except (griffe.NameResolutionError, ValueError):
            return None
    if path.split(".", 1)[0] not in _OWN:
        return None
    try:
        found = loader.modules_collection[path]
    except KeyError:
        return None
    if isinstance(found, griffe.Alias):
        try:
            return str(found.final_target.path)
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
    return str(found.path)


def _literal_blocks(text: str) -> str:
    """``paragraph::`` + an indented block -> ``paragraph:`` + a fenced Python block."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.rstrip().endswith("::") or not line.strip().rstrip(":"):
            out.append(line)
            index += 1
            continue
        indent = len(line) - len(line.lstrip())
        body_start = index + 1
        while body_start < len(lines) and not lines[body_start].strip():
            body_start += 1
        end = body_start
        while end < len(lines) and (
            not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
        ):
            end += 1
        while end > body_start and not lines[end - 1].strip():
            end -= 1
        if end == body_start:
            out.append(line)
            index += 1
            continue
        body = lines[body_start:end]
        depth = min(len(b) - len(b.lstrip()) for b in body if b.strip())
        pad = " " * indent
        out.append(line.rstrip()[:-1])
        out.append("")
        out.append(pad + "```python")
        out.extend(pad + b[depth:] if b.strip() else "" for b in body)
        out.append(pad + "```")
        index = end
    return "\n".join(out)


def _tables(text: str) -> str:
    """reStructuredText simple tables -> Markdown tables."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if not _BORDER.match(lines[index]):
            out.append(lines[index])
            index += 1
            continue
        spans = [m.span() for m in re.finditer(r"=+", lines[index])]
        borders = [index]
        end = index + 1
        while end < len(lines) and len(borders) < 3:
            if _BORDER.match(lines[end]):
                borders.append(end)
            elif not lines[end].strip():
                break
            end += 1
        if len(borders) < 2:
            out.append(lines[index])
            index += 1
            continue
        header_rows = lines[borders[0] + 1 : borders[1]] if len(borders) == 3 else []
        body_rows = lines[borders[-2] + 1 : borders[-1]]
        header = _cells(header_rows, spans) or [[""] * len(spans)]
        out.append("| " + " | ".join(header[0]) + " |")
        out.append("|" + "|".join(" --- " for _ in spans) + "|")
        out.extend("| " + " | ".join(row) + " |" for row in _cells(body_rows, spans))
        index = borders[-1] + 1
    return "\n".join(out)


def _cells(rows: list[str], spans: list[tuple[int, int]]) -> list[list[str]]:
    """Rows cut at the column borders; a row with an empty first cell continues the last."""
    table: list[list[str]] = []
    for row in rows:
        cells = []
        for number, (start, _) in enumerate(spans):
            stop = len(row) if number == len(spans) - 1 else spans[number + 1][0]
            cells.append(row[start:stop].strip() if start < len(row) else "")
        if table and not cells[0]:
            table[-1] = [f"{a} {b}".strip() for a, b in zip(table[-1], cells, strict=True)]
        else:
            table.append(cells)
    return [[cell.replace("|", "\\|") for cell in row] for row in table]
