"""Every reason a call is not recorded: it runs eagerly with one warning (or raises with
fullgraph=True), and its results stay eager's."""

from __future__ import annotations

import builtins
import random
import warnings

import numpy as np
import pytest

import graphgrad
from graphgrad.compile.recorder import Unsupported

from ._helpers import replayed, run_both

READS = {
    "item": lambda y: y.sum().item(),
    "bool": lambda y: bool(y.sum() > 0),
    "tolist": lambda y: y.tolist(),
    "numpy": lambda y: y.detach().numpy().sum(),
    "float": lambda y: float(y.sum()),
    "print": lambda y: str(y),
    "allclose": lambda y: graphgrad.allclose(y, graphgrad.zeros(2)),
    "equal": lambda y: graphgrad.equal(y, graphgrad.zeros(2)),
    "matrix_exp": lambda y: graphgrad.matrix_exp(y.reshape(1, 2) * y.reshape(2, 1) * 1e-3),
}
MESSAGES = {
    "item": "Tensor.item()",
    "bool": "bool(tensor)",
    "tolist": "Tensor.tolist()",
    "numpy": "Tensor.numpy()",
    "float": "float(tensor)",
    "print": "printing a tensor",
    "allclose": "torch.allclose()",  # (a Python bool of the values: replays kept the first)
    "equal": "torch.equal()",
    "matrix_exp": "torch.matrix_exp()",
}


def _reading_step(read):
    w = graphgrad.tensor([1.0, -2.0], requires_grad=True)

    def step():
        w.grad = None
        y = w * 3.0
        value = read(y)  # the line the warning names
        y.sum().backward()
        with graphgrad.no_grad():
            w.sub_(0.5 * w.grad)
        return value, w.grad

    return step, w


@pytest.mark.parametrize("kind", sorted(READS))
def test_reading_a_value_falls_back_with_a_warning_naming_the_line(kind):
    step, w = _reading_step(READS[kind])
    f = graphgrad.compile(step)
    with pytest.warns(UserWarning, match=r"runs eagerly: .*at .*test_fallbacks.py:\d+") as got:
        f()
    assert MESSAGES[kind] in str(got[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once only
        f()
        f()
    assert not replayed(f)
    assert w.tolist() == [1.0 - 3 * 1.5, -2.0 - 3 * 1.5]


@pytest.mark.parametrize("kind", sorted(READS))
def test_fullgraph_raises_naming_the_line(kind):
    step, _ = _reading_step(READS[kind])
    f = graphgrad.compile(step, fullgraph=True)
    with pytest.raises(Unsupported, match=r"fullgraph=True.*test_fallbacks.py:\d+"):
        f()


def _warns_and_agrees(make, match: str):
    with pytest.warns(UserWarning, match=match):
        compiled = run_both(make, calls=3, expect_replay=False)
    assert not replayed(compiled)


def test_data_dependent_shape_falls_back():
    def make():
        x = graphgrad.tensor([1.0, -2.0, 3.0], requires_grad=True)

        def step():
            x.grad = None
            y = graphgrad.masked_select(x, graphgrad.tensor([True, False, True]))
            y.sum().backward()
            return y.detach()

        return step, [x]

    _warns_and_agrees(make, "masked_select")


SPARSE_STEPS = {
    "sparse_mm": lambda s, w: graphgrad.mm(s, w),  # (a primitive made for sparse operands)
    "mul": lambda s, w: (s * 2.0).to_dense() @ w,  # (a kernel for a sparse operand)
}


@pytest.mark.parametrize("op", sorted(SPARSE_STEPS))
def test_a_sparse_operand_falls_back(op):
    def make():
        indices = graphgrad.tensor([[0, 1, 1], [2, 0, 2]])
        s = graphgrad.sparse_coo_tensor(indices, graphgrad.tensor([3.0, 4.0, 5.0]), (2, 3))
        w = graphgrad.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 1.5]], requires_grad=True)

        def step():
            w.grad = None
            SPARSE_STEPS[op](s, w).sum().backward()
            return w.grad

        return step, [w]

    _warns_and_agrees(make, f"{op} of a sparse tensor")


