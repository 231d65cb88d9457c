# ruff: noqa: N803, N806 - ``T`` is the module under test (graphgrad or torch), as in tests/ops
"""inference_mode and anomaly detection (spec §3.11, §3.21)."""

from __future__ import annotations

import warnings

import pytest

import graphgrad


def _inference(T):
    out = []
    x = T.ones(2, requires_grad=True)
    with T.inference_mode():
        y = x * 2
        c = T.ones(2)
        out.append(
            (
                y.requires_grad,
                y.is_inference(),
                c.is_inference(),
                T.is_inference_mode_enabled(),
                T.is_grad_enabled(),
            )
        )
        with T.inference_mode(False):
            out.append((T.is_inference_mode_enabled(), T.is_grad_enabled(), (x * 2).is_inference()))
        y.add_(1)  # allowed inside inference mode
    out.append((T.is_inference_mode_enabled(), x.is_inference(), y.view(2).is_inference()))
    for call in (lambda: (y * x).sum(), lambda: y.add_(1)):
        try:
            call()
        except RuntimeError as e:
            out.append(str(e))
    out.append((y + x).requires_grad)  # add saves nothing: using y is fine

    @T.inference_mode()
    def f(a):
        return a * 2

    out.append(f(x).is_inference())
    return out


def test_inference_mode():
    got = _inference(graphgrad)
    assert got[0] == (False, True, True, True, False)
    assert got[1] == (False, True, False)
    assert got[2] == (False, False, True)
    assert got[3].startswith("Inference tensors cannot be saved for backward.")
    assert got[4] == (
        "Inplace update to inference tensor outside InferenceMode is not allowed.You "
        "can make a clone to get a normal tensor before doing inplace update.See "
        "https://github.com/pytorch/rfcs/pull/17 for more details."
    )
    assert got[5:] == [True, True]


def test_inference_mode_parity():
    torch = pytest.importorskip("torch")
    assert _inference(graphgrad) == _inference(torch)


def _fills_in_inference_mode(T):
    """In-place random fills and ``out=`` on inference tensors, inside inference_mode."""
    T.manual_seed(0)
    with T.inference_mode():
        x = T.empty(3)
        x.normal_()
        x.uniform_()
        T.add(x, 1, out=x)
        return x.is_inference(), x.shape


def test_fills_in_inference_mode():
    # found by mypy: these bumped a version counter that inference tensors do not have
    assert _fills_in_inference_mode(graphgrad) == (True, (3,))


def test_fills_in_inference_mode_parity():
    torch = pytest.importorskip("torch")
    assert _fills_in_inference_mode(graphgrad) == _fills_in_inference_mode(torch)


def test_fills_bump_the_version():
    x = graphgrad.zeros(2)
    x.normal_()
    graphgrad.add(x, 1, out=x)
    assert x._version == 2


def _anomaly(T):
    out = []
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        x = T.tensor([0.0, 1.0], requires_grad=True)
        with T.autograd.detect_anomaly():
            out.append(T.is_anomaly_enabled())
            y = x.sqrt() * 0  # sqrt's backward at 0: 0 * inf = nan
            try:
                y.sum().backward()
            except RuntimeError as e:
                out.append(str(e))
        with T.autograd.detect_anomaly(check_nan=False):
            (x.sqrt() * 0).sum().backward()  # no NaN check: no error
        out.append(T.is_anomaly_enabled())
    messages = [str(m.message) for m in w]
    out.append(messages[0])
    error = [m for m in messages if m.startswith("Error detected in")]
    out.append(error[0].split("\n")[0])
    out.append("y = x.sqrt() * 0" in error[0])  # the forward line is in the traceback
    T.autograd.set_detect_anomaly(True)
    out.append(T.is_anomaly_enabled())
    T.autograd.set_detect_anomaly(False)
    out.append(T.is_anomaly_enabled())
    return out


def test_anomaly():
    got = _anomaly(graphgrad)
    assert got == [
        True,
        "Function 'SqrtBackward0' returned nan values in its 0th output.",
        False,
        "Anomaly Detection has been enabled. This mode will increase the runtime and should only "
        "be enabled for debugging.",
        "Error detected in SqrtBackward0. Traceback of forward call that caused the error:",
        True,
        True,
        False,
    ]


def test_anomaly_parity():
    torch = pytest.importorskip("torch")
    assert _anomaly(graphgrad) == _anomaly(torch)


def test_anomaly_names_custom_function():
    class NanBack(graphgrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g * float("nan")

    x = graphgrad.ones(1, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with graphgrad.autograd.detect_anomaly():
            with pytest.raises(
                RuntimeError,
                match="Function 'NanBackBackward' returned nan values in its 0th output.",
            ):
                NanBack.apply(x).sum().backward()
