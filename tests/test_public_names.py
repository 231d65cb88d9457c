"""The public names of ``graphgrad`` and ``graphgrad.nn.functional``: ``__all__`` lists exactly
the module's public attributes, ``import *`` gives them, and each is imported by name or defined
in the module's source, so that grep finds where ``tanh`` comes from."""

from __future__ import annotations

import ast
import inspect
import math
import types

import pytest

import graphgrad
import graphgrad.nn.functional as F

# Public attributes that are not API: the ``from __future__ import annotations`` feature, and the
# class nn.functional uses in its annotations (PyTorch's F has ``Tensor`` too).
NOT_API = {"graphgrad": {"annotations"}, "graphgrad.nn.functional": {"annotations", "Tensor"}}
MODULES = [graphgrad, F]


def public_attributes(module) -> set:
    names = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    return names - NOT_API[module.__name__]


def named_in_source(module) -> set:
    """The names the module's source binds at top level: imported by name, defined or assigned."""
    names = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_lists_the_public_attributes(module):
    assert len(module.__all__) == len(set(module.__all__))
    assert sorted(set(module.__all__) ^ public_attributes(module)) == []


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_import_star_gives_all(module):
    namespace: dict = {}
    exec(f"from {module.__name__} import *", namespace)
    del namespace["__builtins__"]
    assert set(namespace) == set(module.__all__)
    assert all(value is getattr(module, name) for name, value in namespace.items())


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_each_public_name_is_imported_by_name_or_defined(module):
    """No name arrives only through a loop or ``import *``: a new op in some module's
    ``__all__`` must be imported by name in ``graphgrad/__init__.py`` and listed in its
    ``__all__``."""
    assert sorted(set(module.__all__) - named_in_source(module)) == []


def test_the_exports_are_the_public_forms():
    """``torch.sum`` takes NumPy's ``axis=`` (the export loop rebinds the imported names)."""
    assert graphgrad.sum(graphgrad.ones(2, 3), axis=1).tolist() == [3.0, 3.0]
    with pytest.raises(TypeError, match="must be Tensor, not float"):
        graphgrad.tanh(1.0)


def test_pytorchs_constants():
    # before: AttributeError (LLMs-from-scratch's GPT masks attention with ``-torch.inf``)
    assert (graphgrad.inf, graphgrad.pi, graphgrad.e) == (float("inf"), math.pi, math.e)
    assert math.isnan(graphgrad.nan) and graphgrad.newaxis is None
    scores = graphgrad.zeros(2, 2).masked_fill(graphgrad.ones(2, 2).triu(1).bool(), -graphgrad.inf)
    assert scores.tolist() == [[0.0, -math.inf], [0.0, 0.0]]
