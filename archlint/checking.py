"""The check pipeline: settings -> contracts -> project graph -> contract checks -> report."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import __version__
from .contracts import Contract
from .errors import ConfigError, UsageError, did_you_mean
from .graph import ProjectGraph, build_graph
from .loading import line_of, load_contracts, select
from .model import ContractResult, Diagnostic, Hop, Report
from .settings import Settings, load_settings


def check(config: Path | None = None, *, contract_ids: Iterable[str] = (),
          use_cache: bool = True, start: Path | None = None) -> Report:
    """Check the project configured by `config` (or found from `start` upwards)."""
    settings = load_settings(config, start=start)
    contracts = select(load_contracts(settings), contract_ids)
    graph = build_graph(settings, use_cache=use_cache)
    return check_graph(settings, contracts, graph)


def check_graph(settings: Settings, contracts: list[Contract], graph: ProjectGraph) -> Report:
    """Run contracts against a built graph; invalid contracts fail together, before any check."""
    problems = [p for contract in contracts for p in contract.graph_problems(graph)]
    if problems:
        raise ConfigError(problems)
    results = []
    diagnostics = list(graph.diagnostics)
    for contract in contracts:
        violations, unmatched = _run(contract, graph, settings)
        diagnostics += unmatched
        results.append(ContractResult(
            id=contract.id, name=contract.name, type=contract.type_name,
            description=contract.description, severity=contract.severity,
            violations=tuple(sorted(violations, key=lambda v: v.sort_key())),
        ))
    graph.symbols.save()
    return Report(
        version=__version__,
        results=tuple(results),
        diagnostics=tuple(sorted(set(diagnostics), key=lambda d: d.sort_key())),
    )


def _run(contract: Contract, graph: ProjectGraph, settings: Settings):
    """Apply the contract's `ignore` entries, then check it."""
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
    return contract.check(checked), unmatched


def explain(importer: str, imported: str, config: Path | None = None, *,
            use_cache: bool = True, start: Path | None = None) -> list[tuple[Hop, ...]]:
    """Every chain by which `importer` (or a module inside it) reaches `imported` (or a module
    inside it): the shortest chain for each pair of modules, sorted by length then name."""
    settings = load_settings(config, start=start)
    graph = build_graph(settings, use_cache=use_cache)
    for module in (importer, imported):
        if module not in graph.modules:
            raise UsageError(f"no module '{module}' in the graph"
                             f"{did_you_mean(module, graph.modules, cutoff=0.85)}")
    starts, ends = graph.covered([importer]), graph.covered([imported])
    chains = graph.chains_between(starts, ends, starts | ends)
    ordered = sorted(chains, key=lambda chain: (len(chain), chain))
    return [graph.chain_hops(chain) for chain in ordered]
