"""A replay computes from the values it is given: tensor indices, masks, one_hot and the checks
of index bounds run at every replay, as eagerly (regressions: replays used the recorded
indices, and a negative index wrapped silently)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad
import graphgrad.nn.functional as F
from graphgrad import nn

from ._helpers import replayed


def _outcome(fn, *args):
    try:
        return fn(*args).tolist()
    except Exception as e:  # noqa: BLE001 - the same error on both sides is agreement
        return (type(e).__name__, str(e))


def _agree(fn, calls: list[tuple], expect_replay: bool | None = True) -> None:
    """``fn`` compiled and eager give the same results or errors on each of ``calls`` (the
    first two record and check the program; the rest replay it, or run eagerly where
    ``expect_replay`` is False; None: either)."""
    compiled = graphgrad.compile(fn)
    with graphgrad.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args in calls:
            assert _outcome(compiled, *args) == _outcome(fn, *args), args
    if expect_replay is not None:
        assert replayed(compiled) == expect_replay


def _index(*values):
    return graphgrad.tensor(list(values))


X = graphgrad.arange(10.0).reshape(5, 2)


def test_tensor_indices_are_read_at_each_replay():
    calls = [(X, _index(1, 2))] * 3 + [(X, _index(4, 0)), (X, _index(-1, 3)), (X, _index(5, 0))]
    _agree(lambda x, i: x[i] * 2, calls)
    _agree(lambda x, i: x[:, 1][i] + x[i, 0], calls)


def test_index_put_reads_its_indices():
    def put(x, i):
        y = x.clone()
        y[i] = -1.0
        return y

    _agree(put, [(X, _index(0, 1))] * 3 + [(X, _index(3, 4)), (X, _index(7, 0))])


def test_a_boolean_mask_runs_eagerly():
    def masked(x, m):
        return x[m] * 2

    mask = graphgrad.tensor([True, False, True, False, False])
    other = graphgrad.tensor([False, True, True, True, False])
    _agree(masked, [(X, mask)] * 3 + [(X, other)], expect_replay=False)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, i: x.index_select(0, i),
        lambda x, i: x.reshape(-1).take(i),
        lambda x, i: x.index_copy(0, i, graphgrad.ones(2, 2)),
        lambda x, i: x.reshape(-1).put(i, graphgrad.tensor([7.0, 8.0])),
        lambda x, i: x.gather(0, i.reshape(2, 1).expand(2, 2)),
    ],
)
def test_index_bounds_are_checked_at_each_replay(fn):
    _agree(fn, [(X, _index(0, 1))] * 3 + [(X, _index(2, 4)), (X, _index(9, 0)), (X, _index(-7, 1))])


def test_embedding_and_one_hot_at_each_replay():
    graphgrad.manual_seed(0)
    emb = nn.Embedding(5, 3)

    def lookup(i, y):
        return emb(i).sum(-1) + F.one_hot(y, 3).float().sum(-1) * 2

    ok = (_index(0, 1, 2), _index(2, 1, 0))
    _agree(lookup, [ok] * 3 + [(_index(4, 3, 0), _index(0, 0, 1))])
    for bad in [(_index(0, 7, 1), ok[1]), (_index(0, -1, 1), ok[1])]:
        _agree(lookup, [ok] * 3 + [bad])  # "index out of range in self", not a wrapped row
    for bad in [(ok[0], _index(0, 3, 1)), (ok[0], _index(0, -1, 1))]:
        _agree(lookup, [ok] * 3 + [bad])  # one_hot's "Class values must be ..."


def test_one_hot_with_classes_from_the_values_runs_eagerly():
    _agree(lambda y: F.one_hot(y), [(_index(0, 2),)] * 3 + [(_index(1, 4),)], expect_replay=False)


def test_a_training_step_with_changing_targets():
    # an embedding model fed new indices and targets at every step, compiled and eager
    def make():
        graphgrad.manual_seed(4)
        emb, head = nn.Embedding(7, 4), nn.Linear(4, 3)
        opt = graphgrad.optim.Adam([*emb.parameters(), *head.parameters()], lr=0.1)

        def step(i, y):
            opt.zero_grad()
            loss = F.cross_entropy(head(emb(i)), y) + F.one_hot(y, 3).float().mean()
            loss.backward()
            opt.step()
            return loss.detach()

        return step

    compiled, eager = graphgrad.compile(make()), make()
    gen = graphgrad.Generator().manual_seed(5)
    for _ in range(8):
        i, y = (
            graphgrad.randint(0, 7, (6,), generator=gen),
            graphgrad.randint(0, 3, (6,), generator=gen),
        )
        assert compiled(i, y).tolist() == eager(i, y).tolist()
    assert replayed(compiled)


# Ops whose results come from values: each either replays from the replay's own values or runs
# eagerly; none may replay the first call's result (regressions: all of these did).
_FROM_VALUES = {
    "greater": lambda x, i: x > i.float().sum(),
    "masked_fill": lambda x, i: x.masked_fill(x > i.float().sum(), -1.0),
    "where": lambda x, i: graphgrad.where(x > i.float().sum(), x, -x),
    "isnan": lambda x, i: (x / i.float().sum()).isnan(),
    "all": lambda x, i: (x > i.float().sum()).all(1),
    "nan_to_num": lambda x, i: (x / i.float().sum()).nan_to_num(),
    "nonzero": lambda x, i: graphgrad.where(x > i.float().sum())[0],
    "argwhere": lambda x, i: graphgrad.argwhere(x > i.float().sum()),
    "repeat_interleave": lambda x, i: x[0].repeat_interleave(i.abs() + 1),
    "bincount": lambda x, i: graphgrad.bincount(i.abs()),
    "sort": lambda x, i: (x * (i.float().sum() - 1)).sort(dim=1)[1],
    "max_dim": lambda x, i: (x * (i.float().sum() - 1)).max(1)[1],
    "kthvalue": lambda x, i: (x * (i.float().sum() - 1)).kthvalue(2, 1)[1],
    "searchsorted": lambda x, i: graphgrad.searchsorted(
        graphgrad.tensor([0.0, 1.0, 5.0]), i.float()
    ),
    "histc": lambda x, i: graphgrad.histc(x + i.float().sum(), bins=4, min=-5, max=5),
    "unique": lambda x, i: graphgrad.unique(i),
}


@pytest.mark.parametrize("name", sorted(_FROM_VALUES))
def test_results_from_values_are_never_stale(name):
    x = graphgrad.arange(12.0).reshape(3, 4) - 5
    _agree(
        _FROM_VALUES[name],
        [(x, _index(0, 0))] * 3 + [(x, _index(3, 2)), (x, _index(-1, 0))],
        expect_replay=None,
    )


def test_a_numpy_buffer_refilled_between_calls():
    # torch.tensor(buf) and torch.from_numpy(buf) read the caller's array at each replay (they
    # were frozen as constants of the recording)
    buf = np.zeros(3, np.float32)
    w = graphgrad.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def step():
        w.grad = None
        (w * graphgrad.tensor(buf) + w * graphgrad.from_numpy(buf) ** 2).sum().backward()
        return w.grad.clone()

    compiled = graphgrad.compile(step)
    for value in (1.0, 1.0, 1.0, 5.0, -2.0):
        buf[:] = value
        assert compiled().tolist() == step().tolist() == [value + value**2] * 3
    assert replayed(compiled)


def test_accuracy_in_a_training_step_replays():
    # argmax, topk, max(dim) and sort indices are recorded steps: a step that measures its
    # accuracy replays, and from each call's own outputs
    def make():
        graphgrad.manual_seed(0)
        model = nn.Linear(4, 3)
        opt = graphgrad.optim.SGD(model.parameters(), lr=0.1)

        def step(x, y):
            opt.zero_grad()
            out = model(x)
            F.cross_entropy(out, y).backward()
            opt.step()
            acc = (out.argmax(1) == y).float().mean()
            return acc, out.topk(2, 1).indices, out.max(1).indices, out.detach().sort(1).indices

        return step

    compiled, eager = graphgrad.compile(make()), make()
    gen = graphgrad.Generator().manual_seed(1)
    for _ in range(6):
        x, y = graphgrad.randn(5, 4, generator=gen), graphgrad.randint(0, 3, (5,), generator=gen)
        got, want = compiled(x, y), eager(x, y)
        assert [t.tolist() for t in got] == [t.tolist() for t in want]
    assert replayed(compiled)


def test_out_tensors_are_written_at_each_replay():
    # out= wrote into the tensor outside the recorded ops: a replay left it (and what read it)
    # as the first call had made it
    out = graphgrad.zeros(3)
    _agree(
        lambda x, o: graphgrad.add(x, 1, out=o) * 2 + o,
        [(graphgrad.full((3,), 1.0), out)] * 3 + [(graphgrad.full((3,), 5.0), out)],
    )
    assert out.tolist() == [6.0, 6.0, 6.0]


INDEXING = {
    "z[y]": lambda z, y: z[y],
    "z[:, y]": lambda z, y: z[:, y],
    "z[arange, y]": lambda z, y: z[graphgrad.arange(4), y],
    "z[range, y]": lambda z, y: z[range(4), y],
    "index_put": lambda z, y: graphgrad.index_put(z * 1, (graphgrad.arange(4), y), z[:, 0]),
    "setitem": lambda z, y: _setitem(z * 1, y),
}


def _setitem(o, y):
    o[graphgrad.arange(4), y] = o[:, 1] * 2
    return o


@pytest.mark.parametrize("alone", [False, True], ids=["step", "model alone"])
@pytest.mark.parametrize("name", sorted(INDEXING))
def test_the_backward_of_indexing_reads_this_calls_indices(name, alone):
    # (the recorded backward read the indices the node saved, a tuple of tensors, frozen at
    # the recorded call's: with the same indices at the first two calls the check passed,
    # and later calls scattered their gradients where the first call's indices pointed)
    def run(compiled: bool) -> list:
        gen = graphgrad.Generator().manual_seed(0)
        w = graphgrad.randn(3, 3, generator=gen, requires_grad=True)
        x = graphgrad.randn(4, 3, generator=gen)
        forward = lambda xb, yb: INDEXING[name](xb @ w, yb)  # noqa: E731
        if alone:
            forward = graphgrad.compile(forward) if compiled else forward

        def step(xb, yb):
            w.grad = None
            forward(xb, yb).sum().backward()
            return w.grad

        step = graphgrad.compile(step) if compiled and not alone else step
        grads = [
            step(x, _index(*y)).tolist()
            for y in ([0, 1, 2, 0], [0, 1, 2, 0], [1, 1, 1, 1], [2, 0, 1, 2])
        ]
        return grads, replayed(step if not alone else forward) if compiled else None

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, did_replay = run(True)
    assert got == run(False)[0]
    assert did_replay


_REBINDS = {
    "unsqueeze_": (-1,),
    "squeeze_": (),
    "t_": (),
    "transpose_": (0, 1),
    "swapdims_": (0, 1),
    "swapaxes_": (0, 1),
    "as_strided_": ((3,), (2,)),
}


@pytest.mark.parametrize("name", sorted(_REBINDS))
def test_an_in_place_view_of_an_argument_replays(name):
    # char_rnn_generation's ``target_line_tensor.unsqueeze_(-1)``: the replay left the
    # argument's shape as it was, the check saw it, and the step never replayed
    def run(compiled: bool) -> list:
        graphgrad.manual_seed(0)
        w = nn.Parameter(graphgrad.randn(3, 2))

        def step(x, target):
            getattr(x, name)(*_REBINDS[name])
            loss = (x.reshape(-1)[:3] @ w).sum() * target.unsqueeze_(-1).sum()
            loss.backward()
            return loss

        f = graphgrad.compile(step) if compiled else step
        seen = []
        for i in range(4):
            x, target = (
                graphgrad.randn(2, 3) if name != "squeeze_" else graphgrad.randn(1, 3),
                graphgrad.tensor([i, 1]),
            )
            out = f(x, target)
            seen.append((out.item(), x.tolist(), x.shape, x.stride(), x._version, target.shape))
            seen.append((target._version, w.grad.tolist()))
        assert not compiled or replayed(f)
        return seen

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(True) == run(False)


@pytest.mark.parametrize("dtype", [None, graphgrad.float64])
def test_data_set_on_a_parameter_replays(dtype):
    def run(compiled: bool) -> list:
        graphgrad.manual_seed(0)
        lin = nn.Linear(3, 2)

        def step(x):
            new = lin.weight.data * 0.5
            lin.weight.data = new if dtype is None else new.to(dtype).float()
            loss = lin(x).sum()
            loss.backward()
            return loss

        f = graphgrad.compile(step) if compiled else step
        seen = [(f(graphgrad.full((1, 3), i + 0.5)).item(), lin.weight.tolist()) for i in range(4)]
        assert not compiled or replayed(f)
        return seen + [lin.weight.grad.tolist(), lin.weight.dtype, lin.weight._version]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(True) == run(False)


def test_an_update_written_through_data_in_place_replays():
    # ``w.data -= lr * w.grad`` (Python sets ``w.data`` to what ``-=`` gave back, the same
    # array): before, "given an array not made by a recorded op", and every call ran eagerly
    def run(compiled: bool) -> list:
        graphgrad.manual_seed(0)
        w, lin = graphgrad.randn(3, requires_grad=True), nn.Linear(3, 2)

        def step(x):
            loss = (lin(x * w) ** 2).sum()
            w.grad = None
            lin.zero_grad()
            loss.backward()
            w.data -= 0.1 * w.grad
            with graphgrad.no_grad():
                for p in lin.parameters():
                    p.data += -0.1 * p.grad
            return loss

        f = graphgrad.compile(step) if compiled else step
        seen = [f(graphgrad.full((3,), float(i))).item() for i in range(5)]
        assert not compiled or replayed(f)
        return seen + [w.tolist(), lin.weight.tolist(), w._version, lin.weight._version]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(True) == run(False)


def test_data_of_another_shape_on_a_parameter_runs_eagerly():
    # (the guards read a parameter's shape after the call: a recording that began with
    # another could pass them)
    w = nn.Parameter(graphgrad.ones(4))

    def step(x):
        w.data = (w.data * 2)[: w.shape[0] - 1]
        return (w * x[: w.shape[0]]).sum()

    f = graphgrad.compile(step)
    with pytest.warns(UserWarning, match="given an array of another shape or dtype"):
        got = [f(graphgrad.ones(4)).item() for _ in range(3)]
    assert got == [6.0, 8.0, 8.0] and not replayed(f)


def test_data_set_to_a_constant_runs_eagerly():
    # a replay would give every call's tensor the one recorded array
    lin = nn.Linear(3, 2)

    def step(x):
        lin.bias.data = graphgrad.zeros(2)
        return lin(x).sum()

    f = graphgrad.compile(step)
    with pytest.warns(UserWarning, match="given an array not made by a recorded op"):
        biases = []
        for _ in range(3):
            f(graphgrad.ones(1, 3))
            lin.bias.data.add_(1)
            biases.append(lin.bias.tolist())
    assert not replayed(f) and biases == [[1.0, 1.0]] * 3
