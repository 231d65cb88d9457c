"""make_dot of a replayed result: the recorded call's graph, with a note that values came from a
replay."""

import graphgrad
from graphgrad.viz import make_dot


def _step():
    w = graphgrad.tensor([1.0, 2.0], requires_grad=True)

    @graphgrad.compile
    def step(x):
        w.grad = None
        y = (w * x).sum()
        y.backward()
        return y

    return w, step


def test_make_dot_of_a_replayed_result_draws_the_recorded_graph_with_a_note():
    w, step = _step()
    x = graphgrad.ones(2)
    outs = [step(x) for _ in range(3)]
    assert outs[0].grad_fn.name() == "SumBackward0"  # the recorded (eager) call
    replayed = outs[2]
    assert replayed.grad_fn.name() == "CompiledFunctionBackward"
    assert replayed.grad_fn.next_functions == ()  # nothing for the engine to follow
    source = make_dot(replayed, params={"w": w}).source
    assert "values from a graphgrad.compile replay" in source
    for name in ("SumBackward0", "MulBackward0", "AccumulateGrad", 'label="w'):
        assert name in source
    eager = make_dot(outs[0], params={"w": w}).source
    assert "replay" not in eager
