"""In-place methods (``Tensor.<name>_``) with an example of their own in the docstring.

``inplace.inplace`` documents an in-place form with one example tensor of floats; the ops
here need other inputs (integers for ``gcd_``, a mask for ``masked_scatter_``), so each is
given the setup and arguments of its example.

>>> import graphgrad as torch
>>> gcd_ = documented(torch.gcd, "torch.tensor([4, 6])", "torch.tensor([6, 9])")
>>> gcd_(torch.tensor([4, 6]), torch.tensor([6, 9]))
tensor([2, 3])
"""

from __future__ import annotations

import inspect

from .inplace import inplace


def documented(fn, setup: str, args: str = "", name: str | None = None):
    """``inplace(fn)`` whose docstring runs ``x = <setup>; x.<name>_(<args>)``.

    Args:
        fn: the out-of-place op, taking the tensor first.
        setup: the example tensor, as code.
        args: the example's other arguments, as code.
        name: the op's name (default ``fn.__name__``).
    """
    method = inplace(fn)
    base = name or fn.__name__
    method.__name__ = method.__qualname__ = base + "_"
    params = list(inspect.signature(fn).parameters)[1:]
    named = " (" + ", ".join(f"``{p}``" for p in params) + ")" if params else ""
    method.__doc__ = (
        f"In-place version of ``Tensor.{base}``: writes ``self.{base}(...)`` into ``self`` (in "
        f"its dtype) and returns ``self``. See ``graphgrad.{base}`` for the operation and its "
        f"arguments{named}.\n\n"
        ">>> import graphgrad as torch\n"
        f">>> x = {setup}\n"
        f">>> y = x.{base}({args}).to(x.dtype)\n"
        f">>> x.{base}_({args}) is x, torch.allclose(x, y, equal_nan=True)\n"
        "(True, True)\n"
    )
    return method
