"""A scalar function and its derivative: f(x) = x**2 + 3, so df/dx = 2x = 14 at x = 7.

python examples/basics/example1_square.py
"""

import graphgrad as torch
from graphgrad.viz import make_dot

x = torch.tensor(7.0, requires_grad=True)
f = (x**2) + 3
f.backward()  # df/dx = 2 * x
print(x.grad)
make_dot(f)
