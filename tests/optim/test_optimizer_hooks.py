"""Optimizer hooks against torch: step pre/post hooks (per optimizer and global, in torch's
order), state_dict and load_state_dict hooks, what their return values replace."""

from __future__ import annotations

import copy
import importlib
import pickle

import pytest

import graphgrad
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")


def both(case):
    assert_same(outcome(graphgrad, case), outcome(torch, case))


def _sgd(T, cls="SGD", **kw):
    w = T.nn.Parameter(T.tensor([1.0, -2.0]))
    w.grad = T.tensor([0.5, 0.25])
    return w, getattr(T.optim, cls)([w], lr=0.1, **kw)


@pytest.mark.parametrize("cls", ["SGD", "Adam", "LBFGS"])
def test_step_hooks_order_as_torch(cls):
    def run(T):
        log = []
        w, opt = _sgd(T, cls)
        glob = importlib.import_module(f"{T.__name__}.optim.optimizer")
        handles = [
            glob.register_optimizer_step_pre_hook(lambda o, a, k: log.append(("gpre", len(a), k))),
            glob.register_optimizer_step_post_hook(
                lambda o, a, k: log.append(("gpost", len(a), k))
            ),
        ]
        opt.register_step_pre_hook(lambda o, a, k: log.append(("pre", a[0] is o, k)))
        opt.register_step_post_hook(lambda o, a, k: log.append(("post", a[0] is o, k)))
        try:
            opt.step(lambda: (w * w).sum() if cls == "LBFGS" else None)
            if cls != "LBFGS":
                opt.step(closure=None)
        finally:
            for h in handles:
                h.remove()
        opt.step(lambda: (w * w).sum() if cls == "LBFGS" else None)
        return log

    both(run)


def test_step_pre_hook_replaces_arguments():
    def run(T):
        w, opt = _sgd(T)
        opt.register_step_pre_hook(lambda o, a, k: (a, {"closure": lambda: 7}))
        return opt.step(), w

    both(run)


def test_step_pre_hook_bad_return():
    w, opt = _sgd(graphgrad)
    opt.register_step_pre_hook(lambda o, a, k: 5)
    with pytest.raises(RuntimeError, match=r"must return None or a tuple of \(new_args, new_kwa"):
        opt.step()


def test_state_dict_hooks_as_torch():
    def run(T):
        log = []
        w, opt = _sgd(T, momentum=0.9)
        opt.step()
        opt.register_state_dict_pre_hook(lambda o: log.append("pre"))
        opt.register_state_dict_post_hook(lambda o, sd: log.append(("post", sorted(sd))))
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 3})
        opt.register_state_dict_pre_hook(lambda o: log.append("first"), prepend=True)
        sd = opt.state_dict()
        return log, sorted(sd), sd["extra"], sd["state"]

    both(run)


def test_load_state_dict_hooks_as_torch():
    def run(T):
        log = []
        w, opt = _sgd(T, momentum=0.9)
        opt.step()
        saved = opt.state_dict()

        def change(o, sd):
            log.append(("pre", sorted(sd)))
            sd = dict(sd)
            sd["param_groups"] = [dict(g, lr=0.5) for g in sd["param_groups"]]
            return sd

        opt.register_load_state_dict_pre_hook(change)
        opt.register_load_state_dict_post_hook(
            lambda o: log.append(("post", o.param_groups[0]["lr"]))
        )
        opt.load_state_dict(saved)
        return log, saved["param_groups"][0]["lr"], opt.param_groups[0]["lr"]

    both(run)


def test_removed_handles_and_copies_drop_hooks():
    w, opt = _sgd(graphgrad)
    log = []
    handle = opt.register_step_post_hook(lambda o, a, k: log.append(1))
    clone = copy.deepcopy(opt)
    clone.step()
    pickle.loads(pickle.dumps(opt)).step()
    opt.step()
    handle.remove()
    opt.step()
    assert log == [1]


def test_step_hooks_see_the_callers_arguments_under_compiles_wrapper():
    """graphgrad.compile wraps optimizers' steps; the hooks still get (args, kwargs) as the
    caller wrote them, as in torch (the wrapper passed closure=None positionally)."""
    from graphgrad.compile import patches

    w, opt = _sgd(graphgrad, "Adam")
    patches.install_for(opt)
    seen = []
    opt.register_step_pre_hook(lambda o, a, k: seen.append((len(a), k)))
    opt.step()
    opt.step(closure=None)
    assert seen == [(1, {}), (1, {"closure": None})]
