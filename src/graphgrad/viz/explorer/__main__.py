"""``python -m graphgrad.viz.explorer PROGRAM.py OUT.html``: the explore page of a program.

The program runs as the seed runner runs it (``import torch`` becomes ``import graphgrad as
torch``, torchviz's ``make_dot`` becomes graphgrad's); its last ``make_dot(...)`` call is drawn
again by ``explore`` with the same arguments, its tensor variables naming the boxes (unless it
passed ``params``, or ``--no-names`` is given). See ``page_of_program``.
"""

from __future__ import annotations

import sys

from . import page_of_program

USAGE = "usage: python -m graphgrad.viz.explorer [--no-names] PROGRAM.py OUT.html"


def main(argv: list[str]) -> int:
    names = "--no-names" not in argv
    args = [a for a in argv[1:] if a != "--no-names"]
    if len(args) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        page = page_of_program(args[0], names=names)
    except Exception as exc:  # one line, not a traceback: the program is the user's
        print(f"{args[0]}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {page.save(args[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
