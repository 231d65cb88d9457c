"""Every collective on N ranks against values computed here with NumPy (run by test_mpi.py)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import run_checks  # noqa: E402

import graphgrad as torch  # noqa: E402
import graphgrad.distributed as dist  # noqa: E402

dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=20))
R, W = dist.get_rank(), dist.get_world_size()
OP = dist.ReduceOp
DTYPES = [torch.float16, torch.float32, torch.float64, torch.complex64, torch.complex128,
          torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool]  # fmt: skip


def values(rank: int, dtype) -> np.ndarray:
    """Rank ``rank``'s input: small values whose products and sums stay exact in every dtype."""
    if dtype is torch.bool:
        return np.array([True, False, rank == 0, rank % 2 == 1])
    base = np.array([1, 2, 0, 3]) + rank
    if dtype.is_complex:
        return (base + 1j * (base - 1)).astype(dtype.np)
    return base.astype(dtype.np)


def expected(op, dtype) -> np.ndarray:
    stack = np.stack([values(r, dtype) for r in range(W)])
    if dtype is torch.bool:
        any_, all_ = stack.any(0), stack.all(0)
        return {OP.SUM: any_, OP.MAX: any_, OP.PRODUCT: all_, OP.MIN: all_}[op]
    reduce = {OP.SUM: np.sum, OP.PRODUCT: np.prod, OP.MIN: np.min, OP.MAX: np.max}
    if op is OP.AVG:
        return (stack.sum(0) / W).astype(dtype.np)
    return reduce[op](stack, axis=0).astype(dtype.np)


def check_init_state():
    assert dist.is_initialized() and dist.get_backend() == "gloo"
    try:
        dist.init_process_group("gloo")
    except ValueError as e:
        assert str(e) == "trying to initialize the default process group twice!"
    else:
        raise AssertionError("no error")


def check_all_reduce_every_op_and_dtype():
    for dtype in DTYPES:
        for op in (OP.SUM, OP.AVG, OP.PRODUCT, OP.MIN, OP.MAX):
            if op is OP.AVG and not (dtype.is_floating_point or dtype.is_complex):
                continue
            if op in (OP.MIN, OP.MAX) and dtype.is_complex:
                continue
            t = torch.tensor(values(R, dtype))
            assert dist.all_reduce(t, op=op) is None
            want = expected(op, dtype)
            assert t.dtype is dtype and np.array_equal(t.numpy(), want), (dtype, op, t, want)


def check_reduce_op_errors():
    for dtype in (torch.int64, torch.uint8, torch.bool):
        try:
            dist.all_reduce(torch.tensor(values(R, dtype)), op=OP.AVG)
        except RuntimeError as e:
            assert f"desired output type {dtype.legacy}" in str(e)
        else:
            raise AssertionError("no error")
    try:
        dist.all_reduce(torch.tensor([1j]), op=OP.MAX)
    except ValueError as e:
        assert str(e) == "all_reduce does not support RedOpType.MAX on complex tensors"
    else:
        raise AssertionError("no error")
    t = torch.tensor([1, 2, 3 + R])
    dist.all_reduce(t, op=OP.BXOR)  # bitwise ops on integers
    want = np.bitwise_xor.reduce(np.stack([[1, 2, 3 + r] for r in range(W)]), axis=0)
    assert np.array_equal(t.numpy(), want)


def check_zero_dim_and_non_contiguous():
    t = torch.tensor(float(R + 1))
    dist.all_reduce(t)
    assert t.shape == () and t.item() == W * (W + 1) / 2
    base = torch.arange(6.0).reshape(2, 3) * (R + 1)
    view = base.t()  # non-contiguous: the result must land in base's memory
    version = view._version
    dist.all_reduce(view)
    total = sum(r + 1 for r in range(W))
    assert np.array_equal(base.numpy(), np.arange(6.0).reshape(2, 3) * total)
    assert view._version == version + 1


def check_contiguous_tensors_are_reduced_in_their_own_memory():
    base = torch.zeros(3, 4)
    row = base[1]  # contiguous view: all_reduce writes base's memory, not a copy
    row.add_(R + 1)
    data = row._data
    dist.all_reduce(row, op=OP.AVG)
    assert row._data is data and np.shares_memory(data, base._data)
    assert base.tolist() == [[0.0] * 4, [(W + 1) / 2] * 4, [0.0] * 4]


def check_broadcast_reduce():
    src = W - 1
    t = torch.full((2, 3), float(R))
    dist.broadcast(t, src=src)
    assert (t.numpy() == src).all()
    t = torch.tensor([R + 1.0, 2.0])
    dist.reduce(t, dst=1, op=OP.MAX)
    want = [W, 2.0] if R == 1 else [R + 1.0, 2.0]  # only dst's tensor changes
    assert t.tolist() == want, t


