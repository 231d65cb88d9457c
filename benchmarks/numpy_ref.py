"""Hand-written NumPy forward+backward passes: the floor for any tape built on NumPy.

No graph, no wrappers: each function does the arithmetic of one workload and its derivative by
hand, in float32 like the other systems, and returns the same gradients as NumPy arrays.

>>> float(np_seed1()()[0])
14.0
"""

from __future__ import annotations

import numpy as np
from workloads import (
    CHAIN_BLOCKS,
    MLP_SIZES,
    Step,
    chain_input,
    matmul_arrays,
    mlp_arrays,
    seed4_arrays,
)  # fmt: skip

f32 = np.float32


def np_seed1() -> Step:
    def step() -> list:
        x = np.array(7.0, f32)
        f = x**2 + f32(3)  # noqa: F841 - the forward a tape would compute
        return [f32(2) * x]

    return step


def np_seed2() -> Step:
    data = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]

    def step() -> list:
        x = np.array(data, f32)
        x2 = x * x
        z = (x2 * x + 7 * x2 + 5 * x + 10).sum()  # noqa: F841
        return [3 * x2 + 14 * x + 5]

    return step


def np_seed4() -> Step:
    """Seed example 4 with leaves from fixed arrays (no RNG): forward, backward, update."""
    arrays = seed4_arrays()

    def step() -> list:
        x, w1, b1, w2, b2 = (a.copy() for a in arrays)
        pre = x @ w1 + b1
        h = np.maximum(pre, 0)
        y = h @ w2 + b2  # noqa: F841
        gy = np.ones((1, 1), f32)
        gw2 = h.T @ gy
        gb2 = gy.sum(0)
        gh = np.where(pre > 0, gy @ w2.T, f32(0))
        gw1 = x.T @ gh
        gb1 = gh.sum(0)
        gx = gh @ w1.T
        for p, g in ((w1, gw1), (b1, gb1), (w2, gw2), (b2, gb2)):
            p -= f32(0.01) * g
        return [gx, gw1, gb1, gw2, gb2]

    return step


def np_chain(size: int, blocks: int = CHAIN_BLOCKS) -> Step:
    """Mul, add, tanh ``blocks`` times; the backward walks the saved tanh outputs."""
    x = chain_input(size)
    c_mul, c_add, one = f32(0.9), f32(0.1), f32(1)

    def step() -> list:
        saved = []
        y = x
        for _ in range(blocks):
            y = np.tanh(y * c_mul + c_add)
            saved.append(y)
        y.sum()
        g = np.ones_like(x)
        for t in reversed(saved):
            g = g * (one - t * t)
            g = g * c_mul
        return [g]

    return step


def np_mlp(batch: int) -> Step:
    """One SGD step of the 784-256-256-10 ReLU MLP with softmax cross-entropy."""
    params, x, labels = mlp_arrays(batch)
    rows = np.arange(batch)
    lr = f32(0.01)
    n_layers = len(MLP_SIZES) - 1

    def step() -> list:
        acts, pres = [x], []
        a = x
        for i in range(n_layers):
            z = a @ params[2 * i].T + params[2 * i + 1]
            pres.append(z)
            a = np.maximum(z, 0) if i < n_layers - 1 else z
            acts.append(a)
        shifted = a - a.max(1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(1, keepdims=True)
        loss = -(shifted[rows, labels] - np.log(s[:, 0])).mean()  # noqa: F841
        g = e / s
        g[rows, labels] -= 1
        g /= f32(batch)
        grads = [None] * (2 * n_layers)
        for i in reversed(range(n_layers)):
            grads[2 * i] = g.T @ acts[i]
            grads[2 * i + 1] = g.sum(0)
            if i:
                g = g @ params[2 * i]
                g[pres[i - 1] <= 0] = 0
        for p, gr in zip(params, grads):
            p -= lr * gr
        return grads

    return step


def np_matmul() -> Step:
    a, b, g = matmul_arrays()

    def step() -> list:
        c = a @ b  # noqa: F841
        return [g @ b.T, a.T @ g]

    return step
