"""The replayed program's source: temporaries computed where they are read, without changing
the order of the calls, and programs of any length that Python can compile."""

from __future__ import annotations

import re

import numpy as np
import pytest

import graphgrad
from graphgrad.compile.program import _NESTED, _inlined

from ._helpers import bits, replayed


def test_a_value_read_once_by_the_next_line_is_computed_there():
    lines = ["s0 = A[0]._data", "s1 = F1(s0)", "s2 = F2(s1, C3)", "F4(O5, s2)"]
    assert _inlined(lines, "") == ["F4(O5, F2(F1(A[0]._data), C3))"]


def test_calls_keep_their_order():
    # (two draws: inlining s1 too would make it ``F3(F2(), F1())``, drawing in the other order)
    lines = ["s1 = F1()", "s2 = F2()", "s3 = F3(s2, s1)"]
    assert _inlined(lines, "s3") == ["s1 = F1()", "s3 = F3(F2(), s1)"]


def test_values_read_twice_or_later_or_kept_stay():
    lines = ["s1 = F1()", "s2 = F2(s1)", "s3 = F3(s1)", "s4 = F4()", "s5 = F5()", "s6 = F6(s4)"]
    assert _inlined(lines, "s2 s3 s5 s6") == lines
    assert _inlined(["s1 = F1()", "s2 = F2(s1)"], "s1 s2") == ["s1 = F1()", "s2 = F2(s1)"]


def test_a_line_with_a_string_takes_nothing_in():
    lines = ["s1 = F1()", "s2 = F2(s1, reduction='s1')"]
    assert _inlined(lines, "s2") == lines
    # (a string's " = " is not an assignment: s0 is read there, so it stays a name)
    lines = ["s0 = F0()", "s1 = F1(s0)", "F2(s0, 'a = b')"]
    assert _inlined(lines, "") == lines


def test_nesting_is_limited():
    lines = ["s0 = A[0]._data"] + [f"s{i} = F(s{i - 1})" for i in range(1, 40)]
    out = _inlined(lines, "s39")
    assert max(line.count("(") for line in out) <= _NESTED
    assert out[-1].startswith("s39 = ") and len(out) == 40 // _NESTED


def test_a_chain_of_a_thousand_ops_replays():
    # (each op's result is read by the next one only: without a limit on the nesting, Python's
    # parser refused the program with "too many nested parentheses")
    def make():
        x = graphgrad.tensor(np.linspace(-1.0, 1.0, 5, dtype=np.float32), requires_grad=True)

        def step():
            x.grad = None
            y = x
            for _ in range(500):
                y = (y * 0.9).tanh()
            y.sum().backward()
            return y.detach(), x.grad

        return step

    compiled, eager = graphgrad.compile(make()), make()
    for _ in range(3):
        assert bits(compiled()) == bits(eager())
    assert replayed(compiled)


def _source(compiled) -> str:
    return next(e for es in compiled.cache.values() for e in es if e.verified).replay.source


def test_a_value_nothing_reads_is_not_computed():
    # W2: the polynomial's terms and its sum feed only the backward of additions and of the
    # sum, which read none of them; a replay computed them all (five of eight forward ops)
    def make():
        def step():
            x = graphgrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
            z = (x**3 + 7 * x**2 + 5 * x + 10).sum()
            z.backward()
            return x.grad

        return step

    compiled, eager = graphgrad.compile(make()), make()
    for _ in range(3):
        assert bits(compiled()) == bits(eager())
    source = _source(compiled)
    assert "exponent=3" not in source and "exponent=2" not in source  # (pow's forward)
    assert "dtype=None" not in source  # (sum's forward)


@pytest.mark.parametrize("unused", ["cholesky", "index"])
def test_an_unused_value_whose_op_can_raise_is_still_computed(unused):
    # a matrix that is not positive-definite, or an index out of range, raises at every replay
    # as eagerly, though nothing reads the value
    def step(x, i):
        if unused == "cholesky":
            graphgrad.linalg.cholesky(x)
        else:
            x[i]
        return x * 2

    compiled = graphgrad.compile(step)
    eye = graphgrad.eye(2)
    for _ in range(3):
        assert compiled(eye, graphgrad.tensor([1])).tolist() == [[2.0, 0.0], [0.0, 2.0]]
    assert replayed(compiled)
    bad = (-eye, graphgrad.tensor([1])) if unused == "cholesky" else (eye, graphgrad.tensor([5]))
    with pytest.raises((IndexError, RuntimeError)) as want:
        step(*bad)
    with pytest.raises(type(want.value), match=re.escape(str(want.value))):
        compiled(*bad)
