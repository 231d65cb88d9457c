"""Poolings that pick their windows, or undo a pooling: adaptive_max_pool1d/2d/3d,
fractional_max_pool2d/3d, max_unpool1d/2d/3d and lp_pool1d/2d/3d.

The max poolings find each window's argmax on arrays, then take the values with the
(differentiable) ``max_pool_gather``, so the gradients are the max pooling's, and double
backward works. Unpooling writes each value at its index (the last write wins where indices
repeat, as in PyTorch); its gradient is ``max_pool_gather`` too.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.adaptive_max_pool1d(torch.tensor([[[1.0, 5.0, 2.0, 4.0, 3.0]]]), 2)
tensor([[[5., 4.]]])
"""

from __future__ import annotations

import numpy as np

from ...ops.array_step import array_step, constant
from ...ops.primitive import LINEAR, Primitive, apply
from ...random import default_generator
from ...tensor import Tensor
from .conv import _tuple
from .pool import _window_argmax, avg_pool1d, avg_pool2d, max_pool_gather, output_sizes
from .pool3d import avg_pool3d


# -- windows given by index tables ------------------------------------------------------------
@array_step
def _argmax_in_windows(a: np.ndarray, *tables: np.ndarray) -> np.ndarray:
    """The flat (per-plane) index of the maximum of each window. ``tables[d]`` is an integer
    array ``(N or 1, C or 1, out_d, k_d)``: the input positions along spatial dim ``d`` of each
    output's window (a repeated position does not change the maximum). An array step: a
    compiled call finds each replay's maxima."""
    nd, spatial = len(tables), a.shape[2:]
    flat = np.zeros((1, 1) + (1, 1) * nd, np.int64)
    for d, table in enumerate(tables):
        shape = table.shape[:2] + (1, 1) * d + table.shape[2:] + (1, 1) * (nd - d - 1)
        flat = flat * spatial[d] + table.reshape(shape)
    planes = a.reshape(a.shape[:2] + (-1,))
    flat = np.broadcast_to(flat, a.shape[:2] + flat.shape[2:])
    values = np.take_along_axis(planes, flat.reshape(a.shape[:2] + (-1,)), 2)
    values = values.reshape(flat.shape)
    outs, ks = tuple(range(2, 2 + 2 * nd, 2)), tuple(range(3, 3 + 2 * nd, 2))
    order = (0, 1) + ks + outs
    out = tuple(flat.shape[i] for i in outs)
    pos = _window_argmax(np.transpose(values, order).reshape(a.shape[:2] + (-1,) + out))
    flat_by_window = np.transpose(flat, order).reshape(a.shape[:2] + (-1,) + out)
    return np.ascontiguousarray(np.take_along_axis(flat_by_window, pos[:, :, None], 2)[:, :, 0])


def _batched(input: Tensor, nd: int, name: str) -> tuple[Tensor, bool]:
    if input.ndim not in (nd + 1, nd + 2):
        if nd == 1:
            raise RuntimeError(
                f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for "
                f"argument #1 'self' (while checking arguments for {name})"
            )
        raise RuntimeError(
            f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got: {list(input.shape)}"
        )
    return (input.unsqueeze(0), True) if input.ndim == nd + 1 else (input, False)


def _pick(x: Tensor, indices: np.ndarray, unbatched: bool, return_indices: bool):
    idx = Tensor._make(indices)
    out = max_pool_gather(x, idx)
    if unbatched:
        out, idx = out.squeeze(0), idx.squeeze(0)
    return (out, idx) if return_indices else out


# -- adaptive max pooling ---------------------------------------------------------------------
def _adaptive_table(n: int, o: int) -> np.ndarray:
    """``(1, 1, o, k)``: output ``i`` covers ``[floor(i n / o), ceil((i + 1) n / o))``."""
    i = np.arange(o)
    start, end = (i * n) // o, -((-(i + 1) * n) // o)
    k = int((end - start).max()) if o else 1
    return np.minimum(start[:, None] + np.arange(k), end[:, None] - 1)[None, None]


