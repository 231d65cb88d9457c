"""No import circles among graphgrad's modules (docs/core.md, "Layout").

Every import statement counts, those inside functions too, except the ones under
``if TYPE_CHECKING:`` (they never run). A package's ``__init__`` importing its submodules counts
as well, so a submodule may not import names from its own package's ``__init__``: it imports
them from the module that defines them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import graphgrad

ROOT = Path(graphgrad.__file__).parent


def _module_names() -> dict[str, Path]:
    names = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _runtime_imports(tree: ast.Module):
    """The import statements that can run: all but those under ``if TYPE_CHECKING:``."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _targets(module: str, is_package: bool, node: ast.AST, modules: dict) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    assert isinstance(node, ast.ImportFrom)
    package = module.split(".") if is_package else module.split(".")[:-1]
    if node.level:
        base = package[: len(package) - node.level + 1] + ([node.module] if node.module else [])
        name = ".".join(base)
    else:
        name = node.module or ""
    return [f"{name}.{a.name}" if f"{name}.{a.name}" in modules else name for a in node.names]


def import_graph() -> dict[str, set[str]]:
    """Module -> the graphgrad modules it imports (the nearest existing module of a name)."""
    modules = _module_names()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _runtime_imports(ast.parse(path.read_text())):
            for target in _targets(module, is_package, node, modules):
                while target and target not in modules:
                    target = target.rpartition(".")[0]

                if target and target != module:
                    graph[module].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_cycles_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circles():
    graph = import_graph()
    assert "graphgrad.autograd.engine" in graph["graphgrad.autograd.gradients"]  # a real graph
    assert cycles(graph) == []
