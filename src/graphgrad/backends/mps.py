"""``torch.backends.mps``: Apple's Metal backend is not available here.

>>> import graphgrad as torch
>>> torch.backends.mps.is_available(), torch.backends.mps.is_built()
(False, False)
"""


def is_available() -> bool:
    """Whether the MPS device can be used: never, here.

    >>> import graphgrad as torch
    >>> torch.backends.mps.is_available()
    False
    """
    return False


def is_built() -> bool:
    """Whether graphgrad was built with MPS: never.

    >>> import graphgrad as torch
    >>> torch.backends.mps.is_built()
    False
    """
    return False
