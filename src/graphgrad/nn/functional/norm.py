"""Normalisation and lookup: batch_norm (NativeBatchNormBackward0), layer_norm
(NativeLayerNormBackward0) and embedding (EmbeddingBackward0).

The norm rules recompute the statistics from the saved input with graphgrad ops instead of
reading saved arrays, so the gradient of the gradient sees how mean and variance depend on the
input (double backward is exact).

>>> import graphgrad as torch
>>> import graphgrad.nn.functional as F
>>> F.layer_norm(torch.tensor([[1.0, 2.0, 3.0]]), (3,))
tensor([[-1.2247,  0.0000,  1.2247]])
"""

from __future__ import annotations

import numpy as np

from ...autograd.namespace import TENSORS
from ...ops.array_step import array_step
from ...ops.primitive import LINEAR, Primitive, apply, bind_rule
from ...tensor import Tensor
from .._embedding_renorm import renorm_rows


def _stats(x: np.ndarray, dims: tuple, eps: float):
    mean = x.mean(axis=dims, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=dims, keepdims=True)
    return mean, var, (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)


def _normalized(x, dims: tuple, eps: float, xp) -> tuple:
    """``(x - mean) * invstd`` and ``invstd``, in ``xp``'s ops (differentiable in ``x``)."""
    centred = x - xp.mean(x, dims, keepdim=True)
    invstd = xp.rsqrt(xp.mean(centred * centred, dims, keepdim=True) + eps)
    return centred * invstd, invstd


def _norm_input_grad(gxhat, xhat, invstd, dims: tuple, xp):
    """d/dx of a normalisation over ``dims``, given the gradient at ``xhat``."""
    mean_g = xp.mean(gxhat, dims, keepdim=True)
    mean_gx = xp.mean(gxhat * xhat, dims, keepdim=True)
    return (gxhat - mean_g - xhat * mean_gx) * invstd


# -- batch norm -------------------------------------------------------------------------------
def _channel_shape(ndim: int, c: int) -> tuple:
    return (1, c) + (1,) * (ndim - 2)


def _bn_forward(x, weight, bias, running_mean, running_var, training, momentum, eps, **_):
    dims = (0,) + tuple(range(2, x.ndim))
    shape = _channel_shape(x.ndim, x.shape[1])
    if training:
        mean, var, invstd = _stats(x, dims, eps)
        n = x.size // x.shape[1]
        if running_mean is not None:
            rm, rv = running_mean._data, running_var._data
            rm[...] = (1 - momentum) * rm + momentum * mean.reshape(-1)
            rv[...] = (1 - momentum) * rv + momentum * var.reshape(-1) * (n / max(n - 1, 1))
            running_mean._bump_version()
            running_var._bump_version()
    else:
        mean = running_mean._data.reshape(shape)
        invstd = 1.0 / np.sqrt(running_var._data.reshape(shape) + eps)
    y = (x - mean) * invstd
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y.astype(x.dtype, copy=False)


def _bn_xhat(input, training, eps, running_mean, running_var, xp) -> tuple:
    """``xhat``, ``invstd``, the reduced dims and the per-channel shape of a batch norm."""
    x = input
    dims = (0,) + tuple(range(2, x.ndim))
    shape = _channel_shape(x.ndim, x.shape[1])
    if training:
        xhat, invstd = _normalized(x, dims, eps, xp)
        return xhat, invstd, dims, shape
    dtype = x._data.dtype if x.__class__ is Tensor else x.dtype
    mean = xp.asarray(running_mean._data.reshape(shape).astype(dtype))
    invstd = (1.0 / np.sqrt(running_var._data.reshape(shape) + eps)).astype(dtype, copy=False)
    invstd = xp.asarray(invstd)
    return (x - mean) * invstd, invstd, dims, shape


def _bn_input_rule(grad, input, weight, training, eps, running_mean, running_var, xp):
    xhat, invstd, dims, shape = _bn_xhat(input, training, eps, running_mean, running_var, xp)
    gxhat = grad * xp.reshape(weight, shape) if weight is not None else grad
    if not training:
        return gxhat * invstd
    return _norm_input_grad(gxhat, xhat, invstd, dims, xp)


def _bn_weight_rule(grad, input, training, eps, running_mean, running_var, xp):
    xhat, _, dims, _ = _bn_xhat(input, training, eps, running_mean, running_var, xp)
    return xp.sum(grad * xhat, dims)


def _bn_stats(s: dict) -> tuple:
    """``_bn_xhat`` of a node's saved values (for the forward rules)."""
    running = s["running_mean"], s["running_var"]
    return _bn_xhat(s["input"], s["training"], s["eps"], *running, TENSORS)


def _bn_weight_jvp(t: Tensor, s: dict) -> Tensor:
    xhat, _, _, shape = _bn_stats(s)
    return t.reshape(shape) * xhat


