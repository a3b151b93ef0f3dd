"""import-linter as an oracle: each contract's verdict and violating direct imports, from
import-linter's own checks, beside the same from an archlint report.

import-linter runs through its Python API (`create_report`), with the folders it should find
the packages in put first on sys.path, as `lint-imports` puts its working folder (and as
PYTHONPATH adds others). Its violating direct imports are read from what each contract type
records for its report:

- forbidden: the chains of one link;
- layers, independence: the routes without a middle (grimp gives each direct import its own);
- protected, private_modules: every illegal link (they only look at direct imports);
- acyclic_siblings: the imports it nominates as cycle breakers;
- layers with `exhaustive`: the children in no layer, kept apart as `undeclared`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from importlinter.application import use_cases
from importlinter.application.use_cases import create_report, read_user_options
from importlinter.configuration import configure

from archlint import Report
from archlint.model import ImportViolation, UnlistedModule

configure()  # import-linter's own global settings, which its Python API expects
# What lint_imports() does before create_report(): import-linter 2.16 on registers the built-in
# contract types once; earlier ones (the last for Python 3.10) from each configuration.
_REGISTER_ONCE = getattr(use_cases, "_register_built_in_contract_types", None)
if _REGISTER_ONCE is not None:
    _REGISTER_ONCE()

Import = tuple[str, str]


@dataclass(frozen=True)
class Outcome:
    """One contract's result: kept or not, the direct imports that break it, and (for an
    exhaustive layers contract) the container children that no layer names."""

    kept: bool
    direct: frozenset[Import] = frozenset()
    undeclared: frozenset[str] = frozenset()


def lint_imports(config: Path, folders: list[Path]) -> dict[str, Outcome]:
    """import-linter's outcome for every contract of `config`, by contract name, with
    `folders` searched first for the root packages."""
    options = read_user_options(str(config))
    if _REGISTER_ONCE is None:
        use_cases._register_contract_types(options)
    # grimp finds a package by importlib.util.find_spec, which answers from sys.modules for
    # a name already imported (a fixture named `networkx` is not the installed networkx).
    roots = {name.split(".")[0] for name in options.session_options["root_packages"]}
    hidden = {name: module for name, module in sys.modules.items()
              if name.split(".")[0] in roots}
    for name in hidden:
        del sys.modules[name]
    for folder in reversed(folders):
        sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        report = create_report(options, cache_dir=None)
    finally:
        for folder in folders:
            sys.path.remove(str(folder))
        sys.modules.update(hidden)
    if report.could_not_run:
        raise AssertionError(f"import-linter could not run: {report.invalid_contract_options}")
    return {contract.name: Outcome(check.kept, frozenset(_direct(contract.type_name,
                                                                 check.metadata)),
                                   frozenset(check.metadata.get("undeclared_modules", ())))
            for contract, check in report.get_contracts_and_checks()}


def _direct(kind: str, metadata: dict) -> set[Import]:
    """The direct imports import-linter names as violations, read from its check's metadata
    (each contract type keeps them under its own keys)."""
    if kind not in _DIRECT_READERS:
        raise AssertionError(f"no reading of import-linter's {kind} contracts")
    return _DIRECT_READERS[kind](metadata)


def _forbidden_direct(metadata: dict) -> set[Import]:
    return {(c[0]["importer"], c[0]["imported"])
            for pair in metadata["invalid_chains"] for c in pair["chains"] if len(c) == 1}


def _one_hop_routes(pairs: list[dict], routes: str) -> set[Import]:
    """The imports of every one-hop route (its extra first and last links included)."""
    return {(link["importer"], link["imported"])
            for pair in pairs for route in pair[routes] if len(route["chain"]) == 1
            for link in (*route["chain"], *route["extra_firsts"], *route["extra_lasts"])}


def _protected_direct(metadata: dict) -> set[Import]:
    return {(link["importer"], link["imported"])
            for protected in metadata["illegal_imports"] for link in protected.illegal_links}


def _private_modules_direct(metadata: dict) -> set[Import]:
    return {(link["importer"], link["imported"]) for link in metadata["illegal_imports"]}


def _acyclic_siblings_direct(metadata: dict) -> set[Import]:
    return {breaker for breakers in metadata["cycle_breakers_by_package"].values()
            for breaker in breakers}


_DIRECT_READERS: dict[str, Callable[[dict], set[Import]]] = {
    "forbidden": _forbidden_direct,
    "layers": lambda metadata: _one_hop_routes(metadata["invalid_dependencies"], "routes"),
    "independence": lambda metadata: _one_hop_routes(metadata["invalid_chains"], "chains"),
    "protected": _protected_direct,
    "private_modules": _private_modules_direct,
    "acyclic_siblings": _acyclic_siblings_direct,
}


def archlint_outcomes(report: Report) -> dict[str, Outcome]:
    """The same for an archlint report: an import violation with a single hop is direct (for
    acyclic, every violation is the direct import to cut); an UnlistedModule is a child that
    no layer names."""
    outcomes = {}
    for result in report.results:
        imports = [v for v in result.violations if isinstance(v, ImportViolation)]
        direct = {(v.importer, v.imported) for v in imports
                  if not v.is_indirect or result.type == "acyclic"}
        undeclared = {v.module for v in result.violations if isinstance(v, UnlistedModule)}
        outcomes[result.name] = Outcome(result.kept, frozenset(direct), frozenset(undeclared))
    return outcomes
