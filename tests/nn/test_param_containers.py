"""nn.ParameterList, nn.ParameterDict and nn.Buffer against torch: reprs, state_dict keys,
indexing, the dict methods, the errors."""

from __future__ import annotations

import pytest

import graphgrad
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")


def both(case, message=True):
    assert_same(outcome(graphgrad, case), outcome(torch, case), message)


def _list(T):
    return T.nn.ParameterList([T.nn.Parameter(T.ones(2)), T.zeros(3, 4), 5])


def _dict(T):
    return T.nn.ParameterDict(
        {"b": T.nn.Parameter(T.ones(2)), "a": T.zeros(2, dtype=T.float64), "c": 3}
    )


REPRS = [
    _list,
    _dict,
    lambda T: T.nn.ParameterList(),
    lambda T: T.nn.ParameterDict(),
    lambda T: T.nn.ParameterList([T.ones(())]),
    lambda T: _list(T)[1:],
    lambda T: _list(T)[::-2],
    lambda T: T.nn.ParameterList([T.ones(1)]).append(T.zeros(2)).extend([3, T.ones(1)]),
    lambda T: T.nn.ParameterDict([("z", T.ones(1)), ("y", T.ones(2))]),
    lambda T: _dict(T) | {"d": T.ones(1)},
    lambda T: _dict(T).copy(),
    lambda T: _dict(T).fromkeys(["p", "q"], T.ones(2)),
]


@pytest.mark.parametrize("case", range(len(REPRS)))
def test_repr_as_torch(case):
    def module_repr(T):
        m = T.nn.Module()
        m.held = REPRS[case](T)
        return repr(REPRS[case](T)), repr(m)

    both(module_repr)


CASES = [
    lambda T: list(_list(T).state_dict()),
    lambda T: list(_dict(T).state_dict()),
    lambda T: list(_dict(T)),
    lambda T: list(reversed(_dict(T))),
    lambda T: [type(p).__name__ for p in _list(T)],
    lambda T: (_list(T)[-2].shape, _list(T)[0].requires_grad, len(_list(T))),
    lambda T: _list(T)[3],
    lambda T: _list(T)["a"],
    lambda T: T.nn.ParameterList().extend(T.ones(2)),
    lambda T: T.nn.ParameterList()(1),
    lambda T: T.nn.ParameterDict()(1),
    lambda T: _dict(T)[1],
    lambda T: _dict(T)["zz"],
    lambda T: T.nn.ParameterDict(5),
    lambda T: T.nn.ParameterDict([1]),
    lambda T: T.nn.ParameterDict([(1, 2, 3)]),
    lambda T: T.nn.ParameterList([T.ones(2, dtype=T.int64)]),
    lambda T: (_dict(T).popitem()[0], _dict(T).pop("a"), _dict(T).get("x", 7)),
    lambda T: ("a" in _dict(T), "x" in _dict(T), len(_dict(T))),
    lambda T: _dict(T).setdefault("new", T.ones(1)),
    lambda T: [k for k, _ in _dict(T).items()] + [str(v) for v in _dict(T).values()],
    lambda T: list(_dict(T).to(T.float64).state_dict().values()),
    lambda T: list(_list(T).double().state_dict().values()),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_behaviour_as_torch(case):
    both(CASES[case])


def test_dict_mutation_as_torch():
    def mutate(T):
        d = _dict(T)
        d["b"] = T.ones(5)
        del d["a"]
        d |= {"e": T.zeros(1)}
        d.update([("f", 1)])
        out = [list(d), list(d.state_dict())]
        d.clear()
        return out + [len(d), list(d.state_dict())]

    both(mutate)


def test_list_setitem_and_iadd_as_torch():
    def mutate(T):
        pl = _list(T)
        pl[0] = T.ones(5)
        pl += [T.ones(3)]
        return [tuple(p.shape) for p in pl if isinstance(p, T.Tensor)], list(pl.state_dict())

    both(mutate)


def test_parameter_list_trains_with_an_optimizer():
    pl = graphgrad.nn.ParameterList([graphgrad.ones(2)])
    (pl[0] * 3).sum().backward()
    graphgrad.optim.SGD(pl.parameters(), lr=0.5).step()
    assert pl[0].tolist() == [-0.5, -0.5]


BUFFERS = [
    lambda T: T.nn.Buffer(T.ones(2)),
    lambda T: T.nn.Buffer(),
    lambda T: T.nn.Buffer(3),
    lambda T: (
        T.nn.Buffer(T.ones(1), persistent=False).persistent,
        T.nn.Buffer(T.ones(1)).persistent,
    ),
    lambda T: (isinstance(T.nn.Buffer(T.ones(1)), T.nn.Buffer), isinstance(T.ones(1), T.nn.Buffer)),
    lambda T: type(T.nn.parameter.Buffer(T.ones(1))) is T.Tensor,
    lambda T: (lambda b: (b.requires_grad, b.is_leaf))(T.nn.Buffer(T.ones(1, requires_grad=True))),
]


@pytest.mark.parametrize("case", range(len(BUFFERS)))
def test_buffer_as_torch(case):
    both(BUFFERS[case], message=case != 2)


def test_assigning_buffers_as_torch():
    def assign(T):
        m = T.nn.Module()
        m.b = T.nn.Buffer(T.ones(1))
        m.c = T.nn.Buffer(T.ones(2), persistent=False)
        m.register_buffer("x", T.ones(1))
        m.x = T.nn.Buffer(T.ones(3), persistent=False)
        m.register_buffer("y", T.ones(1), persistent=False)
        m.y = T.ones(4)
        m.register_buffer("z", T.nn.Buffer(T.ones(1), persistent=False))
        return sorted(m._buffers), list(m.state_dict()), sorted(m._non_persistent_buffers_set)

    both(assign)


ASSIGN_ERRORS = ["p", "sub", "q"]


@pytest.mark.parametrize("name", ASSIGN_ERRORS)
def test_buffer_assignment_errors_as_torch(name):
    def assign(T):
        m = T.nn.Module()
        m.p = T.nn.Parameter(T.ones(1))
        m.sub = T.nn.Linear(1, 1)
        m.q = 3
        setattr(m, name, T.nn.Buffer(T.ones(1)))

    both(assign)


def test_buffer_before_init_as_torch():
    both(lambda T: setattr(T.nn.Module.__new__(T.nn.Module), "b", T.nn.Buffer(T.ones(1))))
