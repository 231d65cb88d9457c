"""A polynomial applied to every entry of a 3x3 tensor, summed to a scalar.

d/dx of x**3 + 7x**2 + 5x + 10 is 3x**2 + 14x + 5, computed for all nine entries at once.

    python examples/basics/example2_polynomial.py
"""

import graphgrad as torch
from graphgrad.viz import make_dot

x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], requires_grad=True)


def f(x):
    return (x**3) + 7 * (x**2) + 5 * x + 10


z = f(x).sum()  # backward() needs a scalar: sum the nine values
z.backward()
print(x.grad)
make_dot(z)
