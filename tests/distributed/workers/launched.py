"""A torch-style script started by the launcher: prints its environment and a collective."""

import os
import sys

import graphgrad as torch
import graphgrad.distributed as dist

dist.init_process_group("gloo")
t = torch.tensor([float(dist.get_rank())])
dist.all_reduce(t)
keys = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK")
sub = dist.new_group([1, 0])  # (sorted, as torch does)
found = (
    f" elastic={dist.is_torchelastic_launched()} local={dist.get_node_local_rank()}"
    f" sub={dist.get_process_group_ranks(sub)} {dist.get_global_rank(sub, 1)}"
    f" {dist.get_group_rank(sub, 1)} backend={dist.get_default_backend_for_device('cpu')}"
)
line = " ".join(f"{k}={os.environ[k]}" for k in keys) + found + f" sum={t.item()}\n"
# one write per rank (print writes its pieces separately, and the ranks share the pipe)
os.write(sys.stdout.fileno(), line.encode())
assert int(os.environ["RANK"]) == dist.get_rank()
dist.destroy_process_group()
