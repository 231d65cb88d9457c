"""DistributedDataParallel on N ranks against single-process training on the global batch."""

from __future__ import annotations

import datetime
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import run_checks  # noqa: E402

import graphgrad as torch  # noqa: E402
import graphgrad.distributed as dist  # noqa: E402
import graphgrad.nn.functional as F  # noqa: E402, N812
from graphgrad import nn  # noqa: E402
from graphgrad.nn.parallel import DistributedDataParallel as DDP  # noqa: E402, N817

dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=20))
R, W = dist.get_rank(), dist.get_world_size()
B = 4  # samples a rank


def make_model(seed: int):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(3 * 5 * 5, 16),
        nn.Tanh(),
        nn.Linear(16, 4),
    ).double()


def global_batch(step: int):
    rng = np.random.default_rng(100 + step)
    x = torch.tensor(rng.standard_normal((W * B, 1, 5, 5)))
    y = torch.tensor(rng.integers(0, 4, W * B))
    return x, y


def shard(t):
    return t[R * B : (R + 1) * B]


def assert_close(a, b, tol=1e-10):
    diff = float(np.abs(a.detach().numpy() - b.detach().numpy()).max())
    assert diff <= tol, diff


def train(model, batches, ddp: bool):
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in batches:
        opt.zero_grad()
        inputs, targets = (shard(x), shard(y)) if ddp else (x, y)
        F.cross_entropy(model(inputs), targets).backward()
        opt.step()


def check_construction_broadcasts_rank0_state():
    ddp = DDP(make_model(seed=R))  # each rank starts different; rank 0's state wins
    reference = make_model(seed=0)
    for p, q in zip(ddp.module.parameters(), reference.parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())
    assert isinstance(ddp.module, nn.Sequential)
    assert list(ddp.state_dict()) == ["module." + k for k in reference.state_dict()]


def check_training_equals_single_process_on_global_batch():
    batches = [global_batch(step) for step in range(3)]
    for cap_mb in (25, 0.0001):  # one bucket a dtype, and a bucket or so a parameter
        ddp = DDP(make_model(seed=R), bucket_cap_mb=cap_mb)
        reference = make_model(seed=0)
        train(ddp, batches, ddp=True)
        train(reference, batches, ddp=False)
        for p, q in zip(ddp.module.parameters(), reference.parameters()):
            assert_close(p, q)
        want = [[5, 4, 3, 2, 1, 0]] if cap_mb == 25 else [[5, 4], [3], [2], [1, 0]]
        assert ddp.reducer.buckets == want, ddp.reducer.buckets


def check_compiled_models_train_as_single_process_on_global_batch():
    batches = [global_batch(step) for step in range(4)]
    reference = make_model(seed=0)
    train(reference, batches, ddp=False)
    # DDP(torch.compile(model)) replays the model; torch.compile(DDP(model)) runs eagerly,
    # with a warning (a replay would skip the reducer's preparation for backward)
    for wrap in (lambda m: DDP(torch.compile(m)), lambda m: torch.compile(DDP(m))):
        inner = make_model(seed=R)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            train(wrap(inner), batches, ddp=True)
        for p, q in zip(inner.parameters(), reference.parameters()):
            assert_close(p, q)
        said = [str(w.message) for w in caught]
        assert all("compile the module inside it" in m for m in said), said
    assert len(said) == 1, said  # (the second: compiled DDP ran eagerly)


def check_buckets_reduce_during_backward():
    ddp = DDP(make_model(seed=0), bucket_cap_mb=0.0001)
    first_weight = ddp.module[0].weight  # its gradient comes last in backward
    launched = []
    first_weight.register_hook(lambda g: launched.append(ddp.reducer.next_bucket))
    x, y = global_batch(0)
    F.cross_entropy(ddp(shard(x)), shard(y)).backward()
    assert launched == [3], launched  # the later layers' buckets were under way


