# ruff: noqa: N803, N806 - the module under test is ``T`` (graphgrad or torch), matrices A, B, G
"""The benchmark programs W1-W6, written once for any torch-like module ``T``.

Each builder takes ``T`` (``graphgrad`` or ``torch``) and returns ``step``: a zero-argument
callable that runs the workload once and returns the gradients it produced (a list of tensors),
so the runner can time it and check it against the other system. The same source runs on both
sides, so the comparison is of the libraries, not of two programs. The hand-written NumPy
versions (no graph at all) live in ``numpy_ref.py``.

>>> import graphgrad
>>> step = w1_seed1(graphgrad)
>>> step()[0]
tensor(14.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Step = Callable[[], list]

CHAIN_BLOCKS = 333  # 333 x (mul, add, tanh) + the final sum = 1000 ops
CHAIN_OPS = 3 * CHAIN_BLOCKS + 1
MLP_SIZES = (784, 256, 256, 10)
MATMUL_N = 1024


def w1_seed1(T) -> Step:
    """Seed example 1: create x, ``x**2 + 3``, backward."""

    def step() -> list:
        x = T.tensor(7.0, requires_grad=True)
        f = (x**2) + 3
        f.backward()
        return [x.grad]

    return step


_SEED2 = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]


def w2_seed2(T) -> Step:
    """Seed example 2: a cubic polynomial of a 3x3 tensor, summed, backward."""

    def step() -> list:
        x = T.tensor(_SEED2, requires_grad=True)
        z = ((x**3) + 7 * (x**2) + 5 * x + 10).sum()
        z.backward()
        return [x.grad]

    return step


def w3_seed4(T) -> Step:
    """Seed example 4 as written: randn leaves, a one-hidden-layer net, backward, SGD update."""
    T.manual_seed(0)  # graphgrad's streams are PyTorch's: both sides draw the same numbers

    def step() -> list:
        x = T.randn(1, 10, requires_grad=True)
        w1 = T.randn(10, 5, requires_grad=True)
        b1 = T.randn(5, requires_grad=True)
        h = x @ w1 + b1
        h = T.relu(h)
        w2 = T.randn(5, 1, requires_grad=True)
        b2 = T.randn(1, requires_grad=True)
        y = h @ w2 + b2
        y.backward()
        w1.data -= 0.01 * w1.grad.data
        b1.data -= 0.01 * b1.grad.data
        w2.data -= 0.01 * w2.grad.data
        b2.data -= 0.01 * b2.grad.data
        return [x.grad, w1.grad, b1.grad, w2.grad, b2.grad]

    return step


def seed4_arrays() -> list[np.ndarray]:
    """Fixed float32 values for the five leaves of seed example 4."""
    rng = np.random.default_rng(4)
    shapes = ((1, 10), (10, 5), (5,), (5, 1), (1,))
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


def w3_seed4_graph(T) -> Step:
    """Seed example 4 without the RNG: the leaves are made from fixed arrays (``T.tensor``)."""
    arrays = seed4_arrays()

    def step() -> list:
        x, w1, b1, w2, b2 = (T.tensor(a, requires_grad=True) for a in arrays)
        h = T.relu(x @ w1 + b1)
        y = h @ w2 + b2
        y.backward()
        w1.data -= 0.01 * w1.grad.data
        b1.data -= 0.01 * b1.grad.data
        w2.data -= 0.01 * w2.grad.data
        b2.data -= 0.01 * b2.grad.data
        return [x.grad, w1.grad, b1.grad, w2.grad, b2.grad]

    return step


def chain_input(size: int) -> np.ndarray:
    return np.linspace(-1.0, 1.0, size, dtype=np.float32)


def chain(T, size: int, blocks: int = CHAIN_BLOCKS) -> Step:
    """``blocks`` x (mul, add, tanh) on a ``size``-element leaf, then sum and backward."""
    x = T.tensor(chain_input(size), requires_grad=True)

    def step() -> list:
        x.grad = None
        y = x
        for _ in range(blocks):
            y = (y * 0.9 + 0.1).tanh()
        y.sum().backward()
        return [x.grad]

    return step


def mlp_arrays(batch: int) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Weights (PyTorch's Linear layout, its default init's range), inputs and labels."""
    rng = np.random.default_rng(5)
    params = []
    for fan_in, fan_out in zip(MLP_SIZES[:-1], MLP_SIZES[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    x = rng.standard_normal((batch, MLP_SIZES[0])).astype(np.float32)
    y = rng.integers(0, MLP_SIZES[-1], batch).astype(np.int64)
    return params, x, y


def mlp_model(T, batch: int):
    """The 784-256-256-10 ReLU MLP, its SGD optimiser and one batch, all from ``mlp_arrays``."""
    nn = T.nn
    sizes = MLP_SIZES
    model = nn.Sequential(
        nn.Linear(sizes[0], sizes[1]), nn.ReLU(),
        nn.Linear(sizes[1], sizes[2]), nn.ReLU(),
        nn.Linear(sizes[2], sizes[3]),
    )  # fmt: skip
    arrays, x, y = mlp_arrays(batch)
    with T.no_grad():
        for p, a in zip(model.parameters(), arrays):
            p.copy_(T.tensor(a))
    opt = T.optim.SGD(model.parameters(), lr=0.01)
    return model, opt, T.tensor(x), T.tensor(y)


def mlp(T, batch: int, compile_model: bool = False) -> Step:
    """W5: one SGD training step (zero_grad, forward, cross-entropy, backward, step); with
    ``compile_model``, through ``T.compile(model)`` (the loop stays eager)."""
    model, opt, x, y = mlp_model(T, batch)
    forward = T.compile(model) if compile_model else model
    cross_entropy = T.nn.functional.cross_entropy
    params = list(model.parameters())

    def step() -> list:
        opt.zero_grad()
        loss = cross_entropy(forward(x), y)
        loss.backward()
        opt.step()
        return [p.grad for p in params]

    return step


def matmul_arrays(n: int = MATMUL_N) -> list[np.ndarray]:
    rng = np.random.default_rng(6)
    return [rng.standard_normal((n, n)).astype(np.float32) for _ in range(3)]


def matmul(T, n: int = MATMUL_N) -> Step:
    """W6: ``C = A @ B`` and ``C.backward(G)``: three n x n matrix products."""
    a, b, g = matmul_arrays(n)
    A = T.tensor(a, requires_grad=True)
    B = T.tensor(b, requires_grad=True)
    G = T.tensor(g)

    def step() -> list:
        A.grad = None
        B.grad = None
        C = A @ B
        C.backward(G)
        return [A.grad, B.grad]

    return step
