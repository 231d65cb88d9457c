"""Drawing the computational graph: torchviz's ``make_dot``, built in and without its bugs.

``make_dot(var)`` returns a ``graphviz.Digraph`` (a ``Graph``, which renders without system
Graphviz) with torchviz's boxes and colours: grey backward nodes named as PyTorch names them,
light-blue leaves, a light-green output, orange saved tensors. ``make_forward_dot`` draws the
same program forward: tensors as boxes, ops on the lines between them.

>>> import graphgrad as torch
>>> from graphgrad.viz import make_dot
>>> x = torch.tensor(7.0, requires_grad=True)
>>> f = (x**2) + 3
>>> print(make_dot(f, params={"x": x, "f": f}).source.replace(chr(9), "  "))
digraph {
  graph [size="12,12"]
  node [fontname=Courier fontsize=10 height=0.2 shape=box style=filled]
  n0 [label="f
 ()" fillcolor=darkolivegreen1]
  n1 [label=AddBackward0]
  n2 -> n1
  n2 [label=PowBackward0]
  n3 -> n2
  n4 [label="x
 ()" fillcolor=lightblue]
  n4 -> n3
  n3 [label=AccumulateGrad]
  n1 -> n0
}
<BLANKLINE>
"""

from __future__ import annotations

from ._digraph import Graph
from ._dot import (
    available_renderers,
    make_dot,
    make_dot_from_trace,
    make_forward_dot,
    resize_graph,
)
from ._render import ENV_VAR, RenderError
from .explorer import Explorer, explore

__all__ = [
    "ENV_VAR",
    "Explorer",
    "Graph",
    "RenderError",
    "available_renderers",
    "explore",
    "make_dot",
    "make_dot_from_trace",
    "make_forward_dot",
    "resize_graph",
]
