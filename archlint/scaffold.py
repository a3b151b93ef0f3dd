"""`archlint init`: adopt archlint in an existing project in one command.

Finds the packages the project distributes (layout.py), then writes `[tool.archlint]`, a
starter contract file and a baseline of what the starter finds today, so `archlint check`
passes at once and fails on the next new violation. The starter holds for any project (no
import cycles) and proposes the main package's layers in the order its imports have today.

Everything is computed before anything is written; the three files are then written in a
moment, and an interrupted init (Ctrl-C, or SIGTERM from a CI timeout) removes what it wrote.
After a hard kill, a rerun finds its own leftovers (files identical to what it would write)
and replaces them, so rerunning is always safe.
"""

from __future__ import annotations

import itertools
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

from . import baseline
from .checking import check_graph
from .contracts import CONTRACT_TYPES
from .discovery import locate_package
from .errors import Terminated, UsageError
from .files import write_atomic
from .layout import FoundPackage, Layout, find_layout
from .settings import (
    Settings,
    display_path,
    pyproject_with_archlint,
    read_toml,
    toml_string,
    tool_table,
)
from .timing import Timings

if TYPE_CHECKING:
    from .graph import ProjectGraph

MARKER = "# Written by `archlint init`"
# Where the contract files go: the first of these folders that holds no Python code and no
# other .toml files (a project may have a Python package, or other files, called contracts).
CONTRACT_FOLDERS = ("contracts", "archlint-contracts")
CONTRACT_FILE = "architecture.toml"
# The starter proposes at most this many layers (every order of them is tried).
MAX_LAYERS = 7
# Children never proposed as layers.
NOT_LAYERS = frozenset({"tests", "test", "testing", "conftest"})


@dataclass(frozen=True)
class LayersProposal:
    """The layers the starter proposes for `package`, highest first, in the order with the
    fewest imports going up today, and how many violations the contract finds as written."""

    package: str
    layers: tuple[str, ...]
    violations: int


@dataclass(frozen=True)
class Initialized:
    """What `init` found and wrote, for the command to tell."""

    layout: Layout
    root_packages: tuple[str, ...]
    cycles_in: tuple[str, ...]
    layers: LayersProposal | None
    config_file: Path
    contract_file: Path
    baseline_file: Path
    recorded: baseline.Baseline


def init(root: Path, *, use_cache: bool = True, timings: Timings | None = None) -> Initialized:
    """Configure archlint for the project in `root`; refuse if it is configured already."""
    _refuse_if_configured(root)
    layout = find_layout(root)
    if not layout.distributed:
        raise UsageError(f"no Python packages found in {root} or {root / 'src'}: write "
                         "[tool.archlint] by hand (see docs/configuration.md)")
    found = [*layout.distributed, *([layout.tests] if layout.tests else [])]
    roots = _source_roots(root, found)
    names = tuple(package.name for package in found)
    main = tuple(package.name for package in layout.distributed)
    settings = Settings(root_packages=names, source_roots=roots, root=root,
                        config_file=root / "pyproject.toml")
    from .graph import build_graph  # grimp loads only when a command builds a graph
    from .loading import load_contracts

    graph = build_graph(settings, use_cache=use_cache, timings=timings)
    proposal = propose_layers(graph, _largest(graph, main))
    folder, text = _contract_folder(root, names, main, proposal)
    with tempfile.TemporaryDirectory() as temporary:
        (Path(temporary) / CONTRACT_FILE).write_text(text, encoding="utf-8")
        starter = replace(settings, contracts=(temporary,))
        report = check_graph(starter, load_contracts(starter), graph)
    recorded = baseline.record(report)
    settings = replace(settings, contracts=(folder,), baseline=f"{folder}/baseline.json")
    config_file, config_text = _config(root, names, roots, folder)
    contract_file = root / folder / CONTRACT_FILE
    baseline_file = baseline.default_path(settings)
    contents = {contract_file: text,
                baseline_file: baseline.dumps(recorded, report.version),
                config_file: config_text}
    _write_all(root, contents, created_folder=None if contract_file.parent.exists()
               else contract_file.parent)
    return Initialized(layout, names, main, proposal, config_file, contract_file,
                       baseline_file, recorded)


