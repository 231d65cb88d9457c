"""Running a step eagerly and compiled side by side, and comparing every bit they leave."""

from __future__ import annotations

import warnings

import numpy as np

import graphgrad


def bits(value):
    """A comparable copy of a result: arrays as (dtype, shape, bytes), structure kept."""
    if isinstance(value, graphgrad.Tensor):
        data = np.ascontiguousarray(value._data)
        return ("T", data.dtype.str, data.shape, data.tobytes(), value.requires_grad)
    if isinstance(value, (list, tuple)):
        return [bits(v) for v in value]
    if isinstance(value, dict):
        return {k: bits(v) for k, v in value.items()}
    return value


def state_bits(tensors) -> list:
    return [(bits(t), None if t.grad is None else bits(t.grad)) for t in tensors]


def run_both(make, calls: int = 4, expect_replay: bool = True, wrap=graphgrad.compile):
    """``make()`` returns ``(step, tensors)`` with state of its own; run the step eagerly and
    ``wrap``ped (compiled) ``calls`` times each and assert equal results and tensors after
    every call. Returns the wrapped callable."""
    eager, eager_state = make()
    step, state = make()
    compiled = wrap(step)
    rng_eager = rng_compiled = graphgrad.get_rng_state()
    for i in range(calls):
        graphgrad.set_rng_state(rng_eager)
        want = _outcome(eager)
        rng_eager = graphgrad.get_rng_state()
        graphgrad.set_rng_state(rng_compiled)
        got = _outcome(compiled)
        rng_compiled = graphgrad.get_rng_state()
        assert got == want, f"call {i}: results differ"
        assert state_bits(state) == state_bits(eager_state), f"call {i}: state differs"
        assert rng_compiled.tolist() == rng_eager.tolist(), f"call {i}: RNG state differs"
    if expect_replay and wrap is graphgrad.compile:
        assert replayed(compiled), "the step never replayed"
    return compiled


def _outcome(step):
    try:
        return bits(step())
    except Exception as e:  # noqa: BLE001 - the same error on both sides is agreement
        return ("raised", type(e), str(e))


def replayed(compiled) -> bool:
    """Whether some recording of ``compiled`` was verified (so calls replay it)."""
    return any(e.verified for entries in compiled.cache.values() for e in entries)


def quiet():
    """A context that turns graphgrad.compile's fallback warnings off."""
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.simplefilter("ignore")
    return ctx


def train_model_compiled_alone(make_model, shape: tuple, make_opt, compiled: bool) -> list:
    """Five steps of a loop that compiles the model only (``torch.compile(model)``, the
    backward and the optimizer's step outside it) on a mean-square loss: the losses, the RNG
    state and the parameters after, as bits. A compiled model must have replayed."""
    graphgrad.manual_seed(1)
    model = make_model()
    forward = graphgrad.compile(model) if compiled else model
    opt = make_opt(model.parameters())
    gen = graphgrad.Generator().manual_seed(2)
    seen = []
    for _ in range(5):
        x = graphgrad.randn(*shape, generator=gen)
        opt.zero_grad()
        loss = forward(x).pow(2).mean()
        loss.backward()
        opt.step()
        seen.append(bits(loss))
    assert not compiled or replayed(forward._compiled_call)
    return [*seen, graphgrad.get_rng_state().tolist(), *(bits(p) for p in model.parameters())]
