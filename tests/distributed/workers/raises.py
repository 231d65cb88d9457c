"""A rank that raises an exception nothing catches: the job ends (as under torchrun), instead of
the rank waiting in MPI's finalize and the others in the collective until the timeout."""

import atexit
import datetime

import graphgrad as torch
import graphgrad.distributed as dist

dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60))
atexit.register(lambda: print(f"exit handlers ran on rank {dist.get_rank()}", flush=True))
if dist.get_rank() == 1:
    raise RuntimeError("rank 1 fails")
dist.all_reduce(torch.ones(2))
print("rank 0 finished the collective without rank 1", flush=True)
