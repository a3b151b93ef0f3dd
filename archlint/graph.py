"""The project graph: grimp's import graph plus what grimp does not keep.

grimp scans the files (in Rust, in parallel, with its own cache), but on its own it skips
folders without `__init__.py` below a package and aborts the whole build on the first file
that does not parse. So archlint finds the files itself, hands grimp the complete list, scans
in batches and sets aside the files grimp cannot read as `syntax-error` diagnostics.
"""

from __future__ import annotations

import ast
import copy
import time
from collections.abc import Callable, Iterable, Iterator, Set
from pathlib import Path

import grimp
from grimp import _rustgrimp as rust
from grimp.adaptors.caching import Cache
from grimp.application.config import settings as grimp_settings
from grimp.application.ports.caching import CacheMiss
from grimp.application.ports.modulefinder import FoundPackage, ModuleFile
from grimp.domain.valueobjects import Module

from .discovery import SETTLED_NS, PackageTree, discover_all
from .model import Diagnostic, Hop
from .settings import Settings
from .symbols import SymbolFacts

# Files per grimp scan; a file that fails costs a rescan of its batch only. Every scan call
# hands grimp the whole module list, so a large tree is scanned in at most SCAN_BATCHES calls
# (a fixed batch size would make the build quadratic).
SCAN_BATCH = 400
SCAN_BATCHES = 8
# Called with (files scanned, files to scan) while a build scans files.
Progress = Callable[[int, int], None]


