"""A line, y = w * x + b: the gradient of y with respect to each of x, w and b.

dy/dx = w, dy/dw = x, dy/db = 1. Then one step of gradient descent on w and b, by hand.

    python examples/basics/example3_linear.py
"""

import graphgrad as torch
from graphgrad.viz import make_dot

torch.manual_seed(0)  # the same draws as PyTorch's torch.manual_seed(0)
x = torch.randn(1, requires_grad=True)
w = torch.randn(1, requires_grad=True)
b = torch.randn(1, requires_grad=True)
y = w * x + b
y.backward()
print("Gradient of x:", x.grad)
print("Gradient of b:", b.grad)
print("Gradient of w:", w.grad)
with torch.no_grad():  # an update is not part of the graph
    w -= 0.01 * w.grad
    b -= 0.01 * b.grad
print("w after one step:", w)
make_dot(y)
