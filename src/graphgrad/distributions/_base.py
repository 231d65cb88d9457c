"""The Distribution base class: shapes, argument validation and the repr torch prints."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import creation
from ..autograd import grad_mode
from ..ops.array_step import array_step
from ..tensor import Size, Tensor


def broadcast_all(*values) -> list:
    """The parameters as tensors broadcast to one shape (torch's ``broadcast_all``): Python
    numbers take the dtype of the first tensor among them, else the default dtype."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = like.dtype if like is not None else None
    tensors = [
        v if isinstance(v, Tensor) else creation.tensor(float(v), dtype=dtype) for v in values
    ]
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return [t if tuple(t.shape) == shape else t.expand(shape) for t in tensors]


def _shown(t: Tensor):
    """A tensor as torch's f-strings show it: a 0-d one as its number."""
    return t.item() if t.dim() == 0 else t


def _repr(kind: str, names: list, values: tuple, endings: tuple) -> str:
    """``Normal(loc: 0.0, scale: torch.Size([2]))``: a parameter of one element by its value,
    any other by its size."""
    parts = [
        f"{n}: {_show(v, e) if v.size == 1 else Size(v.shape)}"
        for n, v, e in zip(names, values, endings, strict=True)
    ]
    return f"{kind}({', '.join(parts)})"


def _ending(t: Tensor) -> str:
    """How ``t``'s repr ends: its ``grad_fn`` or ``requires_grad`` (fixed by a compiled call's
    guards and graph, so a replay's message can print them from the recording)."""
    if not t.requires_grad:
        return ""
    return f", grad_fn=<{t.grad_fn.name()}>" if t.grad_fn else ", requires_grad=True"


def _show(data: np.ndarray, ending: str):
    """``_shown`` of a tensor of values ``data`` whose repr ends with ``ending``."""
    if data.ndim == 0:
        return data.item()
    text = repr(Tensor._make(data))
    return text[:-1] + ending + ")" if ending else text


def _require(ok: Tensor, dist: Distribution, before: str, after: str, value: Tensor) -> None:
    """Raise PyTorch's ValueError, ``before`` + the distribution + ``after`` + the invalid
    ``value``, unless ``ok`` is all true. The check and the message are an array step, so a
    compiled call checks each replay's own values (it ran eagerly: ``bool(tensor)``)."""
    if type(dist).__repr__ is not Distribution.__repr__:  # (a repr of its own: checked here)
        if not bool(ok.all()):
            raise ValueError(f"{before}{dist!r}{after}\n{_shown(value)}")
        return
    names = dist._repr_names()
    params = [dist.__dict__[n] for n in names]
    endings = tuple(_ending(t) for t in (value, *params))
    text = (before, type(dist).__name__, names, after, endings)
    _raise_unless(ok._data, text, value._data, *(t._data for t in params))


@array_step
def _raise_unless(ok, text: tuple, value, *params) -> None:
    if not ok.all():
        before, kind, names, after, endings = text
        shown = _repr(kind, names, params, endings[1:])
        raise ValueError(f"{before}{shown}{after}\n{_show(value, endings[0])}")


class Distribution:
    """The base of every distribution: ``batch_shape``, ``event_shape`` and validation.

    Args:
        batch_shape: the shape of independent draws of the parameters.
        event_shape: the shape of one event.
        validate_args: whether to check parameters and ``log_prob`` values.

    >>> torch.distributions.Distribution().batch_shape
    torch.Size([])
    """

    arg_constraints: dict = {}
    has_rsample = False

    if TYPE_CHECKING:
        # What each subclass defines (as a method, property or class attribute); the base has
        # none, so a distribution without one raises AttributeError.
        support: Any

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        self._validate_args = True if validate_args is None else bool(validate_args)
        if self._validate_args:
            for name, check in self.arg_constraints.items():
                value = self.__dict__.get(name)
                if value is None and name in self._property_params:
                    value = getattr(self, name)  # a parameter kept on a base distribution
                if value is None:
                    continue
                _require(
                    check(value),
                    self,
                    f"Expected parameter {name} (Tensor of shape {tuple(value.shape)}) of "
                    "distribution ",
                    f" to satisfy the constraint {check.__name__}, but found invalid values:",
                    value,
                )

    @property
    def batch_shape(self):
        """The batch shape (a ``torch.Size``).

        >>> torch.distributions.Normal(torch.zeros(2), 1.0).batch_shape
        torch.Size([2])
        """
        return self._batch_shape

    @property
    def event_shape(self):
        """The event shape (a ``torch.Size``).

        >>> torch.distributions.Normal(0.0, 1.0).event_shape
        torch.Size([])
        """
        return self._event_shape

    @property
    def stddev(self):
        """The standard deviation, ``variance.sqrt()``.

        >>> torch.distributions.Normal(0.0, 2.0).stddev
        tensor(2.)
        """
        return self.variance.sqrt()

    def expand(self, batch_shape, _instance=None):
        """The same distribution with its parameters expanded to ``batch_shape`` (views, no
        copies); the event shape is kept.

        Args:
            batch_shape: the new batch shape; its trailing sizes must broadcast from the old.
            _instance: unused (torch's hook for subclasses).

        >>> torch.distributions.Normal(torch.zeros(3), 1.0).expand((2, 3)).batch_shape
        torch.Size([2, 3])
        """
        batch_shape = tuple(batch_shape)
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        old = len(self._batch_shape)
        for name, value in self.__dict__.items():
            if isinstance(value, Tensor) and name in self._expand_names():
                new.__dict__[name] = value.expand(batch_shape + tuple(value.shape[old:]))
        new._batch_shape = Size(batch_shape)
        return new

    def _expand_names(self) -> tuple:
        """The tensor attributes laid out as ``batch_shape + per-event dims`` (the ones
        ``expand`` expands): the parameters and what the constructor derived from them."""
        return tuple(self.arg_constraints) + self._derived

    _derived: tuple = ()
    # parameters that are properties read from a base distribution (LogNormal's loc, ...):
    # checked like the others (torch's lazily computed ones, such as scale_tril, are not)
    _property_params: tuple = ()

    @property
    def mean(self):
        """The mean; a distribution without one raises ``NotImplementedError`` (as torch's).

        >>> torch.distributions.Normal(1.0, 2.0).mean
        tensor(1.)
        """
        raise NotImplementedError

    @property
    def variance(self):
        """The variance; a distribution without one raises ``NotImplementedError``.

        >>> torch.distributions.Normal(1.0, 2.0).variance
        tensor(4.)
        """
        raise NotImplementedError

    @property
    def mode(self):
        """The mode (the most likely value).

        >>> torch.distributions.Normal(1.0, 2.0).mode
        tensor(1.)
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    def rsample(self, sample_shape=()):
        """A reparameterised draw; a distribution without one raises ``NotImplementedError``.

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Normal(0.0, 1.0).rsample((2,)).shape
        torch.Size([2])
        """
        raise NotImplementedError

    def log_prob(self, value):
        """The log density or mass at ``value``; the base raises ``NotImplementedError``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Normal(0.0, 1.0).log_prob(torch.tensor(0.0))
        tensor(-0.9189)
        """
        raise NotImplementedError

    def cdf(self, value):
        """The cumulative distribution function; the base raises ``NotImplementedError``.

        Args:
            value: the points to evaluate.

        >>> torch.distributions.Normal(0.0, 1.0).cdf(torch.tensor(0.0))
        tensor(0.5000)
        """
        raise NotImplementedError

    def icdf(self, value):
        """The inverse cumulative distribution function; the base raises
        ``NotImplementedError``.

        Args:
            value: probabilities in ``[0, 1]``.

        >>> torch.distributions.Normal(0.0, 1.0).icdf(torch.tensor(0.5))
        tensor(0.)
        """
        raise NotImplementedError

    def entropy(self):
        """The entropy; a distribution without a closed form raises ``NotImplementedError``.

        >>> torch.distributions.Normal(0.0, 1.0).entropy()
        tensor(1.4189)
        """
        raise NotImplementedError

    def _extended_shape(self, sample_shape=()) -> tuple:
        return tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape)

    def _validate_sample(self, value) -> None:
        if not self._validate_args:
            return
        _require(
            self.support(value),
            self,
            f"Expected value argument (Tensor of shape {tuple(value.shape)}) to be within the "
            f"support ({self.support.__name__}) of the distribution ",
            ", but found invalid values:",
            value,
        )

    def sample(self, sample_shape=()):
        """A draw without gradient (``rsample`` under ``no_grad``).

        Args:
            sample_shape: the leading shape of the draws.

        >>> torch.distributions.Normal(0.0, 1.0).sample((2,)).shape
        torch.Size([2])
        """
        with grad_mode.no_grad():
            return self.rsample(sample_shape)

    def __repr__(self) -> str:
        names = self._repr_names()
        params = [self.__dict__[n] for n in names]
        values = tuple(t._data for t in params)
        return _repr(type(self).__name__, names, values, tuple(_ending(t) for t in params))

    def _repr_names(self) -> list:
        """The parameters ``repr`` shows: those kept on the instance (torch's lazily derived
        ones, such as ``logits`` from ``probs``, are left out by subclasses)."""
        return [name for name in self.arg_constraints if name in self.__dict__]


class Constraint:
    """A named check a value must pass (torch's ``constraints``): ``check(value)`` is a mask.

    Args:
        name: what ``repr`` and error messages print, as torch's constraint does.
        check: a function from a tensor to a boolean mask of the values that pass.

    >>> torch.distributions.Normal.support
    Real()
    """

    def __init__(self, name: str, check, event_dim: int = 0):
        self.__name__ = name
        self._check = check
        self.event_dim = event_dim

    def __call__(self, value):
        return self._check(value)

    def __repr__(self) -> str:
        return self.__name__


real = Constraint("Real()", lambda v: v == v)
positive = Constraint("GreaterThan(lower_bound=0.0)", lambda v: v > 0)
unit_interval = Constraint(
    "Interval(lower_bound=0.0, upper_bound=1.0)", lambda v: (v >= 0) & (v <= 1)
)
boolean = Constraint("Boolean()", lambda v: (v == 0) | (v == 1))
nonnegative = Constraint("GreaterThanEq(lower_bound=0.0)", lambda v: v >= 0)
nonnegative_integer = Constraint(
    "IntegerGreaterThan(lower_bound=0)", lambda v: (v % 1 == 0) & (v >= 0)
)


def shown_bound(t):
    """A constraint's bound as torch prints it: a 0-d tensor as its number."""
    return t.item() if isinstance(t, Tensor) and t.dim() == 0 else t


def independent(base: Constraint, ndims: int) -> Constraint:
    """``IndependentConstraint(base, ndims)``: ``base`` holds on all of the last ``ndims``
    dimensions (torch's ``constraints.independent``)."""

    def check(value):
        mask = base(value)
        if ndims == 0:
            return mask
        return mask.reshape(tuple(mask.shape[: mask.dim() - ndims]) + (-1,)).all(-1)

    name = f"IndependentConstraint({base!r}, {ndims})"
    return Constraint(name, check, event_dim=base.event_dim + ndims)


def greater_than_eq(bound) -> Constraint:
    """``GreaterThanEq(lower_bound=bound)``: values ``>= bound``."""
    return Constraint(f"GreaterThanEq(lower_bound={shown_bound(bound)})", lambda v: v >= bound)


def integer_interval(low, high) -> Constraint:
    """``IntegerInterval(lower_bound=low, upper_bound=high)``: whole numbers in ``[low, high]``."""
    name = f"IntegerInterval(lower_bound={shown_bound(low)}, upper_bound={shown_bound(high)})"
    return Constraint(name, lambda v: (v % 1 == 0) & (v >= low) & (v <= high))


LOG_SQRT_2PI = math.log(math.sqrt(2 * math.pi))