def _adaptive_max(input: Tensor, output_size, return_indices: bool, nd: int):
    name = f"adaptive_max_pool{nd}d"
    x, unbatched = _batched(input, nd, name)
    spatial = tuple(x.shape[2:])
    size = output_sizes(output_size, spatial)
    for d, n in enumerate(spatial):
        if n == 0:
            raise RuntimeError(
                f"{name}(): Expected input to have non-zero size for non-batch dimensions, but "
                f"input has sizes {list(input.shape)} with dimension {d + input.ndim - nd} "
                "being empty"
            )
    if 0 in size:  # nothing to pool: an empty result, still in the graph
        empty = x.flatten()[:0].reshape(*x.shape[:2], *size)
        values, indices = empty, empty.detach().long()
        if unbatched:
            values, indices = values.squeeze(0), indices.squeeze(0)
        return (values, indices) if return_indices else values
    tables = [constant(_adaptive_table(n, o)) for n, o in zip(spatial, size, strict=True)]
    return _pick(x, _argmax_in_windows(x._data, *tables), unbatched, return_indices)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling to ``output_size`` positions; see ``nn.AdaptiveMaxPool1d``.

    Args:
        input: ``(N, C, L)`` or ``(C, L)``.
        output_size: the output length.
        return_indices: also return the position of each maximum.

    >>> F.adaptive_max_pool1d(torch.tensor([[1.0, 3.0, 2.0]]), 1)
    tensor([[3.]])
    """
    return _adaptive_max(input, output_size, return_indices, 1)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling to an ``output_size`` grid; see ``nn.AdaptiveMaxPool2d``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        output_size: the output's height and width (an int for both; ``None`` keeps a size).
        return_indices: also return the flat position of each maximum in its plane.

    >>> F.adaptive_max_pool2d(torch.arange(16.0).view(1, 4, 4), 2)
    tensor([[[ 5.,  7.],
             [13., 15.]]])
    """
    return _adaptive_max(input, output_size, return_indices, 2)


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """Max pooling to an ``output_size`` volume; see ``nn.AdaptiveMaxPool3d``.

    Args:
        input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        output_size: the output's depth, height and width (an int for all).
        return_indices: also return the flat position of each maximum in its volume.

    >>> F.adaptive_max_pool3d(torch.arange(8.0).view(1, 2, 2, 2), 1).flatten()
    tensor([7.])
    """
    return _adaptive_max(input, output_size, return_indices, 3)


# -- fractional max pooling -------------------------------------------------------------------
def _fractional_table(samples: np.ndarray, n: int, o: int, k: int) -> np.ndarray:
    """``(N, C, o, k)`` windows of pseudo-random starts, one ``sample`` in [0, 1) per plane:
    ``start_i = int((i + u) * alpha) - int(u * alpha)``, ``alpha = (n - k) / (o - 1)``
    computed in the samples' dtype, and the last window ending at the input's end."""
    dtype = samples.dtype.type
    starts = np.zeros(samples.shape + (o,), np.int64)
    if o > 1:
        alpha = dtype(n - k) / dtype(o - 1)
        i = np.arange(o - 1).astype(samples.dtype)
        u = samples[..., None]
        starts[..., :-1] = ((i + u) * alpha).astype(np.int64) - (u * alpha).astype(np.int64)
    if o > 0:
        starts[..., -1] = n - k
    return starts[..., None] + np.arange(k)


def _fractional(input, kernel_size, output_size, output_ratio, return_indices, samples, nd):
    name = f"fractional_max_pool{nd}d"
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    kernel = _tuple(kernel_size, nd)
    x, unbatched = _batched(input, nd, name)
    spatial = x.shape[2:]
    if output_size is None:
        ratio = (output_ratio,) * nd if isinstance(output_ratio, float) else output_ratio
        output_size = tuple(int(n * r) for n, r in zip(spatial, ratio, strict=True))
    size = _tuple(output_size, nd)
    names = ("height", "width") if nd == 2 else ("time", "height", "width")
    for n, o, k, dim in zip(spatial, size, kernel, names, strict=True):
        # PyTorch's 3-D check is strict (a window may not end at the input's end)
        if o + k - 1 > n or (nd == 3 and o + k - 1 >= n):
            where = name if nd == 2 else name + "_out"
            raise RuntimeError(f"{where}(): pool {dim} {k} too large relative to input {dim} {n}")
    if samples is None:
        draws = default_generator.uniform_array((x.shape[0], x.shape[1], nd), 0.0, 1.0,
                                                x._data.dtype)  # fmt: skip
    else:
        draws = np.asarray(samples._data)
    tables = _fractional_tables(draws, tuple(spatial), size, kernel)
    return _pick(x, _argmax_in_windows(x._data, *tables), unbatched, return_indices)


