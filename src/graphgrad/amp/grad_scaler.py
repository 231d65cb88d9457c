"""``torch.amp.GradScaler``: loss scaling for float16 training, as PyTorch's CPU-only build has it.

The loss is multiplied by a large scale before ``backward()`` so that small float16 gradients do
not flush to zero; ``step`` divides the gradients by it again and skips the optimizer step when
any gradient is inf or NaN; ``update`` halves the scale after such a step and doubles it after
``growth_interval`` clean ones. On ``"cpu"`` it is a real scaler; a ``"cuda"`` one warns and
disables itself, as there is no CUDA device, and then passes everything through.

>>> import graphgrad as torch
>>> w = torch.nn.Parameter(torch.tensor([1.0], dtype=torch.float64))
>>> opt = torch.optim.SGD([w], lr=0.5)
>>> scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
>>> scaler.scale((w * 3).sum()).backward()
>>> w.grad
tensor([3072.], dtype=torch.float64)
>>> scaler.step(opt)
>>> scaler.update()
>>> w, scaler.get_scale()
(Parameter containing:
tensor([-0.5000], dtype=torch.float64, requires_grad=True), 1024.0)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..creation import full
from ..dtypes import float16, float32
from ..tensor import Tensor

__all__ = ["GradScaler"]

_READY, _UNSCALED, _STEPPED = "ready", "unscaled", "stepped"
_NO_SCALE_FIX = (
    "This may indicate your script did not use scaler.scale(loss or outputs) earlier in the "
    "iteration."
)
_NEW_SCALE_REASON = (
    "new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
    "torch.FloatTensor with requires_grad=False."
)


def _fresh_state() -> dict[str, Any]:
    """An optimizer's state within one iteration: its stage and whether a grad was inf/NaN
    (None until its gradients are checked, and still None when it had none)."""
    return {"stage": _READY, "found_inf": None}


class GradScaler:
    """Scale a loss up before backward and its gradients back down before the optimizer step.

    Args:
        device: ``"cpu"`` for a working scaler; ``"cuda"`` (the default) warns and disables it.
        init_scale: the first scale.
        growth_factor: what the scale is multiplied by after ``growth_interval`` clean steps.
        backoff_factor: what it is multiplied by after a step with an inf/NaN gradient.
        growth_interval: how many clean steps in a row make it grow.
        enabled: False makes every method a pass-through.

    >>> torch.amp.GradScaler("cpu").get_scale()
    65536.0
    """

    def __init__(
        self,
        device: Any = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:  # only the exact string, as PyTorch compares
            warnings.warn(
                "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                stacklevel=2,
            )
            self._enabled = False
        if self._enabled:  # a disabled scaler keeps no settings, as PyTorch's does not
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            # Made on the first scale(): a float32 0-d tensor, as PyTorch's is.
            self._scale: Tensor | None = None
            self._growth_tracker: int | None = None
            self._per_optimizer_states: dict[int, dict[str, Any]] = {}

    def _state(self, optimizer) -> dict[str, Any]:
        # Keyed by id(), as PyTorch's is: optimizers need not be hashable.
        return self._per_optimizer_states.setdefault(id(optimizer), _fresh_state())

    def _check_scale(self, funcname: str) -> Tensor:
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + _NO_SCALE_FIX)
        return self._scale

    def _lazy_scale(self) -> Tensor:
        if self._scale is None:
            self._scale = full((), self._init_scale, dtype=float32)
            self._growth_tracker = self._init_growth_tracker
        return self._scale

    def scale(self, outputs: Any) -> Any:
        """``outputs`` times the scale: a tensor, or lists and tuples of them (nested), which
        keep their type; other iterables come back as a lazy ``map``. Disabled: ``outputs``.

        Args:
            outputs: the loss, or what to scale.

        >>> torch.amp.GradScaler("cpu", init_scale=4.0).scale([torch.ones(1), (torch.ones(1),)])
        [tensor([4.]), (tensor([4.]),)]
        """
        if not self._enabled:
            return outputs
        if isinstance(outputs, Tensor):
            return outputs * self._lazy_scale()
        return self._scale_nested(outputs)

    def _scale_nested(self, val: Any) -> Any:
        if isinstance(val, Tensor):
            return val * self._lazy_scale()
        if isinstance(val, Iterable):
            scaled = map(self._scale_nested, val)
            return type(val)(scaled) if isinstance(val, (list, tuple)) else scaled
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def unscale_(self, optimizer) -> None:
        """Divide the optimizer's gradients by the scale (once per iteration), noting whether
        any is inf or NaN. Call it before clipping gradients; ``step`` then skips it.

        Args:
            optimizer: the optimizer whose parameters' gradients to unscale.

        >>> w = torch.nn.Parameter(torch.ones(1))
        >>> opt, scaler = torch.optim.SGD([w]), torch.amp.GradScaler("cpu", init_scale=8.0)
        >>> scaler.scale(w.sum()).backward()
        >>> scaler.unscale_(opt)
        >>> w.grad
        tensor([1.])
        """
        if not self._enabled:
            return
        scale = self._check_scale("unscale_")
        state = self._state(optimizer)
        if state["stage"] is _UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update()."
            )
        if state["stage"] is _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # The reciprocal in float64, rounded to float32, as PyTorch computes it.
        inv_scale = float(np.float32(1.0 / float(scale.item())))
        state["found_inf"] = _unscale_grads(optimizer, inv_scale)
        state["stage"] = _UNSCALED

    def step(self, optimizer, *args: Any, **kwargs: Any) -> Any:
        """Unscale the gradients (unless ``unscale_`` did) and call ``optimizer.step(*args,
        **kwargs)`` unless a gradient is inf or NaN. Returns what that step returns (None when
        skipped).

        Args:
            optimizer: the optimizer to step.
            args, kwargs: passed to ``optimizer.step``; a ``closure`` keyword is refused.

        >>> w = torch.nn.Parameter(torch.ones(1))
        >>> opt, scaler = torch.optim.SGD([w], lr=1.0), torch.amp.GradScaler("cpu")
        >>> scaler.scale(w * float("inf")).sum().backward()
        >>> scaler.step(opt)
        >>> w  # skipped: the gradient was inf
        Parameter containing:
        tensor([1.], requires_grad=True)
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale("step")
        state = self._state(optimizer)
        if state["stage"] is _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is _READY:
            self.unscale_(optimizer)
        if state["found_inf"] is None:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        retval = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return retval

    def update(self, new_scale: float | Tensor | None = None) -> None:
        """End the iteration: back the scale off if any step this iteration saw an inf/NaN
        gradient, grow it after ``growth_interval`` clean ones, or set it to ``new_scale``.

        Args:
            new_scale: a float or a one-element tensor to use as the scale instead.

        >>> s = torch.amp.GradScaler("cpu", init_scale=8.0)
        >>> _ = s.scale(torch.ones(1))
        >>> s.update(2.0)
        >>> s.get_scale()
        2.0
        """
        if not self._enabled:
            return
        scale = self._check_scale("update")
        if new_scale is not None:
            self._set_scale(scale, new_scale)
        else:
            found = [s["found_inf"] for s in self._per_optimizer_states.values()]
            found = [f for f in found if f is not None]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            self._update_scale(scale, sum(found) > 0)
        self._per_optimizer_states = {}

    def _set_scale(self, scale: Tensor, new_scale: Any) -> None:
        if not isinstance(new_scale, float):
            device = getattr(new_scale.device, "type", new_scale.device)
            if device != self._device or new_scale.numel() != 1 or new_scale.requires_grad:
                raise AssertionError(_NEW_SCALE_REASON)
        with no_grad():  # a tensor is copied in, so a [1] one fails to fit, as in PyTorch
            scale.fill_(new_scale) if isinstance(new_scale, float) else scale.copy_(new_scale)

    def _update_scale(self, scale: Tensor, found_inf: bool) -> None:
        # Each product in float64, rounded to the float32 scale, as PyTorch's kernel does; a
        # growth that would overflow leaves the scale as it is.
        # Growth needs exactly growth_interval clean steps (a tracker already past a lowered
        # interval keeps counting, as PyTorch's does).
        current, successful = float(scale.item()), self._get_growth_tracker() + 1
        if found_inf:
            value, self._growth_tracker = float(np.float32(current * self._backoff_factor)), 0
        elif successful != self._growth_interval:
            value, self._growth_tracker = current, successful
        else:
            grown = float(np.float32(current * self._growth_factor))
            value, self._growth_tracker = (grown if math.isfinite(grown) else current), 0
        with no_grad():
            scale.fill_(value)

    def get_scale(self) -> float:
        """The current scale (``init_scale`` before the first ``scale``); 1.0 when disabled.

        >>> torch.amp.GradScaler("cpu", init_scale=8.0).get_scale()
        8.0
        """
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale.item())

    def get_growth_factor(self) -> float:
        """The factor the scale grows by.

        >>> torch.amp.GradScaler("cpu").get_growth_factor()
        2.0
        """
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        """Set the factor the scale grows by.

        Args:
            new_factor: the new factor.

        >>> s = torch.amp.GradScaler("cpu")
        >>> s.set_growth_factor(4.0)
        >>> s.get_growth_factor()
        4.0
        """
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        """The factor the scale shrinks by after an inf/NaN gradient.

        >>> torch.amp.GradScaler("cpu").get_backoff_factor()
        0.5
        """
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        """Set the factor the scale shrinks by.

        Args:
            new_factor: the new factor.

        >>> s = torch.amp.GradScaler("cpu")
        >>> s.set_backoff_factor(0.25)
        >>> s.get_backoff_factor()
        0.25
        """
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        """How many clean steps in a row make the scale grow.

        >>> torch.amp.GradScaler("cpu").get_growth_interval()
        2000
        """
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        """Set how many clean steps in a row make the scale grow.

        Args:
            new_interval: the new interval.

        >>> s = torch.amp.GradScaler("cpu")
        >>> s.set_growth_interval(10)
        >>> s.get_growth_interval()
        10
        """
        self._growth_interval = new_interval

    def _get_growth_tracker(self) -> int:
        if not self._enabled:
            return 0
        tracker = self._growth_tracker
        return self._init_growth_tracker if tracker is None else tracker

    def is_enabled(self) -> bool:
        """Whether the scaler scales (False for a ``"cuda"`` one here).

        >>> torch.amp.GradScaler("cpu").is_enabled()
        True
        """
        return self._enabled

    def state_dict(self) -> dict[str, Any]:
        """``scale``, ``growth_factor``, ``backoff_factor``, ``growth_interval`` and
        ``_growth_tracker`` (clean steps in a row), as PyTorch's; ``{}`` when disabled.

        >>> torch.amp.GradScaler("cpu").state_dict()["scale"]
        65536.0
        """
        if not self._enabled:
            return {}
        return {
            "scale": self.get_scale(),
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._get_growth_tracker(),
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take the state ``state_dict()`` returned; does nothing when disabled.

        Args:
            state_dict: the state to load.

        >>> s = torch.amp.GradScaler("cpu")
        >>> s.load_state_dict({**s.state_dict(), "scale": 2.0})
        >>> s.get_scale()
        2.0
        """
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved "
                "from a disabled instance of GradScaler."
            )
        self._init_scale = state_dict["scale"]
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._scale is not None:
            with no_grad():
                self._scale.fill_(self._init_scale)
            self._growth_tracker = self._init_growth_tracker

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        if self._enabled:
            if self._per_optimizer_states:
                raise AssertionError(
                    "A GradScaler instance may only be pickled at the beginning "
                    "of an iteration, or at the end after scaler.update()."
                )
            # The scale is made again on the first scale() after loading.
            state["_init_scale"] = self.get_scale()
            state["_init_growth_tracker"] = self._get_growth_tracker()
            state["_scale"] = state["_growth_tracker"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def _unscale_grads(optimizer, inv_scale: float) -> float | None:
    """Multiply each gradient by ``inv_scale`` in place; 1.0 if any was inf/NaN, 0.0 if none
    was, None if the optimizer's parameters have no gradients."""
    found: float | None = None
    with no_grad():
        for group in optimizer.param_groups:
            for param in group["params"]:
                grad = param.grad
                if grad is None:
                    continue
                if grad.dtype is float16:  # the scaler is for float16 models in float32
                    raise ValueError("Attempting to unscale FP16 gradients.")
                bad = not bool(grad.isfinite().all())
                found = 1.0 if bad or found == 1.0 else 0.0
                grad.mul_(inv_scale)
    return found
