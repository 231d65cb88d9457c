"""Wrappers, installed once by the first ``graphgrad.compile``, around the methods a recording
must see that are not primitives: those that read a tensor's values into Python (they stop a
recording), a generator's draws and seeding, optimizers' and schedulers' steps, ``zero_grad``
and ``.grad = None``. Each wrapper costs eager code one check of the recording flag.

>>> install()
>>> from graphgrad.tensor import Tensor
>>> getattr(Tensor.item, "_compile_wrapper", False)
True
"""

from __future__ import annotations

import builtins
import functools
import random
import threading

import numpy as np

from ..nn.module import Module
from ..ops.tensor_methods_more import INPLACE_VIEWS
from ..optim.lr_scheduler.schedules import LRScheduler
from ..optim.optimizer import Optimizer
from ..random import default_generator
from ..tensor import Tensor
from ._flag import state

# Tensor methods that hand a tensor's values to Python: a recording cannot replay what Python
# then does with them.
_READS = {
    "item": "Tensor.item()",
    "tolist": "Tensor.tolist()",
    "numpy": "Tensor.numpy()",
    "__array__": "a conversion to a NumPy array",
    "__bool__": "bool(tensor) (a branch on a tensor's value)",
    "__float__": "float(tensor)",
    "__int__": "int(tensor)",
    "__index__": "a tensor used as an index (__index__)",
    "__repr__": "printing a tensor",
    "__str__": "printing a tensor",
    "__format__": "formatting a tensor",
}
_DRAWS = (
    "uniform_array",
    "normal_array",
    "normal_scalar_array",
    "randint_array",
    "randperm_array",
    "bernoulli_array",
)
_RESEEDS = ("manual_seed", "seed", "set_state")
_lock = threading.Lock()


def _mark(wrapper):
    """Mark ``wrapper`` as one of these wrappers (so none is installed twice)."""
    wrapper.__dict__["_compile_wrapper"] = True
    return wrapper


_installed = False


def stopping(method, what: str, when=None):
    """``method`` that stops a recording it is called in (saying ``what``; only if ``when``
    of its arguments is true, where given), then runs."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        rec = state.recorder
        if rec is not None and (when is None or when(*args, **kwargs)):
            rec.stop(what)
        return method(*args, **kwargs)

    return _mark(wrapper)


def _recorded(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        rec = state.recorder
        if rec is None:
            return method(self, *args, **kwargs)
        return rec.call(method, self, args, kwargs)

    return _mark(wrapper)


def _fill(method):
    """An in-place random fill (``uniform_``...): the program repeats it on the slot."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        rec = state.recorder
        if rec is None:
            return method(self, *args, **kwargs)
        return rec.fill(method, self, args, kwargs)

    return _mark(wrapper)


