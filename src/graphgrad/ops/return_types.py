"""``torch.return_types``: the named tuples ops return (``max(dim)``, ``sort``, ``svd``...).

>>> pair = return_type("max")(1, 2)
>>> pair.values, pair.indices, tuple(pair)
(1, 2, (1, 2))
>>> return_type("svd", ("U", "S", "V"))(1, 2, 3).S
2
"""

from __future__ import annotations

from operator import itemgetter


class ReturnType(tuple):
    """A ``torch.return_types.<name>`` structseq: a tuple whose items have names."""

    __slots__ = ()
    _names: tuple[str, ...] = ()

    def __new__(cls, *items):
        return tuple.__new__(cls, items)

    def __repr__(self) -> str:
        body = ",\n".join(f"{field}={value!r}" for field, value in zip(self._names, self))
        return f"torch.return_types.{type(self).__name__}(\n{body})"

    def __reduce__(self):
        return (type(self), tuple(self))


def return_type(name: str, fields: tuple[str, ...] = ("values", "indices")) -> type:
    """The class ``torch.return_types.<name>``, a tuple of the named ``fields``."""
    members: dict = {"__slots__": (), "_names": fields, "n_fields": len(fields)}
    for i, field in enumerate(fields):
        members[field] = property(itemgetter(i))
    cls = type(name, (ReturnType,), members)
    cls.__module__ = "torch.return_types"
    return cls
