"""Anomaly detection: name the forward operation whose backward failed or produced NaN.

While it is on, every node records the stack of the forward call that created it (in
``node.metadata["traceback_"]``), and the engine checks each node's gradients for NaN. When a
backward fails, a warning shows that forward stack, then the error propagates.

>>> import warnings
>>> import graphgrad as torch
>>> x = torch.tensor([0.0], requires_grad=True)
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")  # the "enabled" and "Error detected in" warnings
...     with torch.autograd.detect_anomaly():
...         y = x.sqrt() * 0   # sqrt's backward: 0 / (2 * sqrt(0)) = nan
...         try:
...             y.sum().backward()
...         except RuntimeError as e:
...             print(e)
Function 'SqrtBackward0' returned nan values in its 0th output.
"""

from __future__ import annotations

import os
import traceback
import warnings


class _AnomalyState:
    """Process-wide, as in PyTorch (not per thread)."""

    enabled = False
    check_nan = True


state = _AnomalyState()

ENABLED_WARNING = (
    "Anomaly Detection has been enabled. This mode will increase the runtime and should only be "
    "enabled for debugging."
)


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on.

    >>> torch.is_anomaly_enabled()
    False
    """
    return state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection also checks the gradients for NaN.

    >>> torch.is_anomaly_check_nan_enabled()
    True
    """
    return state.check_nan


class detect_anomaly:  # noqa: N801 - PyTorch's public name
    """Context manager (and decorator) that turns anomaly detection on inside it: each
    node records the stack of the forward call that made it, and a backward error (or a NaN
    gradient) reports that stack. Slow; for debugging.

    Args:
        check_nan: also raise when a node's backward returns NaN.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # it warns that it slows things down
    ...     with torch.autograd.detect_anomaly():
    ...         torch.is_anomaly_enabled()
    True
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self.prev = state.enabled
        self.prev_check_nan = state.check_nan
        warnings.warn(ENABLED_WARNING, UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self.prev, self.prev_check_nan = state.enabled, state.check_nan
        state.enabled, state.check_nan = True, self.check_nan

    def __exit__(self, *exc) -> None:
        state.enabled, state.check_nan = self.prev, self.prev_check_nan

    def __call__(self, func):
        import functools

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return wrapper


class set_detect_anomaly:  # noqa: N801
    """Turn anomaly detection on or off: at once when called, or for a ``with`` block.

    Args:
        mode: True to turn it on.
        check_nan: also raise when a node's backward returns NaN.

    >>> with torch.autograd.set_detect_anomaly(True):
    ...     torch.is_anomaly_enabled()
    True
    >>> torch.is_anomaly_enabled()
    False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev, self.prev_check_nan = state.enabled, state.check_nan
        state.enabled, state.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        state.enabled, state.check_nan = self.prev, self.prev_check_nan


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def user_stack() -> list[str]:
    """The current stack without graphgrad's own frames (PyTorch's ops run in C++ and do not
    show up in its traces either)."""
    frames = [f for f in traceback.extract_stack() if not f.filename.startswith(_PACKAGE_DIR)]
    return traceback.format_list(frames)


def forward_trace(node) -> str:
    """The recorded forward stack of ``node`` (empty when it was made with anomaly mode off)."""
    meta = node._metadata or {}
    return "".join(meta.get("traceback_", ()))


def check_outputs(node, outs: list) -> None:
    """PyTorch's NaN check on the gradients a node returned."""
    import numpy as np

    for i, g in enumerate(outs):
        if g is not None and g.dtype.is_floating_point and np.isnan(g._data).any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


def warn_error(node) -> None:
    """The warning PyTorch gives before a node's backward error propagates."""
    warnings.warn(
        f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n"
        f"{forward_trace(node)}",
        UserWarning,
        stacklevel=2,
    )