@array_step
def _fractional_tables(draws: np.ndarray, spatial: tuple, size: tuple, kernel: tuple) -> tuple:
    """Each spatial dim's ``_fractional_table`` from the planes' samples (an array step: a
    compiled call's draws differ at each replay)."""
    # PyTorch's samples run width first in 2-D ([W, H]) and depth first in 3-D ([T, H, W])
    order = (1, 0) if len(spatial) == 2 else (0, 1, 2)
    return tuple(
        _fractional_table(draws[:, :, order[d]], n, o, k)
        for d, (n, o, k) in enumerate(zip(spatial, size, kernel, strict=True))
    )


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):  # fmt: skip
    """Max pooling over pseudo-random windows of size ``kernel_size`` that shrink the input
    to ``output_size`` (or by ``output_ratio``); see ``nn.FractionalMaxPool2d``. The window
    offsets are drawn as PyTorch draws them (``rand(N, C, 2)``).

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size: the windows' size.
        output_size: the output's height and width.
        output_ratio: the output's size as a fraction of the input's (when no ``output_size``).
        return_indices: also return the flat position of each maximum in its plane.
        _random_samples: the offsets, ``(N, C, 2)`` in [0, 1), instead of drawing them.

    >>> F.fractional_max_pool2d(torch.arange(16.0).view(1, 4, 4), 2, output_size=1)
    tensor([[[15.]]])
    """
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples, 2)  # fmt: skip


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):  # fmt: skip
    """3-D fractional max pooling; see ``fractional_max_pool2d`` and ``nn.FractionalMaxPool3d``.

    Args:
        input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        kernel_size, output_size, output_ratio, return_indices: as in
        ``fractional_max_pool2d``, for three dims.
        _random_samples: the offsets, ``(N, C, 3)`` in [0, 1), instead of drawing them.

    >>> F.fractional_max_pool3d(torch.ones(1, 3, 3, 3), 2, output_size=1).flatten()
    tensor([1.])
    """
    return _fractional(input, kernel_size, output_size, output_ratio, return_indices,
                       _random_samples, 3)  # fmt: skip


# -- unpooling --------------------------------------------------------------------------------
def _unpool(input: Tensor, indices: Tensor, kernel_size, stride, padding, output_size, nd):
    kernel = _tuple(kernel_size, nd)
    stride_t = kernel if stride is None else _tuple(stride, nd)
    pad_t = _tuple(padding, nd)
    spatial = input.shape[-nd:]
    default = tuple(
        (n - 1) * s - 2 * p + k for n, s, p, k in zip(spatial, stride_t, pad_t, kernel,
                                                      strict=True)
    )  # fmt: skip
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-nd:]
        if len(tuple(output_size)) not in (nd, nd + 1, nd + 2):
            raise ValueError(
                f"output_size should be a sequence containing {nd} or {nd + 2} elements, "
                f"but it has a length of '{len(tuple(output_size))}'"
            )
        for d, (n, o, s) in enumerate(zip(default, size, stride_t, strict=True)):
            if not n - s < o < n + s:
                raise ValueError(
                    f'invalid output_size "{output_size[-nd:]}" (dim {d} must be between '
                    f"{n - s} and {n + s})"
                )
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            "Expected shape of indices to be same as that of the input tensor "
            f"({list(input.shape)}) but got indices tensor with shape: {list(indices.shape)}"
        )
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    idx = indices.unsqueeze(0) if unbatched else indices
    plane = int(np.prod(size))
    _check_max_indices(idx._data, plane, size)
    if nd == 1:  # as PyTorch: a 2-D unpooling of width 1, then squeezed
        x, idx, size = x.unsqueeze(-1), idx.unsqueeze(-1), size + (1,)
    out = apply(_MAX_UNPOOL[max(nd, 2)], x, indices=idx, size=size)
    out = out.squeeze(-1) if nd == 1 else out
    return out.squeeze(0) if unbatched else out


def _put_last(x: np.ndarray, indices: np.ndarray, size: tuple) -> np.ndarray:
    """``x`` written into zero planes of ``size`` at the flat per-plane ``indices``; where an
    index repeats, the last write wins, as in PyTorch's kernel (max pooling's backward adds)."""
    planes, plane_len = x.shape[0] * x.shape[1], int(np.prod(size))
    flat = (indices.reshape(planes, -1) + (np.arange(planes) * plane_len)[:, None]).ravel()
    _, from_end = np.unique(flat[::-1], return_index=True)
    last = flat.size - 1 - from_end
    out = np.zeros(planes * plane_len, x.dtype)
    out[flat[last]] = x.reshape(-1)[last]
    return out.reshape(x.shape[:2] + tuple(size))


