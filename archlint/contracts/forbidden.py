"""`forbidden`: source modules do not import forbidden modules, directly or through a chain.

Like import-linter, each pair of a source and a forbidden module is checked on its own, and a
pair that overlaps (the same module, or one inside the other) is skipped: with
`forbidden_modules = ["shop.*"]`, `shop.web` may not import its siblings but may import
itself. With `as_packages = false` each expression names its modules without their
descendants.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import ClassVar

from ..errors import Problem
from ..graph import ProjectGraph
from ..model import Group, Violation, is_within
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

    def check(self, graph: ProjectGraph) -> list[Violation]:
        def cover(module: str) -> set[str]:
            return graph.with_descendants([module]) if self.as_packages else {module}

        named = self.modules_named(graph, "forbidden_modules")
        direct: list[tuple[str, str]] = []
        indirect: list[tuple[str, tuple[str, ...]]] = []
        sources = self.modules_named(graph, "source_modules")
        for source in sources:
            apart = [f for f in named if not self._overlap(source, f)]
            if self.as_packages:
                # A source inside another is checked only for what the outer one may import:
                # its chains are the outer source's, which may not leave it either.
                enclosing = [s for s in sources if s != source and is_within(source, s)]
                apart = [f for f in apart
                         if all(self._overlap(outer, f) for outer in enclosing)]
            if not apart:
                continue
            targets = {f: cover(f) for f in (outermost(apart) if self.as_packages else apart)}
            forbidden = set().union(*targets.values())
            members = cover(source)
            direct += graph.direct_imports(members, forbidden)
            if not self.allow_indirect:
                # A chain may pass through other source modules, never through a forbidden one.
                indirect += graph.chains_into(members, targets, members | forbidden)

        def message_for(importer: str, imported: str, direct: bool) -> str:
            if direct:
                return f"{importer} imports {imported}, which it is forbidden to use"
            return f"{importer} depends on {imported} through a chain of imports; it is forbidden to use it"

        return self.violations_from(graph, direct, indirect, message_for)

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


def _names_external(text: str, graph: ProjectGraph) -> bool:
    """An expression that can name only packages outside the root packages: its leading
    segments before any wildcard are neither inside a root package nor a parent of one."""
    fixed = ".".join(itertools.takewhile(lambda segment: "*" not in segment, text.split(".")))
    return bool(fixed) and not graph.is_internal(fixed) and not any(
        is_within(root, fixed) for root in graph.root_packages)
