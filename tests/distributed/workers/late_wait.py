"""A rank that starts a collective with ``async_op=True`` and then does not wait for it: the
ranks that wait at once still wait under the timeout and raise DistBackendError, rather than
block until rank 1 moves on (a wait inside MPI would: it has no timeout). 16 MiB: a transfer
that needs rank 1's progress, not only what it sent when it started."""

import datetime
import time

import graphgrad as torch
import graphgrad.distributed as dist

dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=1))
dist.barrier()
big = torch.ones(4 * 1024 * 1024)
if dist.get_rank() == 1:
    work = dist.all_reduce(big, async_op=True)
    time.sleep(3.0)  # busy elsewhere, as far as the others can tell
else:
    start = time.monotonic()
    try:
        dist.all_reduce(big)
        print(f"rank {dist.get_rank()} finished after {time.monotonic() - start:.1f}s", flush=True)
    except dist.DistBackendError as e:
        waited = time.monotonic() - start
        assert 0.9 < waited < 2.5, waited
        assert "timed out after 1000ms" in str(e), e
        print(f"rank {dist.get_rank()} timed out after {waited:.1f}s", flush=True)
print(f"rank {dist.get_rank()} ok", flush=True)
