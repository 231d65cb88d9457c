"""``nn.utils.parametrize`` against PyTorch: reprs, state_dict keys, values and gradients
through the parametrization, right_inverse, caching, removal and the error messages."""

from __future__ import annotations

import copy
import pickle

from ._transcript import compare


def _modules(T):
    class Symmetric(T.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(0, 1)

    class Skew(T.nn.Module):
        def forward(self, X):
            A = X.triu(1)
            return A - A.T

        def right_inverse(self, A):
            return A.triu(1)

    class Split(T.nn.Module):
        def forward(self, a, b):
            return a * b

        def right_inverse(self, X):
            return (X, T.ones_like(X))

    class First(T.nn.Module):
        def forward(self, X):
            return X[0]

    class ToDouble(T.nn.Module):
        def forward(self, X):
            return X

        def right_inverse(self, X):
            return X.double()

    return Symmetric, Skew, Split, First, ToDouble


def test_register_forward_backward_and_remove():
    def scenario(T, t):
        P = T.nn.utils.parametrize
        Symmetric, Skew, _, _, _ = _modules(T)
        m = T.nn.Linear(3, 3)
        P.register_parametrization(m, "weight", Symmetric())
        t.note(m, list(m.state_dict()), m.weight, type(m).__name__)
        m(T.ones(2, 3)).sum().backward()
        t.note(m.parametrizations.weight.original.grad)
        P.register_parametrization(m, "weight", Skew())
        t.note(m, m.weight)
        t.error(lambda: setattr(m, "weight", T.ones(3, 3)))  # Symmetric has no right_inverse
        t.note(P.is_parametrized(m), P.is_parametrized(m, "bias"))
        t.note(P.type_before_parametrizations(m).__name__)
        P.remove_parametrizations(m, "weight", leave_parametrized=False)
        t.note(type(m).__name__, list(m.state_dict()), m.weight, hasattr(m, "parametrizations"))

    compare(scenario)


def test_right_inverse_to_several_tensors():
    def scenario(T, t):
        P = T.nn.utils.parametrize
        _, _, Split, _, _ = _modules(T)
        m = T.nn.Linear(2, 2)
        P.register_parametrization(m, "weight", Split())
        t.note(list(m.state_dict()), m)
        m.weight = T.full((2, 2), 3.0)
        t.note(m.parametrizations.weight.original0, m.parametrizations.weight.original1)
        t.error(lambda: P.remove_parametrizations(m, "weight", leave_parametrized=False))
        P.remove_parametrizations(m, "weight")
        t.note(list(m.state_dict()), type(m.weight).__name__, m.weight)

    compare(scenario)


def test_errors():
    def scenario(T, t):
        P = T.nn.utils.parametrize
        Symmetric, _, _, First, ToDouble = _modules(T)
        t.error(lambda: P.register_parametrization(T.nn.Linear(2, 2), "weight", First()))
        t.error(lambda: P.register_parametrization(T.nn.Linear(2, 2), "foo", Symmetric()))
        t.error(lambda: P.register_parametrization(T.nn.Linear(2, 2), "weight", ToDouble()))
        t.error(lambda: P.remove_parametrizations(T.nn.Linear(2, 2), "weight"))
        t.error(lambda: P.ParametrizationList([], T.ones(2)))
        m = P.register_parametrization(T.nn.Linear(3, 3), "weight", Symmetric())
        t.error(lambda: P.register_parametrization(m, "weight", First()))
        t.error(lambda: pickle.dumps(m))
        unsafe = P.register_parametrization(T.nn.Linear(3, 3), "weight", First(), unsafe=True)
        t.note(unsafe.weight.shape)

    compare(scenario)


def test_cached_transfer_buffers_and_load_state_dict():
    def scenario(T, t):
        P = T.nn.utils.parametrize
        Symmetric, _, _, _, _ = _modules(T)
        m = P.register_parametrization(T.nn.Linear(3, 3), "weight", Symmetric())
        with P.cached():
            t.note(m.weight is m.weight)
        t.note(m.weight is m.weight)
        other = P.transfer_parametrizations_and_params(m, T.nn.Linear(3, 3))
        t.note(other, other.parametrizations.weight.original is m.parametrizations.weight.original)
        bn = T.nn.BatchNorm1d(3)
        P.register_parametrization(bn, "running_mean", T.nn.Identity())
        t.note(list(bn.state_dict()))
        m.load_state_dict({k: v * 0 + 1 for k, v in m.state_dict().items()})
        t.note(m.weight)
        m.eval()
        s = T.nn.Identity()
        P.register_parametrization(m, "bias", s)
        t.note(s.training, list(m.state_dict()))

    compare(scenario)


def test_deepcopy_dtype_and_training_through_a_parametrization():
    def scenario(T, t):
        m = T.nn.utils.parametrizations.weight_norm(T.nn.Linear(2, 3))
        c = copy.deepcopy(m)
        t.note(type(c).__name__, c.weight - m.weight)
        t.note(c.parametrizations.weight.original0 is m.parametrizations.weight.original0)
        m.double()
        t.note(m.weight.dtype, m(T.ones(1, 2, dtype=T.float64)))
        sn = T.nn.utils.parametrizations.spectral_norm(T.nn.Linear(2, 3))
        opt = T.optim.SGD(sn.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            sn(T.ones(4, 2)).pow(2).sum().backward()
            opt.step()
        t.note(sn.weight, sn.parametrizations.weight[0]._u)

    compare(scenario, rtol=1e-4, atol=1e-5)
