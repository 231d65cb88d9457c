"""Reverse-mode automatic differentiation: ``backward``, ``grad`` and grad-mode switches.

>>> import graphgrad as torch
>>> x = torch.tensor(3.0, requires_grad=True)
>>> (dy,) = torch.autograd.grad(x**3, x, create_graph=True)
>>> dy, torch.autograd.grad(dy, x)[0]
(tensor(27., grad_fn=<MulBackward0>), tensor(18.))
"""

from __future__ import annotations

from ..tensor import Tensor
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradients import backward, grad
from .node import Node

Variable: type = Tensor  # the package installs _legacy.Variable here once it is imported

__all__ = [
    "Node",
    "Variable",
    "backward",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]

from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402

__all__ += ["GradcheckError", "gradcheck", "gradgradcheck"]

from . import forward_ad, function, functional, graph  # noqa: E402, F401 - torch.autograd.graph
from .anomaly_mode import (  # noqa: E402
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .function import Function, once_differentiable  # noqa: E402
from .grad_mode import inference_mode, is_inference_mode_enabled  # noqa: E402

__all__ += [
    "Function",
    "detect_anomaly",
    "forward_ad",
    "function",
    "functional",
    "inference_mode",
    "is_anomaly_check_nan_enabled",
    "is_anomaly_enabled",
    "is_inference_mode_enabled",
    "once_differentiable",
    "set_detect_anomaly",
]