_batch_norm = Primitive(
    "batch_norm",
    "NativeBatchNormBackward0",
    _bn_forward,
    input=_bn_input_rule,
    weight=_bn_weight_rule,
    bias=lambda grad, xp: xp.sum(grad, (0,) + tuple(range(2, grad.ndim))),
    attrs=(
        "eps",
        "input",
        "result1",
        "result2",
        "running_mean",
        "running_var",
        "training",
        "weight",
    ),
    display={"result1": lambda node: None, "result2": lambda node: None},
    # per channel the normalisation's Jacobian is symmetric and the weight a constant factor,
    # so the input's backward rule is its forward rule
    jvp=(
        bind_rule(_bn_input_rule, TENSORS),
        _bn_weight_jvp,
        lambda t, s: t.reshape(_channel_shape(s["input"].ndim, t.shape[0])),
    ),
)


def _empty_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    """An empty batch, as PyTorch handles it: nothing to normalise and no statistics to
    update; the affine part alone keeps the weight and bias in the graph (zero gradients)."""
    shape = _channel_shape(input.ndim, input.shape[1])
    out = input if weight is None else input * weight.reshape(shape)
    return out if bias is None else out + bias.reshape(shape)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dimension 1) by the batch's statistics (``training=True``,
    which also updates the running ones) or by the running statistics.

    Args:
        input: ``(N, C, ...)``.
        running_mean: the running mean per channel, updated in place when training (or ``None``).
        running_var: the running variance per channel, likewise.
        weight: a scale per channel, or ``None``.
        bias: a shift per channel, or ``None``.
        training: use and update batch statistics.
        momentum: the weight of the new batch in the running statistics.
        eps: added to the variance for numerical stability.

    >>> F.batch_norm(torch.tensor([[1.0], [3.0]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    >>> F.batch_norm(torch.tensor([[1.0], [3.0]]), torch.tensor([1.0]), torch.tensor([4.0]))
    tensor([[0.0000],
            [1.0000]])
    """
    if input.numel() == 0:
        return _empty_batch_norm(input, weight, bias)
    if training:
        per_channel = input.numel() // input.shape[1]
        if per_channel <= 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, got input "
                f"size {input.shape}"
            )
    elif running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    return apply(
        _batch_norm,
        input,
        weight,
        bias,
        running_mean=running_mean,
        running_var=running_var,
        training=training,
        momentum=0.1 if momentum is None else momentum,
        eps=eps,
    )


# -- layer norm -------------------------------------------------------------------------------
def _ln_forward(x, weight, bias, normalized_shape, eps):
    dims = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    mean, _, invstd = _stats(x, dims, eps)
    y = (x - mean) * invstd
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y.astype(x.dtype, copy=False)


def _ln_dims(x, normalized_shape: tuple) -> tuple[tuple, tuple]:
    """The normalised dims and the leading ones."""
    n = len(normalized_shape)
    return tuple(range(x.ndim - n, x.ndim)), tuple(range(x.ndim - n))


def _ln_input_rule(grad, input, weight, normalized_shape, eps, xp):
    dims, _ = _ln_dims(input, normalized_shape)
    xhat, invstd = _normalized(input, dims, eps, xp)
    return _norm_input_grad(grad * weight if weight is not None else grad, xhat, invstd, dims, xp)


def _ln_weight_rule(grad, input, normalized_shape, eps, xp):
    dims, lead = _ln_dims(input, normalized_shape)
    xhat, _ = _normalized(input, dims, eps, xp)
    return xp.sum(grad * xhat, lead) if lead else grad * xhat


def _ln_bias_rule(grad, normalized_shape, xp):
    lead = tuple(range(grad.ndim - len(normalized_shape)))
    return xp.sum(grad, lead) if lead else grad


def _ln_input_jvp(t: Tensor, s: dict) -> Tensor:
    """The normalisation's (symmetric) Jacobian applied to ``t``, then the weight."""
    dims, _ = _ln_dims(s["input"], s["normalized_shape"])
    xhat, invstd = _normalized(s["input"], dims, s["eps"], TENSORS)
    w = s["weight"]
    dxhat = _norm_input_grad(t, xhat, invstd, dims, TENSORS)
    return dxhat * w if w is not None else dxhat


def _ln_weight_jvp(t: Tensor, s: dict) -> Tensor:
    dims, _ = _ln_dims(s["input"], s["normalized_shape"])
    return t * _normalized(s["input"], dims, s["eps"], TENSORS)[0]


_layer_norm = Primitive(
    "layer_norm",
    "NativeLayerNormBackward0",
    _ln_forward,
    input=_ln_input_rule,
    weight=_ln_weight_rule,
    bias=_ln_bias_rule,
    attrs=("bias", "input", "normalized_shape", "result1", "result2", "weight"),
    display={"result1": lambda node: None, "result2": lambda node: None},
    jvp=(_ln_input_jvp, _ln_weight_jvp, lambda t, s: t),
)


def layer_norm(
    input: Tensor,
    normalized_shape,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dimensions (mean 0, variance 1),
    then scale and shift.

    Args:
        input: the tensor.
        normalized_shape: the shape of the trailing dimensions to normalise over.
        weight: a scale of shape ``normalized_shape``, or ``None``.
        bias: a shift of shape ``normalized_shape``, or ``None``.
        eps: added to the variance for numerical stability.

    >>> F.layer_norm(torch.tensor([[1.0, 2.0, 3.0]]), (3,))
    tensor([[-1.2247,  0.0000,  1.2247]])
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape) :]) != shape:
        expected = "[*, " + ", ".join(map(str, shape)) + "]"
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape {expected}, but "
            f"got input of size{list(input.shape)}"
        )
    return apply(_layer_norm, input, weight, bias, normalized_shape=shape, eps=eps)


