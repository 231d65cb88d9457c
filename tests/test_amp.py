"""torch.amp / torch.cuda.amp (GradScaler, autocast) and torch.bfloat16, as PyTorch 2.13's
CPU-only build has them: hard-coded expectations first, then the same cases run in torch."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

import graphgrad
from tests._compare_torch import assert_same, outcome

NO_BF16 = "graphgrad has no bfloat16 tensors: NumPy has no bfloat16 type (use float32 or float16)"


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [(w.category.__name__, str(w.message)) for w in caught]


# -- bfloat16 ------------------------------------------------------------------------------


def test_bfloat16_is_a_dtype_with_torchs_limits():
    b = graphgrad.bfloat16
    assert repr(b) == str(b) == "torch.bfloat16"
    assert isinstance(b, graphgrad.dtype)
    assert (b.is_floating_point, b.is_complex, b.is_signed, b.itemsize) == (True, False, True, 2)
    assert b == b and b != graphgrad.float16 and b != graphgrad.float32
    assert {b: 1, graphgrad.float16: 2}[b] == 1
    assert pickle.loads(pickle.dumps(b)) is b
    f = graphgrad.finfo(b)
    assert (f.bits, f.eps, f.resolution, f.dtype) == (16, 0.0078125, 0.01, "bfloat16")
    assert (f.max, f.min) == (3.3895313892515355e38, -3.3895313892515355e38)
    assert f.tiny == f.smallest_normal == 1.1754943508222875e-38
    assert repr(f) == (
        "finfo(resolution=0.01, min=-3.38953e+38, max=3.38953e+38, eps=0.0078125, "
        "smallest_normal=1.17549e-38, tiny=1.17549e-38, dtype=bfloat16)"
    )


def test_bfloat16_promotion_and_casting():
    T, b = graphgrad, graphgrad.bfloat16
    assert T.promote_types(b, T.float16) is T.float32
    assert T.promote_types(T.float16, b) is T.float32
    assert T.promote_types(b, T.int64) is b
    assert T.promote_types(T.bool, b) is b
    assert T.promote_types(b, T.float64) is T.float64
    assert T.promote_types(b, T.complex64) is T.complex64
    assert T.promote_types(b, b) is b
    assert T.can_cast(b, T.float16) and not T.can_cast(b, T.int32)
    assert b not in graphgrad.dtypes.ALL_DTYPES  # the dtypes a tensor can have


def test_nanogpt_dtype_table():
    T = graphgrad
    table = {"float32": T.float32, "bfloat16": T.bfloat16, "float16": T.float16}
    assert table["bfloat16"] is T.bfloat16


_T = graphgrad
BF16_ENTRY_POINTS = {
    "zeros": lambda: _T.zeros(2, dtype=_T.bfloat16),
    "ones": lambda: _T.ones(2, dtype=_T.bfloat16),
    "empty": lambda: _T.empty(2, dtype=_T.bfloat16),
    "full": lambda: _T.full((2,), 1.0, dtype=_T.bfloat16),
    "tensor": lambda: _T.tensor([1.0], dtype=_T.bfloat16),
    "as_tensor": lambda: _T.as_tensor([1.0], dtype=_T.bfloat16),
    "arange": lambda: _T.arange(3, dtype=_T.bfloat16),
    "linspace": lambda: _T.linspace(0, 1, 3, dtype=_T.bfloat16),
    "eye": lambda: _T.eye(2, dtype=_T.bfloat16),
    "randn": lambda: _T.randn(2, dtype=_T.bfloat16),
    "rand": lambda: _T.rand(2, dtype=_T.bfloat16),
    "zeros_like": lambda: _T.zeros_like(_T.ones(2), dtype=_T.bfloat16),
    "new_zeros": lambda: _T.ones(2).new_zeros(2, dtype=_T.bfloat16),
    "to": lambda: _T.ones(2).to(_T.bfloat16),
    "to_kw": lambda: _T.ones(2).to(dtype=_T.bfloat16),
    "to_device_dtype": lambda: _T.ones(2).to("cpu", _T.bfloat16),
    "method": lambda: _T.ones(2).bfloat16(),
    "type": lambda: _T.ones(2).type(_T.bfloat16),
    "type_str": lambda: _T.ones(2).type("torch.BFloat16Tensor"),
    "sum_dtype": lambda: _T.ones(2).sum(dtype=_T.bfloat16),
    "set_default_dtype": lambda: _T.set_default_dtype(_T.bfloat16),
    "module_to": lambda: _T.nn.Linear(2, 2).to(_T.bfloat16),
    "module_bfloat16": lambda: _T.nn.Linear(2, 2).bfloat16(),
    "linear_dtype": lambda: _T.nn.Linear(2, 2, dtype=_T.bfloat16),
}


@pytest.mark.parametrize("name", BF16_ENTRY_POINTS)
def test_no_bfloat16_tensors_one_clear_error(name):
    with pytest.raises(TypeError) as info:
        BF16_ENTRY_POINTS[name]()
    assert str(info.value) == NO_BF16
    assert graphgrad.get_default_dtype() is graphgrad.float32


# -- GradScaler, hard-coded --------------------------------------------------------------------


def test_cuda_scalers_warn_and_disable():
    s, caught = _warnings_of(lambda: graphgrad.cuda.amp.GradScaler())
    assert caught == [
        ("FutureWarning", "`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                          "`torch.amp.GradScaler('cuda', args...)` instead."),
        ("UserWarning", "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  "
                        "Disabling."),
    ]  # fmt: skip
    assert not s.is_enabled()
    s, caught = _warnings_of(lambda: graphgrad.amp.GradScaler("cuda"))
    assert [c for c, _ in caught] == ["UserWarning"] and not s.is_enabled()
    s, caught = _warnings_of(lambda: graphgrad.amp.GradScaler("cpu"))
    assert caught == [] and s.is_enabled()


def test_disabled_scaler_passes_through():
    s = _quiet(graphgrad.cuda.amp.GradScaler, enabled=True)
    x = graphgrad.ones(2)
    assert s.scale(x) is x and s.scale("anything") == "anything"
    w = graphgrad.nn.Parameter(graphgrad.ones(1))
    w.grad = graphgrad.full((1,), float("inf"))
    opt = graphgrad.optim.SGD([w], lr=1.0)
    assert s.unscale_(opt) is None and s.step(opt) is None  # the step is taken, inf and all
    assert np.isinf(w.detach().numpy()).all()
    s.update()
    assert (s.get_scale(), s.state_dict(), s._get_growth_tracker()) == (1.0, {}, 0)
    s.load_state_dict({})


def test_scaler_history_hard_coded():
    """growth after growth_interval clean steps, backoff and a skipped step on inf."""
    T = graphgrad
    w = T.nn.Parameter(T.tensor([1.0, 2.0], dtype=T.float64))
    opt = T.optim.SGD([w], lr=0.25)
    s = T.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    history = []
    for factor in (1.0, 1.0, float("inf"), 1.0):
        opt.zero_grad()
        s.scale((w * w * factor).sum()).backward()
        s.step(opt)
        s.update()
        history.append((s.get_scale(), s._get_growth_tracker(), w.tolist()))
    assert history == [
        (8.0, 1, [0.5, 1.0]),
        (16.0, 0, [0.25, 0.5]),
        (8.0, 0, [0.25, 0.5]),  # inf: skipped, backed off
        (8.0, 1, [0.125, 0.25]),
    ]
    assert s.state_dict() == {"scale": 8.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                              "growth_interval": 2, "_growth_tracker": 1}  # fmt: skip


def test_scaler_misuse_errors():
    T = graphgrad
    s = T.amp.GradScaler("cpu")
    w = T.nn.Parameter(T.ones(1))
    opt = T.optim.SGD([w])
    with pytest.raises(AssertionError, match="Attempted unscale_ but _scale is None"):
        s.unscale_(opt)
    s.scale(w.sum()).backward()
    s.unscale_(opt)
    with pytest.raises(RuntimeError, match=r"unscale_\(\) has already been called on this"):
        s.unscale_(opt)
    s.step(opt)
    with pytest.raises(RuntimeError, match=r"step\(\) has already been called since"):
        s.step(opt)
    with pytest.raises(RuntimeError, match=r"unscale_\(\) is being called after step\(\)"):
        s.unscale_(opt)
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        s.step(opt, closure=lambda: 0)
    with pytest.raises(AssertionError, match="The growth factor must be > 1.0."):
        T.amp.GradScaler("cpu", growth_factor=1.0)


def test_scaler_refuses_fp16_grads():
    w = graphgrad.nn.Parameter(graphgrad.ones(1, dtype=graphgrad.float16))
    s = graphgrad.amp.GradScaler("cpu")
    s.scale(w.sum()).backward()
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
        s.step(graphgrad.optim.SGD([w]))


def test_autocast_disabled_is_a_no_op_and_enabled_cpu_raises():
    T = graphgrad
    with T.autocast("cpu", enabled=False) as ctx:
        assert T.ones(1).dtype is T.float32 and not T.is_autocast_enabled("cpu")
    assert ctx.device == "cpu" and ctx.fast_dtype is T.bfloat16
    with pytest.raises(NotImplementedError, match="graphgrad has no enabled autocast"):
        T.autocast("cpu")
    with pytest.raises(NotImplementedError):
        T.amp.autocast("cpu", dtype=T.float16)
    _, caught = _warnings_of(lambda: T.autocast("cuda", dtype=T.bfloat16))
    assert caught == [("UserWarning", "CUDA is not available or torch_xla is imported. "
                                      "Disabling autocast.")]  # fmt: skip
    _, caught = _warnings_of(lambda: T.cuda.amp.autocast())
    assert [c for c, _ in caught] == ["FutureWarning", "UserWarning"]


# -- compared with torch ---------------------------------------------------------------------


def _training_history(T, dtype_name="float64"):
    """A small loop with GradScaler("cpu") (exact values: powers of two) and one inf step."""
    dt = getattr(T, dtype_name)
    w = T.nn.Parameter(T.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=dt))
    b = T.nn.Parameter(T.tensor([0.5, 1.0], dtype=dt))
    opt = T.optim.SGD([w, b], lr=0.125, momentum=0.5)
    s = T.amp.GradScaler("cpu", init_scale=2.0**10, growth_interval=3)
    x = T.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=dt)
    out = []
    for i in range(9):
        opt.zero_grad()
        loss = ((x @ w + b) ** 2).sum()
        if i == 4:
            loss = loss * float("inf")
        scaled = s.scale(loss)
        scaled.backward()
        if i == 6:  # clipping between unscale_ and step, as PyTorch's docs show
            s.unscale_(opt)
            out.append(("grad", w.grad.tolist()))
        ret = s.step(opt)
        s.update()
        out.append((loss.item(), scaled.item(), ret, s.get_scale(), s.state_dict(),
                    w.tolist(), b.tolist()))  # fmt: skip
    return out


def _grads_after_inf_unscale(T):
    w = T.nn.Parameter(T.tensor([1.0, 2.0], dtype=T.float64))
    s = T.amp.GradScaler("cpu", init_scale=4.0)
    s.scale((w * T.tensor([3.0, float("nan")], dtype=T.float64)).sum()).backward()
    opt = T.optim.SGD([w])
    s.unscale_(opt)
    return w.grad, s._per_optimizer_states[id(opt)]["stage"] is not None


COMPARED = {
    "history_float64": _training_history,
    "history_float32": lambda T: _training_history(T, "float32"),
    "inf_unscale": _grads_after_inf_unscale,
    "scale_nested": lambda T: T.amp.GradScaler("cpu", init_scale=3.0).scale(
        [T.ones(2), (T.ones(1, dtype=T.float64), [T.tensor([2])])]
    ),
    "scale_grad_fn": lambda T: T.amp.GradScaler("cpu").scale(T.ones(2, requires_grad=True))
    .grad_fn.name(),
    "scale_bad": lambda T: T.amp.GradScaler("cpu").scale(3),
    "scale_map": lambda T: list(T.amp.GradScaler("cpu", init_scale=2.0).scale(iter([T.ones(1)]))),
    "state_dict_fresh": lambda T: T.amp.GradScaler("cpu", init_scale=1024).state_dict(),
    "update_before_scale": lambda T: T.amp.GradScaler("cpu").update(),
    "step_before_scale": lambda T: T.amp.GradScaler("cpu").step(None),
    "update_without_step": lambda T: _update_without_step(T),
    "no_grads_step": lambda T: _no_grads_step(T),
    "new_scale": lambda T: _new_scale(T, 2.5),
    "new_scale_tensor": lambda T: _new_scale(T, T.tensor([4.0])),
    "new_scale_0d_tensor": lambda T: _new_scale(T, T.tensor(8.0)),
    "new_scale_bad_tensor": lambda T: _new_scale(T, T.ones(2)),
    "new_scale_int": lambda T: _new_scale(T, 2),
    "overflowing_growth": lambda T: _overflowing_growth(T),
    "load_state_dict": lambda T: _load_state(T),
    "load_empty": lambda T: T.amp.GradScaler("cpu").load_state_dict({}),
    "backoff_bad": lambda T: T.amp.GradScaler("cpu", backoff_factor=1.0),
    "pickle_mid_iteration": lambda T: _pickle_mid_iteration(T),
    "pickle_after_update": lambda T: _pickle_after_update(T),
    "disabled_getter": lambda T: T.amp.GradScaler("cpu", enabled=False).get_growth_factor(),
    "bf16_finfo": lambda T: repr(T.finfo(T.bfloat16)),
    "bf16_promote": lambda T: [
        str(T.promote_types(T.bfloat16, d))
        for d in (T.float16, T.float32, T.float64, T.int8, T.bool, T.complex64, T.complex128)
    ],
    "autocast_bad_device": lambda T: T.autocast("foo"),
    "autocast_not_str": lambda T: T.autocast(3),
    "autocast_cpu_disabled": lambda T: (str(T.autocast("cpu", enabled=False).fast_dtype),
                                        str(T.get_autocast_dtype("cpu")),
                                        str(T.get_autocast_dtype("cuda")),
                                        T.is_autocast_enabled()),
}  # fmt: skip


def _update_without_step(T):
    s = T.amp.GradScaler("cpu")
    s.scale(T.ones(1))
    s.update()


def _no_grads_step(T):
    s = T.amp.GradScaler("cpu")
    s.scale(T.ones(1))
    s.step(T.optim.SGD([T.nn.Parameter(T.ones(1))]))


def _new_scale(T, value):
    s = T.amp.GradScaler("cpu")
    s.scale(T.ones(1))
    s.update(value)
    return s.state_dict()


def _overflowing_growth(T):
    s = T.amp.GradScaler("cpu", init_scale=3e38, growth_interval=1)
    w = T.nn.Parameter(T.ones(1, dtype=T.float64))
    opt = T.optim.SGD([w], lr=0.0)
    s.scale(w.sum() * 0).backward()
    s.step(opt)
    s.update()
    return s.state_dict()


def _load_state(T):
    s = T.amp.GradScaler("cpu")
    s.scale(T.ones(1))
    s.load_state_dict({"scale": 32.0, "growth_factor": 4.0, "backoff_factor": 0.25,
                       "growth_interval": 7, "_growth_tracker": 3})  # fmt: skip
    return s.state_dict(), s.get_scale()


def _pickle_mid_iteration(T):
    s = T.amp.GradScaler("cpu")
    w = T.nn.Parameter(T.ones(1))
    s.scale(w.sum()).backward()
    s.unscale_(T.optim.SGD([w]))
    pickle.dumps(s)


def _pickle_after_update(T):
    s = T.amp.GradScaler("cpu", init_scale=4.0)
    w = T.nn.Parameter(T.ones(1))
    opt = T.optim.SGD([w])
    s.scale(w.sum()).backward()
    s.step(opt)
    s.update(16.0)
    s2 = pickle.loads(pickle.dumps(s))
    return s2.state_dict(), s2._scale is None


@pytest.mark.parametrize("name", COMPARED)
def test_same_as_torch(name):
    torch = pytest.importorskip("torch")
    case = COMPARED[name]
    want = _quiet(outcome, torch, case)
    got = _quiet(outcome, graphgrad, case)
    assert_same(got, want)


def _warning_texts(T, make):
    _, caught = _warnings_of(lambda: make(T))
    return caught


WARNING_CASES = {
    "cuda_scaler": lambda T: T.cuda.amp.GradScaler(init_scale=2.0**10),
    "cuda_scaler_disabled": lambda T: T.cuda.amp.GradScaler(enabled=False),
    "amp_scaler_cuda": lambda T: T.amp.GradScaler("cuda", growth_interval=3),
    "amp_scaler_default": lambda T: T.amp.GradScaler(),
    "amp_scaler_cpu": lambda T: T.amp.GradScaler("cpu"),
    "cuda_autocast": lambda T: T.cuda.amp.autocast(),
    "cuda_autocast_disabled": lambda T: T.cuda.amp.autocast(enabled=False),
    "autocast_cuda": lambda T: T.autocast("cuda"),
    "autocast_cpu_float32": lambda T: T.autocast("cpu", dtype=T.float32),
    "autocast_cpu_disabled": lambda T: T.amp.autocast("cpu", enabled=False),
}


@pytest.mark.parametrize("name", WARNING_CASES)
def test_warnings_as_torch(name):
    torch = pytest.importorskip("torch")
    assert _warning_texts(graphgrad, WARNING_CASES[name]) == _warning_texts(
        torch, WARNING_CASES[name]
    )
