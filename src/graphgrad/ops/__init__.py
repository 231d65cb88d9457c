"""The operations: the table of primitives (``primitive``) and the functions built on it, one
module or package per concept (``elementwise``, ``unary``, ``shape/``, ``reduce/``, ...).

``graphgrad/__init__.py`` exports their public functions as ``torch.<name>``; import a name
from the module that defines it.
"""
