"""``torch.backends.openmp``: graphgrad has no OpenMP threads of its own.

>>> import graphgrad as torch
>>> torch.backends.openmp.is_available()
False
"""


def is_available() -> bool:
    """Whether graphgrad was built with OpenMP: never (NumPy's BLAS has its own threads).

    >>> import graphgrad as torch
    >>> torch.backends.openmp.is_available()
    False
    """
    return False
