"""Pooling: max_pool (MaxPool2DWithIndicesBackward0), avg_pool (AvgPool2DBackward0) and
adaptive_avg_pool (AdaptiveAvgPool2DBackward0), each with the primitive of its (linear)
backward so double backward works: a pooling's gradient is a scatter, whose gradient is the
pooling's gather again. 1-D forms run the 2-D ones on an unsqueezed input, as PyTorch does.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
>>> F.max_pool2d(x, 2)
tensor([[[[ 5.,  7.],
          [13., 15.]]]])
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ...ops.primitive import LINEAR, Primitive, apply
from ...tensor import Tensor
from .._windows import crop, pad, scatter_windows, windows
from .conv import _tuple


def _pool_out(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: a last window must start inside the (left-)padded input."""
    span = size + 2 * p - d * (k - 1) - 1
    out = (span + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _geometry(shape: tuple, kernel, stride, padding, dilation, ceil_mode):
    out = tuple(
        _pool_out(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(shape, kernel, stride, padding, dilation, strict=False)
    )
    after = tuple(
        max(p, (o - 1) * s + d * (k - 1) + 1 - n - p)
        for n, k, s, p, d, o in zip(shape, kernel, stride, padding, dilation, out, strict=False)
    )
    return out, after


# -- max pooling ------------------------------------------------------------------------------
def _window_argmax(flat: np.ndarray) -> np.ndarray:
    """Each window's (axis 2) argmax as PyTorch's kernel picks it: the first of tied maxima,
    but the last NaN where the window holds NaNs (every NaN replaces the running maximum)."""
    arg = np.argmax(flat, axis=2)
    if flat.dtype.kind != "f":
        return arg
    nans = np.isnan(flat)
    last_nan = flat.shape[2] - 1 - np.argmax(nans[:, :, ::-1], axis=2)
    return np.where(nans.any(axis=2), last_nan, arg)


def _inside_argmax(arg, spatial, kernel_size, stride, padding, dilation, out, after):
    """``arg`` where it falls inside the input, else the window's first position inside it:
    a window whose inputs are all -inf (the integer minimum) ties with its padding, and
    PyTorch's kernel, which never reads the padding, picks its first input element."""
    ones = pad(np.ones((1, 1, *spatial), bool), padding, after, False)
    inside = windows(ones, kernel_size, stride, dilation, out).reshape((1, 1, -1, *out))
    chosen = np.take_along_axis(np.broadcast_to(inside, arg.shape[:2] + inside.shape[2:]),
                                arg[:, :, None], axis=2)[:, :, 0]  # fmt: skip
    return np.where(chosen, arg, np.argmax(inside, axis=2))


def _max_pool_forward(a, kernel_size, stride, padding, dilation, ceil_mode, **_):
    spatial = a.shape[2:]
    out, after = _geometry(spatial, kernel_size, stride, padding, dilation, ceil_mode)
    fill = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
    win = windows(pad(a, padding, after, fill), kernel_size, stride, dilation, out)
    flat = win.reshape(a.shape[:2] + (-1,) + out)
    arg = _window_argmax(flat)
    if any(padding) or any(after):
        arg = _inside_argmax(arg, spatial, kernel_size, stride, padding, dilation, out, after)
    values = np.take_along_axis(flat, arg[:, :, None], axis=2)[:, :, 0]
    # Window position -> input coordinate, then flat index in the (H, W) plane, as PyTorch.
    pos = np.unravel_index(arg, kernel_size)
    index = np.zeros(arg.shape, np.int64)
    for dim, (p_k, s, p, d, n) in enumerate(
        zip(pos, stride, padding, dilation, spatial, strict=False)
    ):
        o = np.arange(out[dim]).reshape((-1,) + (1,) * (len(out) - dim - 1))
        index = index * n + (o * s - p + p_k * d)
    return values, index


def _plane_scatter(g: np.ndarray, indices: np.ndarray, size: tuple) -> np.ndarray:
    """Add ``g`` into zero planes of ``size`` at the flat ``indices`` (max_pool's backward)."""
    planes = g.shape[0] * g.shape[1]
    plane_len = int(np.prod(size))
    flat = indices.reshape(planes, -1) + (np.arange(planes) * plane_len)[:, None]
    out = np.bincount(flat.ravel(), weights=g.reshape(-1), minlength=planes * plane_len)
    return out.astype(g.dtype, copy=False).reshape(g.shape[:2] + tuple(size))


def _plane_gather(a: np.ndarray, indices: np.ndarray) -> np.ndarray:
    flat = a.reshape(a.shape[:2] + (-1,))
    idx = indices.reshape(indices.shape[:2] + (-1,))
    return np.take_along_axis(flat, idx, axis=2).reshape(indices.shape)


_max_pool2d = Primitive(
    "max_pool2d",
    "MaxPool2DWithIndicesBackward0",
    _max_pool_forward,
    self=lambda grads, result1, self_size, xp: xp.max_pool_scatter(
        grads[0], indices=result1, size=tuple(self_size)
    ),
    saves={"self": (0,)},  # only shown (_saved_self): no rule reads it
    n_outputs=2,
    attrs=("ceil_mode", "dilation", "kernel_size", "padding", "result1", "self", "stride"),
    jvp=lambda ts, s: (max_pool_gather(ts[0], s["results"][1]), None),
)
_max_pool_scatter = Primitive(
    "max_pool_scatter",
    "MaxPool2DWithIndicesBackwardBackward0",
    lambda g, indices, size: _plane_scatter(g, indices._data, size),
    self=lambda grad, indices, xp: xp.max_pool_gather(
        grad, indices=indices, size=tuple(grad.shape[2:])
    ),
    attrs=(),
    jvp=LINEAR,
)
_max_pool_gather = Primitive(
    "max_pool_gather",
    "GatherBackward0",
    lambda a, indices, size: _plane_gather(a, indices._data),
    self=lambda grad, indices, size, xp: xp.max_pool_scatter(grad, indices=indices, size=size),
    attrs=(),
    jvp=LINEAR,
)


def max_pool_scatter(g: Tensor, indices: Tensor, size: tuple) -> Tensor:
    """The gradient of a max pooling: ``g`` added at the argmax positions of each plane."""
    return apply(_max_pool_scatter, g, indices=indices, size=tuple(size))


def max_pool_gather(a: Tensor, indices: Tensor) -> Tensor:
    """The values of ``a`` at a max pooling's argmax positions (its indices)."""
    return apply(_max_pool_gather, a, indices=indices, size=tuple(a._data.shape[2:]))


def _pool_args(kernel_size, stride, padding, dilation, nd: int):
    kernel = _tuple(kernel_size, nd)
    stride_t = kernel if stride is None or stride == [] or stride == () else _tuple(stride, nd)
    pad_t, dil_t = _tuple(padding, nd), _tuple(dilation, nd)
    if 0 in stride_t:
        raise RuntimeError("stride should not be zero")
    if min(kernel) <= 0:
        raise RuntimeError(
            f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[-1]}"
        )
    if min(dil_t) <= 0:
        raise RuntimeError(
            "dilation should be greater than zero, but got "
            f"dilationH: {dil_t[0]} dilationW: {dil_t[-1]}"
        )
    for k, p in zip(kernel, pad_t, strict=False):
        if p > k // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation=1"
            )
    return kernel, stride_t, pad_t, dil_t


