"""`acyclic`: no import cycles between the children of each listed package.

grimp nominates the imports whose removal breaks every cycle between a package's children
(a small feedback arc set); each one is reported with a cycle it closes, so the reader sees
both what to cut and why. `depth` repeats the check inside the children, level by level,
except inside the `skip_descendants` modules (import-linter's option of that name).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import ClassVar

from ..errors import Problem
from ..graph import ProjectGraph
from ..model import CycleDependency, CycleImport, Group, Hop, Violation
from ..patterns import ModuleExpression
from .base import Contract


@dataclass(frozen=True, kw_only=True)
class AcyclicContract(Contract):
    type_name: ClassVar[str] = "acyclic"
    expression_keys: ClassVar[tuple[str, ...]] = ("packages", "skip_descendants")

    packages: tuple[str, ...]
    depth: int = 1
    skip_descendants: tuple[str, ...] = ()

    def static_problems(self) -> list[Problem]:
        problems = super().static_problems()
        if not self.packages:
            problems.append(self.problem("packages", "list at least one package"))
        if self.depth < 1:
            problems.append(self.problem("depth", f"must be 1 or more, got {self.depth}"))
        for text in sorted(set(self.packages) & set(self.skip_descendants)):
            problems.append(self.problem(
                "skip_descendants", f"'{text}' is also in packages; a package is checked or "
                                    "skipped, not both"))
        return problems

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        problems = super().graph_problems(graph)
        for text in self.packages:
            matched = ModuleExpression(text).modules_in(graph.modules)
            if matched and not any(graph.is_internal(module) for module in matched):
                problems.append(self.problem(
                    "packages", f"'{text}' is outside the root packages: an external package "
                                "is one module here, without children to check"))
        return problems

    def check(self, graph: ProjectGraph) -> Sequence[Violation]:
        violations: list[Violation] = []
        for package, children in self._packages(graph):
            violations += self._cycles_in(graph, package, children)
        return violations

    def cycles(self, graph: ProjectGraph) -> list[CycleDependency]:
        """Every pair of children of a checked package where the first imports the second and
        the second leads back to the first: the dependencies on a cycle, whichever imports are
        nominated to break it. Removing an import never adds one, so a baseline that records
        these survives every improvement."""
        found: list[CycleDependency] = []
        for package, children in self._packages(graph):
            child_of = {m: c for c in children for m in graph.with_descendants([c])}
            edges = _sibling_edges(graph, child_of)
            component = _components({a: set(targets) for a, targets in edges.items()})
            found += [CycleDependency(package, a, b, hop)
                      for a, targets in edges.items() for b, hop in targets.items()
                      if component[a] == component[b]]
        return sorted(found)

    def _packages(self, graph: ProjectGraph) -> list[tuple[str, list[str]]]:
        """Each checked package, level by level down to `depth`, with its children (sorted),
        when it has two or more."""
        found = []
        level = self.modules_named(graph, "packages")
        skipped = set(self.modules_named(graph, "skip_descendants"))
        seen: set[str] = set()  # a package listed and also reached by depth is checked once
        for _ in range(self.depth):
            if not level:  # below the deepest module: a larger depth checks nothing more
                break
            next_level: list[str] = []
            for package in level:
                if package in seen:
                    continue
                seen.add(package)
                children = sorted(graph.children(package))
                if len(children) >= 2:
                    found.append((package, children))
                next_level += [child for child in children if child not in skipped]
            level = next_level
        return found

    def groups(self, graph: ProjectGraph) -> list[Group]:
        """Each listed package with its children, between which cycles are looked for."""
        return [
            Group("package", package, tuple(sorted(graph.children(package))))
            for package in self.modules_named(graph, "packages")
        ]

    def _cycles_in(self, graph: ProjectGraph, package: str, children: list[str]
                   ) -> list[CycleImport]:
        breakers = graph.cycle_breakers(package)
        if not breakers:
            return []
        child_of = {m: c for c in children for m in graph.with_descendants([c])}
        sibling_edges = _sibling_edges(graph, child_of)
        violations = []
        for importer, imported in sorted(breakers):
            a, b = child_of[importer], child_of[imported]
            back = _shortest_path(sibling_edges, b, a)
            if back is None:  # grimp nominates some imports that close no cycle
                continue
            cycle = " -> ".join(c.rsplit(".", 1)[-1] for c in (a, *back))
            cycle_hops = tuple(sibling_edges[x][y] for x, y in pairwise(back))
            for hop in graph.hops(importer, imported):
                violations.append(CycleImport(
                    contract_id=self.id, importer=importer, imported=imported, path=hop.path,
                    line=hop.line, line_contents=hop.line_contents,
                    message=(f"{importer} imports {imported}, closing the cycle {cycle} between "
                             f"children of {package}; removing this import breaks it"),
                    chain=(hop, *cycle_hops), children=(a, b),
                ))
        return violations


def _sibling_edges(graph: ProjectGraph, child_of: dict[str, str]) -> dict[str, dict[str, Hop]]:
    """Child -> child -> the first import (a Hop) that makes the child import its sibling."""
    edges: dict[str, dict[str, Hop]] = {}
    for importer in sorted(child_of):
        source = child_of[importer]
        for imported in graph.successors(importer):
            target = child_of.get(imported)
            if target is None or target == source or target in edges.get(source, {}):
                continue
            edges.setdefault(source, {})[target] = graph.hop(importer, imported)
    return edges


def _components(edges: dict[str, set[str]]) -> dict[str, int]:
    """The strongly connected component of every node, numbered by its root's index (Tarjan's
    algorithm, iterative): two nodes share a number when each reaches the other."""
    nodes = sorted(set(edges) | {b for targets in edges.values() for b in targets})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    work.append((successor, iter(sorted(edges.get(successor, ())))))
                    break
                if successor not in component:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        component[member] = index[node]
                        if member == node:
                            break
    return component


def _shortest_path(edges: dict[str, dict[str, Hop]], start: str,
                   goal: str) -> list[str] | None:
    """Breadth-first path of children from start to goal, visiting children in sorted order;
    None when there is none."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            break
        for nxt in sorted(edges.get(node, {})):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    if goal not in previous:
        return None
    path = [goal]
    while (step := previous[path[-1]]) is not None:
        path.append(step)
    return path[::-1]
