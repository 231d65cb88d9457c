"""Shared by the matrix-product tests (test_linalg.py, test_example4.py)."""

from __future__ import annotations


def _tree(node, depth: int = 0) -> list[str]:
    """Every node below ``node``, indented, with PyTorch's AccumulateGrad name normalised."""
    if node is None:
        return ["  " * depth + "None"]
    out = ["  " * depth + node.name().replace("torch::autograd::", "")]
    for child, _ in node.next_functions:
        out += _tree(child, depth + 1)
    return out