def _check_output_size(x: Tensor, kernel, stride, padding, dilation, ceil_mode) -> None:
    """PyTorch's error for a window that does not fit (a kernel larger than the input)."""
    out, _ = _geometry(x._data.shape[2:], kernel, stride, padding, dilation, ceil_mode)
    if min(out) <= 0:
        c, sizes = x._data.shape[1], x._data.shape[2:]
        raise RuntimeError(
            f"Given input size: ({c}x{'x'.join(map(str, sizes))}). Calculated output size: "
            f"({c}x{'x'.join(map(str, out))}). Output size is too small"
        )


def check_rank(input: Tensor, nd: int, kind: str) -> None:
    """PyTorch's error for an input that is neither ``nd + 1`` nor ``nd + 2``-dimensional
    (each pooling function words it its own way)."""
    if input.ndim in (nd + 1, nd + 2):
        return
    if kind == "max" and nd == 1:
        raise RuntimeError(
            "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
            f"for input, but got:{list(input.shape)}"
        )
    if kind == "avg" and nd == 1:
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor for argument "
            "#1 'self' (while checking arguments for avg_pool1d)"
        )
    if kind == "avg" and nd == 2:
        if input.ndim < 3:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-max(input.ndim, 1)}, "
                f"{max(input.ndim, 1) - 1}], but got -3)"
            )
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, "
            f"but got:{list(input.shape)}"
        )
    raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input")


