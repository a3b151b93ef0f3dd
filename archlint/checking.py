"""The check pipeline: settings -> contracts -> project graph -> contract checks -> report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import baseline as baselines
from .cache import ResultCache
from .discovery import discover_all
from .errors import ConfigError, UsageError, did_you_mean
from .files import why_unwritable
from .model import (
    DIAGNOSTIC_KINDS,
    ContractResult,
    Diagnostic,
    Group,
    Hop,
    ImportViolation,
    Package,
    PackageImports,
    ProjectMap,
    Report,
    Violation,
)
from .settings import Settings, display_path, load_settings
from .timing import Timings, step
from .version import __version__

if TYPE_CHECKING:
    from .contracts import Contract
    from .facts.project import Progress
    from .graph import ProjectGraph


# Allowed imports kept per contract for its picture; beyond this a picture stops being read.
CONTEXT_LIMIT = 300


def check(config: Path | None = None, *, contract_ids: Iterable[str] = (),
          baseline: Path | bool = True, strict_baseline: bool = False,
          use_cache: bool = True, start: Path | None = None,
          with_context: bool = False, progress: Progress | None = None,
          timings: Timings | None = None, warn: Callable[[str], None] | None = None) -> Report:
    """The verdict `archlint check` gives on the project configured by `config` (or found from
    `start` upwards).

    `baseline`: True applies the file of the `baseline` setting when it exists; a path, that
    file (which must exist); False, none. `strict_baseline` makes what the baseline records
    that is gone fail the run. With `use_cache`, an unchanged project is answered from the
    result cache (see cache.py). `with_context` also records each contract's groups and the
    allowed imports around its violations, which pictures need and plain checks do not pay
    for. `timings`, when given, receives the time of each phase and contract. `warn`, when
    given, is told (once) what did not stop the check but costs the user: a cache folder it
    could not write.
    """
    settings = load_settings(config, start=start)
    contract_ids = tuple(contract_ids)
    # Read first: a missing or corrupt baseline is an error before a long check, not after.
    known = None if baseline is False else baselines.for_check(
        settings, None if baseline is True else baseline)
    report = _contracts_checked(settings, contract_ids, use_cache, with_context, progress,
                                timings, warn)
    if known is None:
        return report
    return baselines.apply(report, known, strict=strict_baseline,
                           every_contract=not contract_ids)


class BaselineRecord(NamedTuple):
    """What `archlint baseline` did: the file, what it recorded before (None: there was no
    file) and now, the contracts whose entries moved to a renamed contract (old id -> new),
    whether the file was written, and the check judged against what is recorded now."""

    path: Path
    before: baselines.Baseline | None
    after: baselines.Baseline
    renamed: dict[str, str]
    written: bool
    report: Report


def record_baseline(config: Path | None = None, *, update: bool = False,
                    allow_growth: bool = False, use_cache: bool = True,
                    start: Path | None = None, timings: Timings | None = None,
                    warn: Callable[[str], None] | None = None) -> BaselineRecord:
    """`archlint baseline`: record the project's current violations in the file of the
    `baseline` setting. An existing file is only ever shrunk to what still occurs, with
    `update` (the ratchet), or set to what occurs now, new violations included, with
    `allow_growth`; it is never replaced without one of them, nor a missing one updated."""
    settings = load_settings(config, start=start)
    path = baselines.default_path(settings)
    before = baselines.load(path, settings)
    if before is None and update:
        raise UsageError(f"no baseline to update at {display_path(path)}: create it with "
                         "`archlint baseline`")
    if before is not None and not (update or allow_growth):
        raise UsageError(f"{display_path(path)} exists: shrink it with "
                         "`archlint baseline --update` (add new violations to it with "
                         "--allow-growth)")
    report = _contracts_checked(settings, (), use_cache, False, None, timings, warn)
    current = baselines.record(report)
    renamed = baselines.renames(before, report) if before is not None else {}
    if before is None or allow_growth:
        after = current
    else:
        after = baselines.shrink(before.renamed(renamed), current)
    written = before is None or after != before or bool(before.duplicates)
    if written:
        baselines.write(path, after, report.version, root=settings.root)  # before it is said
    return BaselineRecord(path, before, after, renamed, written, baselines.apply(report, after))


def _contracts_checked(settings: Settings, contract_ids: tuple[str, ...], use_cache: bool,
                       with_context: bool, progress: Progress | None,
                       timings: Timings | None,
                       warn: Callable[[str], None] | None = None) -> Report:
    """The report of the checks alone, before any baseline: from the result cache when the
    project is unchanged, else built."""
    cache = None
    if use_cache:
        with step(timings, "result cache"):
            cache = ResultCache(settings, contract_ids, __version__, with_context=with_context)
            report = cache.lookup()
        if report is not None:
            _tell_unwritable(settings, warn, cache.write_failure)
            return report
    # A build: only now load the fact layer, the graph and the contract types.
    from .facts import FactStore, read_project
    from .graph import resolve
    from .loading import load_contracts, select

    with step(timings, "load contracts"):
        contracts = select(load_contracts(settings), contract_ids)
    trees = cache.trees if cache is not None else None
    if trees is None:
        with step(timings, "walk the root packages"):
            trees = discover_all(settings)
    with step(timings, "load the fact cache"):
        store = cache.facts_store() if cache is not None else FactStore(None, __version__)
    queries = [q for contract in contracts for q in contract.definition_queries()]
    with step(timings, "read facts"):
        facts = read_project(settings.root, trees, store, progress, timings, queries)
    with step(timings, "resolve imports"):
        graph = resolve(settings, facts)
    with step(timings, "check contracts"):
        report = check_graph(settings, contracts, graph, with_context=with_context,
                             timings=timings, selection=bool(contract_ids))
    del graph  # the caches need the facts and the report: the edges go before the writes
    with step(timings, "write caches"):
        if cache is not None:
            cache.store_report(report, facts, trees)
        facts.save()
        if cache is not None:
            _tell_unwritable(settings, warn, cache.write_failure or store.write_failure)
    return report


def _tell_unwritable(settings: Settings, warn: Callable[[str], None] | None,
                     failure: OSError | None) -> None:
    if warn is not None and failure is not None:
        warn(f"cannot write the cache folder {settings.cache_dir} ({why_unwritable(failure)}): "
             "checked without updating it (make it writable, or pass --no-cache)")


def check_graph(settings: Settings, contracts: list[Contract], graph: ProjectGraph, *,
                with_context: bool = False, timings: Timings | None = None,
                selection: bool = False) -> Report:
    """Run contracts against a built graph; invalid contracts fail together, before any check.

    With `selection` (`--contract`), `contracts` are not all of the project's, so a
    suppression comment naming no checked contract, or none, is not judged."""
    problems = [p for contract in contracts for p in contract.graph_problems(graph)]
    if problems:
        raise ConfigError(problems)
    results = []
    diagnostics = list(graph.diagnostics)
    suppressions = Suppressions(graph)
    for contract in contracts:
        with step(timings, f"{contract.id} ({contract.type_name})"):
            checked, violations, unmatched = _run(contract, graph, settings)
        diagnostics += unmatched
        accepted = [v for v in violations if suppressions.accept(contract.id, v)]
        result = ContractResult(
            id=contract.id, name=contract.name, type=contract.type_name,
            description=contract.description, severity=contract.severity,
            violations=tuple(sorted((v for v in violations if v not in accepted),
                                    key=lambda v: v.sort_key())),
            suppressed=tuple(sorted(accepted, key=lambda v: v.sort_key())),
            cycles=tuple(contract.cycles(checked)),
        )
        if with_context:
            groups = tuple(contract.groups(checked))
            context, omitted = _context(checked, groups, result.violations)
            result = replace(result, groups=groups, context=context, context_omitted=omitted)
        results.append(result)
    diagnostics += (Diagnostic(p.kind, path, p.line, p.message, DIAGNOSTIC_KINDS[p.kind].severity)
                    for path, p in graph.facts.problems_read_on_demand())
    diagnostics += suppressions.unmatched({c.id for c in contracts}, every_contract=not selection)
    return Report(
        version=__version__,
        results=tuple(results),
        diagnostics=tuple(sorted(set(diagnostics), key=lambda d: d.sort_key())),
        project=_project_map(graph) if with_context else None,
    )


class Suppressions:
    """The `# archlint: ignore[...]` comments on the project's import statements: which
    violations they accept, and which of them accept nothing."""

    def __init__(self, graph: ProjectGraph) -> None:
        self._graph = graph
        self._used: set[tuple[str, int, str]] = set()  # (importer, line, contract id or "*")

    def accept(self, contract_id: str, violation: Violation) -> bool:
        """Whether a comment on the statement where the violation is reported (the first
        import of its chain) names its contract, or is a bare `# archlint: ignore`."""
        if not isinstance(violation, ImportViolation):
            return False  # a finding about definitions or layout has no import statement
        hop = violation.chain[0]
        matching = {contract_id, "*"} & set(self._graph.suppressions(hop.importer, hop.line))
        self._used.update((hop.importer, hop.line, name) for name in matching)
        return bool(matching)

    def unmatched(self, checked: set[str], every_contract: bool) -> list[Diagnostic]:
        """One diagnostic per entry of a comment that accepted nothing: an id of a checked
        contract; and when `every_contract` was checked, a bare comment and an id that no
        contract has."""
        found = []
        for module, facts in sorted(self._graph.facts.files.items()):
            for statement in facts.statements:
                for name in statement.suppressed:
                    if (module, statement.line, name) in self._used:
                        continue
                    message = _unmatched_suppression(name, checked, every_contract)
                    if message is not None:
                        found.append(Diagnostic("unmatched-suppression", facts.relative,
                                                statement.line, f"{module}: {message}"))
        return found


def _unmatched_suppression(name: str, checked: set[str], every_contract: bool) -> str | None:
    """What is wrong with one entry of a comment that accepted nothing; None when it cannot
    be judged (it names a contract that was not checked)."""
    if name in checked:
        return (f"`# archlint: ignore[{name}]` suppresses no violation of this import; "
                f"remove '{name}' from it")
    if not every_contract:
        return None
    if name == "*":
        return "`# archlint: ignore` suppresses no violation of this import; remove it"
    return f"`# archlint: ignore[{name}]` names no contract{did_you_mean(name, checked)}"


def _project_map(graph: ProjectGraph) -> ProjectMap:
    """The packages of the root packages, how many modules each holds, and how many module
    imports join each pair of them: what the map picture draws, so it never reads the graph."""
    internal = sorted(m for m in graph.modules if graph.is_internal(m))
    packages = {m.rpartition(".")[0] for m in internal if "." in m}
    packages |= {m for m in internal if m in graph.root_packages}

    def package_of(module: str) -> str:
        return module if module in packages else module.rpartition(".")[0]

    sizes = Counter(package_of(m) for m in internal)
    counts: Counter[tuple[str, str]] = Counter()
    for importer in internal:
        for imported in graph.successors(importer):
            if graph.is_internal(imported):
                pair = (package_of(importer), package_of(imported))
                if pair[0] != pair[1]:
                    counts[pair] += 1
    return ProjectMap(
        packages=tuple(Package(name, sizes[name]) for name in sorted(packages)),
        imports=tuple(PackageImports(a, b, n) for (a, b), n in sorted(counts.items())),
    )


def _run(contract: Contract, graph: ProjectGraph, settings: Settings
         ) -> tuple[ProjectGraph, Sequence[Violation], list[Diagnostic]]:
    """Apply the contract's `ignore` entries, then check it."""
    from .loading import line_of

    ignored = contract.ignored_imports(graph)
    unmatched = [
        Diagnostic(
            kind="unmatched-ignore", path=contract.origin.file,
            line=line_of(contract, entry, settings.root) or 1,
            message=f"contract '{contract.id}': ignore entry '{entry}' matches no import; "
                    "remove it",
        )
        for entry, edges in ignored.items() if not edges
    ]
    edges = sorted({edge for found in ignored.values() for edge in found})
    checked = graph.without_imports(edges) if edges else graph
    return checked, contract.check(checked), unmatched


