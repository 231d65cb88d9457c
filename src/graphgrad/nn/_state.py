"""Checking a state_dict against a module before anything is copied (``load_state_dict``).

>>> import graphgrad as torch
>>> m = torch.nn.Linear(2, 1)
>>> plan, missing, unexpected, errors = plan_load(m, {"weight": torch.zeros(1, 2)}, True)
>>> missing, errors
(['bias'], ['Missing key(s) in state_dict: "bias". '])
"""

from __future__ import annotations

from ..tensor import Tensor


def _quoted(keys: list[str]) -> str:
    return ", ".join(f'"{k}"' for k in keys)


def plan_load(root, state_dict: dict, strict: bool) -> tuple[list, list, list, list]:
    """``(copies, missing, unexpected, errors)``: what to copy where, and PyTorch's messages.

    Size mismatches are errors even with ``strict=False``, as in PyTorch.
    """
    plan, missing, mismatched, expected = [], [], [], set()
    # every path to a shared submodule has its own keys, as in state_dict()
    for prefix, module in root.named_modules(remove_duplicate=False):
        dotted = f"{prefix}." if prefix else ""
        module._fill_missing(state_dict, dotted)
        for name, target in module._local_state().items():
            key = dotted + name
            expected.add(key)
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if isinstance(value, Tensor) and target.ndim == 0 and value.shape == (1,):
                value = value[0]  # PyTorch's allowance for old checkpoints: (1,) into a 0-d
            if not isinstance(value, Tensor):
                mismatched.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)}"
                )
            elif value.shape != target.shape:
                mismatched.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} from "
                    f"checkpoint, the shape in current model is {target.shape}."
                )
            elif value is not target:
                plan.append((target, value))
    unexpected = [k for k in state_dict if k not in expected]
    errors = []
    if strict and missing:
        errors.append(f"Missing key(s) in state_dict: {_quoted(missing)}. ")
    if strict and unexpected:
        errors.append(f"Unexpected key(s) in state_dict: {_quoted(unexpected)}. ")
    return plan, missing, unexpected, errors + mismatched
