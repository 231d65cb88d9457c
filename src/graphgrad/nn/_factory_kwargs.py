"""``nn.factory_kwargs``: the ``device``/``dtype``/``memory_format`` keyword arguments of a layer,
gathered for a tensor factory.

>>> import graphgrad as torch
>>> factory_kwargs({"dtype": torch.float64, "factory_kwargs": {"device": "cpu"}})
{'device': 'cpu', 'dtype': torch.float64}
"""

from __future__ import annotations

_SIMPLE_KEYS = ("device", "dtype", "memory_format")


def factory_kwargs(kwargs: dict | None) -> dict:
    """A new dict of the factory keyword arguments in ``kwargs`` (those of a nested
    ``factory_kwargs`` dict first), to pass on to ``torch.empty`` and the like.

    Args:
        kwargs: a dict with the keys ``device``, ``dtype``, ``memory_format`` and
            ``factory_kwargs`` only (``None``: no arguments).

    >>> torch.nn.factory_kwargs({"device": "cpu"})
    {'device': 'cpu'}
    """
    if kwargs is None:
        return {}
    unexpected = set(kwargs) - {*_SIMPLE_KEYS, "factory_kwargs"}
    if unexpected:
        raise TypeError(f"unexpected kwargs {unexpected}")
    out = dict(kwargs.get("factory_kwargs", {}))
    for key in _SIMPLE_KEYS:
        if key in kwargs:
            if key in out:
                raise TypeError(f"{key} specified twice, in **kwargs and in factory_kwargs")
            out[key] = kwargs[key]
    return out
