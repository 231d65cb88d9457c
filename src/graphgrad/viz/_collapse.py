"""Keeping large graphs readable and quick to lay out.

Above make_dot's ``collapse_threshold`` (a number of boxes), the drawing is simplified:

1. ``fold_accumulate``: each leaf is drawn straight into its consumers; the ``AccumulateGrad``
   boxes between them go.
2. ``collapse_runs``: a chain of backward nodes (each with one consumer, and one backward-node
   input: the previous link) whose names repeat with a period of up to ``MAX_PERIOD`` becomes one
   double-bordered box, e.g. ``MulBackward0`` / ``AddBackward0`` / ``TanhBackward0`` / ``× 100``.
   Leaves and other inputs of the members point at that box; the members' saved tensors go.
3. layout hints (``LAYOUT_HINTS``): when the graph is still too big, Graphviz's
   ``nslimit``/``mclimit`` bound the time ``dot`` spends on it.

>>> import graphgrad as torch
>>> from graphgrad.viz._walk import Options, walk_backward
>>> x = torch.tensor(1.0, requires_grad=True)
>>> y = x
>>> for _ in range(10):
...     y = (y * 2).tanh()
>>> ir = walk_backward([y], Options())
>>> fold_accumulate(ir), collapse_runs(ir)
(1, 19)
>>> [n.label for n in ir.nodes()]
['()', 'MulBackward0\\nTanhBackward0\\n× 10', '()']
"""

from __future__ import annotations

from ._graph import GraphIR, VEdge, VNode

MAX_PERIOD = 8
MIN_GROUP = 4  # a run must cover at least this many nodes to be folded
GROUP_ATTRS = {"peripheries": "2"}
LAYOUT_HINTS = {"nslimit": "2", "nslimit1": "2", "mclimit": "0.1"}


def fold_accumulate(ir: GraphIR) -> int:
    """Draw each leaf straight into its consumers; returns how many boxes went."""
    leaf_of: dict[int, VNode] = {}
    for edge in ir.edges():
        if edge.dst.kind == "acc" and edge.kind == "flow":
            leaf_of[id(edge.dst)] = edge.src
    stmts: list[VNode | VEdge] = []
    for stmt in ir.stmts:
        if isinstance(stmt, VNode):
            if id(stmt) not in leaf_of:
                stmts.append(stmt)
        elif id(stmt.dst) in leaf_of:
            continue
        elif id(stmt.src) in leaf_of:
            stmts.append(VEdge(leaf_of[id(stmt.src)], stmt.dst, stmt.kind, stmt.attrs))
        else:
            stmts.append(stmt)
    ir.stmts = stmts
    return len(leaf_of)


def _chain_links(ir: GraphIR) -> dict[int, VNode]:
    """``u -> v`` links: u's only consumer is v, and v's only backward-node input is u."""
    consumers: dict[int, set[int]] = {}
    fn_inputs: dict[int, set[int]] = {}
    nodes = {id(n): n for n in ir.nodes()}
    for e in ir.edges():
        if e.kind != "flow" or e.src.kind != "fn":
            continue
        consumers.setdefault(id(e.src), set()).add(id(e.dst))
        if e.dst.kind == "fn":
            fn_inputs.setdefault(id(e.dst), set()).add(id(e.src))
    links = {}
    for u, targets in consumers.items():
        (v,) = targets if len(targets) == 1 else (None,)
        if v is not None and nodes[v].kind == "fn" and fn_inputs.get(v) == {u}:
            links[u] = nodes[v]
    return links


def _chains(ir: GraphIR) -> list[list[VNode]]:
    """Maximal chains of linked backward nodes, each in forward order (inputs first)."""
    links = _chain_links(ir)
    has_pred = {id(v) for v in links.values()}
    chains = []
    for node in ir.nodes():
        if node.kind != "fn" or id(node) in has_pred or id(node) not in links:
            continue
        chain = [node]
        while id(chain[-1]) in links:
            chain.append(links[id(chain[-1])])
        chains.append(chain)
    return chains


