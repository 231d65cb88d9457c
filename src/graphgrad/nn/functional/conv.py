"""Convolutions: one ``convolution`` primitive (ConvolutionBackward0, plain and transposed, any
number of spatial dims, stride / padding / dilation / groups) plus its weight-gradient primitive.

The forward is im2col (a strided view) and one matrix product per group. The backward rules are
convolutions again: the input gradient of a convolution is a transposed convolution and vice
versa, and the weight gradient is the bilinear ``convolution_weight`` whose own gradients are
convolutions. So every rule is written in graphgrad ops and double backward works.

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> x = torch.ones(1, 1, 4, 4, requires_grad=True)
>>> y = F.conv2d(x, torch.ones(1, 1, 3, 3))
>>> y.grad_fn.name(), y.shape
('ConvolutionBackward0', torch.Size([1, 1, 2, 2]))
"""

from __future__ import annotations

import numpy as np

from ...autograd.namespace import ARRAYS, TENSORS
from ...ops.namespaces import via_tensors
from ...ops.primitive import MULTILINEAR, Primitive, apply
from ...tensor import Tensor
from .._windows import crop, out_size, pad, scatter_windows, windows


def _tuple(value, n: int, name: str = "") -> tuple:
    if isinstance(value, (tuple, list)):
        if len(value) == 1 and n > 1:
            return tuple(int(value[0]) for _ in range(n))
        return tuple(int(v) for v in value)
    return (int(value),) * n


