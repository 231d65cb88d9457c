"""Differential fuzzing against PyTorch (see docs/testing.md): hypothesis draws inputs, each
is run in graphgrad and in torch, and values, gradients, zero signs, dtypes and exception types
are compared. Known, explained differences are listed in ``known.py``."""
