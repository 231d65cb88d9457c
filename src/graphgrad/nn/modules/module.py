"""``nn.modules.module``: ``Module`` and the global module hooks (``register_module_*``),
which every Module runs before its own hooks.

>>> import graphgrad as torch
>>> handle = torch.nn.modules.module.register_module_forward_hook(lambda m, a, out: out + 1)
>>> torch.nn.Identity()(torch.zeros(1))
tensor([1.])
>>> handle.remove()
"""

from __future__ import annotations

from .._hooks import (
    register_module_backward_hook,
    register_module_buffer_registration_hook,
    register_module_forward_hook,
    register_module_forward_pre_hook,
    register_module_full_backward_hook,
    register_module_full_backward_pre_hook,
    register_module_module_registration_hook,
    register_module_parameter_registration_hook,
)
from ..module import Module

__all__ = [
    "Module",
    "register_module_backward_hook",
    "register_module_buffer_registration_hook",
    "register_module_forward_hook",
    "register_module_forward_pre_hook",
    "register_module_full_backward_hook",
    "register_module_full_backward_pre_hook",
    "register_module_module_registration_hook",
    "register_module_parameter_registration_hook",
]
