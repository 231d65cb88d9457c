# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch)
"""Samples for the nn primitives: convolution, pooling, norms, embedding and losses.

The primitives that only appear inside backward rules (the weight gradient of a convolution,
the scatters of pooling) are reached directly and have no PyTorch counterpart (parity=False).
"""

from __future__ import annotations

import numpy as np

from .sample import Sample


def _f(T):
    return T.nn.functional


def _pool_indices(T):
    x0 = T.tensor(np.random.default_rng(5).uniform(size=(2, 2, 4, 4)))
    return T.nn.functional.max_pool2d(x0, 2, return_indices=True)[1]


def _conv_weight(T, x, g):
    from graphgrad.nn.functional.conv import convolution_weight

    return convolution_weight(x, g, (2, 2), (1, 1), (0, 0), (1, 1), 1)


def _pool_scatter(T, g):
    from graphgrad.nn.functional.pool import max_pool_scatter

    return max_pool_scatter(g, _pool_indices(T), (4, 4))


def _pool_gather(T, a):
    from graphgrad.nn.functional.pool import max_pool_gather

    return max_pool_gather(a, _pool_indices(T))


def _unpool(T, x, nd: int):
    """max_unpool of ``x`` at the indices of a max pooling of a fixed input (distinct indices,
    where PyTorch's result is deterministic)."""
    size = (4,) * nd
    x0 = T.tensor(np.random.default_rng(6).uniform(size=(2, 2) + size))
    indices = getattr(T.nn.functional, f"max_pool{nd}d")(x0, 2, return_indices=True)[1]
    return getattr(T.nn.functional, f"max_unpool{nd}d")(x, indices, 2, output_size=size)


def _embedding_backward(T, g):
    from graphgrad.ops.primitive import REGISTRY, apply

    return apply(
        REGISTRY["embedding_dense_backward"],
        g,
        indices=T.tensor([0, 3, 1, 3]),
        num_weights=5,
        padding_idx=1,
        scale_grad_by_freq=True,
    )


def _apply(name: str, **params):
    def fn(T, g):
        from graphgrad.ops.primitive import REGISTRY, apply

        return apply(REGISTRY[name], g, **params)

    return fn


def _targets(T, values):
    return T.tensor(values)


def _probabilities(rng):
    return [rng.uniform(0.1, 0.9, (3, 4)), rng.uniform(0.0, 1.0, (3, 4))]


_AVG = dict(
    kernel_size=(2, 2),
    stride=(2, 2),
    padding=(0, 0),
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
    self_size=(4, 4),
)

