"""``torch.backends.mkl``: graphgrad uses whatever BLAS NumPy has, never MKL through PyTorch.

>>> import graphgrad as torch
>>> torch.backends.mkl.is_available()
False
"""


def is_available() -> bool:
    """Whether graphgrad was built with MKL: never (NumPy's own BLAS does the work).

    >>> import graphgrad as torch
    >>> torch.backends.mkl.is_available()
    False
    """
    return False
