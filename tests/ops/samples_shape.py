# ruff: noqa: N803 - ``T`` is the module under test (graphgrad or torch), as in sample.py
"""Samples for the shape primitives (ops/shape/core.py and ops/shape/join.py)."""

from __future__ import annotations

import numpy as np

from .sample import Sample


def _grad_of(view_fn):
    """The gradient of ``view_fn(a)`` for the output gradient ``g``, as a differentiable
    function of ``g`` (reaches the backward-of-backward primitives)."""

    def fn(T, a, g):
        if not a.requires_grad:  # the forward-only test passes inputs without grad
            a = a.detach().requires_grad_()
        return T.autograd.grad(view_fn(a), a, g, create_graph=True)[0]

    return fn


def _rnn_layer_stack(T, a, b):
    """Reached directly: an LSTM layer uses it only in float32, and these tests run float64."""
    from graphgrad.ops.shape.join import rnn_layer_stack

    return rnn_layer_stack([a, b, a])


def _embed_diagonal(g, shape, offset=0):
    out = np.zeros(shape)
    n = len(g)
    rows = np.arange(n) + max(-offset, 0)
    out[rows, rows + offset] = g
    return out


def _pieces_mixed(T, a):
    p, q = a.split(2, 1)
    return p * 2 + q


def _unbind_product(T, a):
    rows = a.unbind()
    return rows[0] * rows[2]