@pytest.mark.parametrize("op", sorted(SPARSE_STEPS))
def test_a_sparse_argument_falls_back(op):
    # (its key read the array a sparse tensor has not: NotImplementedError, where eager ran;
    # pytorch/examples' gcn calls its model with a sparse adjacency matrix)
    indices = graphgrad.tensor([[0, 1, 1], [2, 0, 2]])
    s = graphgrad.sparse_coo_tensor(indices, graphgrad.tensor([3.0, 4.0, 5.0]), (2, 3))
    w = graphgrad.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 1.5]], requires_grad=True)

    def step(s, x):
        return SPARSE_STEPS[op](s, w * x).sum()

    compiled = graphgrad.compile(step)
    with pytest.warns(UserWarning, match=f"{op} of a sparse tensor"):
        got = [compiled(s, graphgrad.tensor(2.0)).item() for _ in range(3)]
    assert got == [step(s, graphgrad.tensor(2.0)).item()] * 3
    with pytest.raises(Unsupported, match=f"{op} of a sparse tensor"):
        graphgrad.compile(step, fullgraph=True)(s, graphgrad.tensor(2.0))


def test_a_tensor_from_before_the_call_in_a_list_attribute_names_where_it_was_read():
    # (reinforce's ``policy.saved_log_probs``: the message said "computed outside the
    # operations graphgrad.compile records", of tensors graphgrad's ops made before the call)
    policy = graphgrad.nn.Linear(4, 2)
    x = graphgrad.randn(3, 4)

    def finish():
        loss = graphgrad.cat([-p for p in policy.saved]).sum()
        loss.backward()
        return loss

    f = graphgrad.compile(finish)
    with pytest.warns(UserWarning, match=r"a tensor of shape \(1,\) computed before the call"):
        for _ in range(3):
            policy.saved = [policy(x[i : i + 1])[0, :1] for i in range(3)]
            f()
    assert not replayed(f)


def test_an_op_without_a_sparse_kernel_raises_as_eagerly():
    indices = graphgrad.tensor([[0, 1], [1, 0]])
    s = graphgrad.sparse_coo_tensor(indices, graphgrad.tensor([3.0, 4.0]), (2, 2))
    with pytest.raises(NotImplementedError, match="Could not run 'aten::exp' with arguments"):
        graphgrad.compile(lambda: graphgrad.exp(s))()


def test_hooks_fall_back():
    def make():
        x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: g * 2)

        def step():
            x.grad = None
            (x * x).sum().backward()
            return x.grad

        return step, [x]

    _warns_and_agrees(make, "a hook on a leaf tensor")


def test_create_graph_falls_back():
    def make():
        x = graphgrad.tensor([1.0, 2.0], requires_grad=True)

        def step():
            (g,) = graphgrad.autograd.grad((x**3).sum(), x, create_graph=True)
            return graphgrad.autograd.grad(g.sum(), x)[0]

        return step, [x]

    _warns_and_agrees(make, "create_graph=True")


def test_anomaly_mode_runs_eagerly():
    x = graphgrad.tensor([1.0, 2.0], requires_grad=True)
    f = graphgrad.compile(lambda: (x * x).sum())
    with graphgrad.autograd.detect_anomaly():
        for _ in range(3):
            assert f().item() == 5.0
    assert f.cache == {}


def test_more_than_three_outputs_whose_backward_runs_outside_fall_back():
    model = graphgrad.nn.Linear(3, 1)
    compiled = graphgrad.compile(lambda x: [model(x) * k for k in range(1, 5)])
    x = graphgrad.ones(2, 3)
    with pytest.warns(UserWarning, match="more than 3 tensors that require grad, whose backward"):
        outs = compiled(x)
    sum(o.sum() for o in outs).backward()  # the eager graph is there
    assert model.weight.grad.tolist() == [[20.0, 20.0, 20.0]]
    outs = compiled(x)  # and stays eager
    assert type(outs[0].grad_fn).__name__ == "MulBackward0"


