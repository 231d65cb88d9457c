"""``weight_norm``, ``spectral_norm`` and ``orthogonal`` (as parametrizations and the old
hook-based forms) against PyTorch: state_dict keys, reprs, the random power-iteration vectors,
values and gradients over several forwards, removal, and the errors."""

from __future__ import annotations

import warnings

import pytest

from ._transcript import compare


def _run(t, T, m, x, steps: int = 2) -> None:
    t.note(m, list(m.state_dict()))
    for _ in range(steps):
        y = m(x)
        y.sum().backward()
    t.note(y, *(p.grad for _, p in m.named_parameters()))
    m.eval()
    t.note(m(x))


MAKERS = {
    "param_weight_norm": lambda T: T.nn.utils.parametrizations.weight_norm(T.nn.Linear(3, 4)),
    "param_weight_norm_dim_none": lambda T: T.nn.utils.parametrizations.weight_norm(
        T.nn.Linear(3, 4), dim=None
    ),
    "param_weight_norm_conv_dim1": lambda T: T.nn.utils.parametrizations.weight_norm(
        T.nn.Conv1d(3, 4, 2), dim=1
    ),
    "param_spectral_norm": lambda T: T.nn.utils.parametrizations.spectral_norm(T.nn.Linear(3, 4)),
    "param_spectral_norm_convT": lambda T: T.nn.utils.parametrizations.spectral_norm(
        T.nn.ConvTranspose1d(3, 4, 2), n_power_iterations=2
    ),
    "old_weight_norm": lambda T: T.nn.utils.weight_norm(T.nn.Linear(3, 4)),
    "old_weight_norm_dim_none": lambda T: T.nn.utils.weight_norm(T.nn.Linear(3, 4), dim=None),
    "old_spectral_norm": lambda T: T.nn.utils.spectral_norm(T.nn.Linear(3, 4)),
    "old_spectral_norm_conv2d": lambda T: T.nn.utils.spectral_norm(
        T.nn.Conv2d(3, 4, 2), n_power_iterations=3
    ),
}


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("name", sorted(MAKERS))
def test_norm_reparametrizations(name):
    def scenario(T, t):
        m = MAKERS[name](T)
        x = T.randn(2, 3) if isinstance(m, T.nn.Linear) else T.randn(1, 3, 4, 4)[..., 0, :]
        if isinstance(m, T.nn.Conv2d):
            x = T.randn(1, 3, 4, 4)
        _run(t, T, m, x)
        if name.startswith("old_"):
            remove = T.nn.utils.remove_weight_norm if "weight" in name else None
            remove = remove or T.nn.utils.remove_spectral_norm
            remove(m)
            t.note(list(m.state_dict()), m.weight)
            t.error(lambda: remove(m))
        else:
            T.nn.utils.parametrize.remove_parametrizations(m, "weight")
            t.note(type(m).__name__, list(m.state_dict()), m.weight)

    compare(scenario, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("use_trivialization", [True, False])
@pytest.mark.parametrize("shape", [(3, 3), (3, 4), (4, 3)])
def test_orthogonal(orthogonal_map, use_trivialization, shape):
    def scenario(T, t):
        m = T.nn.utils.parametrizations.orthogonal(
            T.nn.Linear(shape[1], shape[0]),
            orthogonal_map=orthogonal_map,
            use_trivialization=use_trivialization,
        )
        t.note(m, list(m.state_dict()))
        y = m(T.randn(2, shape[1]))
        y.sum().backward()
        t.note(y, m.parametrizations.weight.original.grad)
        t.error(lambda: setattr(m, "weight", T.eye(*shape)))
        t.note(m.weight.abs())  # the signs of zeros differ in places

    compare(scenario, rtol=1e-4, atol=1e-5)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_errors_and_old_checkpoints():
    def scenario(T, t):
        PZ = T.nn.utils.parametrizations
        t.error(lambda: PZ.spectral_norm(T.nn.Linear(2, 3), name="foo"))
        t.error(lambda: PZ.spectral_norm(T.nn.Linear(2, 3), dim=3))
        t.error(lambda: PZ.spectral_norm(T.nn.Linear(2, 3), n_power_iterations=0))
        t.error(lambda: PZ.orthogonal(T.nn.Linear(2, 3), orthogonal_map="foo"))
        t.error(lambda: PZ.orthogonal(T.nn.Linear(2, 3), name="bias"))
        t.error(lambda: PZ.orthogonal(T.nn.Linear(3, 3)).__setattr__("weight", T.ones(2, 2)))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            old = T.nn.utils.weight_norm(T.nn.Linear(3, 4))
        t.note(caught[0].category.__name__, str(caught[0].message))
        t.error(lambda: T.nn.utils.weight_norm(old))
        t.error(lambda: T.nn.utils.remove_weight_norm(old, "bias"))
        new = PZ.weight_norm(T.nn.Linear(3, 4))
        t.note(new.load_state_dict(old.state_dict()), new.weight - old.weight)
        sn = T.nn.utils.spectral_norm(T.nn.Linear(3, 4))
        t.error(lambda: T.nn.utils.spectral_norm(sn))
        t.error(lambda: T.nn.utils.remove_spectral_norm(sn, "bias"))

    compare(scenario)
