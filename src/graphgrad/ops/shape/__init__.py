"""Shape primitives, by kind; import a name from the module that defines it.

* ``core``: views and reshapes (view, reshape, flatten, expand, squeeze, unsqueeze, clone) and
  the size helpers the others share (``parse_size``, ``show_u64``);
* ``transpose``: transposes and permutations (transpose, t, permute, movedim, alias);
* ``join``: joining and splitting (cat, stack, split, chunk, unbind, narrow);
* ``reorder``: repeating and reordering elements (repeat, flip, roll), triangles, diagonals.
"""
