"""The examples in graphgrad.viz's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "",
    "._labels",
    "._graph",
    "._walk",
    "._collapse",
    "._forward",
    "._render",
    "._digraph",
    ".seed_graphs",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module("graphgrad.viz" + name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
