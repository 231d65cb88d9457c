"""vmap: map a function over a batch dimension, with torch.func's in_dims / out_dims rules.

graphgrad runs ``func`` once per batch element and stacks the results (``torch.vmap`` batches
each op instead). What ``func`` sees is the same: each mapped input without its batch
dimension. So vmap nests, composes with grad (per-sample gradients) and works with every op,
at the speed of a Python loop. ``randomness`` follows torch.func: ``'error'`` raises when
``func`` draws random numbers, ``'same'`` gives every element the same draws, ``'different'``
lets them differ.

>>> import graphgrad as torch
>>> from graphgrad.func import vmap
>>> x = torch.arange(6.0).reshape(2, 3)
>>> vmap(torch.dot)(x, x)
tensor([ 5., 50.])
>>> vmap(lambda row, w: row * w, in_dims=(1, None))(x, torch.tensor(10.0))
tensor([[ 0., 30.],
        [10., 40.],
        [20., 50.]])
"""

from __future__ import annotations

import functools

from ..ops.shape.join import stack
from ..random.draws import default_generator
from ..tensor import Tensor
from ._pytree import broadcast_prefix, spec_str, tree_flatten, tree_unflatten

__all__ = ["vmap"]


def vmap(func, in_dims=0, out_dims=0, randomness: str = "error", *, chunk_size=None):
    """``func`` mapped over dimension ``in_dims`` of its inputs, the outputs stacked at
    ``out_dims``. It runs ``func`` once per batch element (no batched kernels).

    Args:
        func: the function, seeing each input without its mapped dimension.
        in_dims: the mapped dimension of each input: an int, ``None`` (not mapped) or a nested
            structure matching the arguments.
        out_dims: where the batch dimension goes in each output.
        randomness: ``"error"`` (random draws raise), ``"same"`` (every element draws the same
            numbers) or ``"different"``.
        chunk_size: accepted; it changes nothing.

    >>> from graphgrad.func import vmap
    >>> vmap(torch.dot)(torch.ones(3, 2), torch.ones(3, 2))
    tensor([2., 2., 2.])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            f"Only allowed values for randomness are 'error', 'different', or 'same'. Got "
            f"{randomness}"
        )

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        name = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
        leaves, spec = tree_flatten(args)
        dims = _leaf_dims(in_dims, args, name)
        size = _batch_size(leaves, dims, name)
        per_sample = []
        with _Randomness(randomness) as rng:
            for i in range(size):
                rng.before_sample()
                sample = [_take(x, d, i) for x, d in zip(leaves, dims, strict=False)]
                per_sample.append(func(*tree_unflatten(spec, sample), **kwargs))
                rng.after_sample()
        return _stack_outputs(per_sample, out_dims, func)

    return wrapper


def _name(func) -> str:
    return getattr(func, "__name__", repr(func))


def _leaf_dims(in_dims, args: tuple, name: str) -> list:
    if not isinstance(in_dims, (int, tuple, list)) and in_dims is not None:
        raise ValueError(
            f"{name}: expected `in_dims` to be int or a (potentially nested) tuple matching the "
            f"structure of inputs, got: {type(in_dims)}."
        )
    prefix = (in_dims,) * len(args) if not isinstance(in_dims, (tuple, list)) else tuple(in_dims)
    where = (
        f"{name}: in_dims is not compatible with the structure of `inputs`. in_dims has "
        f"structure {spec_str(tree_flatten(prefix)[1])} but inputs has structure "
        f"{spec_str(tree_flatten(args)[1])}."
    )
    if len(prefix) != len(args):
        raise ValueError(where)
    return broadcast_prefix(prefix, args, where)


def _batch_size(leaves: list, dims: list, name: str) -> int:
    sizes = []
    for x, d in zip(leaves, dims, strict=False):
        if d is None:
            continue
        if not isinstance(x, Tensor):
            raise ValueError(
                f"{name}: Got in_dim={d} for an input but the input is of type {type(x)}. We "
                "cannot vmap over non-Tensor arguments, please use None as the respective in_dim"
            )
        if not -x.ndim <= d < x.ndim or x.ndim == 0:
            raise ValueError(
                f"{name}: Got in_dim={d} for some input, but that input is a Tensor of "
                f"dimensionality {x.ndim} so expected in_dim to satisfy -{x.ndim} <= in_dim < "
                f"{x.ndim}."
            )
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
            f"{sizes} for the mapped dimension"
        )
    return sizes[0]


def _take(x, d, i: int):
    return x if d is None else x.select(d, i)


def _stack_outputs(per_sample: list, out_dims, func):
    first_leaves, spec = tree_flatten(per_sample[0])
    columns = [tree_flatten(s)[0] for s in per_sample]
    if isinstance(out_dims, (tuple, list)):
        where = (
            f"vmap({_name(func)}, ...): out_dims is not compatible with the structure of outputs."
        )
        dims = broadcast_prefix(out_dims, per_sample[0], where)
    else:
        dims = [out_dims] * len(first_leaves)
    stacked = []
    for j, (leaf, d) in enumerate(zip(first_leaves, dims, strict=False)):
        if d is None:
            stacked.append(leaf)
            continue
        if not isinstance(leaf, Tensor):
            raise ValueError(
                f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type "
                f"{type(leaf)}. Did you mean to set out_dims= to None for output?"
            )
        out = stack([col[j] for col in columns])
        stacked.append(out.movedim(0, d) if d != 0 else out)
    return tree_unflatten(spec, stacked)


class _Randomness:
    """Watches the default generator around each sample (see the module docstring)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.gen = default_generator

    def __enter__(self):
        self.start = self._state()
        return self

    def __exit__(self, *exc) -> None:
        pass

    def _state(self):
        return self.gen.get_state()

    def before_sample(self) -> None:
        if self.mode == "same":
            self.gen.set_state(self.start)

    def after_sample(self) -> None:
        if self.mode == "error":
            if not _same_state(self._state(), self.start):
                self.gen.set_state(self.start)
                raise RuntimeError(
                    "vmap: called random operation while in randomness error mode. Please "
                    "either use the 'same' or 'different' randomness flags on vmap or perform "
                    "the randomness operation out of vmap"
                )


def _same_state(a, b) -> bool:
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a.shape == b.shape and bool((a._data == b._data).all())
    return a == b
