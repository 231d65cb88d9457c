"""``explore``: the backward graph as an interactive page, for learning how backward works.

The page shows the graph exactly as ``make_dot`` draws it (the same Graphviz SVG) and adds:
click a box for its details (a tensor's shape, dtype, values and ``.grad``; a backward node's
inputs, outputs, saved tensors or "freed", attributes); ``step`` runs backward one box at a time
in the engine's order, showing the gradient that flows out of each; ``search`` marks boxes;
clicking a leaf lights its paths to the output; lines can be coloured by gradient magnitude;
folded boxes list their nodes on click. It is one HTML file that makes no network request.

>>> import graphgrad as torch
>>> from graphgrad.viz import explore
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> page = explore((x * x).sum(), params={"x": x})
>>> page.html.startswith("<!DOCTYPE html>"), 'class="node"' in page.html
(True, True)
>>> len(page.data["steps"])  # SumBackward0, MulBackward0, AccumulateGrad
3
"""

from ._explorer import Explorer, explore
from ._program import page_of_program

__all__ = ["Explorer", "explore", "page_of_program"]
