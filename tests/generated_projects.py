"""Random Python projects for property-based tests: a package tree and import edges, written
as real files, plus an independent networkx model of the same imports.

A project has one root package `pkg`. Every module is either a package (a folder with
`__init__.py`) or a plain module (`name.py`); every import is one `import pkg.x.y` statement,
so the edges the files declare are exactly the edges grimp records.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from hypothesis import strategies as st

ROOT = "pkg"
CHILD_NAMES = ("a", "b", "c", "d")


@dataclass(frozen=True)
class GeneratedProject:
    packages: frozenset[str]
    modules: tuple[str, ...]  # every module, packages included, sorted
    imports: tuple[tuple[str, str], ...]  # one entry per import statement, in file order

    def graph(self) -> nx.DiGraph:
        """The module graph as the files declare it."""
        graph = nx.DiGraph()
        graph.add_nodes_from(self.modules)
        graph.add_edges_from(self.imports)
        return graph

    def statements(self) -> Counter:
        """How many import statements each (importer, imported) pair has."""
        return Counter(self.imports)

    def lines_of(self, importer: str, imported: str) -> list[int]:
        """The lines of `importer`'s file that import `imported`."""
        own = [target for source, target in self.imports if source == importer]
        return [line for line, target in enumerate(own, 1) if target == imported]

    def path_of(self, module: str) -> str:
        relative = module.replace(".", "/")
        return f"{relative}/__init__.py" if module in self.packages else f"{relative}.py"

    def write(self, root: Path, contracts_toml: str, extra_settings: str = "") -> Path:
        """Write sources, settings and one contract file under `root`; return the config."""
        sources: dict[str, list[str]] = {m: [] for m in self.modules}
        for importer, imported in self.imports:
            sources[importer].append(f"import {imported}")
        for module, lines in sources.items():
            path = root / self.path_of(module)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        config = root / "pyproject.toml"
        config.write_text(f'[tool.archlint]\nroot_packages = ["{ROOT}"]\n{extra_settings}',
                          encoding="utf-8")
        (root / "contracts").mkdir()
        (root / "contracts" / "generated.toml").write_text(contracts_toml, encoding="utf-8")
        return config


@st.composite
def projects(draw, max_depth: int = 3, max_imports: int = 30) -> GeneratedProject:
    """A package tree of up to `max_depth` levels below `pkg`, with random imports."""
    packages = {ROOT}
    modules = [ROOT]

    def grow(parent: str, depth: int) -> None:
        names = draw(st.lists(st.sampled_from(CHILD_NAMES), min_size=0 if depth else 2,
                              max_size=3 if depth else 4, unique=True))
        for name in sorted(names):
            module = f"{parent}.{name}"
            modules.append(module)
            if depth + 1 < max_depth and draw(st.booleans()):
                packages.add(module)
                grow(module, depth + 1)

    grow(ROOT, 0)
    modules.sort()
    count = len(modules)
    edge = st.tuples(st.integers(0, count - 1), st.integers(1, count - 1)).map(
        lambda pair: (modules[pair[0]], modules[(pair[0] + pair[1]) % count]))
    imports = draw(st.lists(edge, max_size=max_imports))
    return GeneratedProject(frozenset(packages), tuple(modules), tuple(imports))


def with_descendants(module: str, modules: Iterator[str] | tuple[str, ...]) -> set[str]:
    """A module and its descendants."""
    return {m for m in modules if m == module or m.startswith(module + ".")}


def nested(a: str, b: str) -> bool:
    """Whether one module is the other or sits inside it."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def unnested(draw, modules: tuple[str, ...], min_size: int, max_size: int) -> list[str]:
    """Distinct modules of which none contains another (may be shorter than min_size)."""
    chosen = draw(st.lists(st.sampled_from([m for m in modules if m != ROOT]),
                           min_size=min_size, max_size=max_size, unique=True))
    kept: list[str] = []
    for module in chosen:
        if not any(nested(module, other) for other in kept):
            kept.append(module)
    return kept


@contextmanager
def project_folder() -> Iterator[Path]:
    """A fresh folder per hypothesis example (function-scoped fixtures are not reset)."""
    with tempfile.TemporaryDirectory(prefix="archlint-prop-") as folder:
        yield Path(folder)
