"""``nn.utils.prune`` against PyTorch: masks (with the random ones drawn from the same
stream), state_dict keys, values and gradients through the mask, combined pruning, global
pruning, removal and the errors."""

from __future__ import annotations

import importlib

from ._transcript import compare


def _prune(T):
    """``T.nn.utils.prune`` (PyTorch imports it only on demand)."""
    return importlib.import_module(T.__name__ + ".nn.utils.prune")


def _forward(t, T, m, x) -> None:
    y = m(x)
    y.sum().backward()
    t.note(list(m.state_dict()), m.weight_mask, y, *(p.grad for _, p in m.named_parameters()))


def test_iterative_pruning_and_remove():
    def scenario(T, t):
        prune = _prune(T)
        x = T.randn(2, 6)
        m = T.nn.Linear(6, 4)
        prune.random_unstructured(m, "weight", amount=0.3)
        _forward(t, T, m, x)
        prune.l1_unstructured(m, "weight", amount=3)
        _forward(t, T, m, x)
        prune.ln_structured(m, "weight", amount=1, n=2, dim=0)
        _forward(t, T, m, x)
        prune.random_structured(m, "weight", amount=0.4, dim=1)
        _forward(t, T, m, x)
        container = next(iter(m._forward_pre_hooks.values()))
        t.note([type(h).__name__ for h in container], container._tensor_name)
        prune.custom_from_mask(m, "bias", T.tensor([1.0, 0.0, 1.0, 1.0]))
        t.note(m.bias, prune.is_pruned(m))
        prune.remove(m, "weight")
        prune.remove(m, "bias")
        t.note(prune.is_pruned(m), list(m.state_dict()), m.weight, m.bias)
        t.note(type(m.weight).__name__, m.weight.requires_grad)

    compare(scenario)


def test_global_and_importance_scores():
    def scenario(T, t):
        prune = _prune(T)
        a, b = T.nn.Linear(3, 2), T.nn.Linear(2, 5)
        pairs = [(a, "weight"), (b, "weight"), (b, "bias")]
        prune.global_unstructured(pairs, pruning_method=prune.L1Unstructured, amount=0.4)
        t.note(a.weight_mask, b.weight_mask, b.bias_mask)
        pairs = [(a, "weight"), (b, "weight")]
        prune.global_unstructured(pairs, pruning_method=prune.RandomUnstructured, amount=3)
        t.note(a.weight_mask, b.weight_mask)
        c = T.nn.Conv2d(2, 4, 3)
        scores = T.randn(4, 2, 3, 3)
        prune.ln_structured(c, "weight", 0.5, n=1, dim=0, importance_scores=scores)
        t.note(c.weight_mask.sum((1, 2, 3)))
        prune.ln_structured(c, "weight", 1, n=float("inf"), dim=1)
        t.note(c.weight_mask.sum((0, 2, 3)))
        t.note(prune.L1Unstructured(0.5).prune(T.tensor([3.0, -1.0, 2.0, 0.5])))
        t.note(prune.RandomUnstructured(2).prune(T.ones(4)))
        t.note(prune.RandomStructured(1, dim=0).prune(T.ones(2, 2)))
        t.note(prune.Identity().prune(T.ones(2)))

    compare(scenario)


def test_errors():
    def scenario(T, t):
        prune = _prune(T)
        lin = T.nn.Linear
        t.error(lambda: prune.l1_unstructured(lin(2, 2), "weight", amount=5))
        t.error(lambda: prune.l1_unstructured(lin(2, 2), "weight", amount=1.5))
        t.error(lambda: prune.l1_unstructured(lin(2, 2), "weight", amount="a"))
        t.error(lambda: prune.l1_unstructured(lin(2, 2), "weight", amount=-1))
        t.error(lambda: prune.ln_structured(lin(2, 2), "bias", 1, 2, 0))
        t.error(lambda: prune.ln_structured(lin(2, 2), "weight", 1, 2, 3))
        t.error(lambda: prune.remove(lin(2, 2), "weight"))
        pairs = [(lin(2, 2), "weight")]
        t.error(lambda: prune.global_unstructured(pairs, prune.RandomStructured, amount=1))
        m = lin(2, 2)
        prune.l1_unstructured(m, "weight", 0)
        t.error(lambda: prune.l1_unstructured(m, "weight", 5))
        t.note(list(m.state_dict()))
        fresh = lin(2, 2)
        t.error(lambda: prune.l1_unstructured(fresh, "weight", 5))
        t.note(list(fresh.state_dict()))

    compare(scenario)
