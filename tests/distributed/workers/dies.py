"""A rank that dies: MPI's launcher ends the whole job, so no rank is left waiting."""

import datetime
import os

import graphgrad as torch
import graphgrad.distributed as dist

dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=30))
if dist.get_rank() == 1:
    os._exit(3)
dist.all_reduce(torch.ones(2))
print("rank 0 finished the collective without rank 1", flush=True)
