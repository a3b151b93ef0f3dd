"""`forbidden`: source modules do not import forbidden modules, directly or through a chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import Problem
from ..graph import ProjectGraph
from ..model import Group, Violation
from .base import Contract, outermost


@dataclass(frozen=True, kw_only=True)
class ForbiddenContract(Contract):
    type_name: ClassVar[str] = "forbidden"
    expression_keys: ClassVar[tuple[str, ...]] = ("source_modules", "forbidden_modules")

    source_modules: tuple[str, ...]
    forbidden_modules: tuple[str, ...]
    allow_indirect: bool = False

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        problems = super().graph_problems(graph)
        for text in self.forbidden_modules:
            if _names_external(text, graph) and not graph.external_included:
                problems.append(self.problem(
                    "forbidden_modules",
                    f"'{text}' is outside the root packages; set include_external_packages = "
                    "true to check imports of external packages"))
        if problems:
            return problems
        for source in self.matched(graph, "source_modules"):
            for forbidden in self.matched(graph, "forbidden_modules"):
                if _overlap(source, forbidden):
                    problems.append(self.problem(
                        "forbidden_modules",
                        f"'{forbidden}' overlaps source module '{source}': a module cannot be "
                        "both source and forbidden"))
        return problems

    def check(self, graph: ProjectGraph) -> list[Violation]:
        sources = outermost(self.matched(graph, "source_modules"))
        targets = {module: graph.covered([module])
                   for module in outermost(self.matched(graph, "forbidden_modules"))}
        forbidden = set().union(*targets.values())
        direct = graph.direct_imports(graph.covered(sources), forbidden)
        indirect = []
        if not self.allow_indirect:
            # A chain may pass through other source modules, never through a forbidden one.
            for source in sources:
                members = graph.covered([source])
                indirect += graph.chains_into(members, targets, members | forbidden)

        def message_for(importer: str, imported: str, direct: bool) -> str:
            if direct:
                return f"{importer} imports {imported}, which it is forbidden to use"
            return f"{importer} depends on {imported} through a chain of imports; it is forbidden to use it"

        return self.violations_from(graph, direct, indirect, message_for)

    def groups(self, graph: ProjectGraph) -> list[Group]:
        return [
            Group("source", "source modules",
                  tuple(outermost(self.matched(graph, "source_modules")))),
            Group("forbidden", "forbidden modules",
                  tuple(outermost(self.matched(graph, "forbidden_modules")))),
        ]

    def may_match_nothing(self, key: str, text: str, graph: ProjectGraph) -> bool:
        """An external package that nothing imports is not in the graph: that is the
        contract being kept, not a stale expression."""
        return key == "forbidden_modules" and _names_external(text, graph)


def _names_external(text: str, graph: ProjectGraph) -> bool:
    """An expression that names a package outside the root packages (no leading wildcard)."""
    first = text.split(".")[0]
    return "*" not in first and not graph.is_internal(first)


def _overlap(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")
