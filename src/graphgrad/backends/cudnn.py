"""``torch.backends.cudnn``: cuDNN is never available here; its flags keep PyTorch's defaults.

>>> import graphgrad.backends.cudnn as cudnn
>>> cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.is_available()
(True, False, False, False)
"""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """Whether cuDNN can be used: never, here.

    >>> import graphgrad as torch
    >>> torch.backends.cudnn.is_available()
    False
    """
    return False


def version() -> None:
    """cuDNN's version: ``None``, as it is not there.

    >>> import graphgrad as torch
    >>> torch.backends.cudnn.version() is None
    True
    """
    return None
