"""`internal`: the given importers use no internals of the given packages.

A module of `packages` is internal when it matches `internal` (descendants included) or when
a segment of its name below the package starts with `_` (dunder names such as `__main__`
excepted); it is internal to its parent package (for `a._b.c`, to `a`). A name starting with
`_` is internal to the package that holds the module it is imported from, or to the
package itself when it is imported from the package's `__init__` (unless `private_names` is
false, which leaves names to the modules: import-linter's `private_modules`); with
`respect_all`, so is
a name that the module's literal `__all__` does not list. `public` modules are never
internal, nor is any name imported from them.

Importers inside the owning package may use its internals; any other importer (matching
`importers`, every module by default) that imports an internal module or name breaks the
contract, once per module or name. Only the importers with an edge into `packages` are
read, and every import must have its edge in the graph at its line (`imported_items`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from ..errors import Problem
from ..graph import ImportedItem, ProjectGraph
from ..model import Group, ImportViolation, Violation, is_within
from ..patterns import ModuleExpression
from .base import Contract, outermost


@dataclass(frozen=True)
class Reason:
    """Why something is internal, and to which package."""

    owner: str
    why: str
    of_module: bool  # the module is internal (else: the name imported from it)


@dataclass(frozen=True, kw_only=True)
class InternalContract(Contract):
    type_name: ClassVar[str] = "internal"
    expression_keys: ClassVar[tuple[str, ...]] = ("importers", "packages", "internal", "public")

    importers: tuple[str, ...] = ()
    packages: tuple[str, ...]
    internal: tuple[str, ...] = ()
    public: tuple[str, ...] = ()
    respect_all: bool = False
    private_names: bool = True

    def static_problems(self) -> list[Problem]:
        problems = super().static_problems()
        if not self.packages:
            problems.append(self.problem("packages", "list at least one package"))
        return problems

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        problems = super().graph_problems(graph)
        if problems:
            return problems
        packages = self.modules_named(graph, "packages")
        for key in ("internal", "public"):
            for text in getattr(self, key):
                matched = ModuleExpression(text).modules_in(graph.modules)
                if not any(is_within(m, p) for m in matched for p in packages):
                    problems.append(self.problem(
                        key, f"'{text}' matches only modules outside packages "
                             f"({', '.join(self.packages)})"))
        return problems

    def check(self, graph: ProjectGraph) -> Sequence[Violation]:
        packages = outermost(self.modules_named(graph, "packages"))
        protected = graph.with_descendants(packages)
        chosen = (graph.with_descendants(self.modules_named(graph, "importers"))
                  if self.importers else None)
        candidates = {
            importer
            for module in protected
            for importer in graph.importers_of(module)
            if importer in graph.files and (chosen is None or importer in chosen)
        }
        rules = _Rules(
            graph, packages, self.modules_named(graph, "internal"),
            self.modules_named(graph, "public"), self.respect_all, self.private_names)
        violations = []
        for importer in sorted(candidates):
            for item in graph.imported_items(importer):
                if item.module not in protected:
                    continue  # only an import of a module inside the packages can break it
                reason = rules.broken_by(item)
                if reason is not None:
                    violations.append(self._violation_for(graph, item, reason))
        return violations

    def groups(self, graph: ProjectGraph) -> list[Group]:
        groups = [Group("packages", "protected packages",
                        tuple(outermost(self.modules_named(graph, "packages"))))]
        if self.importers:
            groups.append(Group("importers", "importers",
                                tuple(outermost(self.modules_named(graph, "importers")))))
        return groups

    def _violation_for(self, graph: ProjectGraph, item: ImportedItem,
                       reason: Reason) -> ImportViolation:
        if item.name is None:
            message = (f"{item.importer} imports {item.module}, a module internal to "
                       f"{reason.owner} ({reason.why})")
        elif reason.of_module:
            message = (f"{item.importer} imports {item.name} from {item.module}, a module "
                       f"internal to {reason.owner} ({reason.why})")
        else:
            message = (f"{item.importer} imports {item.name} from {item.module}; {item.name} "
                       f"is internal to {reason.owner} ({reason.why})")
        return ImportViolation(
            contract_id=self.id, importer=item.importer, imported=item.module,
            path=graph.path_of(item.importer), line=item.line, line_contents=item.line_contents,
            message=message, chain=(item.hop(graph),), symbol=item.name,
        )


class _Rules:
    """What is internal to whom, for one check."""

    def __init__(self, graph: ProjectGraph, packages: list[str], declared: list[str],
                 public: list[str], respect_all: bool, private_names: bool) -> None:
        self.graph = graph
        self.packages = packages
        self.declared = declared
        self.public = public
        self.respect_all = respect_all
        self.private_names = private_names
        self._module_reasons: dict[str, list[Reason]] = {}
        self._name_owners: dict[str, str | None] = {}

    def broken_by(self, item: ImportedItem) -> Reason | None:
        """The reason, if any, that the item's importer may not import it: of those whose
        owner does not contain the importer, the one with the innermost owner (the module's
        own reasons first)."""
        reasons = self.module_reasons(item.module)
        if item.name is not None:
            reasons = reasons + self.name_reasons(item.module, item.name)
        broken = [r for r in reasons if not is_within(item.importer, r.owner)]
        if not broken:
            return None
        deepest = max(r.owner.count(".") for r in broken)
        return next(r for r in broken if r.owner.count(".") == deepest)

    def module_reasons(self, module: str) -> list[Reason]:
        """Why importing `module` itself may break the contract (the same for every
        importer: worked out once per module)."""
        known = self._module_reasons.get(module)
        if known is None:
            known = self._module_reasons[module] = self._reasons_of_module(module)
        return known

    def _reasons_of_module(self, module: str) -> list[Reason]:
        package = self._package_of(module)
        if package is None or self._is_public(module):
            return []
        reasons = []
        for declared in self.declared:
            if is_within(module, declared):
                owner = declared.rpartition(".")[0] or declared
                why = ("declared internal" if module == declared
                       else f"inside {declared}, declared internal")
                reasons.append(Reason(owner, why, of_module=True))
        parts = module.split(".")
        for index in range(package.count(".") + 1, len(parts)):
            if _is_private(parts[index]):
                reasons.append(Reason(".".join(parts[:index]),
                                      f"'{parts[index]}' starts with '_'", of_module=True))
        return reasons

    def name_reasons(self, module: str, name: str) -> list[Reason]:
        if module not in self._name_owners:
            self._name_owners[module] = self._name_owner(module)
        owner = self._name_owners[module]
        if owner is None:
            return []
        if self.private_names and _is_private(name):
            return [Reason(owner, "its name starts with '_'", of_module=False)]
        if self.respect_all and not _is_dunder(name):
            top = self.graph.top_level(module)
            if top is not None and top.all is not None and name not in top.all:
                return [Reason(owner, f"{module}.__all__ does not list it", of_module=False)]
        return []

    def _name_owner(self, module: str) -> str | None:
        """Who the names of `module` are internal to; None when it is outside the packages
        or public."""
        if self._package_of(module) is None or self._is_public(module):
            return None
        return module if self._is_package(module) else (module.rpartition(".")[0] or module)

    def _package_of(self, module: str) -> str | None:
        return next((p for p in self.packages if is_within(module, p)), None)

    def _is_public(self, module: str) -> bool:
        return any(is_within(module, p) for p in self.public)

    def _is_package(self, module: str) -> bool:
        path = self.graph.files.get(module)
        if path is None:  # a folder without __init__.py
            return module in self.graph.modules
        return path.rsplit("/", 1)[-1] == "__init__.py"


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _is_private(name: str) -> bool:
    return name.startswith("_") and not _is_dunder(name)
