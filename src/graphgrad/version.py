"""``torch.version``: graphgrad's version, and the GPU toolkits it was built with (none).

Scripts that report their environment read these (``torch.version.cuda`` is ``None`` on a
CPU-only build, as in PyTorch's CPU wheels).

>>> import graphgrad as torch
>>> torch.version.cuda is None, torch.version.__version__ == torch.__version__
(True, True)
"""

__version__ = "0.1.0"
cuda: str | None = None
hip: str | None = None
rocm: str | None = None
xpu: str | None = None
debug = False
git_version = "Unknown"  # an installed package keeps no commit; PyTorch says the same then

__all__ = ["cuda", "debug", "git_version", "hip", "rocm", "xpu"]
