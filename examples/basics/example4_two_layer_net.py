"""A network with one hidden layer of five ReLU units, its gradients, and a step by hand.

h = relu(x @ w1 + b1),  y = h @ w2 + b2

python examples/basics/example4_two_layer_net.py
"""

import graphgrad as torch
from graphgrad.viz import make_dot

torch.manual_seed(0)  # the same draws as PyTorch's torch.manual_seed(0)
x = torch.randn(1, 10, requires_grad=True)
w1 = torch.randn(10, 5, requires_grad=True)
b1 = torch.randn(5, requires_grad=True)
h = torch.relu(x @ w1 + b1)
w2 = torch.randn(5, 1, requires_grad=True)
b2 = torch.randn(1, requires_grad=True)
y = h @ w2 + b2
y.backward()
print("Gradient of w1:", w1.grad)
print("Gradient of b1:", b1.grad)
print("Gradient of w2:", w2.grad)
print("Gradient of b2:", b2.grad)
learning_rate = 0.01
with torch.no_grad():  # update every parameter against its gradient
    for p in (w1, b1, w2, b2):
        p -= learning_rate * p.grad
        p.grad = None
print("y after one step:", torch.relu(x @ w1 + b1) @ w2 + b2)
make_dot(y)
