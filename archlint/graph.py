"""The project graph: what every import means this run, behind one closed interface.

The facts (archlint.facts) say what each file's import statements say. Here each statement is
resolved against the modules the project has now, the way grimp resolves it (`from a import
b` is the module `a.b` when there is one, else `a`), so that a cached fact can never carry an
old meaning: delete a module, and the imports of it are unresolved on the next run.

Contracts ask `ProjectGraph` (children, importers, imported modules, the import statements of
an edge, chains, cycle breakers, what each statement brings in); they never see grimp. grimp's
own graph is built only when a contract asks for cycle breakers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import pairwise
from typing import NamedTuple

from .discovery import PackageTree, discover_all
from .facts import (
    IN_FUNCTION,
    TYPE_CHECKING_ONLY,
    DefinedName,
    DefinitionQuery,
    FactStore,
    FileFacts,
    ImportStatement,
    ProjectFacts,
    TopLevel,
    read_project,
)
from .facts.project import Progress
from .model import DIAGNOSTIC_KINDS, Diagnostic, Hop, is_descendant, is_within
from .settings import Settings
from .timing import Timings, step
from .version import __version__


class ImportedItem(NamedTuple):
    """One module or name that an import statement brings in, resolved to absolute names:
    the import graph's edge `importer -> module` at `line`.

    `from a.b import C as D` is module "a.b", name "C", alias "D"; `import a.b`, `from a
    import b` (when `a.b` is a module) and `from a.b import *` bring in module "a.b" and no
    name. `line_contents` is the statement's first line. (A named tuple: a large project
    resolves a hundred thousand of them on every build.)
    """

    importer: str
    module: str
    name: str | None
    alias: str | None
    line: int
    line_contents: str
    context: int = 0  # facts.model's flags: where the statement sits
    # For an import of an external package (the graph holds the package alone, as grimp
    # does): the modules the statement may name inside it, `("os.path",)` for `import
    # os.path`, `("os.path", "os")` for `from os import path` (a module, or a name in `os`).
    external_names: tuple[str, ...] = ()

    def hop(self, graph: ProjectGraph) -> Hop:
        return Hop(self.importer, self.module, graph.path_of(self.importer), self.line,
                   self.line_contents, bool(self.context & IN_FUNCTION),
                   bool(self.context & TYPE_CHECKING_ONLY))


class ProjectGraph:
    """The import graph of the root packages, with file paths and import statements."""

    def __init__(self, facts: ProjectFacts, root_packages: tuple[str, ...],
                 external_included: bool, modules: set[str],
                 edges: dict[str, list[ImportedItem]],
                 diagnostics: tuple[Diagnostic, ...]) -> None:
        self.facts = facts
        self.root_packages = root_packages
        self.external_included = external_included
        self.diagnostics = diagnostics
        self.files = {module: f.relative for module, f in facts.files.items()}
        self.modules = modules
        self._edges = edges  # by importer, in statement order
        # Sorted lists, not sets: chain searches walk them in name order, and a large
        # project has tens of thousands of them (a set of eight takes six times the memory).
        self._successors: dict[str, list[str]] = {}
        self._predecessors: dict[str, list[str]] = {}
        for importer, found in edges.items():
            targets = self._successors[importer] = sorted({item.module for item in found})
            for target in targets:
                self._predecessors.setdefault(target, []).append(importer)
        # How far each module is from a set of modules, by (those modules, blocked modules):
        # contracts ask again for the same sets (independence, for each pair of its modules).
        self._distance_memo: dict[tuple[frozenset[str], frozenset[str]], dict[str, int]] = {}
        self._children: dict[str, set[str]] = {}
        for module in modules:
            parent = module.rpartition(".")[0]
            if parent:
                self._children.setdefault(parent, set()).add(module)

    # -- modules ------------------------------------------------------------------------------

    def is_internal(self, module: str) -> bool:
        """Whether a module name lies under one of the root packages."""
        return any(is_within(module, root) for root in self.root_packages)

    def path_of(self, module: str) -> str:
        return self.files.get(module, module.replace(".", "/"))

    def children(self, module: str) -> set[str]:
        """The modules one level below `module` (none for an external package)."""
        return set(self._children.get(module, ()))

    def with_descendants(self, modules: Iterable[str]) -> set[str]:
        """The modules and all their descendants."""
        result: set[str] = set()
        pending = list(modules)
        while pending:
            module = pending.pop()
            if module in result:
                continue
            result.add(module)
            pending += self._children.get(module, ())
        return result

    # -- imports ------------------------------------------------------------------------------

    def successors(self, module: str) -> list[str]:
        """The modules `module` imports directly, sorted."""
        return self._successors.get(module, [])

    def importers_of(self, module: str) -> set[str]:
        """The modules that import `module` directly."""
        return set(self._predecessors.get(module, ()))

    def hops(self, importer: str, imported: str) -> tuple[Hop, ...]:
        """Every import statement by which `importer` imports `imported`, by line."""
        return tuple(sorted({item.hop(self) for item in self._edges.get(importer, ())
                             if item.module == imported}))

    def hop(self, importer: str, imported: str) -> Hop:
        """The import statement that explains why `importer` imports `imported`: the first
        that runs when the module is imported, else the first by line."""
        return min(self.hops(importer, imported),
                   key=lambda h: (h.in_function or h.type_checking_only, h.line))

    def chain_hops(self, chain: tuple[str, ...]) -> tuple[Hop, ...]:
        """The explaining import statement (see `hop`) of every link in a chain of modules."""
        return tuple(self.hop(a, b) for a, b in pairwise(chain))

    def direct_imports(self, importers: Iterable[str], imported: set[str]
                       ) -> Iterator[tuple[str, str]]:
        """Every (importer, imported) edge from `importers` into `imported`, sorted."""
        for importer in sorted(importers):
            for target in self.successors(importer):
                if target in imported:
                    yield importer, target

    def imported_items(self, importer: str) -> list[ImportedItem]:
        """Every module and name the importer's statements bring in whose import is an edge of
        this graph (an import left out by `ignore` or `exclude_type_checking_imports`, or of a
        module that does not exist, brings in nothing here)."""
        return list(self._edges.get(importer, ()))

    def suppressions(self, importer: str, line: int) -> tuple[str, ...]:
        """The contract ids an `# archlint: ignore[...]` comment suppresses for the import
        statement of `importer` starting on `line` ("*": every contract)."""
        facts = self.facts.files.get(importer)
        if facts is None:
            return ()
        return tuple(sorted({c for s in facts.statements if s.line == line
                             for c in s.suppressed}))

    def definitions(self, module: str, query: DefinitionQuery) -> tuple[DefinedName, ...]:
        """The module's top-level definitions that `query` wants (read from its file only
        when it may hold one)."""
        return self.facts.definitions(module, query)

    def top_level(self, module: str) -> TopLevel | None:
        """What a module binds at its top level (read from its file on demand)."""
        return self.facts.top_level(module)

    # -- chains -------------------------------------------------------------------------------

    def chains_between(self, starts: Iterable[str], ends: set[str],
                       blocked: set[str]) -> Iterator[tuple[str, ...]]:
        """For every start module and every end module it reaches through modules outside
        `blocked`, one shortest chain of modules (what `archlint explain` lists).

        A chain stops at the first end module it meets and never passes through a blocked
        module, so a pair is reported whenever such a chain exists, whatever shorter chains
        run through blocked modules.
        """
        for _, chain in self._shortest_chains(starts, {end: end for end in ends}, blocked,
                                              direct=True):
            yield chain

    def chains_into(self, starts: Iterable[str], targets: dict[str, set[str]],
                    blocked: set[str], *, direct: bool = False
                    ) -> Iterator[tuple[str, tuple[str, ...]]]:
        """For every start module and every target it reaches through a chain of at least
        two imports (with `direct`, one is enough): the target's name and one shortest such
        chain of modules.

        `targets` maps a name (a module the contract names) to the modules it covers. A
        chain never passes through a blocked module (the starts and all target modules are
        blocked), so one importer yields at most one chain per target: the report grows
        with the number of importers, not with importers times imported modules, and the
        pair is the same whichever module of the target the shortest chain ends in.
        """
        target_of = {module: name for name in sorted(targets, key=len)
                     for module in targets[name]}  # the innermost target wins
        return self._shortest_chains(starts, target_of, blocked, direct=direct)

    def _shortest_chains(self, starts: Iterable[str], target_of: dict[str, str],
                         blocked: set[str], direct: bool) -> Iterator[tuple[str, tuple[str, ...]]]:
        """Breadth-first from each start (the first chain in name order among equally short
        ones) until every target name it can reach is reached; with `direct` false a chain
        has at least two imports.

        How far each module is from each name is known first (`_distances`), so the search
        from a start knows how long its shortest chain to each name is, and visits only the
        modules that lie on one. Every module that does is reached at the same level from
        the same module as by a search of the whole graph (the first module to reach it
        lies on a shortest chain too), so the chains are the same, only found sooner."""
        ends: dict[str, list[str]] = {}
        for module, name in target_of.items():
            ends.setdefault(name, []).append(module)
        distance = {name: self._distances(modules, blocked) for name, modules in ends.items()}
        leading = set().union(*distance.values())  # the modules some name is reached from
        for start in sorted(starts):
            previous: dict[str, str | None] = {start: None}
            depth, level = (0, [start]) if direct else (1, [
                m for m in self.successors(start) if m in leading])
            wanted: dict[str, int | None]  # each name not yet reached: its shortest chain
            if start in target_of or start not in blocked:
                # a start that is a target, or may be passed through, is not what the
                # distances measured: keep every module that leads to a name
                wanted = dict.fromkeys(distance)
            else:
                wanted = dict(self._chain_lengths(start, level, depth, target_of, distance))
            if not direct:
                level = [m for m in level if _on_a_shortest_chain(m, 1, wanted, distance)]
                previous.update(dict.fromkeys(level, start))
            while level and wanted:
                following: list[str] = []
                for module in level:
                    for target in self.successors(module):
                        reached = target_of.get(target)
                        if reached in wanted and target != start:
                            del wanted[reached]
                            yield reached, (*_walk_back(previous, module), target)
                        if target not in previous and _on_a_shortest_chain(
                                target, depth + 1, wanted, distance):
                            previous[target] = module
                            following.append(target)
                level = following
                depth += 1

    def _chain_lengths(self, start: str, first: list[str], depth: int,
                       target_of: dict[str, str], distance: dict[str, dict[str, int]]
                       ) -> dict[str, int]:
        """The length of the shortest chain from `start` to each name it reaches, its
        chains going through the modules `first`, `depth` imports away from it."""
        lengths: dict[str, int] = {}
        for module in first:
            for target in self.successors(module):
                if target == start:
                    continue
                name = target_of.get(target)
                if name is not None and lengths.get(name, depth + 2) > depth + 1:
                    lengths[name] = depth + 1
                for name, away in distance.items():
                    steps = away.get(target)
                    if steps is not None and (
                            lengths.get(name, depth + steps + 2) > depth + 1 + steps):
                        lengths[name] = depth + 1 + steps
        return lengths

    def _distances(self, ends: list[str], blocked: set[str]) -> dict[str, int]:
        """For each module outside `blocked` from which one of `ends` is reachable through
        modules outside `blocked`: the fewest imports it takes (at least one, an end
        included: an end may lead to another). Kept for the next question of the same
        sets; the caller only reads it."""
        key = (frozenset(ends), frozenset(blocked))
        known = self._distance_memo.get(key)
        if known is not None:
            return known
        distance: dict[str, int] = {}
        self._distance_memo[key] = distance
        level = ends
        steps = 0
        while level:
            steps += 1
            following = []
            for module in level:
                for importer in self._predecessors.get(module, ()):
                    if importer not in distance and importer not in blocked:
                        distance[importer] = steps
                        following.append(importer)
            level = following
        return distance

    def cycle_breakers(self, package: str) -> set[tuple[str, str]]:
        """Imports whose removal breaks every cycle between the children of `package` (a
        small set, as grimp nominates it)."""
        import grimp  # only this question needs grimp's own graph

        graph = grimp.ImportGraph()
        for module in sorted(self.modules):
            graph.add_module(module, is_squashed=not self.is_internal(module))
        for importer in sorted(self._edges):
            for imported in self.successors(importer):
                hop = self.hops(importer, imported)[0]
                graph.add_import(importer=importer, imported=imported,
                                 line_number=hop.line, line_contents=hop.line_contents)
        return set(graph.nominate_cycle_breakers(package))

    def without_imports(self, edges: Iterable[tuple[str, str]]) -> ProjectGraph:
        """A copy with some imports removed (for a contract's `ignore` entries)."""
        removed: dict[str, set[str]] = {}
        for importer, imported in edges:
            removed.setdefault(importer, set()).add(imported)
        reduced = {importer: [i for i in found if i.module not in removed.get(importer, ())]
                   for importer, found in self._edges.items()}
        return ProjectGraph(self.facts, self.root_packages, self.external_included,
                            self.modules, reduced, self.diagnostics)


def _on_a_shortest_chain(module: str, depth: int, wanted: dict[str, int | None],
                         distance: dict[str, dict[str, int]]) -> bool:
    """Whether `module`, `depth` imports from the start, lies on a shortest chain to a name
    not yet reached (on any chain to it, for a name whose shortest length is not known)."""
    for name, length in wanted.items():
        steps = distance[name].get(module)
        if steps is not None and (length is None or depth + steps == length):
            return True
    return False


def _walk_back(previous: dict[str, str | None], module: str) -> tuple[str, ...]:
    chain = [module]
    while (before := previous[chain[-1]]) is not None:
        chain.append(before)
    return tuple(reversed(chain))


# -- building -----------------------------------------------------------------------------------


def build_graph(settings: Settings, use_cache: bool = True, *,
                trees: list[PackageTree] | None = None, progress: Progress | None = None,
                timings: Timings | None = None) -> ProjectGraph:
    """Discover (unless `trees` are given) and read the project's files, then resolve every
    import against the modules that exist now."""
    if trees is None:
        with step(timings, "walk the root packages"):
            trees = discover_all(settings)
    store = FactStore(settings.root / settings.cache_dir if use_cache else None, __version__)
    with step(timings, "read facts"):
        facts = read_project(settings.root, trees, store, progress, timings)
    with step(timings, "resolve imports"):
        graph = resolve(settings, facts)
    facts.save()
    return graph


def resolve(settings: Settings, facts: ProjectFacts) -> ProjectGraph:
    """The graph of what every statement imports, and the diagnostics of reading it."""
    roots = tuple(settings.root_packages)
    trees = facts.trees
    modules = {tree.name for tree in trees}
    modules.update(folder for tree in trees for folder in tree.folders)
    modules.update(facts.files)
    # Modules that exist but are not read (excluded, compiled, stubs): importing one is not an
    # import of a module that does not exist, and adds no edge (grimp sees no file either).
    existing = modules | {m for tree in trees for m in tree.without_source}
    resolver = _Resolver(roots, modules, existing, settings)
    edges: dict[str, list[ImportedItem]] = {}
    diagnostics: list[Diagnostic] = []
    for module in sorted(facts.files):
        file = facts.files[module]
        diagnostics += (Diagnostic(p.kind, file.relative, p.line, p.message,
                                   DIAGNOSTIC_KINDS[p.kind].severity)
                        for p in file.problems)
        found, unresolved = resolver.edges_of(file)
        if found:
            edges[module] = found
        diagnostics += unresolved
    for tree in trees:
        diagnostics += (Diagnostic("unreadable-file", relative, 1, reason)
                        for relative, reason in tree.unlisted)
        diagnostics += (Diagnostic("shadowed-file", relative, 1,
                                   f"hidden by the package {package}: Python imports the "
                                   "package, never this file",
                                   DIAGNOSTIC_KINDS["shadowed-file"].severity)
                        for relative, package in tree.shadowed)
    for found in edges.values():
        modules.update(item.module for item in found)  # external packages, when included
    return ProjectGraph(facts, roots, settings.include_external_packages, modules, edges,
                        tuple(diagnostics))


# An ImportedItem made from its fields in order, without NamedTuple's Python-level __new__:
# a large project resolves a hundred thousand of them on every build.
_new_item = tuple.__new__


class _Resolver:
    """What each import statement means among the modules that exist this run."""

    def __init__(self, roots: tuple[str, ...], modules: set[str], existing: set[str],
                 settings: Settings) -> None:
        self.roots = roots
        self._roots = set(roots)
        self._inside = tuple(f"{root}." for root in roots)
        self.modules = modules
        # Each module's name as the module set holds it: every edge to a module then shares
        # one string, not one built per import statement.
        self._named = {module: module for module in modules}
        self.existing = existing
        self.external = settings.include_external_packages
        self.skip_type_checking = settings.exclude_type_checking_imports
        self.unresolved_severity = settings.unresolved_imports

    def edges_of(self, file: FileFacts) -> tuple[list[ImportedItem], list[Diagnostic]]:
        """What each name of the file's statements brings in, and the imports of missing
        modules. With `exclude_type_checking_imports`, an import only type checkers run adds
        no edge but still names a missing module."""
        items: list[ImportedItem] = []
        problems: list[Diagnostic] = []
        package = file.module if file.is_package else file.module.rpartition(".")[0]
        skip_type_checking = self.skip_type_checking
        for statement in file.statements:
            skipped = skip_type_checking and statement.context & TYPE_CHECKING_ONLY
            kept = [] if skipped else items
            if statement.is_from:
                self._from_import(file, statement, package, kept, problems)
            else:
                self._plain_import(file, statement, kept, problems)
        return items, problems

    def _from_import(self, file: FileFacts, statement: ImportStatement, package: str,
                     items: list[ImportedItem], problems: list[Diagnostic]) -> None:
        """Add what a `from` statement brings in to `items`, its missing module to
        `problems`. By grimp's rule, `from a import b` is the module `a.b` when there is one,
        else the name `b` in `a`."""
        line, contents, _, level, written, names, context, _ = statement
        base = written if not level else resolve_relative(package, written, level)
        if base is None:
            problems += self._unresolved(file, statement, None)
            return
        if base not in self.existing and self._is_internal(base):
            problems += self._unresolved(file, statement, base)
        modules, named = self.modules, self._named
        base = named.get(base, base)
        target: str | None
        item_name: str | None
        for name, alias in names:
            if name == "*":
                target, item_name, missing = base, None, base
            else:
                missing = f"{base}.{name}"
                target, item_name = named.get(missing), None
                if target is None:
                    target, item_name = base, name
            if target not in modules and base in self.existing:
                # a module without a readable source (excluded, compiled): an import of its
                # package, as `import base` counts by grimp's rule
                target, item_name = base.rpartition(".")[0], None
            external: tuple[str, ...] = ()
            if target not in modules:
                target, item_name = self._external(missing), None
                external = (missing,) if missing == base else (missing, base)
            if target is not None:
                items.append(_new_item(ImportedItem, (file.module, target, item_name, alias,
                                                      line, contents, context, external)))

    def _plain_import(self, file: FileFacts, statement: ImportStatement,
                      items: list[ImportedItem], problems: list[Diagnostic]) -> None:
        """Add what an `import` statement brings in to `items`, its missing modules to
        `problems`. By grimp's rule, `import a.b` of a missing `a.b` is an import of `a`."""
        line, contents, _, _, _, names, context, _ = statement
        named = self._named
        for name, alias in names:
            if name not in self.existing and self._is_internal(name):
                problems += self._unresolved(file, statement, name)
            external: tuple[str, ...] = ()
            target = named.get(name) or named.get(name.rpartition(".")[0])
            if target is None:
                target, external = self._external(name), (name,)
            if target is not None:
                items.append(_new_item(ImportedItem, (file.module, target, None, alias, line,
                                                      contents, context, external)))

    def _external(self, imported: str) -> str | None:
        """The external package an import stands for, when those are included (never for a
        missing module of the root packages)."""
        if not self.external or self._is_internal(imported):
            return None
        return _distill_external(imported, self.roots)

    def _is_internal(self, module: str) -> bool:
        return module in self._roots or module.startswith(self._inside)

    def _unresolved(self, file: FileFacts, statement: ImportStatement,
                    missing: str | None) -> list[Diagnostic]:
        if self.unresolved_severity == "off":
            return []
        if missing is None:
            dots = "." * statement.level
            message = (f"{file.module} imports from {dots}{statement.module}, above its "
                       "top-level package")
        else:
            message = f"{file.module} imports {missing}, which does not exist"
        if statement.guarded:
            return [Diagnostic("optional-import", file.relative, statement.line,
                               f"{message}; the import is guarded by an ImportError handler",
                               DIAGNOSTIC_KINDS["optional-import"].severity)]
        return [Diagnostic("unresolved-import", file.relative, statement.line, message,
                           self.unresolved_severity)]


def resolve_relative(package: str, written: str, level: int) -> str | None:
    """The absolute module of `from <level dots><written> import ...` in `package`; None when
    the dots climb above the top-level package."""
    if level == 0:
        return written
    parts = package.split(".") if package else []
    if level - 1 >= len(parts):
        return None
    base = ".".join(parts[: len(parts) - (level - 1)])
    return f"{base}.{written}" if written else base


def _distill_external(name: str, roots: tuple[str, ...]) -> str | None:
    """The external package an import of `name` stands for: its top-level package, or, when a
    root package shares its namespace (`a.b` a root, `a.c.d` imported), the shallowest part of
    it that no root package holds; None for a parent of a root package."""
    if any(is_descendant(root, name) for root in roots):
        return None
    parts = name.split(".")
    candidates = []
    for root in roots:
        inner = root.split(".")
        if len(inner) > 1 and inner[0] == parts[0]:
            common = 0
            while common < min(len(parts), len(inner)) and parts[common] == inner[common]:
                common += 1
            candidates.append(".".join(parts[: common + 1]))
    if candidates:
        return max(candidates, key=lambda c: (c.count("."), c))
    return parts[0]