def check_gathers():
    out = [torch.zeros(2, dtype=torch.int64) for _ in range(W)]
    dist.all_gather(out, torch.tensor([R, 10 * R]))
    assert [o.tolist() for o in out] == [[r, 10 * r] for r in range(W)]
    flat = torch.zeros(2 * W)
    dist.all_gather_into_tensor(flat, torch.tensor([R, R + 0.5]))
    assert flat.tolist() == [v for r in range(W) for v in (r, r + 0.5)]
    stacked = torch.zeros(W, 2)
    dist.all_gather_into_tensor(stacked, torch.tensor([R, R + 0.5]))
    assert stacked.tolist() == [[r, r + 0.5] for r in range(W)]
    gathered = [torch.zeros(1) for _ in range(W)] if R == 0 else None
    dist.gather(torch.tensor([R * 2.0]), gathered, dst=0)
    if R == 0:
        assert [g.item() for g in gathered] == [2.0 * r for r in range(W)]


def check_scatters():
    out = torch.zeros(2)
    parts = [torch.tensor([r, r + R * 10.0]) for r in range(W)]
    dist.reduce_scatter(out, parts, op=OP.SUM)
    assert out.tolist() == [R * W, R * W + 10.0 * sum(range(W))]
    out = torch.zeros(2)
    dist.reduce_scatter_tensor(out, torch.arange(2.0 * W) + R, op=OP.AVG)
    mean_shift = sum(range(W)) / W
    assert out.tolist() == [2 * R + mean_shift, 2 * R + 1 + mean_shift]
    out = torch.zeros(3, dtype=torch.int32)
    src = W - 1
    chunks = [torch.full((3,), r, dtype=torch.int32) for r in range(W)] if R == src else None
    dist.scatter(out, chunks, src=src)
    assert out.tolist() == [R] * 3


def check_point_to_point():
    right, left = (R + 1) % W, (R - 1) % W
    send = dist.isend(torch.tensor([R, R * 2.0]), dst=right)
    got = torch.zeros(2)
    assert dist.irecv(got, src=left).wait() is True
    assert send.wait() is True and got.tolist() == [left, left * 2.0]
    if R == 0:
        dist.send(torch.arange(3), dst=1, tag=7)
    elif R == 1:
        t = torch.zeros(3, dtype=torch.int64)
        assert dist.recv(t, tag=7) == 0 and t.tolist() == [0, 1, 2]
    try:
        dist.send(torch.ones(1), dst=R)
    except ValueError as e:
        assert "destination rank should not be the same" in str(e)
    else:
        raise AssertionError("no error")


def check_wrong_message_length():
    if R == 0:
        dist.send(torch.ones(3), dst=1)
    elif R == 1:
        try:
            dist.recv(torch.zeros(2), src=0)
        except RuntimeError as e:
            assert "the message had 3 elements, the tensor has 2" in str(e), e
        else:
            raise AssertionError("no error")


def check_async_work():
    t = torch.ones(3) * (R + 1)
    work = dist.all_reduce(t, async_op=True)
    assert isinstance(work, dist.Work)
    assert work.wait() is True and work.is_completed() and work.is_success()
    assert t.tolist() == [W * (W + 1) / 2] * 3 and work.result()[0] is t
    assert dist.barrier(async_op=True).wait() is True
    assert dist.barrier() is None


def check_async_every_collective_in_flight_together():
    f = float(R)
    a, b, c = torch.full((2,), f), torch.full((2,), f), torch.tensor([f])
    out = [torch.zeros(1) for _ in range(W)]
    flat, part, scattered = torch.zeros(W), torch.zeros(1), torch.zeros(1)
    gathered = [torch.zeros(1) for _ in range(W)] if R == 0 else None
    pieces = [torch.tensor([10.0 * r]) for r in range(W)] if R == 0 else None
    works = [
        dist.all_reduce(a, async_op=True),
        dist.broadcast(b, src=W - 1, async_op=True),
        dist.reduce(c, dst=0, async_op=True),
        dist.all_gather(out, torch.tensor([f]), async_op=True),
        dist.all_gather_into_tensor(flat, torch.tensor([f]), async_op=True),
        dist.reduce_scatter_tensor(part, torch.ones(W) * (R + 1), async_op=True),
        dist.gather(torch.tensor([f]), gathered, dst=0, async_op=True),
        dist.scatter(scattered, pieces, src=0, async_op=True),
    ]
    for work in reversed(works):  # all started before any is waited on, waited last first
        assert isinstance(work, dist.Work) and work.wait() is True
    total = float(sum(range(W)))
    assert a.tolist() == [total] * 2 and b.tolist() == [W - 1.0] * 2
    assert c.item() == (total if R == 0 else f)
    assert [o.item() for o in out] == list(range(W)) and flat.tolist() == list(range(W))
    assert part.item() == sum(r + 1 for r in range(W)) and scattered.item() == 10.0 * R
    if R == 0:
        assert [g.item() for g in gathered] == list(range(W))