SAMPLES = {
    "view": [
        Sample(lambda T, a: a.view(2, 6), ref=lambda a: a.reshape(2, 6)),
        Sample(lambda T, a: a.reshape(-1), ref=lambda a: a.reshape(-1)),
        Sample(lambda T, a: a.flatten(), ((2, 3, 4),), ref=lambda a: a.reshape(-1)),
        Sample(lambda T, a: a.unflatten(1, (2, -1)), ref=lambda a: a.reshape(3, 2, 2)),
        Sample(lambda T, a: T.ravel(a), ref=np.ravel),
    ],
    "reshape_copy": [
        Sample(lambda T, a: a.t().reshape(12), ref=lambda a: a.T.reshape(12)),
        Sample(
            lambda T, a: a.transpose(0, 1).flatten(),
            ((2, 3, 4),),
            ref=lambda a: a.transpose(1, 0, 2).reshape(-1),
        ),
    ],
    "clone": [Sample(lambda T, a: a.clone(), ref=np.copy)],
    "expand": [
        Sample(
            lambda T, a: a.expand(2, 3, 4), ((3, 1),), ref=lambda a: np.broadcast_to(a, (2, 3, 4))
        ),
        Sample(
            lambda T, a: T.broadcast_to(a, (3, -1)),
            ((4,),),
            ref=lambda a: np.broadcast_to(a, (3, 4)),
        ),
    ],
    "unsqueeze": [
        Sample(lambda T, a: a.unsqueeze(1), ref=lambda a: a[:, None]),
        Sample(lambda T, a: a.unsqueeze(-1), ref=lambda a: a[..., None]),
        Sample(lambda T, a: a[None], ref=lambda a: a[None]),
        Sample(lambda T, a: a.unsqueeze(0), ((),), ref=lambda a: a[None]),
    ],
    "squeeze": [
        Sample(lambda T, a: a.squeeze(), ((3, 1, 4),), ref=np.squeeze),
        Sample(lambda T, a: a.squeeze() * 2, ((1, 1),), ref=lambda a: np.squeeze(a) * 2),
    ],
    "squeeze_dim": [Sample(lambda T, a: a.squeeze(1), ((3, 1, 4),), ref=lambda a: a.squeeze(1))],
    "squeeze_dims": [
        Sample(lambda T, a: a.squeeze((1, -1)), ((3, 1, 4, 1),), ref=lambda a: a.squeeze((1, 3)))
    ],
    "transpose": [
        Sample(lambda T, a: a.transpose(0, 1), ref=np.transpose),
        Sample(lambda T, a: a.mT, ((2, 3, 4),), ref=lambda a: a.swapaxes(-1, -2)),
        Sample(lambda T, a: a.swapaxes(-1, 0), ((2, 3, 4),), ref=lambda a: a.swapaxes(-1, 0)),
    ],
    "t": [Sample(lambda T, a: a.t(), ref=np.transpose)],
    "permute": [
        Sample(lambda T, a: a.permute(2, 0, 1), ((2, 3, 4),), ref=lambda a: a.transpose(2, 0, 1)),
        Sample(lambda T, a: a.T, ref=np.transpose),
        Sample(lambda T, a: a.movedim(0, -1), ((2, 3, 4),), ref=lambda a: np.moveaxis(a, 0, -1)),
    ],
    "alias": [Sample(lambda T, a: a[...], ref=lambda a: a)],
    "cat": [
        Sample(
            lambda T, a, b: T.cat([a, b], 1),
            ((3, 4), (3, 2)),
            ref=lambda a, b: np.concatenate([a, b], 1),
        ),
        Sample(
            lambda T, a, b: T.cat((a, b, a)),
            ((2, 3), (1, 3)),
            ref=lambda a, b: np.concatenate([a, b, a]),
        ),
        Sample(
            lambda T, a, b: T.hstack([a, b]), ((3,), (2,)), ref=lambda a, b: np.concatenate([a, b])
        ),
    ],
    "stack": [
        Sample(
            lambda T, a, b: T.stack([a, b], 1),
            ((3, 4), (3, 4)),
            ref=lambda a, b: np.stack([a, b], 1),
        ),
        Sample(
            lambda T, a, b: T.stack((a, b), -1), ((3,), (3,)), ref=lambda a, b: np.stack([a, b], -1)
        ),
    ],
    "rnn_layer_stack": [
        Sample(
            _rnn_layer_stack, ((2, 3), (2, 3)), ref=lambda a, b: np.stack([a, b, a]), parity=False
        )
    ],
    "split": [
        Sample(lambda T, a: a.split(2)[1], ((5, 2),), ref=lambda a: a[2:4]),
        Sample(lambda T, a: a.chunk(3, 1)[2], ((3, 5),), ref=lambda a: a[:, 4:]),
        Sample(_pieces_mixed, ref=lambda a: a[:, :2] * 2 + a[:, 2:]),
    ],
    "split_with_sizes": [Sample(lambda T, a: a.split([1, 2])[1], ref=lambda a: a[1:])],
    "unbind": [
        Sample(lambda T, a: a.unbind(1)[2], ref=lambda a: a[:, 2]),
        Sample(_unbind_product, ref=lambda a: a[0] * a[2]),
    ],
    "repeat": [
        Sample(lambda T, a: a.repeat(2, 1, 2), ref=lambda a: np.tile(a, (2, 1, 2))),
        Sample(lambda T, a: a.repeat(3), ((2,),), ref=lambda a: np.tile(a, 3)),
    ],
    "flip": [
        Sample(lambda T, a: a.flip(0), ref=lambda a: a[::-1]),
        Sample(lambda T, a: T.flip(a, (0, -1)), ref=lambda a: a[::-1, ::-1]),
        Sample(lambda T, a: a.fliplr(), ref=np.fliplr),
    ],
    "roll": [
        Sample(lambda T, a: a.roll(1, 1), ref=lambda a: np.roll(a, 1, 1)),
        Sample(lambda T, a: a.roll(5), ref=lambda a: np.roll(a, 5)),
        Sample(lambda T, a: a.roll((1, -1), (0, 1)), ref=lambda a: np.roll(a, (1, -1), (0, 1))),
    ],
    "tril": [
        Sample(lambda T, a: a.tril(), ref=np.tril),
        Sample(lambda T, a: T.tril(a, -1), ((2, 3, 3),), ref=lambda a: np.tril(a, -1)),
    ],
    "triu": [Sample(lambda T, a: a.triu(1), ref=lambda a: np.triu(a, 1))],
    "diagonal": [
        Sample(lambda T, a: a.diagonal(), ref=np.diagonal),
        Sample(lambda T, a: a.diagonal(1), ref=lambda a: np.diagonal(a, 1)),
        Sample(
            lambda T, a: a.diagonal(-1, 1, 2), ((2, 3, 4),), ref=lambda a: np.diagonal(a, -1, 1, 2)
        ),
    ],
    "diagonal_copy": [
        Sample(lambda T, a: T.diag(a), ref=np.diag),
        Sample(lambda T, a: a.diag(-1), ref=lambda a: np.diag(a, -1)),
    ],
    "diag_embed": [
        Sample(lambda T, a: T.diag(a), ((3,),), ref=np.diag),
        Sample(lambda T, a: a.diag(1), ((3,),), ref=lambda a: np.diag(a, 1)),
        Sample(
            lambda T, a: T.diag_embed(a), ((2, 3),), ref=lambda a: np.stack([np.diag(r) for r in a])
        ),
    ],
    "diagonal_backward": [
        Sample(
            _grad_of(lambda a: a.diagonal()),
            ((3, 4), (3,)),
            ref=lambda a, g: _embed_diagonal(g, a.shape),
        ),
    ],
}