def _optimizer_step(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        # the arguments pass on as given: the step hooks see them as the caller wrote them
        rec = state.recorder
        if rec is None:
            return method(self, *args, **kwargs)
        if (args[0] if args else kwargs.get("closure")) is not None:
            rec.stop("Optimizer.step(closure)")
            return method(self, *args, **kwargs)
        return rec.call(method, self, (), {})

    return _mark(wrapper)


def _grad_property(prop: property) -> property:
    setter = prop.fset
    assert setter is not None

    def set_grad(self, value) -> None:
        rec = state.recorder
        if rec is not None:
            code = rec.tensor_code(self)
            if value is not None:
                rec.stop("assigning a tensor to .grad")
            elif code is not None:  # repeated on the argument or live tensor
                rec.program.emit(f"{rec.program.name(setter, 'F')}({code}, None)")
        setter(self, value)

    return property(prop.fget, _mark(set_grad), prop.fdel, prop.__doc__)


def _flag_setter(method):
    """``Tensor._set_requires_grad``: on an argument or a live tensor, the replay sets the flag
    too (``x.requires_grad_()`` on the call's input, before an input gradient)."""

    @functools.wraps(method)
    def wrapper(self, flag: bool, message: str) -> None:
        method(self, flag, message)
        rec = state.recorder
        if rec is not None:
            code = rec.tensor_code(self)
            if code is not None:
                rec.program.emit(f"{code}._requires_grad = {bool(flag)}")

    return _mark(wrapper)


def _rebinding(method, bumps: bool):
    """``method`` gives the tensor another array (``t.unsqueeze_(-1)``, ``p.data = ...``);
    ``bumps``: it counts as an in-place write in the tensor's version."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        before = self._data
        result = method(self, *args, **kwargs)
        rec = state.recorder
        if rec is not None:
            rec.rebind(self, before, bumps)
        return result

    return _mark(wrapper)


def _data_property(prop: property) -> property:
    setter = _rebinding(prop.fset, bumps=False)
    return property(prop.fget, setter, prop.fdel, prop.__doc__)


def _wrap(cls, name: str, make) -> None:
    method = cls.__dict__.get(name)
    if method is None or getattr(method, "_compile_wrapper", False):
        return
    setattr(cls, name, make(method))


# Python calls whose effect or value a replay would not repeat (it runs the recorded tensor
# work only): while a call is recorded they stop the recording, so the call runs eagerly and
# they happen at every call, as in PyTorch's compiled code.
def _unseeded(seed=None, *_, **__) -> bool:
    """(A generator seeded with a value the guards fix draws the same numbers at every call.)"""
    return seed is None


_EFFECTS = [
    (builtins, ("print",), "print()", None),
    (random, ("random", "uniform", "randint", "randrange", "choice", "choices", "sample",
              "shuffle", "gauss", "normalvariate"), "random.{}() (Python's random numbers)", None),
    (np.random, ("rand", "randn", "random", "randint", "uniform", "normal", "choice", "shuffle",
                 "permutation"), "numpy.random.{}() (NumPy's random numbers)", None),
    (np.random, ("default_rng",), "numpy.random.default_rng() without a seed", _unseeded),
]  # fmt: skip


class _Effects:
    """One module's calls of ``_EFFECTS``: the functions found there and their stopping
    wrappers, made once (building them at each recorded call cost a third of a small step's
    recording) and made again if the module's functions were replaced since."""

    def __init__(self, module, names: tuple, what: str, when) -> None:
        self.space, self.names, self.what, self.when = vars(module), names, what, when
        self.found: dict = {}
        self.wrappers: dict = {}

    def swap_in(self) -> dict:
        """Put the wrappers in the module; returns the functions to put back."""
        found = {name: self.space[name] for name in self.names}
        if found != self.found:
            self.found = found
            self.wrappers = {
                n: stopping(f, self.what.format(n), self.when) for n, f in found.items()
            }
        self.space.update(self.wrappers)
        return found


_EFFECT_SWAPS = [_Effects(*effect) for effect in _EFFECTS]


def stop_on_effects() -> list:
    """Wrap the calls in ``_EFFECTS`` to stop the recording, for the recorded call only
    (other threads see the wrappers too, which do nothing where no call is recorded); hand
    the result to ``restore_effects`` after the call."""
    return [(swap.space, swap.swap_in()) for swap in _EFFECT_SWAPS]


def restore_effects(saved: list) -> None:
    for space, found in saved:
        space.update(found)


def install() -> None:
    """Install the wrappers (once; later calls do nothing)."""
    global _installed
    with _lock:
        if _installed:
            return
        for name, what in _READS.items():
            _wrap(Tensor, name, lambda m, what=what: stopping(m, what))
        generator = type(default_generator)
        for name in _DRAWS:
            _wrap(generator, name, _recorded)
        for name in _RESEEDS:
            _wrap(generator, name, lambda m, name=name: stopping(m, f"Generator.{name}()"))
        for name in ("uniform_", "normal_", "bernoulli_"):
            _wrap(Tensor, name, _fill)
        _wrap(Optimizer, "zero_grad", _recorded)
        _wrap(Module, "zero_grad", _recorded)
        _wrap(Tensor, "_set_requires_grad", _flag_setter)
        for name in INPLACE_VIEWS:
            _wrap(Tensor, name, lambda m: _rebinding(m, bumps=True))
        setattr(Tensor, "data", _data_property(Tensor.__dict__["data"]))  # noqa: B010 (mypy)
        setattr(Tensor, "grad", _grad_property(Tensor.__dict__["grad"]))  # noqa: B010 (mypy)
        _installed = True


def install_for(obj) -> None:
    """Wrap the step of ``obj``'s class (an optimizer or scheduler that defines its own)."""
    with _lock:
        for cls in type(obj).__mro__:
            if cls is object:
                break
            if issubclass(cls, Optimizer):
                _wrap(cls, "step", _optimizer_step)
                _wrap(cls, "zero_grad", _recorded)
            elif issubclass(cls, LRScheduler):
                _wrap(cls, "step", _recorded)