# -- array kernels ----------------------------------------------------------------------------
def _im2col(x: np.ndarray, kernel, stride, padding, dilation, out, groups) -> np.ndarray:
    """Columns ``(G, Cg * K, N * L)`` of the padded input, ready for one GEMM per group."""
    n, c = x.shape[:2]
    win = windows(pad(x, padding), kernel, stride, dilation, out)  # (N, C, *k, *out)
    nd = len(kernel)
    win = win.reshape((n, groups, c // groups) + win.shape[2:])
    order = (1, 2) + tuple(range(3, 3 + nd)) + (0,) + tuple(range(3 + nd, 3 + 2 * nd))
    return win.transpose(order).reshape(groups, -1, n * int(np.prod(out)))


def _conv_forward(x, w, bias, stride, padding, dilation, groups, **_) -> np.ndarray:
    kernel = w.shape[2:]
    out = tuple(
        out_size(*a) for a in zip(x.shape[2:], kernel, stride, padding, dilation, strict=False)
    )
    cols = _im2col(x, kernel, stride, padding, dilation, out, groups)
    wm = w.reshape(groups, w.shape[0] // groups, -1)
    y = np.matmul(wm, cols)  # (G, Og, N * L)
    n = x.shape[0]
    y = y.reshape((w.shape[0], n) + out).swapaxes(0, 1)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * len(out))
    return np.ascontiguousarray(y)


def _conv_transpose_forward(x, w, bias, stride, padding, dilation, groups, output_size):
    """The adjoint of ``_conv_forward`` in its input: col2im of ``W^T x``."""
    n, c_in = x.shape[:2]
    kernel, spatial = w.shape[2:], x.shape[2:]
    c_out_g = w.shape[1]
    xm = x.reshape((n, groups, c_in // groups, -1)).transpose(1, 2, 0, 3)
    xm = xm.reshape(groups, c_in // groups, -1)  # (G, Cg_in, N * L)
    wm = w.reshape(groups, c_in // groups, -1).transpose(0, 2, 1)  # (G, Cg_out * K, Cg_in)
    cols = np.matmul(wm, xm).reshape((groups * c_out_g,) + tuple(kernel) + (n,) + spatial)
    nd = len(kernel)
    cols = np.moveaxis(cols, 1 + nd, 0)  # (N, C_out, *k, *spatial)
    full = tuple(o + 2 * p for o, p in zip(output_size, padding, strict=False))
    needed = tuple(
        (s - 1) * st + d * (k - 1) + 1
        for s, st, d, k in zip(spatial, stride, dilation, kernel, strict=False)
    )
    big = tuple(max(f, m) for f, m in zip(full, needed, strict=False))
    y = crop(scatter_windows(cols, big, stride, dilation), padding, output_size)
    if bias is not None:  # PyTorch adds a bias of another dtype in the input's
        y = y + bias.astype(y.dtype, copy=False).reshape((1, -1) + (1,) * nd)
    return np.ascontiguousarray(y)


def _weight_grad(x, gout, kernel, stride, padding, dilation, groups, **_) -> np.ndarray:
    """``sum_{n, l} gout[n, o, l] * window(x)[n, c, k, l]``, per group: shape (O, Cg, *k)."""
    out = gout.shape[2:]
    cols = _im2col(x, kernel, stride, padding, dilation, out, groups)  # (G, CgK, N * L)
    o = gout.shape[1]
    gm = np.swapaxes(gout.reshape(gout.shape[0], o, -1), 0, 1)  # (O, N, L)
    gm = gm.reshape(groups, o // groups, -1)
    gw = np.matmul(gm, np.swapaxes(cols, 1, 2))  # (G, Og, CgK)
    return gw.reshape((o, x.shape[1] // groups) + tuple(kernel))


def _convolution_forward(
    x, w, bias, stride, padding, dilation, transposed, output_padding, groups, output_size=None, **_
):
    if transposed:
        return _conv_transpose_forward(x, w, bias, stride, padding, dilation, groups, output_size)
    return _conv_forward(x, w, bias, stride, padding, dilation, groups)


# -- rules ------------------------------------------------------------------------------------
def _input_rule(grad, weight, transposed, input_size, stride, padding, dilation, groups, xp):
    geometry = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    if transposed:
        return xp.convolution(grad, weight, None, transposed=False, **geometry)
    return xp.convolution(grad, weight, None, transposed=True, output_size=input_size, **geometry)


def _weight_rule(grad, input, transposed, weight_size, stride, padding, dilation, groups, xp):
    geometry = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    kernel = weight_size[2:]
    if transposed:
        return xp.convolution_weight(grad, input, kernel, **geometry)
    return xp.convolution_weight(input, grad, kernel, **geometry)


def _bias_rule(grad, xp):
    return xp.sum(grad, (0,) + tuple(range(2, grad.ndim)))


def _geometry(s: dict) -> dict:
    return {k: s[k] for k in ("stride", "padding", "dilation", "groups")}


def _bilinear_jvp(x: Tensor, w: Tensor, s: dict) -> Tensor:
    """The convolution without its bias, which is bilinear in input and weight: the tangent is
    ``conv(dx, w) + conv(x, dw)`` (+ the bias's tangent, broadcast)."""
    return convolution(
        x, w, None, transposed=s["transposed"], output_size=s["output_size"], **_geometry(s)
    )


_convolution = Primitive(
    "convolution",
    "ConvolutionBackward0",
    _convolution_forward,
    input=_input_rule,
    weight=_weight_rule,
    bias=_bias_rule,
    attrs=(
        "bias_sym_sizes_opt",
        "dilation",
        "groups",
        "input",
        "output_padding",
        "padding",
        "stride",
        "transposed",
        "weight",
    ),
    jvp=(
        lambda t, s: _bilinear_jvp(t, s["weight"], s),
        lambda t, s: _bilinear_jvp(s["input"], t, s),
        lambda t, s: t.reshape((1, -1) + (1,) * len(s["stride"])),
    ),
)


def _wgrad_input_rule(grad, gout, input_size, stride, padding, dilation, groups, xp):
    geometry = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return xp.convolution(gout, grad, None, transposed=True, output_size=input_size, **geometry)


def _wgrad_gout_rule(grad, input, stride, padding, dilation, groups, xp):
    geometry = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return xp.convolution(input, grad, None, transposed=False, **geometry)


_convolution_weight = Primitive(
    "convolution_weight",
    "ConvolutionBackwardBackward0",
    _weight_grad,
    input=_wgrad_input_rule,
    gout=_wgrad_gout_rule,
    attrs=("dilation", "groups", "padding", "stride"),
    jvp=MULTILINEAR,
)


def convolution(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride,
    padding,
    dilation,
    transposed: bool,
    groups: int,
    output_size: tuple | None = None,
) -> Tensor:
    """``aten::convolution``: ``output_size`` (spatial) fixes a transposed conv's output."""
    kernel = weight._data.shape[2:]
    spatial = input._data.shape[2:]
    if transposed and output_size is None:
        output_size = tuple(
            (s - 1) * st - 2 * p + d * (k - 1) + 1
            for s, st, p, d, k in zip(spatial, stride, padding, dilation, kernel, strict=False)
        )
    output_padding = (0,) * len(kernel)
    if transposed:
        assert output_size is not None  # computed above when not given
        output_padding = tuple(
            o - ((s - 1) * st - 2 * p + d * (k - 1) + 1)
            for o, s, st, p, d, k in zip(
                output_size, spatial, stride, padding, dilation, kernel, strict=False
            )
        )
    return apply(
        _convolution,
        input,
        weight,
        bias,
        stride=tuple(stride),
        padding=tuple(padding),
        dilation=tuple(dilation),
        transposed=transposed,
        output_padding=output_padding,
        groups=groups,
        output_size=output_size,
        input_size=spatial,
        weight_size=weight._data.shape,
        bias_sym_sizes_opt=None if bias is None else tuple(bias._data.shape),
    )


def convolution_weight(
    input: Tensor, gout: Tensor, kernel, stride, padding, dilation, groups
) -> Tensor:
    """The weight gradient of a convolution of ``input`` that produced the gradient ``gout``."""
    return apply(
        _convolution_weight,
        input,
        gout,
        kernel=tuple(kernel),
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        input_size=input._data.shape[2:],
    )


# -- public functional forms ------------------------------------------------------------------
def _check_conv(input: Tensor, weight: Tensor, nd: int, groups: int, name: str) -> None:
    if input.ndim not in (nd + 1, nd + 2):
        dims = ", ".join(map(str, input.shape))
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
            f"{name}, but got input of size: [{dims}]"
        )
    channels = input.shape[-nd - 1]
    if channels != weight.shape[1] * groups:
        shown = tuple(input.shape) if input.ndim == nd + 2 else (1, *input.shape)  # as batched
        raise RuntimeError(
            f"Given groups={groups}, weight of size [{', '.join(map(str, weight.shape))}], "
            f"expected input[{', '.join(map(str, shown))}] to have "
            f"{weight.shape[1] * groups} channels, but got {channels} channels instead"
        )


def _check_dtypes(input: Tensor, weight: Tensor, bias: Tensor | None) -> None:
    """PyTorch's order: the bias first (not for transposed convolutions, which cast it), then
    the weight."""
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(
            f"Input type ({input.dtype.cpp}) and bias type ({bias.dtype.cpp}) should be the same"
        )
    if weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy} but found {weight.dtype.legacy}"
        )


def _check_size(input: Tensor, kernel, padding, dilation) -> None:
    padded = tuple(s + 2 * p for s, p in zip(input.shape[2:], padding, strict=False))
    eff = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=False))
    if any(e > s for e, s in zip(eff, padded, strict=False)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, eff))}). Kernel size can't be greater than "
            "actual input size"
        )


