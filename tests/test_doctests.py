"""The examples in every module's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import graphgrad
from graphgrad.viz import available_renderers

from ._api import public_api

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# What PyTorch's examples take as imported: ``torch`` and ``F`` (torch.nn.functional).
GLOBS = {"torch": graphgrad, "F": graphgrad.nn.functional}
MODULES = sorted(m.name for m in pkgutil.walk_packages(graphgrad.__path__, "graphgrad."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name.startswith("graphgrad.viz.explorer") and not available_renderers():
        pytest.skip("explore's examples draw the graph, and nothing here renders SVG")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=FLAGS, report=False, extraglobs=GLOBS)
    assert result.failed == 0


def test_the_core_modules_have_examples():
    counted = {
        name: doctest.testmod(importlib.import_module(name), report=False).attempted
        for name in ("graphgrad.autograd.engine", "graphgrad.ops.primitive",
                     "graphgrad.ops.linalg.matmul", "graphgrad.autograd.saved", "graphgrad.viz")
    }  # fmt: skip
    assert all(counted.values()), counted


def test_public_api_examples_the_module_walk_misses():
    """Methods attached to Tensor from other modules (the generated in-place forms, the
    conversions) are not found by a module's doctest walk; run their examples too."""
    finder = doctest.DocTestFinder()
    covered = {
        test.docstring
        for name in MODULES
        for test in finder.find(importlib.import_module(name))
        if test.examples
    }
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    failed = []
    for name, obj in public_api().items():
        for test in finder.find(obj, name, globs=dict(GLOBS)):
            if test.examples and test.docstring not in covered:
                covered.add(test.docstring)
                if runner.run(test, out=lambda text: None).failed:
                    failed.append(name)
    assert not failed, failed