def _batched(input: Tensor, nd: int):
    if input.ndim == nd + 1:
        return input.unsqueeze(0), True
    return input, False


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """2-D max pooling; see ``nn.MaxPool2d``. With ``return_indices``, also the flat
    position of each maximum in its plane.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size, stride, padding, dilation, ceil_mode, return_indices: as in
        ``nn.MaxPool1d``.

    >>> F.max_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    return _max_pool_nd(
        _max_pool2d, 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def _max_pool_nd(prim, nd, input, kernel_size, stride, padding, dilation, ceil_mode,
                 return_indices):  # fmt: skip
    """Max pooling over the last ``nd`` dims with the primitive ``prim`` (2-D or 3-D)."""
    check_rank(input, nd, "max")
    kernel, stride_t, pad_t, dil_t = _pool_args(kernel_size, stride, padding, dilation, nd)
    x, unbatched = _batched(input, nd)
    _check_output_size(x, kernel, stride_t, pad_t, dil_t, ceil_mode)
    if x._data.size == 0:  # an empty batch: nothing to pool, an empty result in the graph
        if 0 in input.shape[(0 if unbatched else 1) :]:
            raise RuntimeError(
                f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 dim batch "
                f"size for input, but got:{list(input.shape)}"
            )
        out_sizes, _ = _geometry(x._data.shape[2:], kernel, stride_t, pad_t, dil_t, ceil_mode)
        empty = x.flatten()[:0].reshape(*x.shape[(1 if unbatched else 0) : 2], *out_sizes)
        return (empty, empty.detach().long()) if return_indices else empty
    out, idx = apply(
        prim,
        x,
        kernel_size=kernel,
        stride=stride_t,
        padding=pad_t,
        dilation=dil_t,
        ceil_mode=ceil_mode,
        self_size=x._data.shape[2:],
    )
    if out.grad_fn is not None:
        out.grad_fn._saved["result1"] = idx
    if unbatched:
        out, idx = out.squeeze(0), idx.squeeze(0)
    return (out, idx) if return_indices else out


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """1-D max pooling; see ``nn.MaxPool1d``. With ``return_indices``, also the position
    of each maximum.

    Args:
        input: ``(N, C, L)`` or ``(C, L)``.
        kernel_size, stride, padding, dilation, ceil_mode, return_indices: as in
        ``nn.MaxPool1d``.

    >>> F.max_pool1d(torch.tensor([[[1.0, 3.0, 2.0, 4.0]]]), 2)
    tensor([[[3., 4.]]])
    """
    check_rank(input, 1, "max")
    k = _tuple(kernel_size, 1)
    s = k if stride is None or stride == [] else _tuple(stride, 1)
    out = max_pool2d(
        input.unsqueeze(-2),
        (1, k[0]),
        (1, s[0]),
        (0, _tuple(padding, 1)[0]),
        (1, _tuple(dilation, 1)[0]),
        ceil_mode,
        return_indices,
    )
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


# -- average pooling --------------------------------------------------------------------------
def _divisor(spatial, out, kernel, stride, padding, count_include_pad, divisor_override):
    """Each output's divisor: box sizes are separable, so one 1-D count per dim, multiplied."""
    if divisor_override:
        return float(divisor_override)
    total = None
    for dim, (n, o, k, s, p) in enumerate(zip(spatial, out, kernel, stride, padding, strict=False)):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        count = (end - start).reshape((-1,) + (1,) * (len(out) - dim - 1))
        total = count if total is None else total * count
    return total


def _avg_pool_forward(
    a, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, **_
):
    spatial, nd = a.shape[2:], len(kernel_size)
    out, after = _geometry(spatial, kernel_size, stride, padding, (1,) * nd, ceil_mode)
    win = windows(pad(a, padding, after), kernel_size, stride, (1,) * nd, out)
    total = win.sum(axis=tuple(range(2, 2 + nd)))
    div = _divisor(spatial, out, kernel_size, stride, padding, count_include_pad, divisor_override)
    return (total / div).astype(a.dtype, copy=False)


def _avg_pool_backward(
    g, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, self_size, **_
):
    nd = len(kernel_size)
    out = g.shape[2:]
    div = _divisor(
        self_size, out, kernel_size, stride, padding, count_include_pad, divisor_override
    )
    share = (g / div).astype(g.dtype, copy=False)
    cols = np.broadcast_to(
        share[(slice(None), slice(None)) + (None,) * nd], g.shape[:2] + tuple(kernel_size) + out
    )
    _, after = _geometry(self_size, kernel_size, stride, padding, (1,) * nd, ceil_mode)
    size = tuple(n + p + e for n, p, e in zip(self_size, padding, after, strict=False))
    return np.ascontiguousarray(
        crop(scatter_windows(cols, size, stride, (1,) * nd), padding, self_size)
    )


