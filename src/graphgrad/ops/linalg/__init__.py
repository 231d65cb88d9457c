"""Linear algebra, by kind; import a name from the module that defines it (``torch.linalg``'s
namespace is ``graphgrad/linalg.py``).

* ``products``: the matrix-product primitives (mm, bmm, mv, dot, addmm, baddbmm, outer, ger);
* ``matmul``: ``matmul`` in all its forms, composed from the products as PyTorch does;
* ``inverse``: square-matrix functions (det, inv) and ``LinAlgError``;
* ``composite``: BLAS-style products composed from others (inner, vdot, addmv, addr, addbmm,
  matrix_power).
"""
