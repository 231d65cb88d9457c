"""Distributions in compiled calls: their argument checks are array steps, so a call that builds
a ``Categorical`` or ``Normal`` replays (it ran eagerly: ``bool(tensor)``), and a replay given
invalid values raises PyTorch's error, naming the replay's own values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphgrad as torch
from graphgrad.ops.array_step import array_step

from ._helpers import replayed, run_both

D = torch.distributions


def _replays(fn, *calls):
    f = torch.compile(fn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for args in calls:
            torch.manual_seed(0)
            got = f(*args).tolist()
            torch.manual_seed(0)
            assert got == fn(*args).tolist()
    assert replayed(f)
    return f


def test_a_policy_step_with_categorical_replays():
    # REINFORCE's select_action and loss: Categorical(probs), sample, log_prob, Adam
    def make():
        torch.manual_seed(0)
        policy = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
        opt = torch.optim.Adam(policy.parameters(), lr=0.01)
        gen = torch.Generator().manual_seed(1)

        def step():
            m = D.Categorical(torch.softmax(policy(torch.randn(3, 4, generator=gen)), dim=1))
            action = m.sample()
            loss = -m.log_prob(action).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            return action, loss

        return step, list(policy.parameters())

    run_both(make, calls=5)


def test_invalid_values_at_a_replay_raise_pytorchs_error_with_their_values():
    f = _replays(
        lambda p, a: D.Categorical(probs=p).log_prob(a),
        *[(torch.tensor([0.2, 0.8]), torch.tensor(1))] * 3,
    )
    with pytest.raises(ValueError) as caught:
        f(torch.tensor([0.2, 0.8]), torch.tensor(2))
    assert str(caught.value) == (
        "Expected value argument (Tensor of shape ()) to be within the support "
        "(IntegerInterval(lower_bound=0, upper_bound=1)) of the distribution "
        "Categorical(probs: torch.Size([2])), but found invalid values:\n2"
    )
    g = _replays(
        lambda m, s: D.Normal(m, s).rsample((2,)).sum(), *[(torch.zeros(2), torch.ones(2))] * 3
    )
    with pytest.raises(ValueError, match=r"found invalid values:\ntensor\(\[-1\., -1\.\]\)$"):
        g(torch.zeros(2), -torch.ones(2))


@array_step
def _first_of(pair):
    return pair[0] * 1


def test_an_array_step_given_arrays_inside_a_tuple_runs_the_call_eagerly():
    # the program would have passed the tuple as a constant: the recorded call's arrays
    f = torch.compile(lambda x: torch.Tensor._make(_first_of((x._data, "label"))) + 0)
    with pytest.warns(UserWarning, match="with a tensor argument"):
        got = [f(torch.full((2,), float(i))).tolist() for i in range(3)]
    assert got == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    assert not replayed(f)
    assert np.array_equal(_first_of((np.ones(1),)), np.ones(1))