def test_a_value_that_changes_unseen_is_caught_by_the_check():
    # a number four lists deep: a constant of the recording that no guard sees (lists are
    # watched three levels deep: the inner ones hold the same innermost)
    scale = [[[[1.0]]]]

    def make():
        w = graphgrad.tensor([1.0, 1.0], requires_grad=True)

        def step():
            w.grad = None
            (w * graphgrad.tensor([1.0, 2.0]) * scale[0][0][0][0]).sum().backward()
            return w.grad

        return step, [w]

    step, _ = make()
    f = graphgrad.compile(step)
    f()
    scale[0][0][0][0] += 1
    with pytest.warns(UserWarning, match="differed between the replay and eager"):
        assert f().tolist() == [2.0, 4.0]
    scale[0][0][0][0] += 1
    assert f().tolist() == [3.0, 6.0]
    assert not replayed(f)


@pytest.mark.parametrize("container", ["list length", "list item", "dict value"])
def test_a_list_or_dict_the_call_reads_is_guarded(container):
    # changed after the check: replays kept the recorded length or item
    history, cfg = [], {"scale": 1.0}

    def step(x):
        if container == "list length":
            return x * len(history)
        if container == "list item":
            return x * (history[0] if history else 1.0)
        return x * cfg["scale"]

    f = graphgrad.compile(step)
    x = graphgrad.ones(1)
    for i in range(6):
        if i == 3:
            history.append(5.0)
            cfg["scale"] = 3.0
        if i == 4 and container == "list item":
            history[0] = 7.0
        assert f(x).tolist() == step(x).tolist(), i
    assert replayed(f)


def test_backward_twice_through_a_replayed_result_raises():
    w = graphgrad.tensor([1.0, 2.0], requires_grad=True)

    @graphgrad.compile
    def step():
        w.grad = None
        loss = (w * w).sum()
        loss.backward()
        return loss

    for _ in range(3):
        loss = step()
    assert loss.grad_fn.name() == "CompiledFunctionBackward"
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


@pytest.mark.parametrize("kind", ["forward", "forward_pre", "global"])
def test_a_forward_hook_of_the_users_runs_at_every_call(kind):
    # the hook's Python (storing activations) would be skipped by a replay: the call runs eagerly
    model = graphgrad.nn.Sequential(graphgrad.nn.Linear(2, 3), graphgrad.nn.ReLU())
    seen = []
    register = {
        "forward": lambda: model[1].register_forward_hook(lambda m, i, o: seen.append(o)),
        "forward_pre": lambda: model[1].register_forward_pre_hook(lambda m, i: seen.append(i)),
        "global": lambda: graphgrad.nn.modules.module.register_module_forward_hook(
            lambda m, i, o: seen.append(o)
        ),
    }[kind]
    handle = register()
    try:
        f = graphgrad.compile(model)
        with pytest.warns(UserWarning, match="a forward hook on"):
            for _ in range(4):
                f(graphgrad.ones(1, 2))
    finally:
        handle.remove()
    assert len(seen) == (4 if kind != "global" else 12)  # (global: every module's call)


