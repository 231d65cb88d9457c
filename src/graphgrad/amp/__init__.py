"""``torch.amp``: automatic mixed precision, as far as graphgrad (CPU, NumPy) can take it.

``GradScaler("cpu")`` is a real loss scaler; a ``"cuda"`` one warns and disables itself, as in
PyTorch's CPU-only build. ``autocast`` works disabled only (docs/amp.md says why).

>>> import graphgrad as torch
>>> torch.amp.GradScaler("cpu").is_enabled(), torch.amp.autocast("cpu", enabled=False).device
(True, 'cpu')
"""

from .autocast_mode import autocast, is_autocast_available
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "is_autocast_available"]