def _repeats(names: list[str], start: int, period: int) -> int:
    """How many times ``names[start:start+period]`` repeats back to back from ``start``."""
    block = names[start : start + period]
    if len(block) < period:
        return 0
    count = 1
    pos = start + period
    while names[pos : pos + period] == block:
        count += 1
        pos += period
    return count


def _segments(names: list[str]) -> list[tuple[int, int, int]]:
    """``(start, period, repeats)`` for each foldable periodic stretch, greedily, left to right."""
    found = []
    i = 0
    while i < len(names):
        best = (0, 0)
        for period in range(1, MAX_PERIOD + 1):
            k = _repeats(names, i, period)
            if k >= 2 and k * period > best[0] * best[1]:
                best = (k, period)
        k, period = best
        if k * period >= MIN_GROUP:
            found.append((i, period, k))
            i += k * period
        else:
            i += 1
    return found


def collapse_runs(ir: GraphIR) -> int:
    """Fold repeated runs of backward nodes into one box each; returns how many boxes went."""
    group_of: dict[int, VNode] = {}
    for chain in _chains(ir):
        names = [n.label.split("\n", 1)[0] for n in chain]
        for start, period, k in _segments(names):
            label = "\n".join([*names[start : start + period], f"× {k}"])
            members = chain[start : start + period * k]
            group = VNode("group", label, dict(GROUP_ATTRS), members)  # ref: what it folds
            for member in members:
                group_of[id(member)] = group
    if group_of:
        _rewrite(ir, group_of)
    return len(group_of) - len({id(g) for g in group_of.values()})


def _rewrite(ir: GraphIR, group_of: dict[int, VNode]) -> None:
    """Replace members by their group: one box, its edges deduplicated, saved boxes dropped."""
    stmts: list[VNode | VEdge] = []
    placed: set[int] = set()
    seen_edges: set[tuple[int, int, str]] = set()
    for stmt in ir.stmts:
        if isinstance(stmt, VNode):
            group = group_of.get(id(stmt), stmt)
            if id(group) not in placed:
                placed.add(id(group))
                stmts.append(group)
            continue
        if stmt.kind == "saved" and (id(stmt.src) in group_of or id(stmt.dst) in group_of):
            continue
        src, dst = group_of.get(id(stmt.src), stmt.src), group_of.get(id(stmt.dst), stmt.dst)
        key = (id(src), id(dst), stmt.kind)
        if src is dst or (src is not stmt.src or dst is not stmt.dst) and key in seen_edges:
            continue
        seen_edges.add(key)
        stmts.append(
            stmt if (src, dst) == (stmt.src, stmt.dst) else VEdge(src, dst, stmt.kind, stmt.attrs)
        )
    ir.stmts = _drop_orphan_saved(stmts)


def _drop_orphan_saved(stmts: list[VNode | VEdge]) -> list[VNode | VEdge]:
    """Saved boxes that no node links to any more, and their alias lines, go."""
    linked = {id(s.dst) for s in stmts if isinstance(s, VEdge) and s.kind == "saved"}
    linked |= {id(s.src) for s in stmts if isinstance(s, VEdge) and s.kind == "saved"}

    def keep(s: VNode | VEdge) -> bool:
        if isinstance(s, VNode):
            return s.kind != "saved" or id(s) in linked
        return all(n.kind != "saved" or id(n) in linked for n in (s.src, s.dst))

    return [s for s in stmts if keep(s)]


def simplify(ir: GraphIR, threshold: int | None) -> dict[str, int]:
    """Apply the three steps when the graph has more than ``threshold`` boxes."""
    stats = {"nodes": ir.count(), "folded_accumulate": 0, "folded_runs": 0}
    if threshold is None or stats["nodes"] <= threshold:
        return stats
    stats["folded_accumulate"] = fold_accumulate(ir)
    stats["folded_runs"] = collapse_runs(ir)
    if ir.count() > threshold:
        ir.graph_attrs.update(LAYOUT_HINTS)
    stats["drawn"] = ir.count()
    return stats