def test_graphgrads_own_forward_hooks_replay():
    weight_norm = graphgrad.nn.utils.weight_norm
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # (weight_norm's deprecation)
        model = graphgrad.nn.Sequential(weight_norm(graphgrad.nn.Linear(2, 3)), graphgrad.nn.Tanh())
    f = graphgrad.compile(model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outs = [f(graphgrad.full((1, 2), v)) for v in (1.0, 2.0, 3.0)]
    assert replayed(f._compiled_call)
    assert outs[2].tolist() == model(graphgrad.full((1, 2), 3.0)).tolist()


def test_a_print_in_the_call_runs_it_eagerly(capsys):
    print_before = builtins.print

    def step(x):
        print("batch of", x.shape[0])
        return x * 2

    f = graphgrad.compile(step)
    with pytest.warns(UserWarning, match=r"print\(\) at .*test_fallbacks.py"):
        for _ in range(4):
            assert f(graphgrad.ones(3)).tolist() == [2.0, 2.0, 2.0]
    assert capsys.readouterr().out == "batch of 3\n" * 4
    assert builtins.print is print_before  # (put back once the recording ended)


@pytest.mark.parametrize("draw", ["python", "numpy"])
def test_python_and_numpy_random_numbers_run_the_call_eagerly(draw):
    # an augmentation's coin flip: a replay would repeat the recorded call's branch
    import random

    def flip(x):
        coin = random.random() if draw == "python" else np.random.rand()
        return x.flip(-1) if coin < 0.5 else x * 1

    f = graphgrad.compile(flip)
    x = graphgrad.arange(3.0)
    before = (random.random, np.random.rand)
    random.seed(0)
    np.random.seed(0)
    with pytest.warns(UserWarning, match="random numbers"):
        got = [f(x).tolist() for _ in range(8)]
    random.seed(0)
    np.random.seed(0)
    assert got == [flip(x).tolist() for _ in range(8)]
    assert (random.random, np.random.rand) == before  # (put back once the recording ended)


RNG_OBJECTS = {
    "random.Random": (lambda: random.Random(0), lambda rng: rng.random()),
    "numpy.random.Generator": (lambda: np.random.default_rng(0), lambda rng: rng.random()),
    "numpy.random.RandomState": (lambda: np.random.RandomState(0), lambda rng: rng.rand()),
}


@pytest.mark.parametrize("kind", RNG_OBJECTS)
@pytest.mark.parametrize("where", ["closure", "module attribute"])
def test_drawing_from_a_generator_object_runs_the_call_eagerly(kind, where):
    # a replay repeated the recorded call's coin flip: the call's generators are compared
    # before and after the recording
    make, draw = RNG_OBJECTS[kind]

    class Flip(graphgrad.nn.Module):
        def __init__(self):
            super().__init__()
            self.rng = make()

        def forward(self, x):
            return x.flip(-1) if draw(self.rng) < 0.5 else x * 1

    rng = make()
    flip = (
        Flip()
        if where == "module attribute"
        else (lambda x: x.flip(-1) if draw(rng) < 0.5 else x * 1)
    )
    eager = Flip() if where == "module attribute" else None
    eager_rng = make()
    f = graphgrad.compile(flip)
    x = graphgrad.arange(3.0)
    with pytest.warns(UserWarning, match=f"drawing from a {kind}"):
        got = [f(x).tolist() for _ in range(8)]
    if eager is None:
        want = [(x.flip(-1) if draw(eager_rng) < 0.5 else x).tolist() for _ in range(8)]
    else:
        want = [eager(x).tolist() for _ in range(8)]
    assert got == want and len({str(g) for g in got}) == 2


def test_a_generator_object_the_call_does_not_draw_from_does_not_stop_it():
    rng = np.random.default_rng(0)
    f = graphgrad.compile(lambda x, flag=False: x * (rng.random() if flag else 2.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [f(graphgrad.ones(1)).tolist() for _ in range(3)] == [[2.0]] * 3
    assert replayed(f)


def test_a_generator_made_in_the_call_without_a_seed_runs_it_eagerly():
    f = graphgrad.compile(lambda x: x * float(np.random.default_rng().random()))
    with pytest.warns(UserWarning, match=r"numpy\.random\.default_rng\(\) without a seed"):
        got = {f(graphgrad.ones(1)).item() for _ in range(4)}
    assert len(got) == 4


def test_a_generator_made_in_the_call_with_a_seed_replays():
    # the same numbers at every call, eagerly too
    def step(x):
        noise = np.random.default_rng(seed=3).standard_normal(2)
        return x + graphgrad.tensor(noise, dtype=x.dtype)

    f = graphgrad.compile(step)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = [f(graphgrad.ones(2)).tolist() for _ in range(3)]
    assert got == [step(graphgrad.ones(2)).tolist()] * 3
    assert replayed(f)


class _Counting(graphgrad.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = graphgrad.nn.Linear(2, 2)
        self.calls = 0
        self.history: list = []

    def forward(self, x):
        self.calls += 1
        out = self.lin(x)
        self.history.append(out.detach())
        return out


def test_a_python_side_effect_in_the_call_is_not_replayed(monkeypatch):
    # ``self.calls += 1`` and ``history.append``: a replay skipped both (the list stopped
    # growing after the second call); now each call runs them, up to the recompile limit
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 3)
    model = _Counting()
    f = graphgrad.compile(model)
    x = graphgrad.ones(1, 2)
    with pytest.warns(UserWarning, match=r"Last reason: the call changed _Counting\.calls"):
        for _ in range(5):
            f(x)
    assert model.calls == 5 and len(model.history) == 5


def test_a_list_appended_to_in_the_call_is_not_replayed():
    losses = []
    w = graphgrad.ones(2, requires_grad=True)

    def step(x):
        loss = (w * x).sum()
        losses.append(loss.detach())
        return loss

    f = graphgrad.compile(step)
    for i in range(4):
        f(graphgrad.full((2,), float(i)))
    assert [t.tolist() for t in losses] == [0.0, 2.0, 4.0, 6.0]
    assert f.cache == {}  # (each call recorded again, none kept)


def test_a_value_set_on_the_first_call_only_replays_after():
    # lazy initialisation: the first call fills a cache, the second records, later ones replay
    cache = {}

    def step(x):
        if "scale" not in cache:
            cache["scale"] = 2.0
        return x * cache["scale"]

    f = graphgrad.compile(step)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [f(graphgrad.ones(1)).tolist() for _ in range(4)] == [[2.0]] * 4
    assert replayed(f) and f.recordings == 2


def test_a_random_function_replaced_after_a_recording_is_still_seen(monkeypatch):
    # the wrappers are made once per function: one the user put in since is wrapped anew
    import random

    graphgrad.compile(lambda x: x * 2)(graphgrad.ones(1))  # wrappers made for the originals
    draws = []
    monkeypatch.setattr(random, "random", lambda: draws.append(1) or 0.25)
    replaced = random.random
    f = graphgrad.compile(lambda x: x * random.random())
    with pytest.warns(UserWarning, match=r"random\.random\(\)"):
        got = [f(graphgrad.ones(1)).tolist() for _ in range(3)]
    assert got == [[0.25]] * 3 and len(draws) == 3  # drawn at every call: eager
    assert random.random is replaced


def test_the_warnings_name_the_callers_line(monkeypatch):
    # from a compiled module (a frame deeper) and from the recompile limit (a frame shallower)
    monkeypatch.setattr(graphgrad._dynamo.config, "recompile_limit", 1)
    model = graphgrad.nn.Linear(2, 1)
    model.weight.register_hook(lambda g: g)
    f = graphgrad.compile(model)
    line = test_the_warnings_name_the_callers_line.__code__.co_firstlineno
    with pytest.warns(UserWarning) as caught:
        f(graphgrad.ones(2))  # line + 8: a hook on a leaf
        f(graphgrad.ones(3, 2))  # line + 9: a new shape past the limit
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line + 8), (__file__, line + 9)]


@pytest.mark.parametrize("change", ["default dtype", "grad mode"])
def test_a_call_that_changes_torchs_global_mode_is_not_replayed(change):
    # a replay left the default dtype (or grad mode) as it was before the call
    def step(x):
        if change == "default dtype":
            graphgrad.set_default_dtype(graphgrad.float64)
        else:
            graphgrad.set_grad_enabled(False)
        return x * 2

    f = graphgrad.compile(step)
    try:
        for _ in range(4):
            graphgrad.set_default_dtype(graphgrad.float32)
            graphgrad.set_grad_enabled(True)
            f(graphgrad.ones(2))
            if change == "default dtype":
                assert graphgrad.get_default_dtype() is graphgrad.float64
            else:
                assert not graphgrad.is_grad_enabled()
        assert f.cache == {}
    finally:
        graphgrad.set_default_dtype(graphgrad.float32)
        graphgrad.set_grad_enabled(True)
