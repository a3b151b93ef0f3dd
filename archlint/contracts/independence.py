"""`independence`: the listed modules do not import each other, directly or through a chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..errors import Problem
from ..graph import ProjectGraph
from ..model import Group, Violation, is_descendant
from .base import Contract


@dataclass(frozen=True, kw_only=True)
class IndependenceContract(Contract):
    type_name: ClassVar[str] = "independence"
    expression_keys: ClassVar[tuple[str, ...]] = ("modules",)

    modules: tuple[str, ...]

    def static_problems(self) -> list[Problem]:
        problems = super().static_problems()
        if len(self.modules) < 2 and not any("*" in m for m in self.modules):
            problems.append(self.problem("modules", "name at least two modules"))
        return problems

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        problems = super().graph_problems(graph)
        matched = self.modules_named(graph, "modules")
        if len(matched) == 1 and not problems:
            problems.append(self.problem(
                "modules", f"matches only {matched[0]}; independence needs at least two modules"))
        for a in matched:
            for b in matched:
                if is_descendant(b, a):
                    problems.append(self.problem(
                        "modules", f"'{b}' is inside '{a}': independent modules cannot nest"))
        return problems

    def check(self, graph: ProjectGraph) -> Sequence[Violation]:
        modules = self.modules_named(graph, "modules")
        cover = {module: graph.with_descendants([module]) for module in modules}
        owner = {member: module for module, members in cover.items() for member in members}

        def message_for(importer: str, imported: str, direct: bool) -> str:
            how = "imports" if direct else "depends on"
            return (f"{importer} {how} {imported}, but {owner[importer]} and "
                    f"{owner[imported]} must be independent")

        blocked = set(owner)
        direct = [edge for a in modules
                  for edge in graph.direct_imports(cover[a], blocked - cover[a])]
        indirect = [found for a in modules
                    for found in graph.chains_into(
                        cover[a], {b: cover[b] for b in modules if b != a}, blocked)]
        return self.violations_from(graph, direct, indirect, message_for)

    def groups(self, graph: ProjectGraph) -> list[Group]:
        modules = tuple(self.modules_named(graph, "modules"))
        return [Group("independent", "independent modules", modules)]