def _write_all(root: Path, contents: dict[Path, str], created_folder: Path | None) -> None:
    """Write the files in order, each atomically (never out of `root`, the project), the
    settings file last; on any failure or interruption before it, remove the ones written (and
    the folder made for them)."""
    written: list[Path] = []
    try:
        with _stopping_on_sigterm():
            for path, text in contents.items():
                written.append(path)  # before: an interruption may come as it returns
                try:
                    write_atomic(path, text, root=root)
                except OSError as exc:
                    raise UsageError(f"cannot write {display_path(path)}: {exc.strerror}") from None
    except BaseException:
        # The settings file comes last: once it is being written, init is complete (it is
        # never removed: pyproject.toml is the user's). Before, the files are init's own.
        if len(written) < len(contents):
            for path in written:
                path.unlink(missing_ok=True)
            if created_folder is not None:
                with suppress(OSError):
                    created_folder.rmdir()
        raise


@contextmanager
def _stopping_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM (a CI timeout, `kill`) into an exception for the time of the block, so the
    block's clean-up runs; by default the process would just stop."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(number: int, frame: FrameType | None) -> NoReturn:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _refuse_if_configured(root: Path) -> None:
    pyproject = root / "pyproject.toml"
    if (root / "archlint.toml").exists():
        raise UsageError("archlint is configured here already (archlint.toml exists); "
                         "`archlint check` runs it")
    if (pyproject.is_file()
            and tool_table(read_toml(pyproject), "archlint", pyproject.name) is not None):
        raise UsageError("archlint is configured here already ([tool.archlint] in "
                         "pyproject.toml); `archlint check` runs it")


def _source_roots(root: Path, found: list[FoundPackage]) -> tuple[str, ...]:
    """Where archlint is to look for the packages: its default folders (the project root,
    src/) when they hold them all, else those the packages live in (lib/, python/ ...), in
    the order found. A package the search would take from another folder is refused."""
    default = Settings(root_packages=("_",)).source_roots
    if all(locate_package(root, p.name, default) == root / p.path for p in found):
        return default
    roots = tuple(dict.fromkeys(p.folder or "." for p in found))
    wrong = [p for p in found if locate_package(root, p.name, roots) != root / p.path]
    if wrong:
        listed = ", ".join(f"{p.name} in {p.folder or '.'}/ ({p.reason})" for p in wrong)
        raise UsageError(f"found {listed}, but a package of the same name in another source "
                         "folder would be read instead: configure archlint by hand (see "
                         "source_roots in docs/configuration.md)")
    return roots


def _contract_folder(root: Path, names: tuple[str, ...], main: tuple[str, ...],
                     proposal: LayersProposal | None) -> tuple[str, str]:
    """The folder for the contract files and the starter's text: the first of
    CONTRACT_FOLDERS that is not a root package and holds no Python code and no .toml file
    but a starter identical to this one (left behind by an interrupted init)."""
    for folder in CONTRACT_FOLDERS:
        text = starter_contracts(main, proposal, f"{folder}/baseline.json")
        path = root / folder
        if folder in names or (path.exists() and not path.is_dir()):
            continue
        if not path.exists():
            return folder, text
        if next(path.rglob("*.py"), None) is not None:
            continue
        tomls = sorted(path.rglob("*.toml"))
        starter = path / CONTRACT_FILE
        if tomls == [starter] and starter.read_text(encoding="utf-8") == text:
            return folder, text  # our own leftover: replaced
        if not tomls and not (path / "baseline.json").exists():
            return folder, text
    raise UsageError(f"{' and '.join(f'{f}/' for f in CONTRACT_FOLDERS)} hold other files "
                     "already (Python code, .toml files, a baseline.json), and archlint would "
                     "read each .toml file as contracts: configure archlint by hand (see "
                     "docs/configuration.md)")


def _config(root: Path, packages: tuple[str, ...], source_roots: tuple[str, ...],
            folder: str) -> tuple[Path, str]:
    """The settings file and its new text: `[tool.archlint]` appended to pyproject.toml
    (every existing byte kept), or a new archlint.toml when there is no pyproject.toml."""
    keys = [
        "# Written by `archlint init`; every key is described in archlint's docs/configuration.md.",
        "root_packages = [" + ", ".join(toml_string(p) for p in packages) + "]",
    ]
    if source_roots != Settings(root_packages=("_",)).source_roots:
        keys.append("source_roots = [" + ", ".join(f'"{r}"' for r in source_roots) + "]")
    keys += [f'contracts = ["{folder}"]', f'baseline = "{folder}/baseline.json"']
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return root / "archlint.toml", "\n".join(keys) + "\n"
    return pyproject, pyproject_with_archlint(pyproject, keys)


# -- the starter -------------------------------------------------------------------------------


