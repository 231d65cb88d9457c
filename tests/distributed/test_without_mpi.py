"""What works in one process without MPI: errors before init_process_group, ReduceOp, the
DistributedSampler's indices (against torch's) and the launcher's command line."""

from __future__ import annotations

import numpy as np
import pytest

import graphgrad as gg
import graphgrad.distributed as dist
from graphgrad.distributed._rank_env import torchrun_env
from graphgrad.distributed.run import _parser, mpiexec_command
from graphgrad.utils.data import DistributedSampler

NOT_INIT = (
    "Default process group has not been initialized, please make sure to call init_process_group."
)


@pytest.mark.parametrize(
    "call",
    [
        dist.get_rank,
        dist.get_world_size,
        dist.get_backend,
        dist.barrier,
        lambda: dist.all_reduce(gg.ones(2)),
        lambda: dist.broadcast(gg.ones(2), 0),
        lambda: dist.all_gather_object([None], 1),
        lambda: dist.new_group([0]),
        lambda: gg.nn.parallel.DistributedDataParallel(gg.nn.Linear(2, 2)),
    ],
)
def test_calls_before_init_raise_torch_error(call):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == NOT_INIT


def test_sampler_needs_the_process_group_or_its_numbers():
    if dist.is_available():
        with pytest.raises(ValueError, match="Default process group has not been initialized"):
            DistributedSampler(range(4))
    else:  # torch's words where its distributed package is not built
        with pytest.raises(RuntimeError, match="Requires distributed package to be available"):
            DistributedSampler(range(4))


def test_state_before_init():
    assert dist.is_initialized() is False
    assert dist.group.WORLD is None
    with pytest.raises(AssertionError, match="Process group cannot be None"):
        dist.destroy_process_group()


def test_reduce_op_matches_torch():
    tdist = pytest.importorskip("torch.distributed")
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR"):
        ours, theirs = getattr(dist.ReduceOp, name), getattr(tdist.ReduceOp, name)
        assert (repr(ours), str(ours), ours.value) == (repr(theirs), str(theirs), int(theirs))


def test_the_deprecated_reduce_op_warns_and_gives_reduce_ops():
    # PyTorch's own distributed tutorial writes ``dist.reduce_op.SUM``; before, ``reduce_op``
    # was graphgrad's module of that name: AttributeError
    with pytest.warns(FutureWarning, match="`torch.distributed.reduce_op` is deprecated"):
        assert dist.reduce_op.SUM is dist.ReduceOp.SUM
    with pytest.warns(FutureWarning):
        assert dist.reduce_op.MAX is dist.ReduceOp.MAX


def _outcome(call):
    try:
        return repr(call())
    except Exception as e:  # noqa: BLE001 - the error is what is compared
        return f"{type(e).__name__}: {e}"


@pytest.mark.parametrize(
    "call",
    [
        lambda d, t: d.get_default_backend_for_device("cpu"),
        lambda d, t: d.get_default_backend_for_device(t.device("cpu")),
        lambda d, t: d.get_default_backend_for_device("cuda:1"),
        lambda d, t: d.get_default_backend_for_device("meta"),
        lambda d, t: d.Backend("GLOO"),
        lambda d, t: (d.Backend.GLOO, d.Backend.MPI, d.Backend.NCCL),
        lambda d, t: d.get_node_local_rank(fallback_rank=3),
        lambda d, t: d.get_node_local_rank(),
        lambda d, t: d.GroupMember.NON_GROUP_MEMBER,
        lambda d, t: d.GroupMember.WORLD,
        lambda d, t: d.get_process_group_ranks(None),
        lambda d, t: d.get_global_rank(None, 0),
        lambda d, t: d.get_group_rank(None, 0),
    ],
)
def test_distributed_helpers_match_torch(call, monkeypatch):
    # before: AttributeError for each (pytorch/examples' ddp/example.py asks the first)
    torch = pytest.importorskip("torch")
    monkeypatch.delenv("LOCAL_RANK", raising=False)
    assert _outcome(lambda: call(dist, gg)) == _outcome(lambda: call(torch.distributed, torch))