def _check_lengths(nd: int, **values) -> None:
    for name, value in values.items():
        if isinstance(value, (tuple, list)) and len(value) not in (1, nd):
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of {nd} values to "
                f"match the convolution dimensions, but got {name}={list(value)}"
            )


def _check_geometry(stride, padding, dilation, groups, output_padding=(0,)) -> None:
    """PyTorch's checks of a convolution's numbers, in its order (``padding`` as numbers)."""
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")


def _named(what: str, values: tuple, sep: str = ", ") -> str:
    """``dilation_height: 1, dilation_width: 0``: a 1-D convolution runs as a 2-D one, whose
    height has a stride and dilation of 1 and no output padding."""
    if len(values) == 1:
        values = (0 if what == "output_padding" else 1, *values)
    names = ("depth", "height", "width")[3 - len(values) :]
    return sep.join(f"{what}_{n}: {v}" for n, v in zip(names, values, strict=True))


def _check_zero_dilation(dilation: tuple, transposed: bool) -> None:
    """The kernels' own check, after the shapes': no dilation of 0."""
    if 0 not in dilation:
        return
    if transposed:
        shown = _named("dilation", dilation)
    else:  # a 1-D convolution runs as a 2-D one, with a height of 1
        shown = str([1, *dilation] if len(dilation) == 1 else list(dilation))
    raise RuntimeError(f"dilation should be greater than zero, but got {shown}")