def check_subgroup():
    sub = dist.new_group([1, 0])
    if R < 2:
        assert dist.get_rank(sub) == R and dist.get_world_size(sub) == 2
        t = torch.tensor([R + 1.0])
        dist.all_reduce(t, group=sub)
        assert t.item() == 3.0
        t = torch.tensor([float(R)])
        dist.broadcast(t, src=1, group=sub)  # src is a global rank
        assert t.item() == 1.0
    else:
        assert dist.get_rank(sub) == -1 and dist.get_world_size(sub) == -1
        assert dist.all_reduce(torch.ones(1), group=sub) is None
    dist.destroy_process_group(sub)


def check_objects():
    out = [None] * W
    dist.all_gather_object(out, {"rank": R, "name": f"r{R}"})
    assert out == [{"rank": r, "name": f"r{r}"} for r in range(W)]
    items = [R, "text", [R] * R]
    dist.broadcast_object_list(items, src=W - 1)
    assert items == [W - 1, "text", [W - 1] * (W - 1)]
    gathered = [None] * W if R == 0 else None
    dist.gather_object(R * 3, gathered, dst=0)
    assert R != 0 or gathered == [3 * r for r in range(W)]


def expect_error(kind, text, fn):
    try:
        fn()
    except kind as e:
        assert text in str(e), str(e)
    else:
        raise AssertionError(f"no {kind.__name__}")


def check_argument_errors():
    expect_error(RuntimeError, "invalid root rank: 9", lambda: dist.broadcast(torch.ones(1), 9))
    expect_error(
        RuntimeError,
        f"invalid output tensor list at index 0 (expected length {W}, got 1)",
        lambda: dist.all_gather([torch.zeros(1)], torch.ones(1)),
    )
    expect_error(
        RuntimeError,
        "invalid tensor size at index 0 (expected (1), got (2))",
        lambda: dist.all_gather([torch.zeros(2)] * W, torch.ones(1)),
    )
    expect_error(
        ValueError,
        "Argument ``gather_list`` must NOT be specified on non-destination ranks.",
        lambda: dist.gather(torch.ones(1), [torch.zeros(1)] * W, dst=(R + 1) % W),
    )
    expect_error(TypeError, "of type torch.Tensor", lambda: dist.all_reduce([1.0]))


def check_mismatched_shapes_raise_on_every_rank():
    other = 1 if R == 0 else 0  # the first rank whose call differs from this rank's
    cases = [
        ((2 + R,), torch.float32, [2 + other]),
        ((2,), torch.float64 if R else torch.float32, [2]),
    ]
    for shape, dtype, other_shape in cases:
        sub = dist.new_group()  # a mismatch retires its group: the others stay usable
        expect_error(
            RuntimeError,
            f"Detected mismatch between collectives on ranks. Rank {R} is running collective: "
            f"CollectiveFingerPrint(OpType=ALLREDUCE, TensorShape={list(shape)}, "
            f"TensorDtype={dtype}, ReduceOp=SUM), but Rank {other} is running collective: "
            f"CollectiveFingerPrint(OpType=ALLREDUCE, TensorShape={other_shape}",
            lambda: dist.all_reduce(torch.ones(shape, dtype=dtype), group=sub),
        )
        expect_error(RuntimeError, "unusable", lambda: dist.barrier(group=sub))
    t = torch.ones(2)
    dist.all_reduce(t)
    assert t.tolist() == [W, W]


def check_mismatch_found_after_every_rank_has_seen_both_shapes():
    """Fingerprints are cached per signature: a mismatch of cached ones is still found."""
    sub = dist.new_group()
    for shape in ((4,), (2, 2)):  # both signatures cached on every rank, matched
        dist.all_reduce(torch.ones(shape), group=sub)
    other = 1 if R == 0 else 0
    mine, theirs = ([4], [2, 2]) if R == 0 else ([2, 2], [4])
    expect_error(
        RuntimeError,
        f"Rank {R} is running collective: CollectiveFingerPrint(OpType=ALLREDUCE, "
        f"TensorShape={mine}, TensorDtype=torch.float32, ReduceOp=SUM), but Rank {other} is "
        f"running collective: CollectiveFingerPrint(OpType=ALLREDUCE, TensorShape={theirs}",
        lambda: dist.all_reduce(torch.ones(mine), group=sub),
    )


def check_destroy():
    dist.destroy_process_group()
    assert not dist.is_initialized()


run_checks([fn for name, fn in list(globals().items()) if name.startswith("check_")], R)
