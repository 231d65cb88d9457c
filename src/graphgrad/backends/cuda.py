"""``torch.backends.cuda``: graphgrad is not built with CUDA; the matmul flags keep defaults.

>>> import graphgrad as torch
>>> torch.backends.cuda.is_built(), torch.backends.cuda.matmul.allow_tf32
(False, False)
"""

from types import SimpleNamespace

matmul = SimpleNamespace(
    allow_tf32=False,
    allow_fp16_reduced_precision_reduction=True,
    allow_bf16_reduced_precision_reduction=True,
)


def is_built() -> bool:
    """Whether graphgrad was built with CUDA: never.

    >>> import graphgrad as torch
    >>> torch.backends.cuda.is_built()
    False
    """
    return False