def check_no_sync_accumulates_then_averages():
    ddp, reference = DDP(make_model(seed=0)), make_model(seed=0)
    (x1, y1), (x2, y2) = global_batch(1), global_batch(2)
    with ddp.no_sync():
        F.cross_entropy(ddp(shard(x1)), shard(y1)).backward()
    local = [p.grad.clone() for p in ddp.module.parameters()]
    others = [None] * W
    dist.all_gather_object(others, local[0].numpy())
    assert W == 1 or not np.array_equal(others[0], others[1])  # not averaged yet
    F.cross_entropy(ddp(shard(x2)), shard(y2)).backward()
    (F.cross_entropy(reference(x1), y1) + F.cross_entropy(reference(x2), y2)).backward()
    for p, q in zip(ddp.module.parameters(), reference.parameters()):
        assert_close(p.grad, q.grad)


class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.shared = nn.Linear(3, 3)
        self.rank0_only = nn.Linear(3, 3)
        self.never = nn.Linear(3, 3)

    def forward(self, x, use_branch: bool):
        h = self.shared(x)
        return self.rank0_only(h) if use_branch else h


def check_find_unused_parameters():
    torch.manual_seed(0)
    ddp = DDP(Branchy().double(), find_unused_parameters=True)
    x = torch.ones(2, 3, dtype=torch.float64) * (R + 1)
    ddp(x, use_branch=(R == 0)).sum().backward()
    assert ddp.module.never.weight.grad is None  # unused everywhere: untouched, as torch
    local = None
    if R == 0:  # rank 0's own gradient, computed without DDP
        plain = Branchy().double()
        plain.load_state_dict(ddp.module.state_dict())
        plain(x, True).sum().backward()
        local = plain.rank0_only.weight.grad.numpy()
    got = [local]
    dist.broadcast_object_list(got, src=0)
    assert np.allclose(ddp.module.rank0_only.weight.grad.numpy(), got[0] / W, rtol=0, atol=1e-12)
    ddp(x, use_branch=False).sum().backward()  # a second iteration works
    assert ddp.module.shared.weight.grad is not None


def check_unused_parameters_without_search_raise_at_next_forward():
    ddp = DDP(Branchy().double())
    x = torch.ones(2, 3, dtype=torch.float64)
    ddp(x, use_branch=True).sum().backward()
    try:
        ddp(x, use_branch=True)
    except RuntimeError as e:
        text = str(e)
        assert text.startswith("Expected to have finished reduction in the prior iteration")
        assert text.endswith(f"did not receive grad for rank {R}: 4 5"), text
    else:
        raise AssertionError("no error")


def check_broadcast_buffers():
    for broadcast in (True, False):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3)).double()
        ddp = DDP(model, broadcast_buffers=broadcast)
        ddp(torch.randn(4, 3, dtype=torch.float64) + R).sum().backward()  # each rank's stats
        mean_after_own_step = model[1].running_mean.clone()
        ddp.eval()
        with torch.no_grad():
            ddp(torch.zeros(1, 3, dtype=torch.float64))  # eval: forward syncs, does not update
        means = [None] * W
        dist.all_gather_object(means, model[1].running_mean.numpy())
        if broadcast:
            assert all(np.array_equal(m, means[0]) for m in means)
        else:
            assert np.array_equal(model[1].running_mean.numpy(), mean_after_own_step.numpy())
            assert W == 1 or not np.array_equal(means[0], means[1])


def check_different_models_are_refused():
    model = nn.Linear(2 if R == 0 else 3, 2)
    try:
        DDP(model)
    except RuntimeError as e:
        assert "appears not to match sizes of the same param in process" in str(e), e
    else:
        raise AssertionError("no error")


def check_sync_batch_norm_refuses_training_across_ranks_as_torch_on_cpu():
    bn = nn.SyncBatchNorm(3)
    try:
        bn(torch.randn(4, 3))
    except ValueError as e:
        assert str(e) == "SyncBatchNorm expected input tensor to be on GPU or XPU or privateuseone"
    else:
        raise AssertionError("no error")
    bn.eval()  # evaluation needs no synchronising: BatchNorm with the running statistics
    assert bn(torch.ones(2, 3)).shape == (2, 3)
    alone = dist.new_group([R])  # a group of one rank: nothing to synchronise either
    assert nn.SyncBatchNorm(3, process_group=alone)(torch.randn(4, 3)).shape == (4, 3)


run_checks([fn for name, fn in list(globals().items()) if name.startswith("check_")], R)