def _same_padding(kernel, dilation) -> tuple:
    total = [d * (k - 1) for k, d in zip(kernel, dilation, strict=False)]
    if any(t % 2 for t in total):
        raise NotImplementedError("padding='same' with an even total padding is not supported")
    return tuple(t // 2 for t in total)


def _conv_nd(input, weight, bias, stride, padding, dilation, groups, nd: int, name: str):
    _check_lengths(nd, stride=stride, padding=padding, dilation=dilation)
    stride, dilation = _tuple(stride, nd), _tuple(dilation, nd)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if padding == "same" and any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
    _check_geometry(stride, (0,) if isinstance(padding, str) else _tuple(padding, nd), dilation,
                    groups)  # fmt: skip
    _check_conv(input, weight, nd, groups, name)
    _check_zero_dilation(dilation, False)
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    kernel = tuple(weight.shape[2:])
    if padding == "valid":
        padding = 0
    padding = _same_padding(kernel, dilation) if padding == "same" else _tuple(padding, nd)
    _check_size(input, kernel, padding, dilation)
    _check_dtypes(input, weight, bias)
    out = convolution(input, weight, bias, stride, padding, dilation, False, groups)
    return out.squeeze(0) if unbatched else out


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """1-D convolution; see ``nn.Conv1d``.

    Args:
        input: ``(N, C_in, *spatial)`` or without the batch dimension.
        weight: ``(C_out, C_in / groups, *kernel)``.
        bias: ``(C_out,)``, or ``None``.
        stride, padding, dilation, groups: as in ``nn.Conv1d``.

    >>> F.conv1d(torch.tensor([[[1.0, 2.0, 3.0]]]), torch.tensor([[[1.0, -1.0]]]))
    tensor([[[-1., -1.]]])
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1) -> Tensor:
    """2-D convolution; see ``nn.Conv2d``.

    Args:
        input: ``(N, C_in, *spatial)`` or without the batch dimension.
        weight: ``(C_out, C_in / groups, *kernel)``.
        bias: ``(C_out,)``, or ``None``.
        stride, padding, dilation, groups: as in ``nn.Conv1d``.

    >>> F.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
    tensor([[[[4., 4.],
              [4., 4.]]]])
    """
    return _conv_nd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def _conv_transpose_nd(
    input, weight, bias, stride, padding, output_padding, groups, dilation, nd: int
):
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    kernel = tuple(weight.shape[2:])
    _check_lengths(nd, stride=stride, padding=padding, dilation=dilation)
    stride, padding = _tuple(stride, nd), _tuple(padding, nd)
    dilation, output_padding = _tuple(dilation, nd), _tuple(output_padding, nd)
    _check_geometry(stride, padding, dilation, groups, output_padding)
    _check_zero_dilation(dilation, True)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation, strict=True)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            + " ".join(_named(w, v, " ") for w, v in (("output_padding", output_padding),
                                                      ("stride", stride), ("dilation", dilation)))
        )  # fmt: skip
    size = tuple(
        (s - 1) * st - 2 * p + d * (k - 1) + 1 + op
        for s, st, p, d, k, op in zip(
            input.shape[2:], stride, padding, dilation, kernel, output_padding, strict=False
        )
    )
    if any(n <= 0 for n in size):
        given = (1,) * (nd == 1) + tuple(input.shape[2:])
        shown = (1,) * (nd == 1) + size
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, given))}). Calculated output "
            f"size per channel: ({' x '.join(map(str, shown))}). Output size is too small"
        )
    _check_dtypes(input, weight, None)
    out = convolution(input, weight, bias, stride, padding, dilation, True, groups, size)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """Transposed 1-D convolution, the gradient of conv1d in its input.

    Args:
        input: ``(N, C_in, *spatial)`` or without the batch dimension.
        weight: ``(C_in, C_out / groups, *kernel)``.
        bias: ``(C_out,)``, or ``None``.
        stride, padding, output_padding, groups, dilation: as in ``nn.ConvTranspose1d``.

    >>> F.conv_transpose1d(torch.tensor([[[1.0, 2.0]]]), torch.tensor([[[1.0, 1.0]]]))
    tensor([[[1., 3., 2.]]])
    """
    return _conv_transpose_nd(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 1
    )


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
) -> Tensor:
    """Transposed 2-D convolution, the gradient of conv2d in its input.

    Args:
        input: ``(N, C_in, *spatial)`` or without the batch dimension.
        weight: ``(C_in, C_out / groups, *kernel)``.
        bias: ``(C_out,)``, or ``None``.
        stride, padding, output_padding, groups, dilation: as in ``nn.ConvTranspose1d``.

    >>> F.conv_transpose2d(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 2, 2), stride=2).shape
    torch.Size([1, 1, 4, 4])
    """
    return _conv_transpose_nd(
        input, weight, bias, stride, padding, output_padding, groups, dilation, 2
    )


__all__ = ["conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d"]


# The rules call the public functions (which work out a transposed convolution's output
# padding); on arrays, the same functions through tensor wrappers.
TENSORS.convolution = convolution
ARRAYS.convolution = via_tensors(convolution)
TENSORS.convolution_weight = convolution_weight
ARRAYS.convolution_weight = via_tensors(convolution_weight)