_MAX_UNPOOL = {
    nd: Primitive(
        f"max_unpool{nd}d",
        f"MaxUnpool{nd}DBackward0",
        lambda x, indices, size: _put_last(x, indices._data, size),
        self=lambda grad, indices, xp: xp.max_pool_gather(
            grad, indices=indices, size=tuple(grad.shape[2:])
        ),
        attrs=(),
        jvp=LINEAR,
    )
    for nd in (2, 3)
}


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of ``max_pool1d``: each value put back at its index, zeros elsewhere; see
    ``nn.MaxUnpool1d``.

    Args:
        input: the pooled ``(N, C, L)`` or ``(C, L)``.
        indices: the positions ``max_pool1d(..., return_indices=True)`` gave.
        kernel_size, stride, padding: the pooling's.
        output_size: the unpooled size (else inferred from the pooling's arguments).

    >>> F.max_unpool1d(torch.tensor([[[3.0, 4.0]]]), torch.tensor([[[1, 3]]]), 2)
    tensor([[[0., 3., 0., 4.]]])
    """
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of ``max_pool2d``; see ``nn.MaxUnpool2d``.

    Args:
        input: the pooled ``(N, C, H, W)`` or ``(C, H, W)``.
        indices, kernel_size, stride, padding, output_size: as in ``max_unpool1d``.

    >>> F.max_unpool2d(torch.tensor([[[[5.0]]]]), torch.tensor([[[[3]]]]), 2)
    tensor([[[[0., 0.],
              [0., 5.]]]])
    """
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of ``max_pool3d``; see ``nn.MaxUnpool3d``.

    Args:
        input: the pooled ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        indices, kernel_size, stride, padding, output_size: as in ``max_unpool1d``.

    >>> F.max_unpool3d(torch.tensor([[[[[5.0]]]]]), torch.tensor([[[[[7]]]]]), 2).flatten()
    tensor([0., 0., 0., 0., 0., 0., 0., 5.])
    """
    return _unpool(input, indices, kernel_size, stride, padding, output_size, 3)


# -- power-average pooling --------------------------------------------------------------------
def _lp(pooled: Tensor, norm_type: float, kernel: tuple) -> Tensor:
    """PyTorch's ending: ``(sign(m) * relu(|m|) * window size) ** (1 / p)``."""
    return (pooled.sign() * pooled.abs().relu() * int(np.prod(kernel))) ** (1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    """``(sum over each window of x ** p) ** (1 / p)``; see ``nn.LPPool1d``.

    Args:
        input: ``(N, C, L)`` or ``(C, L)``.
        norm_type: the power ``p``.
        kernel_size: the window's size.
        stride: the step between windows (``kernel_size`` when ``None``).
        ceil_mode: round the output size up instead of down.

    >>> F.lp_pool1d(torch.tensor([[[3.0, 4.0]]]), 2, 2)
    tensor([[[5.]]])
    """
    kernel = _tuple(kernel_size, 1)
    pooled = avg_pool1d(input**norm_type, kernel_size, stride, 0, ceil_mode)
    return _lp(pooled, norm_type, kernel)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    """2-D power-average pooling; see ``nn.LPPool2d``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        norm_type, kernel_size, stride, ceil_mode: as in ``lp_pool1d``.

    >>> F.lp_pool2d(torch.ones(1, 2, 2), 1, 2)
    tensor([[[4.]]])
    """
    kernel = _tuple(kernel_size, 2)
    pooled = avg_pool2d(input**norm_type, kernel_size, stride, 0, ceil_mode)
    return _lp(pooled, norm_type, kernel)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False) -> Tensor:
    """3-D power-average pooling; see ``nn.LPPool3d``.

    Args:
        input: ``(N, C, D, H, W)`` or ``(C, D, H, W)``.
        norm_type, kernel_size, stride, ceil_mode: as in ``lp_pool1d``.

    >>> F.lp_pool3d(torch.ones(1, 2, 2, 2), 1, 2).flatten()
    tensor([8.])
    """
    kernel = _tuple(kernel_size, 3)
    pooled = avg_pool3d(input**norm_type, kernel_size, stride, 0, ceil_mode)
    return _lp(pooled, norm_type, kernel)


__all__ = [
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "fractional_max_pool2d",
    "fractional_max_pool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
]


@array_step
def _check_max_indices(idx: np.ndarray, plane: int, size: tuple) -> None:
    if idx.size and (idx.min() < 0 or idx.max() >= plane):
        bad = idx[(idx < 0) | (idx >= plane)].ravel()[0]
        raise RuntimeError(
            f"Found an invalid max index: {bad} (output volumes are of size "
            f"{'x'.join(map(str, size))})"
        )
