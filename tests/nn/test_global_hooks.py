"""The global module hooks (nn.modules.module.register_module_*) against torch: which run, in
what order (global before the module's own), and what their return values replace."""

from __future__ import annotations

import contextlib

import pytest

import graphgrad
from tests._compare_torch import assert_same, outcome

torch = pytest.importorskip("torch")


@contextlib.contextmanager
def registered(T, **hooks):
    """Register ``register_module_<kind>=hook`` for the block; remove them after."""
    handles = [getattr(T.nn.modules.module, f"register_module_{k}")(h) for k, h in hooks.items()]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def both(case):
    assert_same(outcome(graphgrad, case), outcome(torch, case))


def test_forward_hooks_run_before_the_modules_own():
    def run(T):
        log = []
        net = T.nn.Sequential(T.nn.Linear(2, 1))
        net[0].register_forward_pre_hook(lambda m, a: log.append("pre"))
        net[0].register_forward_hook(lambda m, a, o: log.append("post"))
        with registered(
            T,
            forward_pre_hook=lambda m, a: log.append(("gpre", type(m).__name__)),
            forward_hook=lambda m, a, o: log.append(("gpost", type(m).__name__)),
        ):
            net(T.ones(1, 2))
        net(T.ones(1, 2))
        return log

    both(run)


def test_forward_hooks_replace_args_and_output():
    def run(T):
        with registered(
            T, forward_pre_hook=lambda m, a: (a[0] + 1,), forward_hook=lambda m, a, o: o * 10
        ):
            return T.nn.Identity()(T.ones(2))

    both(run)


def test_forward_hook_with_kwargs():
    def run(T):
        seen = []
        hook = T.nn.modules.module.register_module_forward_hook(
            lambda m, a, kw, o: seen.append(sorted(kw)), with_kwargs=True
        )
        T.nn.Identity()(T.ones(1))
        hook.remove()
        return seen

    both(run)


def test_backward_hooks_order_and_replacement():
    def run(T):
        log = []
        x = T.ones(1, 2, requires_grad=True)
        lin = T.nn.Linear(2, 1)
        with T.no_grad():
            lin.weight.copy_(T.tensor([[1.0, -2.0]]))
        lin.register_full_backward_hook(lambda m, gi, go: log.append("own"))
        with registered(
            T,
            full_backward_pre_hook=lambda m, go: (log.append("gpre"), (go[0] * 3,))[1],
            full_backward_hook=lambda m, gi, go: (log.append(("g", go)), (gi[0] * 2,))[1],
        ):
            lin(x).sum().backward()
        return log, x.grad, lin.weight.grad

    both(run)


def test_registration_hooks_see_and_replace():
    def run(T):
        log = []

        def twice(m, name, p):
            log.append(("param", name))
            return T.nn.Parameter(p * 2)

        with registered(
            T,
            parameter_registration_hook=twice,
            buffer_registration_hook=lambda m, n, b: log.append(("buf", n)),
            module_registration_hook=lambda m, n, c: log.append(("mod", n)),
        ):
            T.nn.BatchNorm1d(2)
            m = T.nn.Module()
            m.register_buffer("x", None)
            m.x = T.ones(1)
            m.a = T.nn.ReLU()
            m.a = None
            m.register_parameter("w", None)
            m.w = T.nn.Parameter(T.ones(1))
            m.seq = T.nn.Sequential(T.nn.Tanh())
        return log, m.w

    both(run)


def test_removed_hooks_stop():
    def run(T):
        log = []
        handle = T.nn.modules.module.register_module_forward_hook(lambda *a: log.append(1))
        T.nn.ReLU()(T.ones(1))
        handle.remove()
        T.nn.ReLU()(T.ones(1))
        return log

    both(run)
