"""Train a small CNN on scikit-learn's bundled 8x8 digits, end to end, with graphgrad.

Loads the images that ship with scikit-learn (no download), trains a two-layer CNN with Adam
and a OneCycle schedule behind a tqdm progress bar, plots loss and test accuracy to a PNG with
matplotlib, saves a checkpoint, reloads it into a fresh model and checks it scores the same.

The same script runs under PyTorch with only the imports changed: replace the four graphgrad
import lines below by ``import torch``, ``from torch import nn, optim``,
``from torch.utils.data import DataLoader, TensorDataset`` and
``import torch.nn.functional as F`` (``--backend torch`` does exactly that).

    python examples/train_digits.py            # graphgrad
    python examples/train_digits.py --backend torch
    python examples/train_digits.py --compile  # graphgrad.compile'd training step

``--compile`` runs each training step (zero_grad, forward, loss, backward, Adam, OneCycle)
through ``torch.compile``: graphgrad records the first step and replays it after, with the
same numbers as eager to the last bit.

``--ddp`` trains data-parallel, one shard of each batch a rank, with DistributedDataParallel
and DistributedSampler, as a torch.distributed script does. Start it with the launcher:

    python -m graphgrad.distributed.run --nproc-per-node 2 examples/train_digits.py --ddp

With ``--dropout 0`` it ends with the single-process run's weights (up to float32 rounding of
the gradient sums) and accuracy: each rank's dropout masks are its own, so with dropout the
runs differ as much as two seeds do.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import tempfile
import time
from pathlib import Path

# The matrices here are small: one BLAS thread beats several, and a busy CI machine makes
# spinning BLAS threads (OpenBLAS, and PyTorch's OpenMP) many times slower. Set before NumPy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import graphgrad as torch  # noqa: E402
import graphgrad.nn.functional as F  # noqa: E402, N812
from graphgrad import nn, optim  # noqa: E402
from graphgrad.utils.data import DataLoader, TensorDataset  # noqa: E402


def use_backend(name: str) -> None:
    """Swap the four imports above for another torch-like package (``torch``)."""
    global torch, F, nn, optim, DataLoader, TensorDataset
    torch = importlib.import_module(name)
    F = importlib.import_module(f"{name}.nn.functional")
    nn, optim = torch.nn, torch.optim
    data = importlib.import_module(f"{name}.utils.data")
    DataLoader, TensorDataset = data.DataLoader, data.TensorDataset


def make_model(dropout: float = 0.2):
    class DigitsCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 16, 3, padding=1),
                nn.ReLU(),
                nn.Conv2d(16, 32, 3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
            )
            self.classifier = nn.Sequential(
                nn.Flatten(),
                nn.Dropout(dropout),
                nn.Linear(32 * 4 * 4, 64),
                nn.ReLU(),
                nn.Linear(64, 10),
            )

        def forward(self, x):
            return self.classifier(self.features(x))

    return DigitsCNN()


def load_data(seed: int = 0):
    """Standardised (N, 1, 8, 8) float32 images and int64 labels, split 80/20 with a fixed seed."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32)[:, None] / 16.0
    labels = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    cut = int(0.8 * len(labels)) // 6 * 6  # so 1, 2 or 3 ranks get equal shards
    train, test = order[:cut], order[cut:]
    mean, std = images[train].mean(), images[train].std()
    images = (images - mean) / std
    return (images[train], labels[train]), (images[test], labels[test])


def accuracy(model, x, y) -> float:
    model.eval()
    with torch.no_grad():
        predicted = model(x).argmax(1)
    model.train()
    return (predicted == y).float().mean().item()


class Ranks:
    """This process's place among the training processes: one process, or a DDP rank."""

    def __init__(self, ddp: bool) -> None:
        self.ddp = ddp
        self.dist = importlib.import_module(f"{torch.__name__}.distributed") if ddp else None
        if ddp:
            self.dist.init_process_group("gloo")
        self.rank = self.dist.get_rank() if ddp else 0
        self.world = self.dist.get_world_size() if ddp else 1

    def wrap(self, model):
        return torch.nn.parallel.DistributedDataParallel(model) if self.ddp else model

    def total(self, value: float) -> float:
        """``value`` summed over the ranks."""
        if not self.ddp:
            return value
        t = torch.tensor([value], dtype=torch.float64)
        self.dist.all_reduce(t)
        return t.item()


