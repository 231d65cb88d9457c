"""A rank that never joins a collective: the others raise DistBackendError after the timeout
(rather than wait forever), and the group then refuses further collectives. Rank 1 hangs;
every other rank times out."""

import datetime
import time

import graphgrad as torch
import graphgrad.distributed as dist

dist.init_process_group("mpi", timeout=datetime.timedelta(seconds=1))
if dist.get_rank() == 1:
    time.sleep(2.5)  # hung, as far as rank 0 can tell
else:
    start = time.monotonic()
    try:
        dist.all_reduce(torch.ones(2))
    except dist.DistBackendError as e:
        waited = time.monotonic() - start
        assert 0.9 < waited < 2.0, waited
        assert "timed out after 1000ms" in str(e), e
        print(f"rank {dist.get_rank()} timed out after {waited:.1f}s", flush=True)
    try:
        dist.barrier()
    except dist.DistBackendError as e:
        assert "unusable after an earlier error" in str(e)
        print(f"rank {dist.get_rank()} refused", flush=True)
print(f"rank {dist.get_rank()} ok", flush=True)
