"""A graph convolutional network in the style of pytorch/examples' ``gcn/main.py``: a sparse
normalized adjacency and sparse features times dense weights, trained with Adam. The losses
must be torch's, to float32 rounding."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as gg

NODES, FEATURES, HIDDEN, CLASSES, EDGES = 40, 12, 8, 3, 90


def _graph(T):
    """Sparse features, the sparse normalized adjacency D^-1/2 (A + I) D^-1/2 and labels,
    built as gcn/main.py builds them (its edges are a NumPy int32 array)."""
    rng = np.random.default_rng(0)
    features = T.tensor((rng.random((NODES, FEATURES)) < 0.3).astype(np.float32))
    scale = 1 / T.sum(features, dim=1)
    scale[scale == float("inf")] = 0
    features = T.diag(scale).to_sparse() @ features
    edges = rng.integers(0, NODES, (EDGES, 2)).astype(np.int32)
    adj = T.sparse_coo_tensor(
        edges.T, T.ones(EDGES), (NODES, NODES), dtype=T.int64, check_invariants=True
    )
    adj = T.eye(NODES) + adj
    degree = T.diag(T.sqrt(1 / T.sum(adj, dim=1))).to_sparse()
    adj = degree @ adj @ degree
    labels = T.tensor(rng.integers(0, CLASSES, NODES))
    return features.to_sparse(), adj.to_sparse(), labels


def _model(T):
    rng = np.random.default_rng(1)

    class GraphConv(T.nn.Module):
        def __init__(self, n_in: int, n_out: int) -> None:
            super().__init__()
            self.kernel = T.nn.Parameter(
                T.tensor(rng.normal(0, 0.3, (n_in, n_out)), dtype=T.float32)
            )
            self.bias = T.nn.Parameter(T.zeros(n_out))

        def forward(self, x, adj):
            return T.spmm(adj, T.mm(x, self.kernel)) + self.bias

    class GCN(T.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gc1 = GraphConv(FEATURES, HIDDEN)
            self.gc2 = GraphConv(HIDDEN, CLASSES)

        def forward(self, x, adj):
            x = T.nn.functional.relu(self.gc1(x, adj))
            return T.nn.functional.log_softmax(self.gc2(x, adj), dim=1)

    return GCN()


def _train(T, steps: int = 6) -> tuple[list[float], np.ndarray]:
    features, adj, labels = _graph(T)
    model = _model(T)
    optimizer = T.optim.Adam(model.parameters(), lr=0.05, weight_decay=5e-4)
    train = T.arange(NODES // 2)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = T.nn.functional.nll_loss(model(features, adj)[train], labels[train])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, model.gc1.kernel.detach().numpy().copy()


def test_gcn_trains_as_in_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _train(gg), _train(torch)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
    assert ours[0][-1] < ours[0][0]


def test_gcn_inputs_are_sparse_and_the_gradients_dense():
    features, adj, _ = _graph(gg)
    assert features.is_sparse and adj.is_sparse and adj.is_coalesced()
    model = _model(gg)
    model(features, adj).sum().backward()
    assert not model.gc1.kernel.grad.is_sparse
    assert model.gc1.kernel.grad.shape == (FEATURES, HIDDEN)
