"""Ops whose results come from values by NumPy but whose shapes do not: a compiled call replays
them, on each call's own values, with eager's bits (gradients included), and never falls back
(regressions: searchsorted, bucketize, histc, cummax/cummin, mode, nanmedian and scatter_reduce
ran eagerly, and nanmedian of all elements replayed the first call's position)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad as torch

from ._helpers import bits, replayed, run_both

RNG = np.random.default_rng(0)
NAN, INF = float("nan"), float("inf")


def _same_each_call(fn, calls, grad: tuple[int, ...] = ()) -> None:
    """``fn`` compiled and eager on each of ``calls`` (tuples of arrays, made into new tensors
    for each side, those at ``grad`` requiring grad): the same bits, and no fallback warning."""

    def args(arrays):
        return [torch.tensor(a, requires_grad=i in grad) for i, a in enumerate(arrays)]

    compiled = torch.compile(fn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for arrays in calls:
            assert bits(compiled(*args(arrays))) == bits(fn(*args(arrays)))
    assert replayed(compiled)


def _floats(shape, nans=0, infs=0, low=-3, high=3):
    """Rounded random floats (ties likely) with ``nans`` NaN and ``infs`` +-inf placed anew."""
    a = RNG.integers(low, high, shape) + RNG.choice([0.0, 0.5], shape)
    flat = a.reshape(-1)
    picked = RNG.permutation(flat.size)
    flat[picked[:nans]] = NAN
    flat[picked[nans : nans + infs]] = RNG.choice([INF, -INF], infs)
    return a


def _ints(shape, high=4):
    return RNG.integers(0, high, shape)


def _sorted(shape):
    return np.sort(_floats(shape), axis=-1)


def _grads_of(op):
    """A training-like step: ``op(x * 2)``'s first result weighted, summed, backward; returns
    the results (detached) and ``x.grad``."""

    def step(x, w):
        out = op(x * 2)
        outs = out if isinstance(out, tuple) else (out,)
        (outs[0] * w).sum().backward()
        return tuple(o.detach() for o in outs), x.grad

    return step


# -- nan_to_num ------------------------------------------------------------------------------
NON_FINITE = [_floats((3, 4), nans=n, infs=i) for n, i in ((2, 1), (0, 3), (4, 0), (1, 2), (0, 0))]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16])
def test_nan_to_num(dtype):
    calls = [(a,) for a in NON_FINITE]
    _same_each_call(lambda x: torch.nan_to_num(x.to(dtype) * 2), calls)
    _same_each_call(lambda x: x.to(dtype).nan_to_num(nan=1.5, posinf=7.0), calls)


def test_nan_to_num_gradient():
    w = np.arange(12.0).reshape(3, 4)
    step = _grads_of(lambda y: torch.nan_to_num(y, posinf=5.0, neginf=-5.0))
    _same_each_call(step, [(a, w) for a in NON_FINITE], grad=(0,))


# -- searchsorted, bucketize -----------------------------------------------------------------
@pytest.mark.parametrize("right", [False, True])
def test_searchsorted(right):
    def f(seq, v):
        return (
            torch.searchsorted(seq * 1, v + 0, right=right),
            torch.searchsorted(seq[0], v, side="right" if right else "left", out_int32=True),
            torch.searchsorted(seq[0], 0.5, right=right),
        )

    _same_each_call(f, [(_sorted((3, 6)), _floats((3, 4))) for _ in range(5)])


def test_searchsorted_with_a_sorter():
    def f(seq, v, sorter):
        return torch.searchsorted(seq, v * 1, sorter=sorter)

    seqs = [_floats((2, 6)) for _ in range(5)]
    _same_each_call(f, [(s, _floats((2, 3)), np.argsort(s, -1, kind="stable")) for s in seqs])


@pytest.mark.parametrize("right", [False, True])
def test_bucketize(right):
    def f(x, boundaries):
        return (
            torch.bucketize(x * 1, boundaries, right=right),
            torch.bucketize(x, boundaries * 2, out_int32=True, right=right),
        )

    _same_each_call(f, [(_floats((2, 5)), _sorted(7)) for _ in range(5)])


# -- histc -----------------------------------------------------------------------------------
def test_histc():
    def f(x):  # min = max = 0: the data's own range
        y = x * 1
        return torch.histc(y, bins=5, min=-2, max=2), y.histc(bins=4), torch.histc(y[0], 3)

    _same_each_call(f, [(_floats((3, 8), nans=n),) for n in (0, 2, 1, 0, 3)])


# -- cummax, cummin --------------------------------------------------------------------------
@pytest.mark.parametrize("op", [torch.cummax, torch.cummin])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cummax_cummin(op, dim):
    _same_each_call(
        lambda x: tuple(op(x * 1, dim)), [(_floats((4, 5), nans=n),) for n in (0, 2, 0, 1, 3)]
    )
    _same_each_call(lambda x: tuple(op(x + 1, dim)), [(_ints((4, 5)),) for _ in range(5)])


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_gradient(name):
    w = np.arange(20.0).reshape(4, 5)
    step = _grads_of(lambda y: tuple(getattr(y, name)(1)))
    _same_each_call(step, [(_floats((4, 5)), w) for _ in range(5)], grad=(0,))
    step = _grads_of(lambda y: tuple(getattr(torch, name)(y, 0)))  # 0-d
    _same_each_call(step, [(np.array(v), np.array(2.0)) for v in (1.0, -2.0, 3.0)], grad=(0,))


# -- mode, nanmedian -------------------------------------------------------------------------
@pytest.mark.parametrize("keepdim", [False, True])
def test_mode(keepdim):
    calls = [(_ints((3, 6)),) for _ in range(6)]
    _same_each_call(lambda x: tuple(torch.mode(x + 1, 1, keepdim)), calls)
    _same_each_call(lambda x: tuple((x * 2).mode(0, keepdim=keepdim)), calls)


def test_mode_gradient():
    w = np.array([1.0, 2.0, 3.0])
    step = _grads_of(lambda y: tuple(torch.mode(y)))
    _same_each_call(step, [(_ints((3, 6), 3) * 1.0, w) for _ in range(5)], grad=(0,))


def test_nanmedian_gradient():
    calls = [(_floats((3, 6), nans=n), np.array([1.0, 2.0, 3.0])) for n in (0, 3, 1, 5, 2)]
    _same_each_call(_grads_of(lambda y: tuple(torch.nanmedian(y, 1))), calls, grad=(0,))
    _same_each_call(_grads_of(lambda y: torch.nanmedian(y)), calls, grad=(0,))


# -- scatter_reduce --------------------------------------------------------------------------
REDUCTIONS = ["sum", "prod", "mean", "amax", "amin"]


def _scatter_calls(*zeros: int) -> list:
    """``(input, index, src)``: new values and a new index each time, with ties and, as many
    as ``zeros`` says, zeros in src (some meeting in one place)."""
    calls = []
    for z in zeros:
        src = _floats((2, 6), low=-2, high=2)
        src.reshape(-1)[RNG.permutation(12)[:z]] = 0.0
        calls.append((_floats((2, 3)), _ints((2, 5), 3), src))
    return calls


@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
def test_scatter_reduce(reduce, include_self, dtype):
    def f(a, index, src):
        a, src = a.to(dtype), src.to(dtype)
        return (
            torch.scatter_reduce(a * 1, 1, index, src, reduce, include_self=include_self),
            a.scatter_reduce(-1, index, src * 1, reduce, include_self=include_self),
        )

    _same_each_call(f, _scatter_calls(0, 2, 4, 0, 3))


@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_gradient(reduce, include_self):
    w = torch.arange(6.0, dtype=torch.float64).reshape(2, 3) - 2

    def step(a, index, src):
        out = a.scatter_reduce(1, index, src, reduce, include_self=include_self)
        (out * w).sum().backward()
        return out.detach(), a.grad, src.grad

    _same_each_call(step, _scatter_calls(0, 2, 5, 0, 3, 1), grad=(0, 2))


def test_a_return_type_or_a_named_tuple_is_returned_as_it_is():
    import collections

    pair = collections.namedtuple("pair", "shifted order")
    calls = [(_floats((5,)),) for _ in range(4)]
    _same_each_call(lambda x: torch.cummax(x * 2, 0), calls)
    _same_each_call(lambda x: pair(x + 1, x.sort(0)), calls)
    f = torch.compile(lambda x: torch.cummax(x * 2, 0))
    for (a,) in calls:
        out = f(torch.tensor(a))
    assert type(out).__name__ == "cummax" and out.indices.dtype == torch.int64


def test_where_between_two_numbers():
    calls = [(_floats((6,)),) for _ in range(4)]
    _same_each_call(lambda x: torch.where(x > 0, 1.0, 0.0) * x, calls)


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce(reduce):
    calls = [(_floats((3, 2)), _floats((4, 2)), _ints((4,), 3)) for _ in range(4)]
    _same_each_call(
        lambda x, s, i: x.index_reduce(0, i, s * 2, reduce, include_self=False), calls, grad=(1,)
    )


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: 2.0**x,  # a number's power: the primitive's scalar input is named self
        lambda x: torch.pow(10000.0, x / 4),
        lambda x: x[[0, 2, 1, 0]] * 3,  # a list as an index
        lambda x: (torch.std_mean(x)[0] - torch.std_mean(x)[1]) * x,  # each output used alone
    ],
    ids=["rpow", "pow", "list-index", "std_mean"],
)
def test_more_ops_replay_with_gradients(fn):
    calls = [(_floats((4,), low=-2, high=2), _floats((4,))) for _ in range(4)]
    _same_each_call(_grads_of(fn), calls, grad=(0,))


@pytest.mark.parametrize("shape", [(6, 5), (4, 5, 3), (2, 5, 2, 3)], ids=["2d", "3d", "4d"])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_with_label_smoothing_and_ignored_targets(shape, weighted):
    # the mean's denominator counts the targets not ignored: a different count at each call
    weight = torch.tensor(RNG.uniform(0.1, 2, 5).astype(np.float32)) if weighted else None

    def loss(x, y):
        return torch.nn.functional.cross_entropy(
            x, y, weight=weight, ignore_index=1, label_smoothing=0.2
        )

    target_shape = shape[:1] + shape[2:]
    calls = [(_floats(shape).astype(np.float32), _ints(target_shape, 5)) for _ in range(4)]
    _same_each_call(_grads_of_loss(loss), calls, grad=(0,))


def _grads_of_loss(loss):
    def step(x, y):
        out = loss(x, y)
        out.backward()
        return out.detach(), x.grad

    return step


@pytest.mark.parametrize(("n", "replacement"), [(1, False), (3, False), (1, True), (4, True)])
def test_multinomial_draws_again_at_each_replay(n, replacement):
    # a sampling loop's next token: the draws and the indices they pick are one recorded step
    gen = torch.Generator()

    def sample(weights):
        return torch.multinomial(weights * 2, n, replacement=replacement, generator=gen)

    compiled = torch.compile(sample)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for i in range(5):
            weights = torch.tensor(RNG.uniform(0.1, 1.0, (2, 6)))
            gen.manual_seed(i)
            got = compiled(weights)
            gen.manual_seed(i)
            assert bits(got) == bits(sample(weights))
    assert replayed(compiled)


# -- embedding_bag, cosine_embedding_loss ----------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "layout", "weighted"),
    [
        ("mean", "offsets", False),
        ("sum", "offsets", True),
        ("mean", "2d", False),
        ("sum", "last", False),
    ],
)
def test_embedding_bag_replays(mode, layout, weighted):
    # its bags come from the offsets' values, and the means' sizes from the bags: array steps
    # (it ran eagerly: "a tensor computed outside the operations")
    F = torch.nn.functional

    def bag(weight, indices, offsets, psw):
        kw = {"mode": mode, "per_sample_weights": psw if weighted else None}
        if layout == "2d":
            return F.embedding_bag(indices.reshape(3, 4), weight, **kw)
        last = layout == "last"
        return F.embedding_bag(indices, weight, offsets, include_last_offset=last, **kw)

    def call():
        cut = np.sort(RNG.choice(np.arange(1, 12), 2, replace=False))
        offsets = np.concatenate([[0], cut, [12]] if layout == "last" else [[0], cut])
        return (_floats((10, 3)), _ints((12,), 10), offsets, _floats((12,)))

    _same_each_call(_grads_of_first(bag), [call() for _ in range(4)], grad=(0,))


def _grads_of_first(op):
    """As ``_grads_of``, for an op of several arguments whose first requires grad."""

    def step(x, *rest):
        out = op(x * 2, *rest)
        (out * out).sum().backward()
        return out.detach(), x.grad

    return step


def test_embedding_bag_checks_each_replays_offsets():
    F = torch.nn.functional
    f = torch.compile(lambda w, i, o: F.embedding_bag(i, w, o))
    w, i = torch.ones(5, 2), torch.tensor([0, 1, 2, 3])
    for _ in range(3):
        f(w, i, torch.tensor([0, 2]))
    assert replayed(f)
    with pytest.raises(RuntimeError, match=r"offsets\[0\] has to be 0"):
        f(w, i, torch.tensor([1, 2]))


def test_cosine_embedding_loss_replays():
    # its zero came from ``new_zeros``, which a recording did not take as a constant
    F = torch.nn.functional
    calls = [(_floats((4, 3)), _floats((4, 3)), RNG.choice([-1.0, 1.0], 4)) for _ in range(4)]
    _same_each_call(
        _grads_of_first(lambda a, b, t: F.cosine_embedding_loss(a, b, t)), calls, grad=(0,)
    )


# -- poolings that pick their windows, resampling ------------------------------------------------
POOLS = {
    "adaptive_max_pool1d": lambda x: torch.nn.functional.adaptive_max_pool1d(x[0], 3),
    "adaptive_max_pool2d": lambda x: torch.nn.functional.adaptive_max_pool2d(
        x, (2, 3), return_indices=True
    ),
    "fractional_max_pool2d": lambda x: torch.nn.functional.fractional_max_pool2d(
        x, 2, output_size=3, _random_samples=torch.tensor([[[0.3, 0.6]], [[0.9, 0.1]]])
    ),
    "upsample_bilinear": lambda x: torch.nn.functional.interpolate(
        x, scale_factor=2, mode="bilinear"
    ),
    "upsample_bicubic": lambda x: torch.nn.functional.interpolate(
        x, size=(4, 9), mode="bicubic", align_corners=True
    ),
}


@pytest.mark.parametrize("name", POOLS)
def test_poolings_and_resampling_replay(name):
    # their windows' maxima are array steps and their taps constants (they ran eagerly)
    def step(x):
        out = POOLS[name](x * 2)
        first = out[0] if isinstance(out, tuple) else out
        (first * first).sum().backward()
        return out, x.grad

    _same_each_call(step, [(_floats((2, 1, 5, 7)),) for _ in range(4)], grad=(0,))


def test_a_branch_on_allclose_runs_the_call_eagerly():
    f = torch.compile(lambda a, b: a * 2 if torch.allclose(a, b) else a * 3)
    with pytest.warns(UserWarning, match=r"torch\.allclose\(\)"):
        outs = [f(torch.ones(2), torch.ones(2) * k).tolist() for k in (1, 1, 1, 2)]
    assert outs == [[2.0, 2.0]] * 3 + [[3.0, 3.0]]


F = torch.nn.functional
SHAPED = {  # index tables made from shapes: constants (they ran the call eagerly)
    "unfold": lambda x: F.unfold(x, 2),
    "fold": lambda x: F.fold(x.reshape(2, 4, 3), (2, 4), 2),
    "reflect": lambda x: F.pad(x, (2, 1, 1, 0), mode="reflect"),
    "replicate": lambda x: F.pad(x[0], (2, 1), mode="replicate"),
    "circular": lambda x: F.pad(x, (1, 2, 0, 1), mode="circular"),
}


@pytest.mark.parametrize("name", SHAPED)
def test_ops_with_index_tables_from_shapes_replay(name):
    def step(x):
        out = SHAPED[name](x * 2)
        (out * out).sum().backward()
        return out, x.grad

    _same_each_call(step, [(_floats((2, 1, 3, 4)),) for _ in range(4)], grad=(0,))


@pytest.mark.parametrize("which", ["multi_margin", "multilabel_margin"])
def test_margin_losses_replay_and_check_each_replays_targets(which):
    # the targets' masks are array steps, on each replay's targets
    def step(x, t):
        if which == "multi_margin":
            loss = F.multi_margin_loss(x * 2, t, p=2, weight=torch.arange(1.0, 5.0))
        else:
            loss = F.multilabel_margin_loss(x * 2, t)
        loss.backward()
        return loss, x.grad

    def targets():
        if which == "multi_margin":
            return _ints((3,), 4)
        return np.array([RNG.permutation([0, 1, 2, 3, -1])[:4] for _ in range(3)])

    _same_each_call(step, [(_floats((3, 4)), targets()) for _ in range(4)], grad=(0,))
    f = torch.compile(step)
    for _ in range(3):
        f(torch.tensor(_floats((3, 4)), requires_grad=True), torch.tensor(targets()))
    bad = torch.full((3,) if which == "multi_margin" else (3, 4), 7)
    with pytest.raises(RuntimeError, match="out of range"):
        f(torch.tensor(_floats((3, 4)), requires_grad=True), bad)


DRAWING = {  # layers that draw at each call: a replay draws its own, as eager does
    "fractional_max_pool": (
        lambda: torch.nn.FractionalMaxPool2d(2, output_ratio=0.5),
        (2, 3, 8, 8),
    ),
    "alpha_dropout": (lambda: torch.nn.AlphaDropout(0.3), (4, 6)),
}


@pytest.mark.parametrize("name", DRAWING)
def test_layers_that_draw_replay_with_eagers_draws(name):
    make_layer, shape = DRAWING[name]
    data = _floats(shape)

    def make():
        layer = make_layer()
        x = torch.tensor(data, requires_grad=True)

        def step():
            x.grad = None
            out = layer(x * 1)
            out.sum().backward()
            return out

        return step, [x]

    run_both(make, calls=5)


def test_normal_with_tensor_mean_and_std_replays():
    # its draws were scaled and shifted in place outside any step: the check caught it, and
    # the call ran eagerly; a replay's negative std raises PyTorch's error
    mean, std = _floats((3, 2)), np.abs(_floats((3, 2))) + 0.5

    def make():
        m, s = torch.tensor(mean), torch.tensor(std)

        def step():
            return torch.normal(m, s) * 2, torch.normal(m, 0.5)

        return step, [m, s]

    run_both(make, calls=5)
    f = torch.compile(lambda m, s: torch.normal(m, s))
    for _ in range(3):
        f(torch.tensor(mean), torch.tensor(std))
    assert replayed(f)
    with pytest.raises(RuntimeError, match=r"normal expects all elements of std >= 0\.0"):
        f(torch.tensor(mean), -torch.tensor(std))


def test_rrelu_in_training_draws_its_slopes_at_each_replay():
    # as many slopes as the replay's input has values that are not positive
    def make():
        act = torch.nn.RReLU(0.1, 0.3)
        w = torch.tensor([1.0, -1.0, 0.5, -0.5], requires_grad=True)
        gen = torch.Generator().manual_seed(4)

        def step():
            w.grad = None
            out = act(torch.randn(3, 4, generator=gen) * w)
            out.sum().backward()
            return out, w.grad

        return step, [w]

    run_both(make, calls=6)


def test_rrelu_after_normal_draws_on_the_same_generator():
    # the slopes are drawn inside a step, after draws a replay could have computed ahead: the
    # generator ends elsewhere, so those are drawn as they come
    def make():
        act = torch.nn.RReLU()

        def step():
            return act(torch.randn(4, 3)), torch.randn(2)

        return step, []

    run_both(make, calls=6)
