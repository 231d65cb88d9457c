"""ops/splitting.py against torch: values, dtypes and shapes, errors, gradients (float64)."""

import pytest

import graphgrad as gg
from tests._compare_torch import assert_same, outcome

from ._grad_cases import assert_gradchecks, assert_grads_match_torch

torch = pytest.importorskip("torch")


def _m(T):
    return T.arange(12.0).reshape(3, 4)


EXACT = {
    "tensor_split_sections": lambda T: T.tensor_split(T.arange(7), 3),
    "tensor_split_indices": lambda T: T.tensor_split(_m(T), [1, 3], dim=1),
    "tensor_split_tensor_0d": lambda T: T.tensor_split(_m(T), T.tensor(2)),
    "tensor_split_tensor_1d": lambda T: T.tensor_split(_m(T), T.tensor([1])),
    "tensor_split_backwards": lambda T: T.tensor_split(_m(T), [3, 1]),
    "tensor_split_past_end": lambda T: T.tensor_split(_m(T), [1, 9], dim=-1),
    "tensor_split_more_sections": lambda T: T.tensor_split(T.arange(2), 4),
    "tensor_split_zero": lambda T: T.tensor_split(_m(T), 0),
    "tensor_split_0d": lambda T: T.tensor_split(T.tensor(1.0), 2),
    "tensor_split_float": lambda T: T.tensor_split(_m(T), 2.5),
    "tensor_split_2d_tensor": lambda T: T.tensor_split(_m(T), T.tensor([[1]])),
    "tensor_split_method": lambda T: _m(T).tensor_split(2, 1),
    "hsplit": lambda T: T.hsplit(_m(T), 2),
    "hsplit_uneven": lambda T: T.hsplit(_m(T), 3),
    "hsplit_1d": lambda T: T.hsplit(T.arange(4), [1]),
    "hsplit_0d": lambda T: T.hsplit(T.tensor(1.0), 1),
    "vsplit": lambda T: T.vsplit(_m(T), [1]),
    "vsplit_1d": lambda T: T.vsplit(T.arange(4), 2),
    "dsplit": lambda T: T.dsplit(T.arange(8).reshape(1, 2, 4), 2),
    "dsplit_2d": lambda T: T.dsplit(_m(T), 2),
    "column_stack": lambda T: T.column_stack([T.tensor([1, 2]), T.tensor([[3], [4]])]),
    "column_stack_promote": lambda T: T.column_stack([T.tensor([1, 2]), T.tensor([3.0, 4])]),
    "column_stack_0d": lambda T: T.column_stack([T.tensor(1), T.tensor(2)]),
    "column_stack_mismatch": lambda T: T.column_stack([T.tensor([1, 2]), T.tensor(5)]),
    "column_stack_empty": lambda T: T.column_stack([]),
    "column_stack_tensor": lambda T: T.column_stack(T.ones(2)),
    "dstack": lambda T: T.dstack([T.tensor([1, 2]), T.tensor([3, 4])]),
    "dstack_2d": lambda T: T.dstack([T.ones(2, 3), T.zeros(2, 3)]),
    "dstack_empty": lambda T: T.dstack([]),
    "atleast_3d": lambda T: [
        T.atleast_3d(T.ones(s)).shape for s in [(), (2,), (2, 3), (1, 2, 3, 4)]
    ],
    "atleast_3d_many": lambda T: T.atleast_3d(T.ones(2), T.tensor(1.0)),
    "atleast_3d_list": lambda T: T.atleast_3d([T.ones(2)]),
    "tile": lambda T: T.tile(T.tensor([1, 2]), (2,)),
    "tile_pad": lambda T: T.tile(_m(T), (2,)),
    "tile_more": lambda T: T.tile(T.tensor([1, 2]), (2, 2)),
    "tile_empty_dims": lambda T: T.tile(_m(T), ()),
    "tile_method": lambda T: T.tensor([[1, 2]]).tile(2, 1),
    "repeat_interleave": lambda T: T.repeat_interleave(_m(T), 2),
    "repeat_interleave_dim": lambda T: T.repeat_interleave(_m(T), T.tensor([1, 0, 2]), dim=0),
    "repeat_interleave_counts": lambda T: T.repeat_interleave(T.tensor([1, 0, 2])),
    "repeat_interleave_one": lambda T: T.repeat_interleave(_m(T), T.tensor([2]), dim=1),
    "repeat_interleave_0d": lambda T: T.repeat_interleave(T.tensor(2.0), 3),
    "repeat_interleave_method": lambda T: _m(T).repeat_interleave(2, dim=-1),
    "repeat_interleave_size": lambda T: T.repeat_interleave(_m(T), T.tensor([1, 2]), dim=1),
    "repeat_interleave_negative": lambda T: T.repeat_interleave(_m(T), -1),
    "repeat_interleave_negative_t": lambda T: T.repeat_interleave(
        _m(T), T.tensor([1, -2, 1]), dim=0
    ),  # fmt: skip
    "repeat_interleave_2d": lambda T: T.repeat_interleave(_m(T), T.tensor([[2]]), dim=1),
    "repeat_interleave_float": lambda T: T.repeat_interleave(_m(T), T.tensor([2.0]), dim=1),
    "broadcast_tensors": lambda T: T.broadcast_tensors(T.ones(2, 1), T.arange(3)),
    "broadcast_tensors_bad": lambda T: T.broadcast_tensors(T.ones(2), T.ones(3)),
    "broadcast_tensors_none": lambda T: T.broadcast_tensors(),
    "broadcast_shapes": lambda T: (T.broadcast_shapes((2, 1), (3,), 1), T.broadcast_shapes()),
    "broadcast_shapes_bad": lambda T: T.broadcast_shapes((2, 1), (3,), 5),
    "broadcast_shapes_bad2": lambda T: T.broadcast_shapes((2,), (3,)),
    "unravel_index": lambda T: T.unravel_index(T.tensor([4, 1, -1, 6, -7]), (2, 3)),
    "unravel_index_0d": lambda T: T.unravel_index(T.tensor(4), (2, 3)),
    "unravel_index_int": lambda T: T.unravel_index(T.tensor([1]), 6),
    "unravel_index_float": lambda T: T.unravel_index(T.tensor([1.0]), (2, 3)),
    "unravel_index_negative": lambda T: T.unravel_index(T.tensor([1]), (-1,)),
    "unravel_index_empty_shape": lambda T: T.unravel_index(T.tensor([1]), ()),
    "adjoint": lambda T: (T.adjoint(_m(T)), T.ones(2, 3, 4).adjoint().shape),
    "adjoint_1d": lambda T: T.adjoint(T.ones(3)),
    "narrow_copy": lambda T: T.narrow_copy(_m(T), 1, 1, 2),
    "diagflat": lambda T: T.diagflat(T.tensor([[1, 2], [3, 4]]), 1),
    "diagflat_neg": lambda T: T.tensor([1.0, 2.0]).diagflat(-1),
    "combinations": lambda T: T.combinations(T.tensor([1, 2, 3])),
    "combinations_repl": lambda T: T.combinations(T.tensor([1.0, 2, 3]), 3, True),
    "combinations_too_long": lambda T: T.combinations(T.tensor([1, 2]), 3),
    "combinations_0": lambda T: T.combinations(T.tensor([1, 2]), 0),
    "combinations_2d": lambda T: T.combinations(_m(T)),
    "combinations_negative": lambda T: T.combinations(T.tensor([1, 2]), -1),
    "unfold": lambda T: _m(T).unfold(1, 2, 1),
    "unfold_step": lambda T: T.arange(7.0).unfold(0, 3, 2),
    "unfold_dim0": lambda T: _m(T).unfold(0, 2, 1),
    "unfold_too_big": lambda T: _m(T).unfold(1, 5, 1),
    "unfold_step0": lambda T: _m(T).unfold(1, 2, 0),
    "unfold_0d": lambda T: T.tensor(2.0).unfold(0, 1, 1),
    "unfold_size0": lambda T: _m(T).unfold(0, 0, 1),
}


