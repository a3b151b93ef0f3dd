"""`archlint init`: adopt archlint in an existing project in one command.

Finds the project's packages, writes `[tool.archlint]`, a commented starter contract that
holds for any project (no import cycles) and a baseline of what breaks it today, so
`archlint check` passes at once and fails on the next new violation. The settings file is
written last, after the check succeeded; on any failure the files it created are removed
again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import baseline
from .checking import check_graph
from .contracts import CONTRACT_TYPES
from .errors import UsageError
from .files import write_atomic
from .settings import Settings, pyproject_with_archlint, read_toml

NOT_PACKAGES = frozenset({"build", "dist", "docs", "contracts", "node_modules", "site-packages",
                          "venv", "env", "src"})
CONTRACT_FILE = "contracts/architecture.toml"


@dataclass(frozen=True)
class Initialized:
    """What `init` wrote, for the command to tell."""

    root_packages: tuple[str, ...]
    config_file: Path
    contract_file: Path
    baseline_file: Path
    recorded: baseline.Baseline


def detect_root_packages(root: Path) -> list[str]:
    """Folders of the project root and of its `src/` folder that hold Python code, sorted:
    a package with `__init__.py`, or a folder with `.py` files somewhere inside it."""
    found = set()
    for base in (root, root / "src"):
        try:
            folders = [entry for entry in os.scandir(base) if entry.is_dir()]
        except OSError:
            continue
        for folder in folders:
            name = folder.name
            if (not name.isidentifier() or name.startswith(("_", ".")) or name in NOT_PACKAGES
                    or os.path.exists(os.path.join(folder.path, "pyvenv.cfg"))):
                continue
            if next(Path(folder.path).rglob("*.py"), None) is not None:
                found.add(name)
    return sorted(found)


def init(root: Path, *, use_cache: bool = True) -> Initialized:
    """Configure archlint for the project in `root`; refuse if it is configured already."""
    _refuse_if_configured(root)
    packages = detect_root_packages(root)
    if not packages:
        raise UsageError(f"no Python packages found in {root} or {root / 'src'}: write "
                         "[tool.archlint] by hand (see docs/configuration.md)")
    config_file, config_text = _config(root, packages)
    settings = Settings(root_packages=tuple(packages), root=root, config_file=config_file)
    contract_file = root / CONTRACT_FILE
    baseline_file = baseline.default_path(settings)
    from .graph import build_graph  # grimp loads only when a command builds a graph
    from .loading import load_contracts

    contracts_folder_existed = contract_file.parent.exists()
    created: list[Path] = []
    try:
        write_atomic(contract_file, starter_contracts(root, packages))
        created.append(contract_file)
        graph = build_graph(settings, use_cache=use_cache)
        report = check_graph(settings, load_contracts(settings), graph)
        recorded = baseline.record(report)
        baseline.write(baseline_file, recorded, report.version)
        created.append(baseline_file)
        write_atomic(config_file, config_text)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        if not contracts_folder_existed and contract_file.parent.is_dir():
            contract_file.parent.rmdir()
        raise
    return Initialized(tuple(packages), config_file, contract_file, baseline_file, recorded)


def _refuse_if_configured(root: Path) -> None:
    pyproject = root / "pyproject.toml"
    if (root / "archlint.toml").exists():
        raise UsageError("archlint is configured here already (archlint.toml exists); "
                         "`archlint check` runs it")
    if pyproject.is_file() and "archlint" in read_toml(pyproject).get("tool", {}):
        raise UsageError("archlint is configured here already ([tool.archlint] in "
                         "pyproject.toml); `archlint check` runs it")
    contracts = root / "contracts"
    if contracts.is_dir() and next(contracts.rglob("*.toml"), None) is not None:
        raise UsageError("contracts/ holds .toml files already, and archlint would read each "
                         "of them as contracts: move them, or configure archlint by hand "
                         "(see docs/configuration.md)")


def _config(root: Path, packages: list[str]) -> tuple[Path, str]:
    """The settings file and its new text: `[tool.archlint]` appended to pyproject.toml
    (every existing byte kept), or a new archlint.toml when there is no pyproject.toml."""
    keys = [
        "# Written by `archlint init`; every key is described in archlint's docs/configuration.md.",
        "root_packages = [" + ", ".join(f'"{p}"' for p in packages) + "]",
        'contracts = ["contracts"]',
        'baseline = "contracts/baseline.json"',
    ]
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return root / "archlint.toml", "\n".join(keys) + "\n"
    return pyproject, pyproject_with_archlint(pyproject, keys)


def starter_contracts(root: Path, packages: list[str]) -> str:
    """A first contract file: one rule valid for any project, and a layers rule to fill in."""
    main = next((p for p in packages if p != "tests"), packages[0])
    children = _subpackages(root, main)
    layers = [f"{main}.{child}" for child in children[:3]] or [f"{main}.high", f"{main}.low"]
    listed = ", ".join(f'"{p}"' for p in packages)
    return f"""\
# The architecture contracts of this project, checked by `archlint check`. Each [[contracts]]
# table is one rule. Types: {", ".join(CONTRACT_TYPES)};
# archlint's docs/contracts/ has a page for each, with every option.
#
# Violations that exist today are recorded in contracts/baseline.json: they are reported as
# baselined and do not fail the run, a new one does. When you fix old ones, run
# `archlint baseline --update` to shrink the record.

# Written by `archlint init`: a rule every well-kept project keeps. The modules directly inside
# each package do not import each other in a circle; a cycle means none of them can be
# understood, tested or moved on its own.
[[contracts]]
id = "no-cycles"
name = "No import cycles between the modules of each package"
type = "acyclic"
packages = [{listed}]

# A next step: list the layers of {main}, highest first (a layer may import the layers below
# it, never those above), then remove the leading "# " of the five lines below.
#
# [[contracts]]
# id = "{main.replace("_", "-").lower()}-layers"
# name = "{main} is layered, highest first"
# type = "layers"
# layers = [{", ".join(f'"{layer}"' for layer in layers)}]
"""


def _subpackages(root: Path, package: str) -> list[str]:
    folder = root / package if (root / package).is_dir() else root / "src" / package
    return sorted(
        entry.name for entry in os.scandir(folder)
        if entry.is_dir() and entry.name.isidentifier() and not entry.name.startswith("_")
        and next(Path(entry.path).rglob("*.py"), None) is not None
    )