SAMPLES = {
    "convolution": [
        Sample(lambda T, x, w, b: _f(T).conv2d(x, w, b), ((2, 2, 4, 4), (3, 2, 3, 3), (3,))),
        Sample(
            lambda T, x, w: _f(T).conv2d(x, w, stride=2, padding=1), ((1, 2, 5, 5), (2, 2, 3, 3))
        ),
        Sample(
            lambda T, x, w, b: _f(T).conv2d(x, w, b, groups=2, dilation=2),
            ((1, 4, 5, 5), (4, 2, 2, 2), (4,)),
        ),
        Sample(
            lambda T, x, w, b: _f(T).conv1d(x, w, b, stride=2, padding=1),
            ((2, 2, 7), (3, 2, 3), (3,)),
        ),
        Sample(
            lambda T, x, w, b: _f(T).conv_transpose2d(
                x, w, b, stride=2, padding=1, output_padding=1
            ),
            ((1, 2, 3, 3), (2, 3, 3, 3), (3,)),
        ),
    ],
    "convolution_weight": [
        Sample(_conv_weight, ((2, 2, 4, 4), (2, 3, 3, 3)), parity=False),
    ],
    "max_pool2d": [
        Sample(lambda T, x: _f(T).max_pool2d(x, 2), ((2, 2, 4, 4),)),
        Sample(
            lambda T, x: _f(T).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
            ((1, 2, 6, 5),),
        ),
        Sample(lambda T, x: _f(T).max_pool2d(x, 2, stride=1, dilation=2), ((1, 1, 5, 5),)),
        Sample(lambda T, x: _f(T).max_pool1d(x, 2), ((2, 3, 6),)),
    ],
    "max_pool_scatter": [
        Sample(_pool_scatter, ((2, 2, 2, 2),), parity=False),
    ],
    "max_pool_gather": [
        Sample(_pool_gather, ((2, 2, 4, 4),), parity=False),
    ],
    "max_unpool2d": [
        Sample(lambda T, x: _unpool(T, x, 2), ((2, 2, 2, 2),)),
        Sample(lambda T, x: _unpool(T, x, 1), ((2, 2, 2),), node="SqueezeBackward1"),
    ],
    "max_unpool3d": [Sample(lambda T, x: _unpool(T, x, 3), ((2, 2, 2, 2, 2),))],
    "avg_pool2d": [
        Sample(lambda T, x: _f(T).avg_pool2d(x, 2), ((2, 2, 4, 4),)),
        Sample(
            lambda T, x: _f(T).avg_pool2d(
                x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False
            ),
            ((1, 2, 6, 5),),
        ),
        Sample(lambda T, x: _f(T).avg_pool2d(x, 2, padding=1, divisor_override=3), ((1, 1, 4, 4),)),
        Sample(lambda T, x: _f(T).avg_pool1d(x, 3, stride=2), ((2, 2, 7),)),
    ],
    "avg_pool2d_backward": [
        Sample(_apply("avg_pool2d_backward", **_AVG), ((2, 2, 2, 2),), parity=False),
    ],
    "adaptive_avg_pool2d": [
        Sample(lambda T, x: _f(T).adaptive_avg_pool2d(x, (3, 2)), ((2, 2, 5, 4),)),
        Sample(lambda T, x: _f(T).adaptive_avg_pool1d(x, 3), ((2, 2, 7),)),
    ],
    "adaptive_avg_pool2d_backward": [
        Sample(
            _apply("adaptive_avg_pool2d_backward", sizes=((5, 3), (4, 2))),
            ((2, 2, 3, 2),),
            parity=False,
        ),
    ],
    "batch_norm": [
        Sample(
            lambda T, x, w, b: _f(T).batch_norm(x, None, None, w, b, training=True),
            ((3, 2, 2, 2), (2,), (2,)),
        ),
        Sample(lambda T, x: _f(T).batch_norm(x, None, None, training=True), ((4, 3),)),
        Sample(
            lambda T, x, w, b: _f(T).batch_norm(
                x,
                T.tensor([0.25, -0.5], dtype=T.float64),
                T.tensor([0.5, 2.0], dtype=T.float64),
                w,
                b,
                training=False,
            ),
            ((3, 2, 3), (2,), (2,)),
        ),
    ],
    "layer_norm": [
        Sample(lambda T, x, w, b: _f(T).layer_norm(x, (4,), w, b), ((3, 4), (4,), (4,))),
        Sample(lambda T, x: _f(T).layer_norm(x, (2, 3)), ((2, 2, 3),)),
    ],
    "embedding": [
        Sample(lambda T, w: _f(T).embedding(_targets(T, [[0, 2], [4, 2]]), w), ((5, 3),)),
        # padding_idx and scale_grad_by_freq change the gradient on purpose (not a derivative
        # any more), so gradcheck can only see a padding row that is never looked up.
        Sample(
            lambda T, w: _f(T).embedding(_targets(T, [0, 2, 1, 2]), w, padding_idx=3), ((4, 2),)
        ),
    ],
    "embedding_dense_backward": [
        Sample(_embedding_backward, ((4, 3),), parity=False),
    ],
    "nll_loss": [
        Sample(lambda T, a: _f(T).nll_loss(a, _targets(T, [1, 0, 3])), ((3, 4),)),
        Sample(
            lambda T, a: _f(T).nll_loss(a, _targets(T, [1, -100, 3]), reduction="sum"), ((3, 4),)
        ),
        Sample(
            lambda T, a: _f(T).nll_loss(
                a,
                _targets(T, [1, 0, 3]),
                weight=T.tensor([1.0, 2.0, 0.5, 3.0], dtype=a.dtype),  # (PyTorch: the same dtype)
                reduction="none",
            ),
            ((3, 4),),
        ),
        Sample(
            lambda T, a: _f(T).cross_entropy(
                a, _targets(T, [2, 0, 1]), ignore_index=0, label_smoothing=0.2
            ),
            ((3, 4),),
        ),
    ],
    "nll_loss2d": [
        Sample(lambda T, a: _f(T).cross_entropy(a, _targets(T, [[0, 2], [1, 1]])), ((2, 3, 2),)),
        Sample(
            lambda T, a: _f(T).nll_loss(a, _targets(T, [[0, 2, 1], [1, 1, 0]]), reduction="none"),
            ((2, 3, 3),),
        ),
        Sample(
            lambda T, a: _f(T).nll_loss(a, _targets(T, [[[0, 2], [1, 1]]]), reduction="sum"),
            ((1, 3, 2, 2),),
        ),
    ],
    "mse_loss": [
        Sample(
            lambda T, a, b: _f(T).mse_loss(a, b),
            ((3, 4), (3, 4)),
            lambda a, b: np.mean((a - b) ** 2),
        ),
        Sample(
            lambda T, a, b: _f(T).mse_loss(a, b, reduction="none"),
            ((3,), (3,)),
            lambda a, b: (a - b) ** 2,
        ),
        # a float64 target: the difference is taken in float64 (float32 samples: mixed)
        Sample(
            lambda T, a: _f(T).mse_loss(a, T.tensor([0.5, -1.0, 0.25], dtype=T.float64)),
            ((3,),),
        ),
    ],
    "smooth_l1_loss": [
        Sample(lambda T, a, b: _f(T).smooth_l1_loss(a, b, beta=0.5), ((3, 4), (3, 4))),
        Sample(lambda T, a, b: _f(T).smooth_l1_loss(a, b, reduction="sum"), ((5,), (5,))),
    ],
    "huber_loss": [
        Sample(lambda T, a, b: _f(T).huber_loss(a, b, delta=0.7), ((3, 4), (3, 4))),
    ],
    "binary_cross_entropy": [
        Sample(
            lambda T, x, t: _f(T).binary_cross_entropy(x, t), ((3, 4), (3, 4)), make=_probabilities
        ),
        Sample(
            lambda T, x, t: _f(T).binary_cross_entropy(
                x, t, weight=T.tensor([1.0, 2.0, 0.5, 1.5], dtype=T.float64), reduction="sum"
            ),
            ((3, 4), (3, 4)),
            make=_probabilities,
        ),
    ],
    "binary_cross_entropy_with_logits": [
        Sample(
            lambda T, x, t: _f(T).binary_cross_entropy_with_logits(x, t),
            ((3, 4), (3, 4)),
            make=lambda rng: [rng.uniform(-3, 3, (3, 4)), rng.uniform(0, 1, (3, 4))],
        ),
        Sample(
            lambda T, x, t: _f(T).binary_cross_entropy_with_logits(
                x,
                t,
                pos_weight=T.tensor([1.0, 2.0, 0.5, 3.0], dtype=T.float64),
                weight=T.tensor([2.0, 1.0, 1.0, 0.5], dtype=T.float64),
                reduction="none",
            ),
            ((3, 4), (3, 4)),
            make=lambda rng: [rng.uniform(-3, 3, (3, 4)), rng.uniform(0, 1, (3, 4))],
        ),
    ],
}