def _context(graph: ProjectGraph, groups: tuple[Group, ...],
             violations: tuple[Violation, ...]) -> tuple[tuple[Hop, ...], int]:
    """The allowed imports a contract's picture shows around its violations: every import
    between two different named modules of its groups, or between a module of a violating
    chain and a named module. Imports touching a violating module come first when there are
    more than CONTEXT_LIMIT; the count of the rest is returned with them."""
    owner: dict[str, str] = {}
    for named in sorted({m for group in groups for m in group.modules}, key=len):
        for module in graph.with_descendants([named]):
            owner[module] = named  # the innermost named module wins
    violating = {(hop.importer, hop.imported) for v in violations
                 if isinstance(v, ImportViolation) for hop in v.chain}
    involved = {module for pair in violating for module in pair}
    endpoints = set(owner) | involved
    found = []
    for importer, imported in graph.direct_imports(endpoints, endpoints):
        if (importer, imported) in violating:
            continue
        if owner.get(importer, importer) == owner.get(imported, imported):
            continue
        if importer not in owner and imported not in owner:
            continue
        found.append((importer, imported))
    found.sort(key=lambda pair: (not (involved & set(pair)), pair))
    kept = sorted(found[:CONTEXT_LIMIT])
    return tuple(graph.hops(a, b)[0] for a, b in kept), len(found) - len(kept)


