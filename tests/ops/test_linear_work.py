"""Backward of ops over many tensors does work linear in their number (issue: cat's backward
summed ``sizes[:i]`` for each input, O(N^2)). Counted, not timed: the number of Python calls
(generator steps included) that forward and backward make, on N and 4N pieces."""

from __future__ import annotations

import sys

import pytest

import graphgrad

N = 400


def _calls(fn) -> int:
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def _leaves(n: int, shape=(1,)) -> list:
    return [graphgrad.ones(shape, requires_grad=True) for _ in range(n)]


def _joined(join):
    def run(n: int):
        xs = _leaves(n)
        return lambda: join(xs).sum().backward()

    return run


def _pieces(split):
    def run(n: int):
        x = graphgrad.ones(n, requires_grad=True)
        return lambda: graphgrad.stack([p.sum() for p in split(x, n)]).sum().backward()

    return run


CASES = {
    "cat": _joined(graphgrad.cat),
    "stack": _joined(graphgrad.stack),
    "hstack": _joined(graphgrad.hstack),
    "vstack": _joined(graphgrad.vstack),
    "split": _pieces(lambda x, n: x.split(1)),
    "split_with_sizes": _pieces(lambda x, n: x.split([1] * n)),
    "chunk": _pieces(lambda x, n: x.chunk(n)),
    "unbind": _pieces(lambda x, n: x.unbind()),
    "row_stack": _joined(graphgrad.row_stack),
    "concat": _joined(graphgrad.concat),
    "concatenate": _joined(graphgrad.concatenate),
    "autograd_grad": lambda n: _grad_of_many(n),
}


def _grad_of_many(n: int):
    xs = _leaves(n)
    return lambda: graphgrad.autograd.grad(graphgrad.cat(xs).sum(), xs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_work_grows_linearly(name):
    small, large = _calls(CASES[name](N)), _calls(CASES[name](4 * N))
    # linear: about 4x; quadratic (the old cat) would be about 16x
    assert large < 6 * small, (small, large)
