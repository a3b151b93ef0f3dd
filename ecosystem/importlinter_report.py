"""import-linter's answer for a project, as JSON: run by ecosystem/run.py inside its virtualenv.

Usage: python importlinter_report.py CONFIG_FILE [--without-ignores]. The working directory is
the project root and PYTHONPATH holds the folders of its root packages, as `lint-imports` would
need. --without-ignores checks the contracts with their ignore_imports left out.

Prints {"contracts": [{"name", "type", "verdict", "direct": [[importer, imported], ...],
"undeclared": [module, ...], "ignore": [entry, ...]}], "modules": [...]} where "direct" lists
the module pairs of the
violating direct imports (chains of one import; every link for `protected`; the nominated
imports for `acyclic_siblings`) and "undeclared" the modules an exhaustive `layers` contract
found in no layer. A configuration import-linter rejects, or a tree it cannot read, is
{"error": message}.
"""

from __future__ import annotations

import json
import sys


def direct_imports(contract_type: str, metadata: dict) -> set[tuple[str, str]]:
    """The violating direct imports in a contract check's metadata (import-linter 2.17)."""
    if contract_type == "acyclic_siblings":
        return {(a, b) for breakers in metadata["cycle_breakers_by_package"].values()
                for a, b in breakers}
    if contract_type == "protected":
        return {(link["importer"], link["imported"])
                for broken in metadata["illegal_imports"] for link in broken.illegal_links}
    if contract_type == "forbidden":
        chains = [chain for data in metadata["invalid_chains"] for chain in data["chains"]]
    elif contract_type == "independence":
        chains = [route["chain"] for data in metadata["invalid_chains"]
                  for route in data["chains"]]
    elif contract_type == "layers":
        chains = [route["chain"] for data in metadata["invalid_dependencies"]
                  for route in data["routes"]]
    else:
        raise ValueError(f"unknown contract type {contract_type}")
    return {(chain[0]["importer"], chain[0]["imported"]) for chain in chains if len(chain) == 1}


def contract_options_of(options, name: str) -> dict:
    return next(o for o in options.contracts_options if o["name"] == name)


def main() -> int:
    from importlinter.application import use_cases
    from importlinter.configuration import configure

    configure()
    use_cases._register_built_in_contract_types()  # what lint-imports does first (2.17)
    try:
        options = use_cases.read_user_options(config_filename=sys.argv[1])
        if "--without-ignores" in sys.argv[2:]:
            for contract_options in options.contracts_options:
                contract_options.pop("ignore_imports", None)
        report = use_cases.create_report(options, cache_dir=None)
    except Exception as exc:  # what lint-imports would print instead of a verdict
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        return 0
    contracts = []
    for name, problem in report.invalid_contract_options.items():
        contracts.append({"name": name, "type": "", "verdict": "invalid",
                          "direct": [], "undeclared": [], "error": str(problem)})
    for contract, check in report.get_contracts_and_checks():
        contract_type = contract_options_of(options, contract.name)["type"]
        ignored = contract_options_of(options, contract.name).get("ignore_imports") or []
        contracts.append({
            "name": contract.name,
            "type": contract_type,
            "verdict": "kept" if check.kept else "broken",
            "direct": sorted(direct_imports(contract_type, check.metadata)),
            "undeclared": sorted(check.metadata.get("undeclared_modules", ())),
            "ignore": ignored.split() if isinstance(ignored, str) else list(ignored),
        })
    print(json.dumps({"contracts": contracts, "modules": sorted(report.graph.modules)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
