"""``torch.backends`` as PyTorch's CPU-only build has it: flags that programs set and query.

graphgrad computes with NumPy on the CPU, so no CUDA, cuDNN or MPS backend is available. The
flags exist, with PyTorch's defaults, so that programs which set them
(``torch.backends.cudnn.benchmark = True``) run unchanged; they change nothing here.

>>> import graphgrad as torch
>>> torch.backends.cudnn.is_available(), torch.backends.mps.is_available()
(False, False)
>>> torch.backends.cudnn.benchmark = True  # accepted, as in PyTorch's CPU build
>>> torch.backends.cudnn.benchmark = False
"""

from __future__ import annotations

from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp"]
