"""The seed programs (and a few more) written once for any torch-like module.

Each builder takes the module (``graphgrad`` or ``torch``) and returns ``(params, output)``;
none calls ``backward``, so the saved tensors stay readable. Examples 3 and 4 use fixed values
instead of ``randn``: the graph depends only on the shapes.
"""

from __future__ import annotations


def example1(T):
    x = T.tensor(7.0, requires_grad=True)
    f = (x**2) + 3
    return {"x": x, "f": f}, f


def example2(T):
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], requires_grad=True)
    z = ((x**3) + 7 * (x**2) + 5 * x + 10).sum()
    return {"x": x}, z


def example3(T):
    x = T.tensor([0.5], requires_grad=True)
    w = T.tensor([1.5], requires_grad=True)
    b = T.tensor([0.25], requires_grad=True)
    return {"x": x, "w": w, "b": b}, w * x + b


def example4(T):
    x = T.ones(1, 10, requires_grad=True)
    w1 = T.ones(10, 5, requires_grad=True)
    b1 = T.ones(5, requires_grad=True)
    h = T.relu(x @ w1 + b1)
    w2 = T.ones(5, 1, requires_grad=True)
    b2 = T.ones(1, requires_grad=True)
    return {"x": x, "w1": w1, "b1": b1, "w2": w2, "b2": b2}, h @ w2 + b2


def view_output(T):
    x = T.ones(2, 2, requires_grad=True)
    return {"x": x}, (x * 2).view(4)


def two_outputs(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    return {"x": x}, ((x * 3).sum(), (x + 1).mean())


def square_and_exp(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).exp()
    return {"x": x}, (y - x).sum()


# (reference file suffix, builder, make_dot keyword arguments, which params to pass)
REFERENCES = [
    ("example1", example1, {}, None),
    ("example1_named", example1, {}, ("x", "f")),
    ("example1_attrs_saved", example1, {"show_attrs": True, "show_saved": True}, ("x",)),
    ("example2", example2, {}, None),
    ("example2_attrs_saved", example2, {"show_attrs": True, "show_saved": True}, ("x",)),
    ("example3", example3, {}, None),
    ("example3_named", example3, {}, ("x", "w", "b")),
    ("example4", example4, {}, None),
    ("example4_params", example4, {}, ("x", "w1", "b1", "w2", "b2")),
    ("example4_params_attrs", example4, {"show_attrs": True}, ("x", "w1", "b1", "w2", "b2")),
    (
        "example4_params_attrs_saved",
        example4,
        {"show_attrs": True, "show_saved": True},
        ("x", "w1", "b1", "w2", "b2"),
    ),
    ("example4_params_saved", example4, {"show_saved": True}, ("x", "w1", "b1", "w2", "b2")),
]
