"""``graphgrad.compile``: record a call once, replay it as a flat NumPy program (see
docs/compile.md). The function itself is ``graphgrad.compile``; this package holds its parts:
``api`` (the entry point and its cache), ``recorder`` and ``backward`` (recording),
``program`` (the replayed code), ``discovery`` and ``verify`` (guards and the check of a
replay against eager)."""