@pytest.mark.parametrize("name", list(EXACT))
def test_results_and_errors_match_torch(name):
    assert_same(outcome(gg, EXACT[name]), outcome(torch, EXACT[name]))


GRAD_CASES = {
    "tensor_split": (lambda T, a: T.tensor_split(a, 3, dim=1)[1] * 2, [(2, 5)]),
    "hsplit": (lambda T, a: T.cat(T.hsplit(a, [1])[::-1], 1), [(2, 3)]),
    "column_stack": (lambda T, a, b: T.column_stack([a, b]), [(3,), (3, 2)]),
    "dstack": (lambda T, a, b: T.dstack([a, b]), [(3,), (3,)]),
    "atleast_3d": (lambda T, a: T.atleast_3d(a) * 3, [(2, 3)]),
    "tile": (lambda T, a: T.tile(a, (2, 1, 2)), [(2, 3)]),
    "repeat_interleave": (lambda T, a: T.repeat_interleave(a, T.tensor([2, 0, 1]), 1), [(2, 3)]),
    "repeat_interleave_flat": (lambda T, a: T.repeat_interleave(a, 2), [(2, 2)]),
    "broadcast_tensors": (lambda T, a, b: T.stack(T.broadcast_tensors(a, b)), [(2, 1), (3,)]),
    "adjoint": (lambda T, a: T.adjoint(a) @ a, [(3, 2)]),
    "narrow_copy": (lambda T, a: T.narrow_copy(a, 0, 1, 2), [(4, 2)]),
    "diagflat": (lambda T, a: T.diagflat(a, -1), [(2, 2)]),
    "combinations": (lambda T, a: T.combinations(a, 2).prod(1), [(4,)]),
    "unfold": (lambda T, a: a.unfold(1, 3, 2) ** 2, [(2, 7)]),
}


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradients_match_torch(name):
    assert_grads_match_torch(GRAD_CASES[name], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", list(GRAD_CASES))
def test_gradcheck_and_gradgradcheck(name):
    assert_gradchecks(GRAD_CASES[name])


def test_tensor_split_pieces_are_views():
    x = gg.arange(6.0)
    a, b = gg.tensor_split(x, 2)
    b[0] = 100.0
    assert x[3].item() == 100.0 and a._base is x or a._is_view()


def test_methods_exist_as_in_torch():
    for name in """tensor_split hsplit vsplit dsplit tile repeat_interleave adjoint narrow_copy
            diagflat unfold""".split():
        assert hasattr(gg.Tensor, name) and hasattr(torch.Tensor, name), name
