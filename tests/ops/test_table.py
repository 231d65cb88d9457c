"""The table's form: rules named per input, saves inferred from what they read, two namespaces."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as torch
from graphgrad.autograd.namespace import ARRAYS, PRIMITIVES, TENSORS
from graphgrad.ops.primitive import REGISTRY, Primitive, apply


def test_an_entry_names_one_rule_per_input():
    # (the old form, positional ``(grad, saved_dict)`` rules with a hand-written ``saves``)
    with pytest.raises(TypeError):
        Primitive("old_form_test", "OldBackward0", np.negative, (lambda g, s: -g,), register=False)
    with pytest.raises(TypeError, match="one rule per input"):
        Primitive("no_rule_test", "NoRuleBackward0", np.negative, register=False)
    assert all(prim.rules is not None for prim in PRIMITIVES.values())


def test_saves_follow_the_names_the_rules_read():
    assert REGISTRY["mul"].saves == (("other", (0,)), ("self", (1,)))
    assert REGISTRY["add"].saves == ()  # its rules read only the gradient and alpha
    assert REGISTRY["tanh"].saves == (("result", (0,)),)


def test_a_value_is_saved_only_for_the_inputs_that_need_it():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 7  # self's rule reads other (a Python number): kept; other needs no gradient
    assert y.grad_fn._saved_other.item() == 7 and y.grad_fn._saved_self is None
    z = torch.tensor([3.0, 4.0]) * x  # only other (x) needs a gradient: self is kept
    assert z.grad_fn._saved_other is None and torch.equal(
        z.grad_fn._saved_self, torch.tensor([3.0, 4.0])
    )


def test_a_name_resolves_to_the_primitive_in_both_namespaces():
    g, y = np.array([1.0, 2.0]), np.array([0.5, -0.25])
    on_arrays = ARRAYS.tanh_backward(g, y)
    on_tensors = TENSORS.tanh_backward(torch.tensor(g), torch.tensor(y))
    assert isinstance(on_arrays, np.ndarray) and isinstance(on_tensors, torch.Tensor)
    np.testing.assert_array_equal(on_arrays, on_tensors.numpy())
    np.testing.assert_array_equal(on_arrays, [0.75, 1.875])
    with pytest.raises(AttributeError, match="no function 'no_such_op'"):
        ARRAYS.no_such_op  # noqa: B018


def test_a_rule_with_a_parameter_and_xp_runs_on_both_paths():
    # a rule reading the result, a parameter and calling a primitive through xp
    prim = Primitive(
        "scaled_exp_test",
        "ScaledExpBackward0",
        lambda a, scale: np.exp(a) * scale,
        self=lambda grad, result, xp: grad * result,
        dtype="float",
        register=False,
    )
    x = torch.tensor([0.1, -1.2, 2.5], dtype=torch.float32, requires_grad=True)
    out = apply(prim, x, scale=3.0).sum()
    (by_tensors,) = torch.autograd.grad(out, x, retain_graph=True)
    out.backward()
    assert torch.equal(x.grad, by_tensors)
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.exp(x.detach().numpy()), rtol=1e-6)