_AVG_ATTRS = (
    "ceil_mode",
    "count_include_pad",
    "divisor_override",
    "kernel_size",
    "padding",
    "self",
    "stride",
)


def _avg_rule(other: str):
    """The rule of an average pooling or of its backward: the other op, same parameters."""

    def rule(
        grad,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        self_size,
        xp,
    ):
        return getattr(xp, other)(
            grad,
            kernel_size=kernel_size,
            stride=stride,
            padding=padding,
            ceil_mode=ceil_mode,
            count_include_pad=count_include_pad,
            divisor_override=divisor_override,
            self_size=self_size,
        )

    return rule


_avg_pool2d = Primitive(
    "avg_pool2d",
    "AvgPool2DBackward0",
    _avg_pool_forward,
    self=_avg_rule("avg_pool2d_backward"),
    saves={"self": (0,)},  # only shown (_saved_self): no rule reads it
    attrs=_AVG_ATTRS,
    jvp=LINEAR,
)
_avg_pool_backward_prim = Primitive(
    "avg_pool2d_backward",
    "AvgPool2DBackwardBackward0",
    _avg_pool_backward,
    self=_avg_rule("avg_pool2d"),
    attrs=(),
    jvp=LINEAR,
)


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
) -> Tensor:
    """2-D average pooling; see ``nn.AvgPool2d``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override: as in
        ``nn.AvgPool2d``.

    >>> F.avg_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    return _avg_pool_nd(
        _avg_pool2d, 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
        divisor_override,
    )  # fmt: skip


def _avg_pool_nd(prim, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                 divisor_override) -> Tensor:  # fmt: skip
    """Average pooling over the last ``nd`` dims with the primitive ``prim`` (2-D or 3-D)."""
    check_rank(input, nd, "avg")
    kernel, stride_t, pad_t, _ = _pool_args(kernel_size, stride, padding, 1, nd)
    x, unbatched = _batched(input, nd)
    _check_output_size(x, kernel, stride_t, pad_t, (1,) * nd, ceil_mode)
    out = apply(
        prim,
        x,
        kernel_size=kernel,
        stride=stride_t,
        padding=pad_t,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
        self_size=x._data.shape[2:],
    )
    return out.squeeze(0) if unbatched else out


def avg_pool1d(
    input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True
) -> Tensor:
    """1-D average pooling; see ``nn.AvgPool1d``.

    Args:
        input: ``(N, C, L)`` or ``(C, L)``.
        kernel_size, stride, padding, ceil_mode, count_include_pad: as in ``nn.AvgPool1d``.

    >>> F.avg_pool1d(torch.tensor([[[1.0, 3.0, 2.0, 4.0]]]), 2)
    tensor([[[2., 3.]]])
    """
    check_rank(input, 1, "avg")
    k = _tuple(kernel_size, 1)[0]
    s = k if stride is None or stride == [] else _tuple(stride, 1)[0]
    out = avg_pool2d(
        input.unsqueeze(-2),
        (1, k),
        (1, s),
        (0, _tuple(padding, 1)[0]),
        ceil_mode,
        count_include_pad,
    )
    return out.squeeze(-2)


# -- adaptive average pooling -----------------------------------------------------------------
def _adaptive_matrix(n: int, o: int, dtype) -> np.ndarray:
    """(o, n): row i averages input cells [floor(i n / o), ceil((i + 1) n / o))."""
    m = np.zeros((o, n), dtype)
    for i in range(o):
        start, end = (i * n) // o, -((-(i + 1) * n) // o)
        m[i, start:end] = 1.0 / (end - start)
    return m


def _adaptive_apply(a: np.ndarray, sizes: tuple, transpose: bool) -> np.ndarray:
    """Multiply each spatial dim by its averaging matrix (or its transpose)."""
    nd = len(sizes)
    for i, (n, o) in enumerate(sizes):
        m = _adaptive_matrix(n, o, a.dtype)
        m = m.T if transpose else m
        a = np.moveaxis(np.tensordot(a, m, axes=([a.ndim - nd + i], [1])), -1, a.ndim - nd + i)
    return np.ascontiguousarray(a)


def _adaptive_bounds(n: int, o: int) -> list:
    """The input cells [start, end) that each of the ``o`` outputs averages, as PyTorch's."""
    return [((i * n) // o, -((-(i + 1) * n) // o)) for i in range(o)]


def _window_means(blocks: np.ndarray, count: int) -> np.ndarray:
    """Means over the last axis, summed in order (``cumsum``, as PyTorch's loop adds) and only
    then divided: a window of two float32 maxima overflows to inf, as in PyTorch, and an inf
    elsewhere never reaches a window that does not hold it."""
    if blocks.shape[-1] == 0 or blocks.size == 0:
        return np.zeros(blocks.shape[:-1], blocks.dtype)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.cumsum(blocks, axis=-1)[..., -1] / blocks.dtype.type(count)


def _adaptive_forward(a: np.ndarray, sizes: tuple) -> np.ndarray:
    """Adaptive average pooling over the last ``len(sizes)`` dims: each window summed in
    PyTorch's loop order (the first dim outermost), then divided by its size. Windows of one
    size that tile the input are pooled at once."""
    lead, nd = a.shape[: a.ndim - len(sizes)], len(sizes)
    outs = tuple(o for _, o in sizes)
    if all(o and n % o == 0 for n, o in sizes):
        ks = tuple(n // o for n, o in sizes)
        blocks = a.reshape(*lead, *(x for o, k in zip(outs, ks) for x in (o, k)))
        first = len(lead)
        outer, inner = range(first, first + 2 * nd, 2), range(first + 1, first + 2 * nd, 2)
        order = [*range(first), *outer, *inner]
        count = math.prod(ks)
        return _window_means(blocks.transpose(order).reshape(*lead, *outs, count), count)
    out = np.empty((*lead, *outs), a.dtype)
    bounds = [_adaptive_bounds(n, o) for n, o in sizes]
    for cell in itertools.product(*(range(o) for o in outs)):
        window = tuple(slice(*bounds[d][i]) for d, i in enumerate(cell))
        block = a[(Ellipsis,) + window].reshape(*lead, -1)
        out[(Ellipsis,) + cell] = _window_means(block, block.shape[-1])
    return out


_adaptive_avg = Primitive(
    "adaptive_avg_pool2d",
    "AdaptiveAvgPool2DBackward0",
    _adaptive_forward,
    self=lambda grad, sizes, xp: xp.adaptive_avg_pool2d_backward(grad, sizes=sizes),
    saves={"self": (0,)},  # only shown (_saved_self): no rule reads it
    attrs=("self",),
    jvp=LINEAR,
)
_adaptive_avg_backward = Primitive(
    "adaptive_avg_pool2d_backward",
    "AdaptiveAvgPool2DBackwardBackward0",
    lambda g, sizes: _adaptive_apply(g, sizes, True),
    self=lambda grad, sizes, xp: xp.adaptive_avg_pool2d(grad, sizes=sizes),
    attrs=(),
    jvp=LINEAR,
)


def output_sizes(output_size, spatial: tuple) -> tuple:
    """An adaptive pooling's output size per spatial dim: an int for all, ``None`` keeping the
    input's size."""
    nd = len(spatial)
    sizes = (output_size,) * nd if not isinstance(output_size, (tuple, list)) else output_size
    return tuple(n if o is None else int(o) for n, o in zip(spatial, sizes, strict=True))


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """Average pooling to an ``output_size`` grid; see ``nn.AdaptiveAvgPool2d``.

    Args:
        input: ``(N, C, H, W)`` or ``(C, H, W)``.
        output_size: the output's height and width (an int for both).

    >>> F.adaptive_avg_pool2d(torch.arange(16.0).view(1, 1, 4, 4), 1)
    tensor([[[[7.5000]]]])
    """
    spatial = tuple(input.shape[-2:])
    size = output_sizes(output_size, spatial)
    if size == (1, 1):
        return input.mean((-2, -1), keepdim=True)  # PyTorch's shortcut: MeanBackward1
    return apply(_adaptive_avg, input, sizes=tuple(zip(spatial, size, strict=False)))


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """Average pooling to ``output_size`` positions; see ``nn.AdaptiveAvgPool1d``.

    Args:
        input: ``(N, C, L)`` or ``(C, L)``.
        output_size: the output length.

    >>> F.adaptive_avg_pool1d(torch.tensor([[[1.0, 3.0, 2.0, 4.0]]]), 2)
    tensor([[[2., 3.]]])
    """
    size = output_sizes(output_size, tuple(input.shape[-1:]))[0]
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "max_pool1d",
    "max_pool2d",
]
