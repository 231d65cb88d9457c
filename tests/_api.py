"""The public API, as a walk over the namespaces users read, and what its docstrings lack.

``public_api()`` maps each public function, class, method and property of ``graphgrad``,
``Tensor``, ``nn``, ``optim``, ``autograd``, ``utils``, ``func`` and ``viz`` to its object;
``problems()`` says what its docstring lacks (a ``>>>`` example, a parameter's name).
tests/test_docstrings.py enforces it; tests/test_doctests.py runs the examples.

A namespace's public names are its ``__all__`` when it has one (so a new layer must be added
to ``nn.__all__`` to be exported, and is then checked), else every name without a leading
underscore that graphgrad defines.
"""

from __future__ import annotations

import importlib
import inspect
import re
import types

NAMESPACES = (
    "graphgrad",
    "graphgrad.linalg",
    "graphgrad.special",
    "graphgrad.sparse",
    "graphgrad.nn",
    "graphgrad.nn.functional",
    "graphgrad.nn.init",
    "graphgrad.nn.utils",
    "graphgrad.optim",
    "graphgrad.optim.lr_scheduler",
    "graphgrad.autograd",
    "graphgrad.autograd.functional",
    "graphgrad.autograd.forward_ad",
    "graphgrad.autograd.gradcheck",
    "graphgrad.autograd.grad_mode",
    "graphgrad.utils.data",
    "graphgrad.utils.checkpoint",
    "graphgrad.func",
    "graphgrad.viz",
    "graphgrad.distributions",
)

# Parameters a docstring need not name: the receiver, and catch-alls passed on unchanged.
UNNAMED = {"self", "cls"}


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return sorted(n for n in names if not n.startswith("_"))


def _ours(obj: object) -> bool:
    """Defined in graphgrad (not NumPy, the standard library or a builtin)."""
    target = obj.fget if isinstance(obj, property) else inspect.unwrap(obj)
    module = getattr(target, "__module__", None) or ""
    return module == "graphgrad" or module.startswith("graphgrad.")


def _members(cls: type):
    """The public methods and properties a class defines itself. Inherited ones are checked
    where they are defined, and so are overrides (``Linear.forward`` is documented by
    ``Module.forward`` and the class, as in PyTorch)."""
    for name, raw in vars(cls).items():
        if name.startswith("_") or any(name in vars(base) for base in cls.__mro__[1:]):
            continue
        if isinstance(raw, (staticmethod, classmethod)):
            raw = raw.__func__
        if isinstance(raw, property) or callable(raw):
            yield name, raw


def public_api() -> dict[str, object]:
    """Qualified name -> object, each object once (under the first name that reaches it)."""
    found: dict[str, object] = {}
    seen: set[int] = set()

    def add(name: str, obj: object) -> None:
        if id(obj) in seen or not _ours(obj):
            return
        seen.add(id(obj))
        found[name] = obj

    classes = []
    for modname in NAMESPACES:
        module = importlib.import_module(modname)
        for name in _public_names(module):
            obj = getattr(module, name, None)
            if inspect.ismodule(obj) or not (callable(obj) or isinstance(obj, property)):
                continue
            add(f"{modname}.{name}", obj)
            if inspect.isclass(obj):
                classes.append((f"{modname}.{name}", obj))
    # Members after every namespace function, so graphgrad.tanh is named before Tensor.tanh.
    for qualname, cls in classes:
        for member, raw in _members(cls):
            add(f"{qualname}.{member}", raw)
    return found


def _parameters(obj: object) -> list[str]:
    if isinstance(obj, property):
        return []
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in signature.parameters.values()
        if p.name not in UNNAMED
        and not p.name.startswith("_")  # private, as ``Embedding(_weight=...)``
        and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _doc(obj: object) -> str:
    """The docstring that ``help`` shows; a class may document its arguments in ``__init__``."""
    if inspect.isclass(obj):  # its own docstring: getdoc would fall back to a base class's
        doc = inspect.cleandoc(vars(obj).get("__doc__") or "")
    else:
        doc = inspect.getdoc(obj) or ""
    if inspect.isclass(obj) and "__init__" in vars(obj):
        doc += "\n" + (inspect.getdoc(obj.__init__) or "")
    return doc


def problems(name: str, obj: object) -> list[str]:
    doc = _doc(obj)
    if not doc.strip():
        return ["no docstring"]
    issues = []
    if ">>>" not in doc:
        issues.append("no >>> example")
    missing = [p for p in _parameters(obj) if not re.search(rf"\b{re.escape(p)}\b", doc)]
    if missing:
        issues.append("parameters not named: " + ", ".join(missing))
    return issues
