"""The examples in every module's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import graphgrad

MODULES = sorted(m.name for m in pkgutil.walk_packages(graphgrad.__path__, "graphgrad."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, report=False)
    assert result.failed == 0


def test_the_core_modules_have_examples():
    counted = {
        name: doctest.testmod(importlib.import_module(name), report=False).attempted
        for name in ("graphgrad.autograd.engine", "graphgrad.ops.primitive", "graphgrad.ops.matmul",
                     "graphgrad.autograd.saved", "graphgrad.viz")
    }  # fmt: skip
    assert all(counted.values()), counted
