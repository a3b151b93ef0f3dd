"""The picture of one contract as a networkx graph: which modules are drawn, in which group,
and which imports join them — collapsed to a depth a reviewer can read.

Built from a ContractResult alone (its violations, groups and context), never from the
import graph. Every output format (DOT, Mermaid) draws this same model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

import networkx as nx

from ..model import ContractResult, Group, Hop, Violation, is_within

# Above this many modules a picture is collapsed one level at a time until it fits.
READABLE_NODES = 20

VIOLATION, CHAIN, CONTEXT = "violation", "chain", "context"
# When one drawn edge stands for imports of several kinds, the strongest is shown.
_STRENGTH = {CONTEXT: 0, CHAIN: 1, VIOLATION: 2}


@dataclass(frozen=True)
class Picture:
    """`graph` nodes carry `group` (index into `groups`, or None); edges carry `kind` and
    `hops` (the import statements they stand for). `note` says what was left out."""

    result: ContractResult
    graph: nx.DiGraph
    groups: tuple[Group, ...]
    note: str


def group_title(picture: Picture, index: int) -> str:
    """A group's box title; layers are numbered from the top."""
    group = picture.groups[index]
    if any(g.role == "layer" for g in picture.groups):
        return f"layer {index + 1}: {group.label}"
    return group.label


def picture_of(result: ContractResult, depth: int | None = None) -> Picture:
    """The contract's picture at `depth` levels below each named module.

    Without a depth every module is drawn, unless that makes more than READABLE_NODES: then
    the modules that only give context are collapsed first, level by level, and the modules
    of violating imports too only when that is not enough. The picture says so.
    """
    edges = _edges(result)
    violating = {m for hop, kind in edges if kind != CONTEXT for m in (hop.importer, hop.imported)}
    notes = []
    exact: set[str] = set()
    if depth is None:
        deepest = max((_depth_below(m, result.groups) for hop, _ in edges
                       for m in (hop.importer, hop.imported)), default=0)
        fits = _fitting_depth(result, edges, deepest, violating)
        if fits is not None:
            depth, exact = fits, violating
        else:
            depth = _fitting_depth(result, edges, deepest, set()) or 0
        if depth < deepest:
            kept = "modules of violating imports kept whole; " if exact else ""
            notes.append(f"collapsed to depth {depth} to stay readable ({kept}"
                         "archlint graph --depth N to choose)")
        else:
            depth = None
    if result.context_omitted:
        notes.append(f"{result.context_omitted} more allowed imports not drawn")

    def drawn(module: str) -> str:
        return module if module in exact else _collapse(module, result.groups, depth)

    graph = nx.DiGraph()
    for node in _nodes(result, edges, drawn):
        graph.add_node(node, group=_group_of(node, result.groups))
    for hop, kind in edges:
        importer, imported = drawn(hop.importer), drawn(hop.imported)
        if importer == imported and kind != VIOLATION:
            continue  # a hop inside one collapsed module says nothing
        if graph.has_edge(importer, imported):
            data = graph.edges[importer, imported]
            data["hops"].append(hop)
            if _STRENGTH[kind] > _STRENGTH[data["kind"]]:
                data["kind"] = kind
        else:
            graph.add_edge(importer, imported, kind=kind, hops=[hop])
    for _, _, data in graph.edges(data=True):
        data["hops"] = sorted(set(data["hops"]))
    return Picture(result, graph, result.groups, "; ".join(notes))


def _fitting_depth(result: ContractResult, edges: list[tuple[Hop, str]], deepest: int,
                   exact: set[str]) -> int | None:
    """The greatest depth at which the picture (with `exact` modules uncollapsed) has at
    most READABLE_NODES modules; None when not even depth 0 fits."""
    for depth in range(deepest, -1, -1):
        def drawn(module: str) -> str:
            return module if module in exact else _collapse(module, result.groups, depth)
        if len(_nodes(result, edges, drawn)) <= READABLE_NODES:
            return depth
    return None


