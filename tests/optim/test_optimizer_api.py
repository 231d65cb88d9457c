"""The optimizers added for issue 12 against PyTorch: their reprs (defaults included), their
argument checks, SparseAdam's error on dense gradients."""

from __future__ import annotations

import pytest

import graphgrad

NEW = ["ASGD", "Adadelta", "Adafactor", "Adamax", "LBFGS", "NAdam", "RAdam", "Rprop", "SparseAdam"]


def _repr(T, name: str) -> str:
    return repr(getattr(T.optim, name)([T.nn.Parameter(T.ones(2))]))


@pytest.mark.parametrize("name", NEW)
def test_repr_matches_torch(name):
    torch = pytest.importorskip("torch")
    assert _repr(graphgrad, name) == _repr(torch, name)


BAD = [
    ("Adamax", {"lr": -1}),
    ("Adamax", {"eps": -1}),
    ("Adamax", {"betas": (1.0, 0.9)}),
    ("Adamax", {"betas": (0.9, 1.0)}),
    ("Adamax", {"weight_decay": -1}),
    ("NAdam", {"momentum_decay": -1}),
    ("NAdam", {"betas": (1.0, 0.9)}),
    ("NAdam", {"weight_decay": -1}),
    ("RAdam", {"betas": (0.9, 1.5)}),
    ("RAdam", {"eps": -1}),
    ("Adadelta", {"rho": 1.5}),
    ("Adadelta", {"eps": -1}),
    ("Adadelta", {"lr": -1}),
    ("Adadelta", {"weight_decay": -1}),
    ("ASGD", {"lr": -1}),
    ("ASGD", {"weight_decay": -1}),
    ("Rprop", {"lr": -1}),
    ("Rprop", {"etas": (1.5, 1.2)}),
    ("Rprop", {"etas": (0.5, 0.9)}),
    ("SparseAdam", {"lr": -1}),
    ("SparseAdam", {"betas": (0.9, 1)}),
    ("LBFGS", {"lr": -1}),
    ("Adafactor", {"lr": -1}),
    ("Adafactor", {"eps": (-1, 1e-3)}),
    ("Adafactor", {"eps": (None, -1)}),
    ("Adafactor", {"beta2_decay": 0.5}),
    ("Adafactor", {"d": 0.5}),
    ("Adafactor", {"weight_decay": -1}),
]


@pytest.mark.parametrize(("name", "kwargs"), BAD, ids=[f"{n}-{k}" for n, k in BAD])
def test_bad_arguments_raise_torch_errors(name, kwargs):
    torch = pytest.importorskip("torch")
    messages = []
    for T in (graphgrad, torch):
        with pytest.raises(ValueError) as info:  # noqa: PT011 - the messages are compared
            getattr(T.optim, name)([T.nn.Parameter(T.ones(1))], **kwargs)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_sparse_adam_rejects_dense_gradients():
    w = graphgrad.nn.Parameter(graphgrad.ones(3))
    opt = graphgrad.optim.SparseAdam([w])
    (w * w).sum().backward()
    with pytest.raises(RuntimeError, match="SparseAdam does not support dense gradients"):
        opt.step()


def test_names_match_torch_optim():
    """Every optimizer and scheduler of torch.optim exists, except the ones listed (see
    docs/nn.md)."""
    torch = pytest.importorskip("torch")
    missing = {"Muon", "swa_utils", "swap_in_optimizer_params_and_state"}
    for module, theirs in (
        (graphgrad.optim, torch.optim),
        (graphgrad.optim.lr_scheduler, torch.optim.lr_scheduler),
    ):
        wanted = {
            n
            for n in dir(theirs)
            if not n.startswith("_")
            and getattr(getattr(theirs, n), "__module__", "").startswith("torch.optim")
        }
        wanted |= {"lr_scheduler"} if module is graphgrad.optim else set()
        have = {n for n in dir(module) if not n.startswith("_")}
        assert wanted - have - missing == set()
