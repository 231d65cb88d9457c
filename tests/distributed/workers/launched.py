"""A torch-style script started by the launcher: prints its environment and a collective."""

import os

import graphgrad as torch
import graphgrad.distributed as dist

dist.init_process_group("gloo")
t = torch.tensor([float(dist.get_rank())])
dist.all_reduce(t)
keys = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK")
print(" ".join(f"{k}={os.environ[k]}" for k in keys), f"sum={t.item()}", flush=True)
assert int(os.environ["RANK"]) == dist.get_rank()
dist.destroy_process_group()
