"""Extract PyTorch's documented name lists from its documentation sources (run by hand).

PyTorch's API pages (``docs/source/torch.md``, ``tensors.md``, ``nn.md``, ``nn.functional.md``,
``optim.md``, ``data.md``, ``distributions.md`` in the pytorch/pytorch repository) list their
names in Sphinx directives inside MyST ``{eval-rst}`` blocks: ``.. autosummary::`` blocks of
names, ``.. autoclass::`` / ``.. autofunction::`` / ``.. autoattribute::`` lines, all relative
to the last ``.. currentmodule::`` (or ``.. automodule::``). This script reads those
directives and the page headings and writes ``torch_docs_lists.json`` beside it: for every
page, its sections (headings) in order, each with its names fully qualified
(``torch.nn.Conv1d``, ``torch.Tensor.abs``).

It runs offline on a local copy of the pages, once, when the lists are refreshed; the coverage
report (scripts/api_coverage.py) only reads the JSON. Where torch is installed, names it does not
have (pages newer than the installed release) are recorded under ``absent_from_torch``, and
names documented at a submodule path that torch also exports from the page's namespace
(``torch.distributions.normal.Normal`` as ``torch.distributions.Normal``) under ``aliases``:

    python scripts/api_coverage/extract_doc_lists.py DOCS_SOURCE_DIR COMMITS_JSON

``COMMITS_JSON`` maps each page's file name to the pytorch/pytorch commit it was read at.
"""

import importlib.util
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
_SPEC = importlib.util.spec_from_file_location("api_coverage", HERE.parent / "api_coverage.py")
api_coverage = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(api_coverage)
OUT = HERE / "torch_docs_lists.json"

# Report page -> documentation file, in report order.
PAGES = {
    "torch": "torch.md",
    "Tensor": "tensors.md",
    "nn": "nn.md",
    "nn.functional": "nn.functional.md",
    "optim": "optim.md",
    "utils.data": "data.md",
    "distributions": "distributions.md",
}

_DIRECTIVE = re.compile(r"^\s*\.\. (\w+)::\s*(\S*)")
_SINGLE_NAME = ("autoclass", "autofunction", "autoattribute", "automethod")


def _heading(line):
    """A markdown heading's text, ``{hidden}`Name``` wrappers and backticks removed."""
    text = line.lstrip("#").strip()
    return re.sub(r"\{hidden\}`([^`]*)`", r"\1", text).replace("`", "")


def _qualify(name, module):
    name = name.lstrip("~")
    return name if name.startswith("torch.") else f"{module}.{name}"


def parse_page(text):
    """Return ``[(heading, [qualified names])]`` for one page, in page order."""
    sections, module, in_summary = [["", []]], "torch", False
    for line in text.splitlines():
        if line.startswith("#"):
            sections.append([_heading(line), []])
            in_summary = False
            continue
        match = _DIRECTIVE.match(line)
        if match:
            kind, arg = match.groups()
            in_summary = kind == "autosummary"
            if kind in ("currentmodule", "automodule"):
                module = arg
            elif kind in _SINGLE_NAME:
                sections[-1][1].append(_qualify(arg, module))
            continue
        stripped = line.strip()
        if not in_summary or not stripped or stripped.startswith(":"):
            continue
        if line[0].isspace() and " " not in stripped:
            sections[-1][1].append(_qualify(stripped, module))
        else:
            in_summary = False
    return [(h, names) for h, names in sections if names]


# The namespace each page documents; a name documented at a deeper path
# (torch.distributions.normal.Normal) is also public there when torch exports it there.
PAGE_MODULES = {
    "torch": "torch",
    "Tensor": "torch",
    "nn": "torch.nn",
    "nn.functional": "torch.nn.functional",
    "optim": "torch.optim",
    "utils.data": "torch.utils.data",
    "distributions": "torch.distributions",
}


def _short_alias(page, name):
    """``page_module.last_part`` when torch exports the same object there, else None."""
    module, last = PAGE_MODULES[page], name.rsplit(".", 1)[1]
    short = f"{module}.{last}"
    if short == name or name.startswith(f"{module}.Tensor."):
        return None
    found = _in_torch(name)
    return short if found is not None and _in_torch(short) is found else None


def _in_torch(name):
    """The object of the installed torch at ``name``, or None."""
    found = api_coverage.resolve(name, root="torch")
    return None if found is api_coverage._MISSING else found


def extract(docs_dir, commits):
    pages = {}
    for page, filename in PAGES.items():
        text = (pathlib.Path(docs_dir) / filename).read_text()
        sections = parse_page(text)
        pages[page] = {
            "file": f"docs/source/{filename}",
            "commit": commits[filename],
            "sections": [{"heading": h, "names": names} for h, names in sections],
        }
    data = {
        "source": "pytorch/pytorch documentation sources (docs/source/*.md)",
        "pages": pages,
    }
    try:
        import torch
    except ImportError:
        return data
    every = [(page, n) for page, p in pages.items() for s in p["sections"] for n in s["names"]]
    data["checked_against"] = f"torch {torch.__version__}"
    data["absent_from_torch"] = [n for _, n in every if _in_torch(n) is None]
    data["aliases"] = {n: a for page, n in every if (a := _short_alias(page, n))}
    return data


if __name__ == "__main__":
    commits = json.loads(pathlib.Path(sys.argv[2]).read_text())
    OUT.write_text(json.dumps(extract(sys.argv[1], commits), indent=1) + "\n")