# -- embedding --------------------------------------------------------------------------------
def _grad_scale(indices: np.ndarray, num_weights: int, padding_idx, by_freq: bool):
    """Per-lookup factor of the weight gradient: 0 at ``padding_idx``, 1/count by frequency."""
    scale = np.ones(indices.shape)
    if by_freq:
        scale = scale / np.bincount(indices.ravel(), minlength=num_weights)[indices]
    if padding_idx is not None:
        scale = np.where(indices == padding_idx, 0.0, scale)
    return scale


def _embedding_backward(g, indices, num_weights, padding_idx, scale_grad_by_freq, **_):
    idx = indices._data if isinstance(indices, Tensor) else indices  # (on arrays: an array)
    d = g.shape[-1]
    rows = g.reshape(-1, d) * _grad_scale(
        idx, num_weights, padding_idx, scale_grad_by_freq
    ).reshape(-1, 1)
    out = np.zeros((num_weights, d), g.dtype)
    np.add.at(out, idx.ravel(), rows.astype(g.dtype, copy=False))
    return out


def _embedding_double_rule(grad, indices, num_weights, padding_idx, scale_grad_by_freq, xp):
    """The rows of ``grad`` at ``indices``, each times its weight gradient's factor."""
    index = indices._data if isinstance(indices, Tensor) else indices
    looked = xp.embedding(
        grad,
        indices=indices,
        padding_idx=None,
        scale_grad_by_freq=False,
        sparse=False,
        weight_sym_argsize_0=grad.shape[0],
    )
    scale = _grad_scale(index, num_weights, padding_idx, scale_grad_by_freq)[..., None]
    dtype = grad._data.dtype if isinstance(grad, Tensor) else grad.dtype
    return looked * xp.asarray(scale.astype(dtype))


_embedding = Primitive(
    "embedding",
    "EmbeddingBackward0",
    lambda w, indices, **_: w[indices._data],
    weight=lambda grad, indices, weight_sym_argsize_0, padding_idx, scale_grad_by_freq, xp: (
        xp.embedding_dense_backward(
            grad,
            indices=xp.asarray(indices),
            num_weights=weight_sym_argsize_0,
            padding_idx=padding_idx,
            scale_grad_by_freq=scale_grad_by_freq,
        )
    ),
    attrs=("indices", "padding_idx", "scale_grad_by_freq", "sparse", "weight_sym_argsize_0"),
    jvp=LINEAR,
)
_embedding_dense_backward = Primitive(
    "embedding_dense_backward",
    "EmbeddingDenseBackwardBackward0",
    _embedding_backward,
    self=_embedding_double_rule,
    attrs=(),
    jvp=LINEAR,
)


def embedding_lookup(
    weight: Tensor,
    indices: Tensor,
    padding_idx=None,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    return apply(
        _embedding,
        weight,
        indices=indices,
        padding_idx=padding_idx,
        scale_grad_by_freq=scale_grad_by_freq,
        sparse=sparse,
        weight_sym_argsize_0=weight._data.shape[0],
    )


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` picked by the integer ``input``; see ``nn.Embedding``.

    Args:
        input: an integer tensor of indices.
        weight: the table, ``(num_embeddings, embedding_dim)``.
        padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse: as in ``nn.Embedding``.

    >>> F.embedding(torch.tensor([1, 0]), torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
    tensor([[2., 3.],
            [0., 1.]])
    """
    if input.dtype.category > 1:
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got torch.{input.dtype.legacy}Tensor instead (while checking "
            "arguments for embedding)"
        )
    num = weight.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            padding_idx += num
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    idx = input._data
    _check_rows(idx, num)
    if max_norm is not None:
        renorm_rows(weight, idx, max_norm, norm_type)
    return embedding_lookup(weight, input, padding_idx, scale_grad_by_freq, sparse)


@array_step
def _check_rows(idx: np.ndarray, num: int) -> None:
    """Embedding indices lie in [0, num)."""
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise IndexError("index out of range in self")


__all__ = ["batch_norm", "embedding", "layer_norm"]
