"""Indexing, by kind; import a name from the module that defines it.

* ``subscript``: ``x[key]`` and ``x[key] = value`` parsed into the primitives below, and
  ``as_strided``;
* ``slicing``: the indexing primitives: select and slice (views), index and index_put (copies);
* ``gather``: index-driven reads and writes (gather, scatter, index_select, index_add,
  masked_fill, masked_select, take, nonzero).
"""