def train(epochs: int, batch_size: int, lr: float, show_progress: bool = True,
          dropout: float = 0.2, ranks: Ranks | None = None, compile: bool = False):  # fmt: skip  # noqa: A002
    from tqdm import tqdm

    ranks = ranks or Ranks(ddp=False)
    if batch_size % ranks.world:
        raise SystemExit(f"--batch-size {batch_size} must divide among {ranks.world} ranks")
    data = importlib.import_module(f"{torch.__name__}.utils.data.distributed")
    torch.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_data()
    x_test, y_test = torch.tensor(x_test), torch.tensor(y_test)
    dataset = TensorDataset(torch.tensor(x_train), torch.tensor(y_train))
    # The same shuffled order in every mode; rank r takes every world-th sample of it, so the
    # ranks' batches together are the single process's batch.
    sampler = data.DistributedSampler(dataset, ranks.world, ranks.rank, shuffle=True, seed=0)
    loader = DataLoader(dataset, batch_size=batch_size // ranks.world, sampler=sampler)
    net = make_model(dropout)
    model = ranks.wrap(net)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    scheduler = optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, epochs=epochs, steps_per_epoch=len(loader)
    )

    def train_step(x, y):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        return loss

    if compile:
        train_step = torch.compile(train_step)
    history = {"loss": [], "accuracy": []}
    quiet = not show_progress or ranks.rank != 0
    bar = tqdm(range(epochs), desc=f"{torch.__name__}", disable=quiet)
    for epoch in bar:
        sampler.set_epoch(epoch)
        total, seen = 0.0, 0
        for x, y in loader:
            loss = train_step(x, y)
            total += loss.item() * len(y)
            seen += len(y)
        history["loss"].append(ranks.total(total) / ranks.total(seen))
        history["accuracy"].append(accuracy(net, x_test, y_test))
        bar.set_postfix(loss=f"{history['loss'][-1]:.4f}", acc=f"{history['accuracy'][-1]:.4f}")
    return net, history, (x_test, y_test)


def plot(history: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = range(1, len(history["loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.plot(epochs, history["loss"], marker="o")
    left.set(title="training loss", xlabel="epoch", ylabel="cross entropy")
    right.plot(epochs, [100 * a for a in history["accuracy"]], marker="o", color="tab:green")
    right.set(title="test accuracy", xlabel="epoch", ylabel="%")
    fig.suptitle(f"8x8 digits CNN ({torch.__name__})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def one_blas_thread():
    """Limit BLAS/OpenMP to one thread even when NumPy was imported before this script."""
    try:
        from threadpoolctl import threadpool_limits  # installed with scikit-learn
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "digits")
    parser.add_argument("--backend", default="graphgrad", help="graphgrad or torch")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--ddp", action="store_true", help="data-parallel (use the launcher)")
    parser.add_argument("--compile", action="store_true", help="compile the training step")
    args = parser.parse_args(argv)
    if args.backend != "graphgrad":
        use_backend(args.backend)
    args.out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    with one_blas_thread():
        ranks = Ranks(args.ddp)
        model, history, (x_test, y_test) = train(
            args.epochs, args.batch_size, args.lr, not args.quiet, args.dropout, ranks, args.compile
        )
    seconds = time.perf_counter() - start
    if ranks.rank != 0:  # every rank holds the same model: rank 0 reports
        return {"accuracy": history["accuracy"][-1], "seconds": seconds}
    plot(history, args.out / f"digits_{torch.__name__}.png")

    suffix = f"_ddp{ranks.world}" if args.ddp else ""
    checkpoint = args.out / f"digits_{torch.__name__}{suffix}.ckpt"
    torch.save(model.state_dict(), checkpoint)
    restored = make_model(args.dropout)
    restored.load_state_dict(torch.load(checkpoint))
    final, reloaded = history["accuracy"][-1], accuracy(restored, x_test, y_test)
    print(
        f"{torch.__name__}: test accuracy {100 * final:.2f}% after {args.epochs} epochs in "
        f"{seconds:.1f}s on {ranks.world} rank(s); reloaded checkpoint {100 * reloaded:.2f}%; "
        f"plot and checkpoint in {args.out}"
    )
    return {
        "history": history,
        "accuracy": final,
        "reloaded": reloaded,
        "seconds": seconds,
        "out": args.out,
        "checkpoint": checkpoint,
    }


if __name__ == "__main__":
    main()
