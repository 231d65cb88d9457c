"""The docstrings of ``Tensor``'s own attributes and conversion methods, kept apart from
tensor.py and _methods.py so that those files stay about behaviour (as PyTorch keeps its
``_tensor_docs``). ``install()`` attaches them; methods that are also ``graphgrad.<name>``
functions are documented where the function is defined.

>>> import graphgrad as torch
>>> print(torch.Tensor.size.__doc__.splitlines()[0])
The shape of this tensor, or the length of dimension ``dim``.
"""

from __future__ import annotations

from .tensor import Tensor

_X = ">>> x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\n"

TENSOR = """A multi-dimensional array that records the operations applied to it.

Build tensors with ``graphgrad.tensor``, ``zeros``, ``randn``...; a tensor made with
``requires_grad=True`` is a leaf of the graph, and each operation on it records a node
(``grad_fn``) that ``backward()`` runs in reverse.

>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4.])
"""

DOCS = {
    "data": """A tensor sharing this one's storage, detached from the graph and not
version-tracked (writes through it are invisible to autograd's checks); assigning replaces
the storage.

>>> x = torch.tensor([1.0], requires_grad=True)
>>> x.data
tensor([1.])
""",
    "shape": """The size of each dimension, as a ``torch.Size`` (a tuple).

"""
    + _X
    + """>>> x.shape
torch.Size([2, 3])
""",
    "size": """The shape of this tensor, or the length of dimension ``dim``.

Args:
    dim: a dimension (negative counts from the end); the whole shape when ``None``.

"""
    + _X
    + """>>> x.size(), x.size(-1)
(torch.Size([2, 3]), 3)
""",
    "dim": """The number of dimensions (also the ``ndim`` property).

"""
    + _X
    + """>>> x.dim(), x.ndim
(2, 2)
""",
    "ndim": """The number of dimensions.

>>> torch.zeros(2, 3, 4).ndim
3
""",
    "numel": """The number of elements (also ``nelement()``).

"""
    + _X
    + """>>> x.numel()
6
""",
    "element_size": """The size of one element in bytes.

>>> torch.zeros(2).element_size(), torch.zeros(2, dtype=torch.float64).element_size()
(4, 8)
""",
    "device": """Where the tensor lives: always ``device(type='cpu')``.

>>> torch.zeros(1).device
device(type='cpu')
""",
    "is_floating_point": """Whether the dtype is a floating-point type.

>>> torch.tensor([1.0]).is_floating_point(), torch.tensor([1]).is_floating_point()
(True, False)
""",
    "is_complex": """Whether the dtype is a complex type.

>>> torch.tensor([1.0]).is_complex()
False
""",
    "stride": """How many elements to step in storage to move one place along each dimension.

Args:
    dim: one dimension's stride; all of them as a tuple when ``None``.

"""
    + _X
    + """>>> x.stride(), x.t().stride(0)
((3, 1), 1)
""",
    "is_contiguous": """Whether the elements lie in storage in row-major order with no gaps (or in
the order of another memory format).

Args:
    memory_format: ``torch.contiguous_format`` (row-major), or ``torch.channels_last`` for
        a 4-d tensor whose channels are innermost.

"""
    + _X
    + """>>> x.is_contiguous(), x.t().is_contiguous()
(True, False)
""",
    "data_ptr": """The address of the first element in memory (views of one storage differ by
their offset).

"""
    + _X
    + """>>> x[1].data_ptr() - x.data_ptr()
12
""",
    "requires_grad": """Whether autograd records operations on this tensor. Settable on leaves
(floating-point or complex only).

>>> x = torch.tensor([1.0])
>>> x.requires_grad = True
>>> (x * 2).requires_grad
True
""",
    "requires_grad_": """Set ``requires_grad`` in place and return this tensor.

Args:
    requires_grad: whether autograd should record operations on this tensor.

>>> torch.zeros(2).requires_grad_()
tensor([0., 0.], requires_grad=True)
""",
    "is_leaf": """Whether this tensor is a leaf of the graph: made by the user (not by a
recorded operation), so ``backward()`` accumulates into its ``.grad``.

>>> x = torch.tensor([1.0], requires_grad=True)
>>> x.is_leaf, (x * 2).is_leaf
(True, False)
""",
    "grad": """The gradient accumulated by ``backward()``, or ``None`` before the first one.

Only leaves (and tensors that called ``retain_grad()``) get one; reading it on another
non-leaf warns. Settable to a tensor of the same shape and dtype, or ``None``.

>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> (3 * x).sum().backward()
>>> x.grad
tensor([3., 3.])
""",
    "retains_grad": """Whether this non-leaf keeps its gradient in ``.grad`` (see
``retain_grad()``).

>>> y = torch.tensor([1.0], requires_grad=True) * 2
>>> y.retain_grad()
>>> y.retains_grad
True
""",
    "is_inference": """Whether this tensor was made under ``inference_mode``.

>>> with torch.inference_mode():
...     x = torch.zeros(1)
>>> x.is_inference()
True
""",
    "output_nr": """Which output of its ``grad_fn`` this tensor is (0 for most ops).

>>> a, b = torch.tensor([1.0, 2.0], requires_grad=True).unbind()
>>> a.output_nr, b.output_nr
(0, 1)
""",
    "detach": """A new leaf that shares this tensor's storage and version counter, outside
the graph: nothing computed from it is differentiated.

>>> x = torch.tensor([1.0], requires_grad=True)
>>> (x * 2).detach()
tensor([2.])
""",
    "detach_": """Detach this tensor from the graph in place (not for views) and return it.

>>> y = torch.tensor([1.0], requires_grad=True) * 2
>>> y.detach_().requires_grad
False
""",
    "item": """The value of a one-element tensor as a Python number.

>>> torch.tensor([2.5]).item()
2.5
""",
    "tolist": """The values as (nested) Python lists of numbers.

>>> torch.tensor([[1, 2], [3, 4]]).tolist()
[[1, 2], [3, 4]]
""",
    "numpy": """A NumPy array sharing this tensor's storage.

Args:
    force: allow it for a tensor that requires grad (else that raises an error).

>>> torch.tensor([1.0, 2.0]).numpy()
array([1., 2.], dtype=float32)
""",
    "type": """The type name (``'torch.FloatTensor'``...) with no argument, else this tensor
cast to ``dtype``.

Args:
    dtype: a dtype or a type name such as ``'torch.DoubleTensor'``.
    non_blocking: accepted for compatibility.

>>> x = torch.tensor([1.0])
>>> x.type(), x.type(torch.float64)
('torch.FloatTensor', tensor([1.], dtype=torch.float64))
""",
    "type_as": """This tensor cast to the dtype of ``other``.

Args:
    other: the tensor whose dtype the result takes.

>>> torch.tensor([1]).type_as(torch.tensor([1.0]))
tensor([1.])
""",
    "bfloat16": """``self.to(torch.bfloat16)``, which graphgrad cannot do: NumPy has no bfloat16
type, so this raises one clear TypeError (as every way of making a bfloat16 tensor does).

Args:
    memory_format: accepted for compatibility.

>>> torch.tensor([1.5]).bfloat16()
Traceback (most recent call last):
TypeError: graphgrad has no bfloat16 tensors: NumPy has no bfloat16 type (use float32 or float16)
""",
    "cpu": """This tensor: it is on the CPU already.

Args:
    memory_format: accepted for compatibility.

>>> torch.tensor([1.0]).cpu()
tensor([1.])
""",
}

# ``x.float()`` is ``x.to(torch.float32)``: one line each, and one example for them all.
_CASTS = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
    "bool": "bool",
    "byte": "uint8",
    "char": "int8",
}


def _cast_doc(name: str, dtype: str) -> str:
    return (
        f"``self.to(torch.{dtype})``: this tensor as {dtype} (itself if it is already).\n\n"
        "Args:\n    memory_format: accepted for compatibility.\n\n"
        f">>> torch.tensor([1.5, 0.0]).{name}().dtype\ntorch.{dtype}\n"
    )


def install() -> None:
    """Attach the docstrings above to Tensor's attributes."""
    Tensor.__doc__ = TENSOR
    docs = {**DOCS, **{n: _cast_doc(n, d) for n, d in _CASTS.items()}}
    for name, doc in docs.items():
        Tensor.__dict__[name].__doc__ = doc
