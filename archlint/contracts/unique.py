"""`unique`: each matching name is defined in one module only, the single source of truth.

In the modules of `packages` (with their descendants, minus `allow`), every top-level
definition (class, function, assigned name; inside top-level `if`, `try` and `with` blocks
too) whose name matches one of `names` and whose kind is in `kinds` must occur in one module.
A name defined in several modules is one violation listing every definition. The original
is the first definition in the first `canonical` module that defines the name, or else the
first by path and line; the violation points at the first other definition, which should
become an import of the original.

Only the files of the contract's modules are parsed (symbol facts, cached per file). A file
that does not parse defines nothing here; it is already a `syntax-error` diagnostic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..errors import Problem, did_you_mean
from ..facts import DefinitionQuery
from ..graph import ProjectGraph
from ..model import Definition, DuplicateDefinition, Group, Violation, is_within
from .base import Contract

KINDS = ("class", "function", "assignment")


@dataclass(frozen=True, kw_only=True)
class UniqueContract(Contract):
    type_name: ClassVar[str] = "unique"
    expression_keys: ClassVar[tuple[str, ...]] = ("packages", "allow")

    packages: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...] = KINDS
    allow: tuple[str, ...] = ()
    canonical: tuple[str, ...] = ()

    # -- validation -------------------------------------------------------------------------

    def static_problems(self) -> list[Problem]:
        problems = super().static_problems()
        if not self.packages:
            problems.append(self.problem("packages", "list at least one package"))
        if not self.names:
            problems.append(self.problem("names", "list at least one name or pattern"))
        if not self.kinds:
            problems.append(self.problem(
                "kinds", f"list at least one kind of definition ({', '.join(KINDS)})"))
        for kind in self.kinds:
            if kind not in KINDS:
                problems.append(self.problem(
                    "kinds", f"'{kind}' is not a kind of definition; expected one of "
                             f"{', '.join(KINDS)}{did_you_mean(kind, KINDS)}"))
        return problems

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        problems = super().graph_problems(graph)
        packages = self.modules_named(graph, "packages")
        for name in self.canonical:
            if name not in graph.files:
                problems.append(self.problem(
                    "canonical", f"module '{name}' does not exist"
                                 f"{did_you_mean(name, graph.files, cutoff=0.85)}"))
            elif packages and not any(is_within(name, p) for p in packages):
                problems.append(self.problem(
                    "canonical", f"'{name}' is not inside packages ({', '.join(self.packages)})"))
        return problems

    # -- checking ---------------------------------------------------------------------------

    def groups(self, graph: ProjectGraph) -> list[Group]:
        canonical = [m for m in self.canonical if m in graph.modules]
        groups = [Group("packages", "packages", tuple(self.modules_named(graph, "packages")))]
        if canonical:
            groups.append(Group("canonical", "canonical modules", tuple(canonical)))
        return groups

    def definition_queries(self) -> list[DefinitionQuery]:
        return [DefinitionQuery(self.names, self.kinds)]

    def check(self, graph: ProjectGraph) -> Sequence[Violation]:
        allowed = graph.with_descendants(self.modules_named(graph, "allow"))
        modules = sorted(m for m in graph.with_descendants(self.modules_named(graph, "packages"))
                         if m in graph.files and m not in allowed)
        query = self.definition_queries()[0]
        found: dict[str, list[Definition]] = {}
        for module in modules:
            path = graph.path_of(module)
            for defined in graph.definitions(module, query):
                found.setdefault(defined.name, []).append(Definition(
                    module, defined.name, defined.kind, path, defined.line,
                    defined.line_contents))
        violations = []
        for name, definitions in sorted(found.items()):
            if len({d.module for d in definitions}) > 1:
                violations.append(self._violation_for(name, definitions))
        return violations

    def _violation_for(self, name: str, definitions: list[Definition]) -> DuplicateDefinition:
        ordered = sorted(definitions, key=lambda d: (d.path, d.line))
        original = next((d for module in self.canonical for d in ordered if d.module == module),
                        ordered[0])
        listed = [original] + [d for d in ordered if d is not original]
        duplicate = next(d for d in listed if d.module != original.module)
        count = len({d.module for d in definitions})
        return DuplicateDefinition(
            contract_id=self.id, path=duplicate.path, line=duplicate.line,
            line_contents=duplicate.line_contents,
            message=f"{name} is defined in {count} modules; keep the original in "
                    f"{original.module} and import it from there",
            symbol=name, definitions=tuple(listed),
        )
