"""The project map (`archlint graph --map`): the whole project at package level, with every
contract's violating imports overlaid in red and the packages each contract names marked.

Drawn from the report alone (its `project` map, results and violations), as the same Picture
model the contracts' pictures use, so DOT, Mermaid and index.html draw it alike. Packages are
shown as deep as fits BUDGET boxes; the heaviest allowed imports are drawn, at most
CONTEXT_BUDGET of them. More than QUIET_BOXES packages of one root package with no drawn
import and no contract naming them (black's 27 folders of test data) are gathered into one
box.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import networkx as nx

from ..model import ContractResult, Group, Hop, ImportViolation, ProjectMap, Report, is_within
from .picture import (
    BUDGET,
    CONTEXT_BUDGET,
    QUIET_BOXES,
    Kind,
    Picture,
    Role,
    edge_label,
    uses_of,
)

MAP_ID = "project_map"  # not a possible contract id (those have no underscore)


def map_picture(report: Report, project: ProjectMap) -> Picture:
    """The map at the deepest package level that fits BUDGET boxes."""
    names = [package.name for package in project.packages]
    depth = max((d for d in range(max((n.count(".") for n in names), default=0), -1, -1)
                 if len({_cut(n, d) for n in names}) <= BUDGET), default=0)
    violations = [(result, v) for result in report.results for v in result.violations
                  if isinstance(v, ImportViolation)]
    result = ContractResult(
        id=MAP_ID, name="the project's packages and every contract's violations", type="map",
        description="", severity="error", violations=tuple(v for _, v in violations))

    def box(module: str) -> str:
        holders = [n for n in names if is_within(module, n)]
        return _cut(max(holders, key=len) if holders else module, depth)

    sizes: Counter[str] = Counter()
    for package in project.packages:
        sizes[_cut(package.name, depth)] += package.modules
    graph = nx.DiGraph()
    numbers = {result.id: index for index, result in enumerate(report.results, 1)}
    roots = sorted({name.split(".")[0] for name in sizes})
    groups = tuple(Group("root", root, (root,)) for root in roots)
    named_by = _named_by(report, box)
    _package_boxes(graph, sizes, roots, named_by, numbers)
    drawn, allowed = _allowed_edges(graph, project, depth)
    _violating_edges(graph, violations, box, numbers)
    notes = [f"packages {depth + 1} level{'s' if depth else ''} deep; contracts: "
             + ", ".join(f"{n} {contract_id}" for contract_id, n in numbers.items())]
    if allowed > drawn:
        notes.append(f"the {drawn} heaviest of {allowed} allowed package imports drawn")
    if _gather_quiet_packages(graph, sizes, roots, named_by):
        notes.append("packages without drawn imports or contracts gathered into one box")
    targets = _number_elements(graph, [(box(v.importer), box(v.imported))
                                       for _, v in violations])
    return Picture(result, graph, groups, tuple(notes), targets, uses_of(graph))


def _package_boxes(graph: nx.DiGraph, sizes: Counter[str], roots: list[str],
                   named_by: dict[str, set[str]], numbers: dict[str, int]) -> None:
    """One box per package at the map's depth, coloured by its root package and labelled
    with its number of modules and the contracts that name it."""
    for name in sorted(sizes):
        marks = sorted(named_by.get(name, ()), key=numbers.__getitem__)
        label = f"{name}\n{sizes[name]} module{'s' if sizes[name] != 1 else ''}"
        if marks:
            label += f"\ncontracts {', '.join(str(numbers[m]) for m in marks)}"
        graph.add_node(name, group=roots.index(name.split(".")[0]), role=None, new=False,
                       label=label, tooltip=(name, *(f"named by {mark}" for mark in marks)))


def _gather_quiet_packages(graph: nx.DiGraph, sizes: Counter[str], roots: list[str],
                           named_by: dict[str, set[str]]) -> bool:
    """Gather the boxes of a root package that no drawn import touches and no contract names,
    when there are more than QUIET_BOXES of them; whether any were gathered."""
    quiet: dict[int, list[str]] = {}
    for node, data in graph.nodes(data=True):
        if graph.degree(node) == 0 and node not in named_by and data["group"] is not None:
            quiet.setdefault(data["group"], []).append(node)
    gathered = False
    for group, boxes in sorted(quiet.items()):
        if len(boxes) <= QUIET_BOXES:
            continue
        graph.remove_nodes_from(boxes)
        modules = sum(sizes[box] for box in boxes)
        listed = sorted(boxes)
        graph.add_node(
            f"{roots[group]} ({len(boxes)} packages without imports drawn)", group=group,
            role=Role.GATHERED, new=False,
            label=f"{len(boxes)} packages, {modules} modules\nwithout imports drawn",
            tooltip=(*listed[:20], *([f"... {len(listed) - 20} more"] if len(listed) > 20
                                     else [])))
        gathered = True
    return gathered


def _allowed_edges(graph: nx.DiGraph, project: ProjectMap, depth: int) -> tuple[int, int]:
    """The heaviest imports between boxes (at most CONTEXT_BUDGET, drawn thicker the more
    module imports they stand for); returns how many are drawn, of how many."""
    allowed: Counter[tuple[str, str]] = Counter()
    for imports in project.imports:
        pair = (_cut(imports.importer, depth), _cut(imports.imported, depth))
        if pair[0] != pair[1]:
            allowed[pair] += imports.count
    heaviest = sorted(allowed.items(), key=lambda kv: (-kv[1], kv[0]))[:CONTEXT_BUDGET]
    for (importer, imported), count in sorted(heaviest):
        graph.add_edge(importer, imported, kind=Kind.CONTEXT, label="", new=False,
                       penwidth=f"{0.8 + math.log10(count):.1f}",
                       tooltip=(f"{count} module import{'s' if count != 1 else ''}",))
    return len(heaviest), len(allowed)


def _number_elements(graph: nx.DiGraph, violation_boxes: list[tuple[str, str]]
                     ) -> tuple[str, ...]:
    """Give every node and edge its id (in sorted order, so reruns draw the same ids), and
    return for each violation the id of the red edge that shows it ("" when none does)."""
    for number, node in enumerate(sorted(graph.nodes)):
        graph.nodes[node]["id"] = f"{MAP_ID}-n{number}"
    ids: dict[tuple[str, str], str] = {}
    for number, pair in enumerate(sorted(graph.edges)):
        ids[pair] = graph.edges[pair]["id"] = f"{MAP_ID}-e{number}"
    return tuple(ids[pair] if pair in ids and graph.edges[pair]["kind"] == Kind.VIOLATION
                 else "" for pair in violation_boxes)


def _violating_edges(graph: nx.DiGraph,
                     violations: list[tuple[ContractResult, ImportViolation]],
                     box: Callable[[str], str], number: dict[str, int]) -> None:
    """One red edge per pair of boxes with violations between them, labelled with the
    contracts they break and how many lines; inside one box, a red loop."""
    found: dict[tuple[str, str], list[tuple[ContractResult, ImportViolation]]] = {}
    for result, violation in violations:
        found.setdefault((box(violation.importer), box(violation.imported)), []).append(
            (result, violation))
    for (importer, imported), items in sorted(found.items()):
        by_contract: dict[str, list[Hop]] = {}
        for result, violation in items:
            by_contract.setdefault(result.id, []).append(violation.chain[0])
        label = ", ".join(f"{number[contract_id]}: {edge_label(hops, importer, brief=True)}"
                          for contract_id, hops in sorted(by_contract.items(),
                                                          key=lambda kv: number[kv[0]]))
        tooltip = tuple(f"{result.id}: {v.path}:{v.line}  {v.line_contents}"
                        f"{' (baselined)' if v.baselined else ''}" for result, v in items)
        for end in (importer, imported):
            if end not in graph:  # a forbidden external package: in no package of the project
                graph.add_node(end, group=None, role=None, new=False, tooltip=(end,),
                               label=f"{end}\noutside the root packages")
        if graph.has_edge(importer, imported):  # replaces the allowed imports' edge
            graph.remove_edge(importer, imported)
        graph.add_edge(importer, imported, kind=Kind.VIOLATION, label=label,
                       new=any(not v.baselined for _, v in items),
                       tooltip=tooltip[:40] + ((f"... {len(tooltip) - 40} more",)
                                               if len(tooltip) > 40 else ()))


def _named_by(report: Report, box: Callable[[str], str]) -> dict[str, set[str]]:
    """For each box, the contracts whose groups name a module inside it."""
    found: dict[str, set[str]] = {}
    for result in report.results:
        for group in result.groups:
            for module in group.modules:
                found.setdefault(box(module), set()).add(result.id)
    return found


def _cut(name: str, depth: int) -> str:
    return ".".join(name.split(".")[:depth + 1])