def starter_contracts(packages: tuple[str, ...], proposal: LayersProposal | None,
                      baseline_file: str) -> str:
    """The first contract file: no import cycles in the distributed packages, worded as the
    acyclic contract checks it, and the proposed layers, commented out."""
    listed = ", ".join(toml_string(p) for p in packages)
    inside = ", ".join(packages)
    text = "\n".join([
        _comment(f"{MARKER[2:]}: the architecture contracts of this project, checked by "
                 "`archlint check`. Each [[contracts]] table is one rule. Types: "
                 f"{', '.join(CONTRACT_TYPES)}; archlint's docs/contracts/ has a page for "
                 "each, with every option."),
        "#",
        _comment(f"What breaks these contracts today is recorded in {baseline_file}: reported "
                 "as baselined, it does not fail the run; anything new does. When you fix old "
                 "violations, `archlint baseline --update` shrinks the record."),
        "",
        _comment(f"No import cycles between the modules and subpackages directly inside "
                 f"{inside}, each taken with everything inside it: where one of them imports "
                 "another, the other does not lead back to it through imports. A cycle means "
                 "none of them can be understood, tested or moved on its own. Cycles deeper "
                 "down are not checked; `depth = 2` checks one level further."),
        "[[contracts]]",
        'id = "no-cycles"',
        f'name = "No import cycles between the parts directly inside {inside}"',
        'type = "acyclic"',
        f"packages = [{listed}]",
        "",
    ])
    if proposal is None:
        return text
    package = proposal.package
    count = proposal.violations
    found = ("as written, the contract finds no violation today" if not count else
             f"as written, the contract finds {count} violation{'s' if count != 1 else ''} "
             f"today (`archlint baseline --update --allow-growth` records "
             f"{'it' if count == 1 else 'them'})")
    contract_id = package.replace("_", "-").replace(".", "-").lower()
    return "\n".join([
        text,
        _comment("A next step: layers. A layer may import the layers below it, never one above "
                 "it, directly or through a chain of imports. Below are the largest parts of "
                 f"{package} in the order with the fewest imports going up today; {found}. "
                 "Put them in the order your design intends, then remove the leading \"# \" of "
                 "each line below."),
        "#",
        "# [[contracts]]",
        f'# id = "{contract_id}-layers"',
        f'# name = "{package} is layered, highest first"',
        '# type = "layers"',
        "# layers = [",
        *(f"#     {toml_string(layer)}," for layer in proposal.layers),
        "# ]",
        "",
    ])


def _comment(paragraph: str) -> str:
    """A paragraph as TOML comment lines of at most 92 characters."""
    import textwrap

    return textwrap.fill(paragraph, width=92, initial_indent="# ", subsequent_indent="# ",
                         break_on_hyphens=False, break_long_words=False)


def propose_layers(graph: ProjectGraph, package: str) -> LayersProposal | None:
    """The package's public subpackages (else its public modules) as layers: at most
    MAX_LAYERS of them, the largest, in the order the layers contract finds the fewest
    violations in (every order is tried; ties go to name order); None with fewer than two."""
    children = sorted(c for c in graph.children(package)
                      if not c.rpartition(".")[2].startswith("_")
                      and c.rpartition(".")[2] not in NOT_LAYERS
                      and not c.rpartition(".")[2].startswith("test_"))
    packages = [c for c in children if graph.files.get(c, "").endswith("/__init__.py")]
    candidates = packages if len(packages) >= 2 else [c for c in children if c in graph.files]
    if len(candidates) < 2:
        return None
    inside = {c: graph.with_descendants([c]) for c in candidates}
    chosen = sorted(sorted(candidates, key=lambda c: (-len(inside[c]), c))[:MAX_LAYERS])
    blocked = set().union(*(inside[c] for c in chosen))
    # What a lower layer importing a higher one costs, as the layers contract counts it: one
    # violation per import statement, one per module reaching the layer through a chain.
    upward = {
        (low, high): sum(len(graph.hops(a, b))
                         for a, b in graph.direct_imports(inside[low], inside[high]))
        + sum(1 for _ in graph.chains_into(inside[low], {high: inside[high]}, blocked))
        for low, high in itertools.permutations(chosen, 2)
    }

    def cost(order: tuple[str, ...]) -> int:
        return sum(upward[(low, high)] for i, high in enumerate(order) for low in order[i + 1:])

    best = min(itertools.permutations(chosen), key=lambda order: (cost(order), order))
    return LayersProposal(package, best, _violations(graph, best))


def _violations(graph: ProjectGraph, layers: tuple[str, ...]) -> int:
    """What the proposed layers contract finds today: checked exactly as it would be."""
    from .contracts.layers import LayersContract

    contract = LayersContract(id="proposed-layers", layers=layers)
    return len(contract.check(graph))


def _largest(graph: ProjectGraph, packages: tuple[str, ...]) -> str:
    """The distributed package with the most modules: the one whose layers are proposed."""
    return min(packages, key=lambda p: (-len(graph.with_descendants([p])), p))
