"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad``, ``state_dict``.

Updates run on the parameters' arrays in place (what PyTorch does under ``no_grad``), bump the
version counters, and follow PyTorch's single-tensor (CPU) formulas operation by operation.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.ones(2))
>>> torch.optim.SGD([w], lr=0.1)
SGD (
Parameter Group 0
    dampening: 0
    differentiable: False
    foreach: None
    fused: None
    lr: 0.1
    maximize: False
    momentum: 0
    nesterov: False
    weight_decay: 0
)
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..nn.parameter import reset_grads
from ..tensor import Tensor
from ._hooks import (
    OptimizerHooks,
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
)
from ._kernels import add_scaled

__all__ = [
    "Optimizer",
    "register_optimizer_step_post_hook",
    "register_optimizer_step_pre_hook",
    "required",
]


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return f"torch.{obj.dtype.legacy}Tensor"
    return type(obj).__name__


class ParamGroup(dict):
    """A parameter group: a ``dict`` (PyTorch's are plain dicts). While ``graphgrad.compile``
    records a call, its reads into Python (``lr = opt.param_groups[0]["lr"]``) are noted and
    guarded (``compile.discovery.Live.watch_reads``), so a learning rate changed since records
    again; at other times it reads as fast as a plain dict.

    >>> g = ParamGroup(lr=0.1)
    >>> g["lr"], g.get("momentum", 0.0), isinstance(g, dict)
    (0.1, 0.0, True)
    """

    __slots__ = ()


class Optimizer(OptimizerHooks):
    """Base class of the optimizers: holds ``param_groups`` and per-parameter ``state``;
    subclasses implement the update.

    Args:
        params: the tensors to optimise, or dicts defining parameter groups.
        defaults: the default options (``lr``...) of every group that does not set them.

    >>> w = torch.tensor([1.0], requires_grad=True)
    >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> isinstance(opt, torch.optim.Optimizer), opt.param_groups[0]["lr"]
    (True, 0.1)
    """

    def __init__(self, params, defaults: dict) -> None:
        self._init_hooks()
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of "
                f"Tensors or dicts, but got {_typename(params)}"
            )
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options.

        Args:
            param_group: a dict with ``"params"`` and any options that override the defaults.

        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> opt.add_param_group({"params": [torch.zeros(1, requires_grad=True)], "lr": 0.01})
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, "
                "but the ordering of tensors in sets will change between runs. "
                "Please use a list instead."
            )
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but one of the params is {_typename(p)}"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group, params=params)
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    "parameter group didn't specify a value of required "
                    f"optimization parameter {name}"
                )
            group.setdefault(name, default)
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in existing for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(ParamGroup(group))

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of every parameter.

        Args:
            set_to_none: set ``.grad`` to ``None`` (the default) instead of zeroing it in place.

        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (3 * w).sum().backward()
        >>> opt.zero_grad()
        >>> w.grad is None
        True
        """
        reset_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable | None = None):
        """One update of every parameter that has a gradient.

        Args:
            closure: a function that re-evaluates the model (zeroing the gradients and running
                backward) and returns the loss; ``step`` returns its result.

        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = (w * w).sum()
        ...     loss.backward()
        ...     return loss
        >>> opt.step(closure)
        tensor(1., grad_fn=<SumBackward0>)
        >>> w
        tensor([0.8000], requires_grad=True)
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p._grad is not None:
                    self._update(p, group)
                    p._bump_version()  # an in-place update, as PyTorch's ``add_`` records it
        return loss

    def _update(self, p: Tensor, group: dict) -> None:  # pragma: no cover - abstract
        """Update ``p._data`` in place from its gradient, ``group`` and ``self.state[p]``."""
        raise NotImplementedError

    # -- state dict ---------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """The optimizer's state, with parameters replaced by their index:
        ``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}``.

        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (3 * w).sum().backward()
        >>> opt.step()
        >>> opt.state_dict()["state"]
        {0: {'momentum_buffer': tensor([3.])}}
        """
        return self._state_dict_with_hooks(self._build_state_dict)

    def _build_state_dict(self) -> dict:
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {index[id(p)]: value for p, value in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore state saved by ``state_dict`` (tensors cast to each parameter's dtype).

        Args:
            state_dict: what ``state_dict()`` returned, for an optimizer with the same groups.

        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> opt.load_state_dict(opt.state_dict())
        """
        state_dict = copy.deepcopy(self._load_pre_hooks(dict(state_dict)))
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for ours, theirs in zip(self.param_groups, saved, strict=False):
            if len(ours["params"]) != len(theirs["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't "
                    "match the size of optimizer's group"
                )
        mapping: dict = {}  # saved parameter id -> our parameter
        for ours, theirs in zip(self.param_groups, saved, strict=False):
            mapping.update(zip(theirs["params"], ours["params"], strict=False))
        self.state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            key = int(key) if isinstance(key, str) else key
            if key in mapping:
                param = mapping[key]
                self.state[param] = {k: _cast_state(k, v, param) for k, v in value.items()}
        self.param_groups = [
            ParamGroup(theirs, params=ours["params"])
            for ours, theirs in zip(self.param_groups, saved, strict=False)
        ]
        self._load_post_hooks()

    def __getstate__(self) -> dict:
        # The hooks are not state (PyTorch leaves them out too): a copy starts without any.
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_optimizer_")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._init_hooks()

    def __repr__(self) -> str:
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast_state(key: str, value, param: Tensor):
    """State tensors follow their parameter's dtype, except ``step`` (PyTorch's policy)."""
    if key == "step" or not isinstance(value, Tensor):
        return value
    if param.dtype.is_floating_point and value.dtype.is_floating_point:
        return Tensor._make(value._data.astype(param._data.dtype, copy=True))
    return Tensor._make(value._data.copy())


def state_array(state: dict, key: str, like: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """The array of the tensor ``state[key]``, created as ``full_like(like, fill)`` if absent."""
    if key not in state:
        state[key] = Tensor._make(np.full_like(like, fill))
    return state[key]._data


def new_step() -> Tensor:
    """A fresh ``state["step"]``: a float32 0-d tensor, as in PyTorch."""
    return Tensor._make(np.asarray(0.0, np.float32))


def step_count(state: dict) -> float:
    """Advance and return ``state["step"]`` (created by ``new_step`` if absent)."""
    if "step" not in state:
        state["step"] = new_step()
    step = state["step"]
    step._data = np.asarray(step._data + 1, np.float32)
    return float(step._data)


def param_grad(p: Tensor, group: dict, l2_decay: bool = True) -> np.ndarray:
    """The gradient to step along: negated under ``maximize``, then (unless ``l2_decay`` is off)
    plus ``weight_decay * p``, PyTorch's coupled (L2) weight decay."""
    assert p._grad is not None  # optimizers step only the parameters that have a gradient
    g = p._grad._data
    if group["maximize"]:
        g = -g
    if l2_decay and group["weight_decay"] != 0:
        g = add_scaled(g, p._data, group["weight_decay"])
    return g


_LABELS = {"lr": "learning rate", "eps": "epsilon value"}


def check_nonnegative(**values) -> None:
    """PyTorch's ``Invalid <name> value: <value>`` checks, in the order given (NaN fails too)."""
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {_LABELS.get(name, name + ' value')}: {value}")


def check_betas(betas) -> None:
    """PyTorch's ``Invalid beta parameter at index i`` check: each beta in ``[0, 1)``."""
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