def explain(importer: str, imported: str, config: Path | None = None, *,
            use_cache: bool = True, start: Path | None = None,
            timings: Timings | None = None) -> list[tuple[Hop, ...]]:
    """Every chain by which `importer` (or a module inside it) reaches `imported` (or a module
    inside it): the shortest chain for each pair of modules, sorted by length then name."""
    from .graph import build_graph

    settings = load_settings(config, start=start)
    graph = build_graph(settings, use_cache=use_cache, timings=timings)
    for module in (importer, imported):
        _require_module(graph, module)
    starts, ends = graph.with_descendants([importer]), graph.with_descendants([imported])
    chains = graph.chains_between(starts, ends, starts | ends)
    ordered = sorted(chains, key=lambda chain: (len(chain), chain))
    return [graph.chain_hops(chain) for chain in ordered]


class Importers(NamedTuple):
    """Who imports `module` (or a module inside it) from outside it: every import statement
    of a direct importer, and for each module that reaches it only through other modules,
    one shortest chain."""

    module: str
    direct: tuple[Hop, ...]
    through_chains: tuple[tuple[Hop, ...], ...]


def importers(module: str, config: Path | None = None, *, use_cache: bool = True,
              start: Path | None = None, timings: Timings | None = None) -> Importers:
    """`archlint explain --importers MODULE`: the direct importers of the module and of the
    modules inside it, with every statement, and the modules that import it through a chain,
    each with one shortest chain (nearest first, then by name)."""
    from .graph import build_graph

    settings = load_settings(config, start=start)
    graph = build_graph(settings, use_cache=use_cache, timings=timings)
    _require_module(graph, module)
    inside = graph.with_descendants([module])
    toward: dict[str, str] = {}  # importer -> the module one step nearer to `module`
    level = sorted(inside)
    order: list[str] = []
    while level:
        following = []
        for target in level:
            for importer in sorted(graph.importers_of(target)):
                if importer not in inside and importer not in toward:
                    toward[importer] = target
                    following.append(importer)
                    order.append(importer)
        level = sorted(following)
    direct = tuple(hop for importer in sorted(m for m in order if toward[m] in inside)
                   for target in sorted(graph.successors(importer)) if target in inside
                   for hop in graph.hops(importer, target))
    chains = []
    for importer in order:
        if toward[importer] in inside:
            continue
        chain = [importer]
        while chain[-1] not in inside:
            chain.append(toward[chain[-1]])
        chains.append(graph.chain_hops(tuple(chain)))
    chains.sort(key=lambda hops: (len(hops), hops[0].importer))
    return Importers(module, direct, tuple(chains))


def _require_module(graph: ProjectGraph, module: str) -> None:
    """A usage error, with what to do, unless `module` is in the graph."""
    if module in graph.modules:
        return
    if graph.is_internal(module):
        raise UsageError(f"no module '{module}' in the graph"
                         f"{did_you_mean(module, graph.modules, cutoff=0.85)}")
    roots = ", ".join(graph.root_packages)
    if not graph.external_included:
        raise UsageError(
            f"no module '{module}' in the graph: it is outside the root packages ({roots}); "
            "imports of other packages are in the graph with include_external_packages = "
            "true in [tool.archlint]")
    top = module.split(".")[0]
    if top != module and top in graph.modules:
        raise UsageError(f"no module '{module}' in the graph: a package outside the root "
                         f"packages is one module, '{top}'")
    raise UsageError(f"no module '{module}' in the graph: no module of {roots} imports it"
                     f"{did_you_mean(module, graph.modules, cutoff=0.85)}")