class ProjectGraph:
    """The import graph of the root packages, with file paths and line lookups.

    Contract checks read the graph only through this class and `grimp` (its `imports`).
    """

    def __init__(self, imports: grimp.ImportGraph, files: dict[str, str],
                 root_packages: tuple[str, ...], external_included: bool,
                 diagnostics: tuple[Diagnostic, ...], symbols: SymbolFacts,
                 scanned: dict[str, Set] | None = None) -> None:
        self.imports = imports
        # grimp's imports of each scanned file, as read (the result cache fingerprints them)
        self.scanned = scanned or {}
        self.files = files
        self.symbols = symbols
        self.root_packages = root_packages
        self.external_included = external_included
        self.diagnostics = diagnostics
        self._successors: dict[str, list[str]] = {}
        self._hops: dict[tuple[str, str], tuple[Hop, ...]] = {}

    def is_internal(self, module: str) -> bool:
        """Whether a module name lies under one of the root packages."""
        return _is_inside(module, self.root_packages)

    @property
    def modules(self) -> set[str]:
        """Every module in the graph, external (squashed) ones included when configured."""
        return self.imports.modules

    def path_of(self, module: str) -> str:
        return self.files.get(module, module.replace(".", "/"))

    def covered(self, modules: Iterable[str]) -> set[str]:
        """The modules and all their descendants."""
        result: set[str] = set()
        for module in modules:
            result.add(module)
            if not self.imports.is_module_squashed(module):
                result.update(self.imports.find_descendants(module))
        return result

    def hops(self, importer: str, imported: str) -> tuple[Hop, ...]:
        """Every import statement by which `importer` imports `imported`, by line (cached:
        in a dense graph thousands of chains share the same few imports)."""
        found = self._hops.get((importer, imported))
        if found is None:
            details = self.imports.get_import_details(importer=importer, imported=imported)
            path = self.path_of(importer)
            found = self._hops[importer, imported] = tuple(sorted(
                Hop(importer, imported, path, d["line_number"], d["line_contents"])
                for d in details))
        return found

    def chain_hops(self, chain: tuple[str, ...]) -> tuple[Hop, ...]:
        """The first import statement of every link in a chain of modules."""
        return tuple(self.hops(a, b)[0] for a, b in zip(chain, chain[1:]))

    def direct_imports(self, importers: Iterable[str], imported: set[str]) -> Iterator[tuple[str, str]]:
        """Every (importer, imported) edge from `importers` into `imported`, sorted."""
        for importer in sorted(importers):
            for target in self.successors(importer):
                if target in imported:
                    yield importer, target

    def successors(self, module: str) -> list[str]:
        """The modules `module` imports directly, sorted (cached: chain searches ask often)."""
        found = self._successors.get(module)
        if found is None:
            found = self._successors[module] = sorted(
                self.imports.find_modules_directly_imported_by(module))
        return found

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
                    blocked: set[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
        """For every start module and every target it reaches through a chain of at least
        two imports: the target's name and one shortest such chain of modules.

        `targets` maps a name (a module the contract names) to the modules it covers. A
        chain never passes through a blocked module (the starts and all target modules are
        blocked), so one importer yields at most one chain per target: the report grows
        with the number of importers, not with importers times imported modules, and the
        pair is the same whichever module of the target the shortest chain ends in.
        """
        target_of = {module: name for name in sorted(targets, key=len)
                     for module in targets[name]}  # the innermost target wins
        return self._shortest_chains(starts, target_of, blocked, direct=False)

    def _shortest_chains(self, starts: Iterable[str], target_of: dict[str, str],
                         blocked: set[str], direct: bool) -> Iterator[tuple[str, tuple[str, ...]]]:
        """Breadth-first from each start (the first chain in name order among equally short
        ones), visiting only modules from which a target can still be reached, until every
        target name is reached; with `direct` false a chain has at least two imports."""
        useful = self._leading_to(set(target_of), blocked)
        names = set(target_of.values())
        for start in sorted(starts):
            previous: dict[str, str | None] = {start: None}
            level = [start]
            if not direct:
                level = [m for m in self.successors(start) if m in useful]
                previous.update(dict.fromkeys(level, start))
            missing = set(names)
            while level and missing:
                following: list[str] = []
                for module in level:
                    for target in self.successors(module):
                        name = target_of.get(target)
                        if name in missing and target != start:
                            missing.discard(name)
                            yield name, _walk_back(previous, module) + (target,)
                        if target in useful and target not in previous:
                            previous[target] = module
                            following.append(target)
                level = following

    def _leading_to(self, ends: set[str], blocked: set[str]) -> set[str]:
        """Modules outside `blocked` from which an end module is reachable through modules
        outside `blocked`."""
        useful: set[str] = set()
        pending = [m for end in ends for m in self.imports.find_modules_that_directly_import(end)]
        while pending:
            module = pending.pop()
            if module in useful or module in blocked:
                continue
            useful.add(module)
            pending += self.imports.find_modules_that_directly_import(module)
        return useful

    def without_imports(self, edges: Iterable[tuple[str, str]]) -> ProjectGraph:
        """A copy with some imports removed (for a contract's `ignore` entries)."""
        reduced = copy.deepcopy(self.imports)
        for importer, imported in edges:
            reduced.remove_import(importer=importer, imported=imported)
        return ProjectGraph(reduced, self.files, self.root_packages, self.external_included,
                            self.diagnostics, self.symbols, self.scanned)


def _found_packages(trees: Iterable[PackageTree]) -> set[FoundPackage]:
    """The trees as grimp's packages. A file changed too recently for its mtime to be trusted
    (SETTLED_NS) gets an mtime no cache entry can match, so grimp's cache never answers for it
    with what an earlier edit in the same clock tick held."""
    settled = time.time_ns() - SETTLED_NS
    unmatched = -float(time.time_ns())
    return {
        FoundPackage(
            name=tree.name,
            directory=str(tree.directory),
            module_files=frozenset(
                ModuleFile(Module(f.module), f.mtime if f.stamp[0] < settled else unmatched)
                for f in tree.files),
            namespace_packages=frozenset(tree.folders),
        )
        for tree in trees
    }


def build_graph(settings: Settings, use_cache: bool = True, *,
                trees: list[PackageTree] | None = None,
                progress: Progress | None = None) -> ProjectGraph:
    """Discover (unless `trees` are given), scan (with grimp, cached) and assemble the
    project's import graph."""
    if trees is None:
        trees = discover_all(settings)
    found = _found_packages(trees)
    source_files = {f.module: f for tree in trees for f in tree.files}
    by_path = {source_files[mf.module.name].path: mf
               for package in found for mf in package.module_files}
    cache_dir = settings.root / settings.cache_dir / "grimp" if use_cache else None
    files = {module: f.relative for module, f in source_files.items()}
    symbols_cache = settings.root / settings.cache_dir / "symbols.json" if use_cache else None
    symbols = SymbolFacts(settings.root, files, symbols_cache)
    # The import-line scan of every file runs beside grimp's scan, which keeps one core busy.
    references = symbols.read_references_aside(files) if settings.unresolved_imports != "off" \
        else None
    try:
        imports, failures = _scan(found, by_path, settings, cache_dir, progress)
    except BaseException:  # Ctrl-C included: no second process outlives the build
        if references is not None:
            references.abandon()
        raise
    if references is not None:
        references.collect()

    relative_of = {f.path: f.relative for f in source_files.values()}
    diagnostics = tuple(
        Diagnostic("syntax-error", relative_of[path], line, message)
        for path, line, message in failures
    )
    graph = grimp.ImportGraph()
    for tree in trees:
        graph.add_module(tree.name)
        for folder in tree.folders:
            graph.add_module(folder)
    internal_roots = tuple(settings.root_packages)
    # Insertion order steers which of several equally short chains grimp finds: keep it fixed.
    for module in sorted(source_files):
        graph.add_module(module)
    for module in sorted(imports, key=lambda m: m.name):
        for direct in sorted(imports[module], key=lambda d: (d.imported.name, d.line_number)):
            target = direct.imported.name
            graph.add_module(target, is_squashed=not _is_inside(target, internal_roots))
            graph.add_import(importer=module.name, imported=target,
                             line_number=direct.line_number, line_contents=direct.line_contents)
    if settings.unresolved_imports != "off":
        diagnostics += tuple(_unresolved_imports(graph, files, symbols, internal_roots,
                                                 settings.unresolved_imports))
    scanned = {module.name: directs for module, directs in imports.items()}  # not copied
    return ProjectGraph(graph, files, internal_roots, settings.include_external_packages,
                        diagnostics, symbols, scanned)


def scan_modules(settings: Settings, trees: list[PackageTree],
                 modules: Iterable[str]) -> dict[str, Set] | None:
    """grimp's imports of a few files, read afresh (no cache); None when one of them cannot
    be scanned."""
    wanted = set(modules)
    module_files = tuple(ModuleFile(Module(f.module), f.mtime)
                         for tree in trees for f in tree.files if f.module in wanted)
    try:
        imports = rust.scan_for_imports(
            module_files=module_files, found_packages=_found_packages(trees),
            include_external_packages=settings.include_external_packages,
            exclude_type_checking_imports=settings.exclude_type_checking_imports,
            file_system=grimp_settings.FILE_SYSTEM.convert_to_basic(),
        )
    except (grimp.exceptions.SourceSyntaxError, UnicodeError, OSError):
        return None  # unreadable, changed or gone since the walk: a full build says which
    return {module.name: frozenset(directs) for module, directs in imports.items()}


def _unresolved_imports(graph: grimp.ImportGraph, files: dict[str, str], symbols: SymbolFacts,
                        roots: tuple[str, ...], severity: str) -> Iterator[Diagnostic]:
    """Imports of modules under the root packages that do not exist. grimp drops these
    silently; a dead import path is exactly what half-finished migrations leave behind."""
    known = graph.modules
    inside = tuple(f"{root}." for root in roots)
    for module in sorted(files):
        suspects = {
            (line, target) for line, target in symbols.referenced_modules(module)
            if target not in known and (target.startswith(inside) or target in roots)
        }
        if not suspects:
            continue
        # The text scan over-approximates (docstrings); the AST has the last word.
        confirmed = sorted({(n.line, n.module) for n in symbols.imports_of(module)} & suspects)
        for line, target in confirmed:
            yield Diagnostic(
                "unresolved-import", files[module], line,
                f"{module} imports {target}, which does not exist", severity)


def _walk_back(previous: dict[str, str | None], module: str) -> tuple[str, ...]:
    chain = [module]
    while (before := previous[chain[-1]]) is not None:
        chain.append(before)
    return tuple(reversed(chain))


def _is_inside(module: str, roots: tuple[str, ...]) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


def _scan(found: set[FoundPackage], by_path: dict[str, ModuleFile], settings: Settings,
          cache_dir: Path | None, progress: Progress | None = None):
    """Scan every module file with grimp; return imports by module and unreadable files."""
    basic_fs = grimp_settings.FILE_SYSTEM.convert_to_basic()
    module_files = sorted((mf for package in found for mf in package.module_files),
                          key=lambda mf: mf.module.name)
    cache = None
    imports: dict[Module, set] = {}
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _ignore_in_git(cache_dir.parent)
        cache = Cache.setup(
            file_system=basic_fs, found_packages=found,
            include_external_packages=settings.include_external_packages,
            exclude_type_checking_imports=settings.exclude_type_checking_imports,
            cache_dir=str(cache_dir),
        )
        for module_file in module_files:
            try:
                imports[module_file.module] = cache.read_imports(module_file)
            except CacheMiss:
                continue
    remaining = [mf for mf in module_files if mf.module not in imports]
    from_cache = len(imports)
    failures: list[tuple[str, int, str]] = []
    size = max(SCAN_BATCH, -(-len(remaining) // SCAN_BATCHES))
    for start in range(0, len(remaining), size):
        if progress is not None:
            progress(start, len(remaining))
        batch = remaining[start:start + size]
        while batch:
            try:
                imports.update(rust.scan_for_imports(
                    module_files=tuple(batch), found_packages=found,
                    include_external_packages=settings.include_external_packages,
                    exclude_type_checking_imports=settings.exclude_type_checking_imports,
                    file_system=basic_fs,
                ))
                break
            except (grimp.exceptions.SourceSyntaxError, UnicodeError, OSError) as exc:
                path, line, message = _describe_failure(exc, by_path)
                bad = by_path.get(path)
                if bad is None or bad not in batch:
                    raise
                batch.remove(bad)
                failures.append((path, line, message))
    if progress is not None and remaining:
        progress(len(remaining), len(remaining))
    if cache is not None and len(imports) > from_cache:
        cache.write(imports)
    return imports, failures


def _describe_failure(exc: Exception, paths: Iterable[str]) -> tuple[str, int, str]:
    """Path, line and message of a file grimp could not scan, in our words or Python's.

    grimp names the file in its message when it cannot read or decode it (permissions, an
    unknown coding cookie, bytes that are not UTF-8); the reason is found again here."""
    if isinstance(exc, grimp.exceptions.SourceSyntaxError):
        path, line = exc.filename, exc.lineno or 1
    else:
        text = str(exc)
        named = [p for p in paths if p in text]
        if not named:
            raise exc
        path, line = max(named, key=len), 1
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return path, line, f"cannot read: {error.strerror}"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return path, line, f"not valid UTF-8: byte 0x{data[error.start]:02x} on line {line}"
    try:
        ast.parse(data, filename=path)
    except SyntaxError as error:
        text = (error.text or "").strip()
        return path, error.lineno or line, f"{error.msg}: {text}" if text else error.msg
    except ValueError as error:  # source with null bytes
        return path, line, str(error)
    return path, line, exc.args[0] if exc.args else "grimp could not scan this file"


def _ignore_in_git(cache_root: Path) -> None:
    """Keep the cache out of version control without asking the user to edit .gitignore."""
    marker = cache_root / ".gitignore"
    if not marker.exists():
        marker.write_text("# created by archlint\n*\n", encoding="utf-8")
