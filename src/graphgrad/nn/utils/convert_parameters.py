"""Parameters as one flat vector and back: ``parameters_to_vector`` and ``vector_to_parameters``.

>>> import graphgrad as torch
>>> net = torch.nn.Linear(2, 1)
>>> parameters_to_vector(net.parameters()).shape
torch.Size([3])
"""

from __future__ import annotations

from collections.abc import Iterable

from ...tensor import Tensor


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All of ``parameters`` flattened and joined into one vector (differentiable).

    Args:
        parameters: an iterable of tensors (the parameters of a model).

    >>> a = torch.nn.Parameter(torch.tensor([[1.0, 2.0]]))
    >>> b = torch.nn.Parameter(torch.tensor([3.0]))
    >>> torch.nn.utils.parameters_to_vector([a, b])
    tensor([1., 2., 3.], grad_fn=<CatBackward0>)
    """
    from ...ops.shape.join import cat

    return cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into ``parameters`` (their ``.data`` is replaced by
    views of ``vec``, so the parameters then share its storage).

    Args:
        vec: a 1-D tensor with as many elements as the parameters together.
        parameters: an iterable of tensors to overwrite.

    >>> a = torch.nn.Parameter(torch.zeros(1, 2))
    >>> b = torch.nn.Parameter(torch.zeros(1))
    >>> torch.nn.utils.vector_to_parameters(torch.tensor([1.0, 2.0, 3.0]), [a, b])
    >>> a.data, b.data
    (tensor([[1., 2.]]), tensor([3.]))
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    start = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[start : start + n].view_as(p).data
        start += n


def _typename(obj) -> str:
    """``torch.typename``: the qualified name of ``obj``'s type (builtins unqualified)."""
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module == "builtins" else f"{module}.{name}"