def test_is_torchelastic_launched_reads_torchruns_variable(monkeypatch):
    monkeypatch.delenv("TORCHELASTIC_RUN_ID", raising=False)
    assert dist.is_torchelastic_launched() is False
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "none")
    assert dist.is_torchelastic_launched() is True


def test_op_checks_are_remembered_only_for_allowed_pairs():
    from graphgrad.distributed._reduce_op import check_op

    check_op(dist.ReduceOp.SUM, gg.int64)  # allowed, and remembered
    with pytest.raises(RuntimeError, match="desired output type Long"):
        check_op(dist.ReduceOp.AVG, gg.int64)
    with pytest.raises(RuntimeError, match="desired output type Long"):  # still, the 2nd time
        check_op(dist.ReduceOp.AVG, gg.int64)
    with pytest.raises(TypeError, match="op must be a ReduceOp, got list"):
        check_op([], gg.int64)  # unhashable: an error of its own, not the cache's


def test_fingerprints_are_cached_read_only_and_tell_signatures_apart():
    from graphgrad.distributed._fingerprint import fingerprint, signal

    a = fingerprint("ALLREDUCE", gg.ones(4), op=dist.ReduceOp.SUM)
    both = signal("ALLREDUCE", gg.zeros(4), op=dist.ReduceOp.SUM)
    assert signal("ALLREDUCE", gg.ones(4), op=dist.ReduceOp.SUM) is both
    assert not both.flags.writeable and (both == np.concatenate([a, -a])).all()
    others = [
        fingerprint("ALLREDUCE", gg.ones(2, 2), op=dist.ReduceOp.SUM),  # same numel
        fingerprint("ALLREDUCE", gg.ones(4, dtype=gg.int32), op=dist.ReduceOp.SUM),  # same bytes
        fingerprint("ALLREDUCE", gg.ones(4), op=dist.ReduceOp.MAX),
        fingerprint("BROADCAST", gg.ones(4), root=0),
        fingerprint("BROADCAST", gg.ones(4), root=1),
    ]
    assert len({v.tobytes() for v in [a, *others]}) == 6


@pytest.mark.parametrize("n", [0, 1, 7, 10, 12])
@pytest.mark.parametrize("replicas", [1, 3, 4])
@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("drop_last", [True, False])
def test_sampler_indices_match_torch(n, replicas, shuffle, drop_last):
    tdata = pytest.importorskip("torch.utils.data.distributed")
    for rank in range(replicas):
        for epoch in (0, 3):
            kwargs = dict(num_replicas=replicas, rank=rank, shuffle=shuffle, seed=5,
                          drop_last=drop_last)  # fmt: skip
            ours = DistributedSampler(range(n), **kwargs)
            theirs = tdata.DistributedSampler(range(n), **kwargs)
            ours.set_epoch(epoch)
            theirs.set_epoch(epoch)
            assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_sampler_rank_out_of_range():
    with pytest.raises(
        ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"
    ):
        DistributedSampler(range(4), num_replicas=2, rank=2)


def test_launcher_command_and_rank_environment():
    argv = ["--nproc_per_node", "2", "--nnodes", "2", "--hostfile", "h", "--mpiexec", "mpiexec"]
    args = _parser().parse_args([*argv, "train.py", "--lr", "0.1"])
    cmd = mpiexec_command(args)
    assert cmd[:7] == ["mpiexec", "-n", "4", "-f", "h", "-ppn", "2"]
    assert cmd[-3:] == ["train.py", "--lr", "0.1"]
    mpi_env = {
        "OMPI_COMM_WORLD_RANK": "3",
        "OMPI_COMM_WORLD_SIZE": "4",
        "OMPI_COMM_WORLD_LOCAL_RANK": "1",
        "OMPI_COMM_WORLD_LOCAL_SIZE": "2",
    }
    env = torchrun_env(mpi_env)
    assert (env["RANK"], env["LOCAL_RANK"], env["WORLD_SIZE"], env["GROUP_RANK"]) == (
        "3",
        "1",
        "4",
        "1",
    )
