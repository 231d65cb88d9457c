"""Reading DOT text back into statements, and the normalisation that compares us to torchviz.

torchviz names DOT nodes by ``id(obj)``, so a saved tensor that is also a leaf shares the leaf's
node (issue #69: its statements overwrite each other). graphgrad draws that saved tensor as a box
of its own, linked to the leaf by a dashed line. ``unmerge_saved`` turns a torchviz reference into
what graphgrad draws for it, which is that one difference and nothing else.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r'\s*(?:(->)|([\[\]{}=;,])|"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_.]+))', re.S)
END = re.compile(r"\s*\Z")
ALIAS = {"constraint": "false", "dir": "none", "style": "dashed"}
SAVED_SUFFIX = "#saved"


def tokenize(text: str) -> list[tuple[str, str]]:
    """(kind, text) tokens: 'op' for ``->`` and punctuation, 'id' for ids and quoted strings."""
    tokens, pos = [], 0
    while not END.match(text, pos):
        m = TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"cannot read DOT at {text[pos : pos + 30]!r}")
        arrow, punct, quoted, bare = m.groups()
        if arrow or punct:
            tokens.append(("op", arrow or punct))
        else:
            value = bare if quoted is None else quoted.replace('\\"', '"')
            tokens.append(("id", value))
        pos = m.end()
    return tokens


def parse(text: str) -> list[tuple]:
    """Statements in order: ('node', id, attrs), ('edge', src, dst, attrs), ('attr', kw, attrs)."""
    tokens = tokenize(text)
    assert tokens[0] == ("id", "digraph") and tokens[1] == ("op", "{"), tokens[:2]
    stmts, i = [], 2
    while tokens[i] != ("op", "}"):
        first = tokens[i][1]
        i += 1
        dst = None
        if tokens[i] == ("op", "->"):
            dst = tokens[i + 1][1]
            i += 2
        attrs: dict[str, str] = {}
        if tokens[i] == ("op", "["):
            i += 1
            while tokens[i] != ("op", "]"):
                attrs[tokens[i][1]] = tokens[i + 2][1]
                i += 3
            i += 1
        if dst is not None:
            stmts.append(("edge", first, dst, attrs))
        elif first in ("graph", "node", "edge"):
            stmts.append(("attr", first, attrs))
        else:
            stmts.append(("node", first, attrs))
    return stmts


def unmerge_saved(stmts: list[tuple]) -> list[tuple]:
    """Split each node torchviz drew both as a tensor and as an orange saved tensor."""
    colors: dict[str, set[str]] = {}
    for s in stmts:
        if s[0] == "node":
            colors.setdefault(s[1], set()).add(s[2].get("fillcolor", ""))
    merged = [n for n, c in colors.items() if "orange" in c and len(c) > 1]
    out = []
    for s in stmts:
        if s[0] == "node" and s[1] in merged and s[2].get("fillcolor") == "orange":
            s = ("node", s[1] + SAVED_SUFFIX, s[2])
        elif s[0] == "edge" and s[3].get("dir") == "none" and s[2] in merged:
            s = ("edge", s[1], s[2] + SAVED_SUFFIX, s[3])
        out.append(s)
    out = _first_declarations(out)
    order = [s[1] for s in out if s[0] == "node" and s[1].endswith(SAVED_SUFFIX)]
    out += [("edge", n[: -len(SAVED_SUFFIX)], n, dict(ALIAS)) for n in order]
    return out


def _first_declarations(stmts: list[tuple]) -> list[tuple]:
    """torchviz writes a node again each time it meets it; keep the first (all must agree)."""
    first: dict[str, dict] = {}
    out = []
    for s in stmts:
        if s[0] == "node":
            if s[1] in first:
                assert first[s[1]] == s[2], (first[s[1]], s[2])
                continue
            first[s[1]] = s[2]
        out.append(s)
    return out


def canonical(stmts: list[tuple], torchviz: bool = False) -> list[tuple]:
    """Ids renamed by first mention; torchviz's empty first label line dropped."""
    names: dict[str, str] = {}

    def rename(node_id: str) -> str:
        return names.setdefault(node_id, f"N{len(names)}")

    out = []
    for s in stmts:
        if s[0] == "node":
            attrs = dict(s[2])
            if torchviz and attrs.get("label", "").startswith("\n "):
                attrs["label"] = attrs["label"][2:]
            out.append(("node", rename(s[1]), attrs))
        elif s[0] == "edge":
            out.append(("edge", rename(s[1]), rename(s[2]), s[3]))
    return out


def compare_to_reference(ours: str, reference: str) -> tuple[list, list]:
    """Both graphs in canonical form, the reference with its merged saved nodes split."""
    return canonical(parse(ours)), canonical(unmerge_saved(parse(reference)), torchviz=True)
