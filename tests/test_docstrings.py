"""Every public function, class, method and property documents itself as PyTorch's do: a
docstring that names each parameter of its signature and has a ``>>>`` example (which
tests/test_doctests.py runs). A failure lists exactly the offending names, so a new API that
slipped in undocumented is named here. There are no exemptions.
"""

from __future__ import annotations

import inspect

import graphgrad

from ._api import problems, public_api


def incomplete() -> dict[str, list[str]]:
    return {name: p for name, obj in public_api().items() if (p := problems(name, obj))}


def test_every_public_callable_has_a_docstring_with_parameters_and_an_example():
    bad = incomplete()
    listing = "\n".join(f"  {name}: {'; '.join(p)}" for name, p in sorted(bad.items()))
    assert not bad, f"{len(bad)} public names lack a complete docstring:\n{listing}"


def test_the_walk_reaches_the_api_users_meet_first():
    api = public_api()
    for name in (
        "graphgrad.tensor",
        "graphgrad.Tensor.backward",
        "graphgrad.nn.Linear",
        "graphgrad.optim.SGD",
        "graphgrad.autograd.grad",
    ):
        assert name in api


def test_tensor_backward_shows_its_signature_in_help():
    from graphgrad import Tensor

    assert Tensor.backward.__name__ == "backward"
    signature = str(inspect.signature(Tensor.backward))
    assert signature == "(self, gradient=None, retain_graph=None, create_graph=False, inputs=None)"
    assert len(inspect.getdoc(Tensor.backward).splitlines()) > 10
    assert graphgrad.autograd.grad.__doc__.count("\n") > 10


def test_the_check_names_what_a_docstring_lacks():
    def scale(input, factor=2.0):
        """Multiply ``input``.

        >>> 1
        1
        """

    def bare(x):
        pass

    assert problems("scale", scale) == ["parameters not named: factor"]
    assert problems("bare", bare) == ["no docstring"]
