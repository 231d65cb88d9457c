"""``torch.cuda.amp``: PyTorch's deprecated spellings of ``torch.amp``'s CUDA scaler and autocast.

Each warns that it is deprecated (PyTorch's FutureWarning) and then, as there is no CUDA device,
that it disables itself, as PyTorch's CPU-only build does.

>>> import warnings
>>> import graphgrad as torch
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     scaler = torch.cuda.amp.GradScaler()
>>> [w.category.__name__ for w in caught], scaler.is_enabled()
(['FutureWarning', 'UserWarning'], False)
"""

from __future__ import annotations

import warnings as _warnings

from .. import amp as _amp
from ..dtypes import dtype as _dtype
from ..dtypes import float16 as _float16

__all__ = ["GradScaler", "autocast"]


class GradScaler(_amp.GradScaler):
    """``torch.amp.GradScaler("cuda", ...)`` under its deprecated name: warns twice, disabled.

    Args:
        init_scale, growth_factor, backoff_factor, growth_interval, enabled: as
            ``torch.amp.GradScaler``'s.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     torch.cuda.amp.GradScaler(init_scale=1024.0).get_scale()
    1.0
    """

    def __init__(
        self,
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        _warnings.warn(
            "`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
            "`torch.amp.GradScaler('cuda', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cuda", init_scale, growth_factor, backoff_factor, growth_interval,
                         enabled)  # fmt: skip


class autocast(_amp.autocast):  # noqa: N801 - PyTorch's public name
    """``torch.amp.autocast("cuda", ...)`` under its deprecated name: warns, then (enabled)
    warns that there is no CUDA and disables itself.

    Args:
        enabled: False makes it a no-op.
        dtype: the low-precision dtype.
        cache_enabled: accepted for PyTorch's signature.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     with torch.cuda.amp.autocast():
    ...         torch.ones(1).dtype
    torch.float32
    """

    def __init__(
        self, enabled: bool = True, dtype: _dtype = _float16, cache_enabled: bool = True
    ) -> None:
        _warnings.warn(
            "`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
            "`torch.amp.autocast('cuda', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)