def edge_label(importer: str, hops: list[Hop]) -> str:
    """`line 12`, `lines 3, 9` for one importing module; `ws.py:9, admin.py:24` when the
    drawn edge gathers several; at most three places, then how many more."""
    if all(hop.importer == importer for hop in hops):
        places = [str(hop.line) for hop in hops]
        head = "line " if len(places) == 1 else "lines "
    else:
        places = [f"{PurePosixPath(hop.path).name}:{hop.line}" for hop in hops]
        head = ""
    shown = ", ".join(places[:3])
    more = f" +{len(places) - 3}" if len(places) > 3 else ""
    return head + shown + more


def short_name(module: str, groups: tuple[Group, ...]) -> str:
    """The module's name as drawn inside its group's box: without the package that holds
    the group's named module (`chatapp.routes.ws` in layer `chatapp.routes` is `routes.ws`),
    which the box's title and the tooltip already say."""
    named = _named_above(module, groups)
    if named is None or "." not in named:
        return module
    return module[len(named.rpartition(".")[0]) + 1:]


def _edges(result: ContractResult) -> list[tuple[Hop, str]]:
    """Every import to draw: each violation's chain hop by hop, then the allowed context.

    The violating hop is marked: the import from the violation's importer to its imported
    module when the chain holds it (a direct import, a cycle's breaker before the way back),
    else the last hop, where the chain reaches what it must not.
    """
    edges = []
    for violation in result.violations:
        if not violation.chain:
            edges += [(hop, VIOLATION) for hop in _definition_hops(violation)]
            continue
        hops = violation.chain
        ends = [(h.importer, h.imported) for h in hops]
        pair = (violation.importer, violation.imported)
        marked = ends.index(pair) if pair in ends else len(hops) - 1
        edges += [(hop, VIOLATION if i == marked else CHAIN) for i, hop in enumerate(hops)]
    edges += [(hop, CONTEXT) for hop in result.context]
    return edges


def _definition_hops(violation: Violation) -> tuple[Hop, ...]:
    """A name defined in several modules (`unique`), drawn as an edge from each other
    definition to the original, at the line of the definition."""
    if not violation.definitions:
        return ()
    original, *others = violation.definitions
    return tuple(Hop(d.module, original.module, d.path, d.line, d.line_contents)
                 for d in others if d.module != original.module)


def _nodes(result: ContractResult, edges: list[tuple[Hop, str]],
           drawn: Callable[[str], str]) -> list[str]:
    """Drawn modules, sorted: the ends of every edge, and each named module that no drawn
    module falls inside (so every group shows, even without imports)."""
    nodes = {drawn(m) for hop, _ in edges for m in (hop.importer, hop.imported)}
    for group in result.groups:
        for named in group.modules:
            if not any(is_within(node, named) for node in nodes):
                nodes.add(named)
    return sorted(nodes)


def _named_above(module: str, groups: tuple[Group, ...]) -> str | None:
    """The innermost named module that holds `module`."""
    holders = [m for group in groups for m in group.modules if is_within(module, m)]
    return max(holders, key=len) if holders else None


def _group_of(module: str, groups: tuple[Group, ...]) -> int | None:
    named = _named_above(module, groups)
    if named is None:
        return None
    return max((i for i, group in enumerate(groups) if named in group.modules))


def _depth_below(module: str, groups: tuple[Group, ...]) -> int:
    named = _named_above(module, groups)
    base = named.count(".") + 1 if named else 1
    return module.count(".") + 1 - base


def _collapse(module: str, groups: tuple[Group, ...], depth: int | None) -> str:
    """`module` cut to `depth` levels below its named module; a module no group holds keeps
    one level more below its top-level package (`app.core`, not just `app`)."""
    if depth is None:
        return module
    named = _named_above(module, groups)
    keep = (named.count(".") + 1 if named else 2) + depth
    return ".".join(module.split(".")[:keep])


