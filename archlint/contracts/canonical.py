"""`canonical`: a package is entered only through its canonical modules, and each listed
symbol is imported only from its canonical module, anywhere in the project.

Two rules, judged per imported module or name (symbol facts), never per file:

- module rule: an importer outside `package` that imports the package itself or a module
  under it other than a `canonical` one (or a descendant of one) breaks the contract;
  `from pkg import Manager` goes through the package's `__init__` and is one.
- symbol rule: importing a name listed in `symbols` from any module of the project other
  than its canonical module breaks it, inside the package or out.

A name that breaks both is one violation. Importers matching `allow` are exempt from both;
with `importers`, only the modules they match are checked. A canonical module covers its
descendants, unless it is written `pkg.sub.__init__`: then only the package's `__init__`
(`from pkg.sub import X`) is an entry point, and `pkg.sub.internal` is not. A `package`
written the same way protects the package's `__init__` alone (import-linter's `protected`
with `as_packages = false`): its descendants are outside it.

Which files are read. grimp already knows every module-level edge, so the module rule
parses only the modules that directly import a module of the package. The symbol rule
cannot be narrowed that way: a listed name may be imported from any module of the project.
But a statement `from m import Name` that can be reported has a grimp edge to `m` at its
line (every reported import must, see `imported_items`), and spells `Name` out in the
file. So its candidates are the modules with an edge to a module of the project whose
bytes contain one of the listed names: a text search, not a parse; only the files that
pass it are parsed. Both restrictions are sound: they drop no file that could hold a
reportable import. (An import of a module that does not exist has no edge; it is an
`unresolved-import` diagnostic instead.) A star import brings in no listed name: the names
it binds are not written out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from ..errors import Problem, did_you_mean
from ..graph import ImportedItem, ProjectGraph
from ..model import Group, ImportViolation, Replacement, Violation, is_module_name, is_within
from ..patterns import InvalidExpression, ModuleExpression
from .base import Contract

# A canonical entry ending in this names the package's `__init__` without its descendants.
INIT_ONLY = ".__init__"


@dataclass(frozen=True, kw_only=True)
class CanonicalContract(Contract):
    type_name: ClassVar[str] = "canonical"
    expression_keys: ClassVar[tuple[str, ...]] = ("importers", "allow")

    package: str
    canonical: tuple[str, ...]
    symbols: dict[str, str] = field(default_factory=dict, hash=False)
    importers: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()

    # -- validation -------------------------------------------------------------------------

    def static_problems(self) -> list[Problem]:
        problems = super().static_problems()
        try:
            ModuleExpression(self.package)
        except InvalidExpression as exc:
            problems.append(self.problem("package", str(exc)))
        if not self.canonical and not self.allow:  # with allow alone: entered by those only
            problems.append(self.problem("canonical", "list at least one canonical module"))
        for name in self.canonical:
            if not is_module_name(name):
                problems.append(self.problem("canonical", f"'{name}' is not a module name"))
        for symbol, module in self.symbols.items():
            if not symbol.isidentifier():
                problems.append(self.problem("symbols", f"'{symbol}' is not a Python name"))
            if not is_module_name(module):
                problems.append(self.problem(
                    "symbols", f"'{symbol}': '{module}' is not a module name"))
        return problems

    def graph_problems(self, graph: ProjectGraph) -> list[Problem]:
        problems = super().graph_problems(graph)
        modules = graph.modules
        packages = self._packages(graph)
        if not packages:
            hint = "" if "*" in self.package else did_you_mean(self.package, modules, cutoff=0.85)
            problems.append(self.problem("package", f"'{self.package}' matches no module{hint}"))
        for name in self.canonical:
            module = entry_point(name)[0]
            if module not in modules:
                problems.append(self.problem(
                    "canonical", f"module '{module}' does not exist"
                                 f"{did_you_mean(module, modules, cutoff=0.85)}"))
            elif packages and not any(self._in_package(module, p) for p in packages):
                problems.append(self.problem(
                    "canonical", f"'{name}' is not inside package '{self.package}'"))
        for symbol, module in self.symbols.items():
            if module not in modules:
                problems.append(self.problem(
                    "symbols", f"'{symbol}': module '{module}' does not exist"
                               f"{did_you_mean(module, modules, cutoff=0.85)}"))
                continue
            inside = [p for p in packages if self._in_package(module, p)]
            if inside and not self._is_canonical(module):
                problems.append(self.problem(
                    "symbols", f"'{symbol}': '{module}' is inside package '{inside[0]}' but is "
                               "not one of its canonical modules, so no import of it could "
                               "keep the contract"))
        return problems

    # -- checking ---------------------------------------------------------------------------

    def check(self, graph: ProjectGraph) -> Sequence[Violation]:
        packages = self._packages(graph)
        allowed = graph.with_descendants(self.modules_named(graph, "allow"))
        chosen = (graph.with_descendants(self.modules_named(graph, "importers"))
                  if self.importers else None)

        def checked(module: str) -> bool:
            return (module in graph.files and module not in allowed
                    and (chosen is None or module in chosen))

        protected = (set(packages) if entry_point(self.package)[1]
                     else graph.with_descendants(packages))
        candidates = {
            importer
            for module in protected
            for importer in graph.importers_of(module)
            if checked(importer)
        }
        if self.symbols:
            candidates |= self._may_import_symbols(graph, checked, candidates)
        violations = []
        holding: dict[str, list[str]] = {}  # by module: the matched packages it is inside

        def packages_holding(module: str) -> list[str]:
            found = holding.get(module)
            if found is None:
                found = holding[module] = [p for p in packages if self._in_package(module, p)]
            return found

        for importer in sorted(candidates):
            for item in graph.imported_items(importer):
                if not packages_holding(item.module) and item.name not in self.symbols:
                    continue  # neither rule can apply
                violation = self._violation_of(graph, item, packages_holding)
                if violation is not None:
                    violations.append(violation)
        return violations

    def _may_import_symbols(self, graph: ProjectGraph, checked: Callable[[str], bool],
                            known: set[str]) -> set[str]:
        """Modules with a `from ... import` statement that names a listed symbol."""
        found = set()
        for module, facts in graph.facts.files.items():
            if module in known or not checked(module):
                continue
            if any(name in self.symbols for statement in facts.statements
                   if statement.is_from for name, _ in statement.names):
                found.add(module)
        return found

    def _violation_of(self, graph: ProjectGraph, item: ImportedItem,
                      packages_holding: Callable[[str], list[str]]) -> ImportViolation | None:
        """The violation an imported item is, if any: a listed symbol imported from anywhere
        but its canonical module (the symbol rule), or a package entered other than through
        a canonical module (the module rule)."""
        importer, module, name = item.importer, item.module, item.name
        symbol_home = self.symbols.get(name) if name is not None else None
        if (name is not None and symbol_home is not None and module != symbol_home
                and importer != symbol_home and graph.is_internal(module)):
            message = (f"{importer} imports {name} from {module}; {name} is imported only "
                       f"from its canonical module {symbol_home}")
            return self._statement_violation(graph, item, message,
                                             Replacement(symbol_home, name, item.alias))
        entered = [p for p in packages_holding(module) if p not in packages_holding(importer)]
        if not entered or self._is_canonical(module):
            return None
        package = entered[0]
        what = f"{name} from {module}" if name is not None else module
        message = (f"{importer} imports {what}; {package} is entered only through "
                   f"{self._describe_entry_points(package)}")
        if name is None:
            return self._statement_violation(graph, item, message, None)
        source = symbol_home if symbol_home not in (None, importer) else (
            self._sole_offerer(graph, package, name, importer))
        return self._statement_violation(graph, item, message,
                                         Replacement(source, name, item.alias) if source else None)

    def _statement_violation(self, graph: ProjectGraph, item: ImportedItem, message: str,
                             replacement: Replacement | None) -> ImportViolation:
        return ImportViolation(
            contract_id=self.id, importer=item.importer, imported=item.module,
            path=graph.path_of(item.importer), line=item.line, line_contents=item.line_contents,
            message=message, chain=(item.hop(graph),), symbol=item.name, replacement=replacement,
        )

    def groups(self, graph: ProjectGraph) -> list[Group]:
        """The package, its canonical modules (drawn highlighted) and the checked importers."""
        named = [entry_point(name)[0] for name in self.canonical]
        canonical = sorted({m for m in (*named, *self.symbols.values()) if m in graph.modules})
        groups = [Group("package", self.package, tuple(self._packages(graph))),
                  Group("canonical", "canonical modules", tuple(canonical))]
        if self.importers:
            importers = tuple(self.modules_named(graph, "importers"))
            groups.append(Group("importers", "importers", importers))
        return groups

    # -- helpers ----------------------------------------------------------------------------

    def _packages(self, graph: ProjectGraph) -> list[str]:
        return sorted(ModuleExpression(entry_point(self.package)[0]).modules_in(graph.modules))

    def _in_package(self, module: str, package: str) -> bool:
        """Whether `module` is inside one matched package: the package with its
        descendants, or its `__init__` alone when `package` ends in `.__init__`."""
        return module == package if entry_point(self.package)[1] else is_within(module, package)

    def _is_canonical(self, module: str) -> bool:
        for name in self.canonical:
            entry, init_only = entry_point(name)
            if module == entry or (not init_only and is_within(module, entry)):
                return True
        return False

    def _describe_entry_points(self, package: str) -> str:
        inside = [c for c in self.canonical if self._in_package(entry_point(c)[0], package)]
        if not inside:
            return "its canonical modules, and it has none"
        if len(inside) == 1:
            return f"its canonical module {inside[0]}"
        return "its canonical modules " + ", ".join(inside)

    def _sole_offerer(self, graph: ProjectGraph, package: str, name: str,
                      importer: str) -> str | None:
        """The one canonical module of the package that offers `name` (defines it or lists it
        in `__all__`), to import an unlisted name from; None when none does, or several do.
        A name the canonical module only imports for itself is no part of its interface."""
        found = []
        for module in (entry_point(name)[0] for name in self.canonical):
            if not self._in_package(module, package) or module == importer:
                continue
            top = graph.top_level(module)
            if top is not None and top.exports(name):
                found.append(module)
        return found[0] if len(found) == 1 else None


def entry_point(name: str) -> tuple[str, bool]:
    """The module a `canonical` entry (or `package`) names, and whether it names that
    package's `__init__` alone (`pkg.sub.__init__`) rather than the module with its
    descendants. For a plain module both mean the module."""
    if name.endswith(INIT_ONLY):
        return name[: -len(INIT_ONLY)], True
    return name, False
