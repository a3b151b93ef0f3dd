"""`forbidden`: source modules do not import forbidden modules, directly or through a chain.

Like import-linter, each pair of a source and a forbidden module is checked on its own, and a
pair that overlaps (the same module, or one inside the other) is skipped: with
`forbidden_modules = ["shop.*"]`, `shop.web` may not import its siblings but may import
itself. With `as_packages = false` each expression names its modules without their
descendants.

An indirect violation names the forbidden module the contract lists; the modules a wildcard
expression matches are one (the expression), so the report grows with the importers, not
with importers times plugins. A forbidden module inside an external package (`os.path`,
which the graph holds as `os`, as grimp does) is matched against the names the import
statements import.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..errors import Problem
from ..graph import ProjectGraph
from ..model import Group, Hop, Violation, is_within
from ..patterns import ModuleExpression
from .base import Contract, outermost


@dataclass(frozen=True, kw_only=True)
class ForbiddenContract(Contract):
    type_name: ClassVar[str] = "forbidden"
    expression_keys: ClassVar[tuple[str, ...]] = ("source_modules", "forbidden_modules")

    source_modules: tuple[str, ...]
    forbidden_modules: tuple[str, ...]
    allow_indirect: bool = False
    as_packages: bool = True

    def static_problems(self) -> list[Problem]:
        problems = super().static_problems()
        for key in ("source_modules", "forbidden_modules"):
            if not getattr(self, key):  # a contract that could never be broken
                problems.append(self.problem(key, "list at least one module"))
        return problems

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        problems = super().graph_problems(graph)
        for text in self.forbidden_modules:
            if _names_external(text, graph) and not graph.external_included:
                problems.append(self.problem(
                    "forbidden_modules",
                    f"'{text}' is outside the root packages; set include_external_packages = "
                    "true to check imports of external packages"))
        return problems

    def check(self, graph: ProjectGraph) -> Sequence[Violation]:
        named = self.modules_named(graph, "forbidden_modules")
        named_as = self._named_as(graph)
        inside_external = self._imports_inside_external_packages(graph)
        direct: list[tuple[str, str]] = []
        indirect: list[tuple[str, tuple[str, ...]]] = []
        external_direct: set[Hop] = set()
        external_chains: dict[tuple[str, str], tuple[Hop, ...]] = {}
        sources = self.modules_named(graph, "source_modules")
        for source in sources:
            enclosing = self._enclosing(source, sources)
            targets = self._targets(graph, source, enclosing, named, named_as)
            forbidden = set().union(*targets.values())
            members = self._cover(graph, source)
            # A chain may pass through other source modules, never through a forbidden one.
            blocked = members | forbidden
            if targets:
                direct += graph.direct_imports(members, forbidden)
                if not self.allow_indirect:
                    indirect += graph.chains_into(members, targets, blocked)
            if not enclosing:
                self._collect_external(graph, members, blocked, inside_external,
                                       external_direct, external_chains)
        violations = self.violations_from(graph, direct, indirect, _message_for)
        violations += [self._violation(hop.importer, hop.imported, (hop,),
                                       _message_for(hop.importer, hop.imported, True))
                       for hop in external_direct]
        violations += [self._violation(importer, name, hops, _message_for(importer, name, False))
                       for (importer, name), hops in external_chains.items()]
        return violations

    def _cover(self, graph: ProjectGraph, module: str) -> set[str]:
        """The modules an expression's module stands for: with its descendants as packages."""
        return graph.with_descendants([module]) if self.as_packages else {module}

    def _enclosing(self, source: str, sources: list[str]) -> list[str]:
        """The other sources a source lies inside (as packages only): a source inside
        another is checked only for what the outer one may import, since its chains are the
        outer source's, which may not leave it either."""
        if not self.as_packages:
            return []
        return [s for s in sources if s != source and is_within(source, s)]

    def _targets(self, graph: ProjectGraph, source: str, enclosing: list[str],
                 named: list[str], named_as: dict[str, str]) -> dict[str, set[str]]:
        """The forbidden modules a source is checked against, by the name their indirect
        violations carry: those not overlapping it, nor allowed to it by an enclosing
        source."""
        apart = [f for f in named if not self._overlap(source, f)]
        apart = [f for f in apart if all(self._overlap(outer, f) for outer in enclosing)]
        targets: dict[str, set[str]] = {}
        for f in outermost(apart) if self.as_packages else apart:
            targets.setdefault(named_as[f], set()).update(self._cover(graph, f))
        return targets

    def _collect_external(self, graph: ProjectGraph, members: set[str], blocked: set[str],
                          inside_external: dict[str, dict[str, list[Hop]]],
                          external_direct: set[Hop],
                          external_chains: dict[tuple[str, str], tuple[Hop, ...]]) -> None:
        """Add a source's imports of forbidden modules inside external packages: the
        statements of its members, and (unless indirect imports are allowed) the shortest
        chain from each member that reaches one through internal modules."""
        for name, importers in inside_external.items():
            for importer in members & importers.keys():
                external_direct.update(importers[importer])
            if self.allow_indirect:
                continue
            ends = {m for m in importers if m not in blocked}
            for _, chain in graph.chains_into(members, {name: ends}, blocked, direct=True):
                hops = (*graph.chain_hops(chain), importers[chain[-1]][0])
                best = external_chains.get((chain[0], name))
                if best is None or len(hops) < len(best):
                    external_chains[chain[0], name] = hops

    def _named_as(self, graph: ProjectGraph) -> dict[str, str]:
        """The name each forbidden module's indirect violations carry: the module itself
        when an expression names it outright, else the first wildcard expression matching
        it. All the modules of `pkg.plugins.*` are one named module, so an importer reaching
        them through a registry that imports every plugin is one violation, not one per
        plugin."""
        named_as = {text: text for text in self.forbidden_modules
                    if "*" not in text and text in graph.modules}
        for text in self.forbidden_modules:
            if "*" in text:
                for module in ModuleExpression(text).modules_in(graph.modules):
                    named_as.setdefault(module, text)
        return named_as

    def _imports_inside_external_packages(self, graph: ProjectGraph
                                          ) -> dict[str, dict[str, list[Hop]]]:
        """For the forbidden modules inside an external package (`sqlalchemy.orm`, which
        the graph holds as `sqlalchemy`): each one named, with every module importing it and
        the import statements (as hops to the named module), by line."""
        expressions = [ModuleExpression(text) for text in self.forbidden_modules
                       if "." in text and _names_external(text, graph)
                       and not ModuleExpression(text).modules_in(graph.modules)]
        if not expressions:
            return {}
        found: dict[str, dict[str, set[Hop]]] = {}
        for importer in sorted(graph.files):
            for item in graph.imported_items(importer):
                name = self._named_inside(expressions, item.external_names)
                if name is not None:
                    hop = item.hop(graph)
                    found.setdefault(name, {}).setdefault(importer, set()).add(
                        hop._replace(imported=name))
        return {name: {importer: sorted(hops) for importer, hops in importers.items()}
                for name, importers in found.items()}

    def _named_inside(self, expressions: list[ModuleExpression],
                      candidates: tuple[str, ...]) -> str | None:
        """The forbidden module a statement imports, of the modules it may name inside an
        external package (as packages: the module or a package holding it)."""
        for candidate in candidates:
            parts = candidate.split(".")
            names = ([".".join(parts[:end]) for end in range(1, len(parts) + 1)]
                     if self.as_packages else [candidate])
            for name in names:
                if any(expression.names(name) for expression in expressions):
                    return name
        return None

    def groups(self, graph: ProjectGraph) -> list[Group]:
        return [
            Group("source", "source modules",
                  tuple(outermost(self.modules_named(graph, "source_modules")))),
            Group("forbidden", "forbidden modules",
                  tuple(outermost(self.modules_named(graph, "forbidden_modules")))),
        ]

    def _overlap(self, source: str, forbidden: str) -> bool:
        """A pair that describes no forbiddable import: the same module or, as packages, one
        inside the other."""
        if source == forbidden:
            return True
        return self.as_packages and (is_within(source, forbidden) or is_within(forbidden, source))

    def may_match_nothing(self, key: str, text: str, graph: ProjectGraph) -> bool:
        """An external package that nothing imports is not in the graph: that is the
        contract being kept, not a stale expression."""
        return key == "forbidden_modules" and _names_external(text, graph)


def _message_for(importer: str, imported: str, direct: bool) -> str:
    """What a violation says: the import itself, or the dependency a chain makes."""
    if direct:
        return f"{importer} imports {imported}, which it is forbidden to use"
    return (f"{importer} depends on {imported} through a chain of imports; "
            "it is forbidden to use it")


def _names_external(text: str, graph: ProjectGraph) -> bool:
    """An expression that can name only packages outside the root packages: its leading
    segments before any wildcard are neither inside a root package nor a parent of one."""
    fixed = ".".join(itertools.takewhile(lambda segment: "*" not in segment, text.split(".")))
    return bool(fixed) and not graph.is_internal(fixed) and not any(
        is_within(root, fixed) for root in graph.root_packages)
