"""A messy synthetic backend, shaped like the 8,600-file codebase archlint was made for.

`generate(root, files, seed)` writes the packages `backend` and `tests` under `root`:

- layers `backend.routes` above `backend.agents` above `backend.services` above
  `backend.websocket_core` above `backend.db` above `backend.core`, each of packages of
  about twenty modules; a quarter of the modules sit in folders without `__init__.py`;
- large files: one module in thirty has 2,000 to 5,000 lines;
- one canonical name, `WebSocketManager`, imported by about a thousand modules through a
  dozen paths (the canonical `backend.websocket_core.websocket_manager`, the package
  `__init__`, legacy managers, factories, bridges, a test mock);
- about 900 imports of modules that do not exist, `import backend.websocket_core.gone` forms
  inside the canonical package among them;
- about 100 class names defined in two or three modules each;
- tests that import `_private` modules and names of the backend;
- some modules with syntax only Python 3.12 parses, and one module that does not parse at
  all (both in folders without `__init__.py`, which grimp alone, and so import-linter, does
  not read).

The same seed writes the same tree; the tree grows linearly with `files`.
"""

from __future__ import annotations

import random
from pathlib import Path

LAYERS = ("routes", "agents", "services", "websocket_core", "db", "core")
CANONICAL = "backend.websocket_core.websocket_manager"
# Where WebSocketManager can be imported from: the canonical module first.
MANAGER_PATHS = (
    CANONICAL, "backend.websocket_core", "backend.websocket_core.manager",
    "backend.websocket_core.unified_manager", "backend.websocket_core.websocket_manager_factory",
    "backend.websocket_core.compat", "backend.websocket_core.legacy_manager",
    "backend.services.websocket_manager", "backend.services.websocket_bridge",
    "backend.agents.websocket_bridge", "backend.core.websocket", "backend.testing.websocket_mock",
)
INDEPENDENT = ("backend.routes.p00", "backend.routes.p01", "backend.routes.p02")
MODULES_PER_FOLDER = 20

_CLASS = '''

class {name}:
    """{name}: state and a few operations, so files have a realistic size."""

    def __init__(self, limit: int = {number}) -> None:
        self.limit = limit
        self.items: list[int] = []

    def add(self, value: int) -> bool:
        if len(self.items) >= self.limit:
            return False
        self.items.append(value)
        return True

    def total(self) -> int:
        return sum(item * {number} for item in self.items)
'''

_NEWER_SYNTAX = '''
settings = {"name": "x"}
label = f"{settings.get("name")}"
type Alias = int


class Box[T]:
    def __init__(self, item: T) -> None:
        self.item = item
'''


def generate(root: Path, files: int, seed: int) -> int:
    """Write about `files` modules under `root`; return how many `.py` files were written."""
    rng = random.Random(seed)
    written = _write_fixed(root)
    per_layer = max(MODULES_PER_FOLDER, int(files * 0.88) // len(LAYERS))
    modules: dict[str, list[str]] = {}
    for layer in LAYERS:
        names: list[str] = []
        for folder in range(per_layer // MODULES_PER_FOLDER):
            package = f"backend/{layer}/p{folder // 8:02d}"
            written += _write(root, f"{package}/__init__.py", "")
            sub = f"{package}/s{folder % 8:02d}"
            if folder % 4 != 3:  # a quarter of the folders have no __init__.py
                written += _write(root, f"{sub}/__init__.py", "")
            names += [f"{sub.replace('/', '.')}.m{i:02d}" for i in range(MODULES_PER_FOLDER)]
        modules[layer] = names
    duplicated = [f"WebSocket{kind}{n:02d}" for kind in ("Session", "Handler", "Client", "Pool")
                  for n in range(25)]
    test_count = files - sum(len(names) for names in modules.values())
    everything = [m for names in modules.values() for m in names]
    manager_importers = set(rng.sample(everything, min(1000, len(everything))))
    unresolved = 0
    for position, layer in enumerate(LAYERS):
        lower = LAYERS[position + 1:]
        for index, module in enumerate(modules[layer]):
            lines = [f'"""Module {module}."""', "", "from __future__ import annotations", ""]
            for _ in range(rng.randint(4, 12)):
                lines.append(_import(rng, modules, layer, index, lower, LAYERS[:position]))
            if module in manager_importers:
                path = CANONICAL if rng.random() < 0.4 else rng.choice(MANAGER_PATHS)
                lines.append(f"from {path} import WebSocketManager")
            if rng.random() < 0.11:  # about 900 imports of modules that do not exist
                unresolved += 1
                if layer == "websocket_core":
                    lines.append(f"import backend.websocket_core.gone_{rng.randrange(20)}")
                else:
                    lines.append(f"from backend.legacy.bridge_{rng.randrange(50)} import helper")
            body = _CLASS.format(name=f"Module{index}", number=rng.randint(2, 99))
            if rng.random() < 0.033:  # large files
                body += "".join(_CLASS.format(name=f"Part{k}", number=k)
                                for k in range(rng.randint(120, 300)))
            if rng.random() < 0.0125:
                body += "".join(_CLASS.format(name=name, number=3)
                                for name in rng.sample(duplicated, 8))
            written += _write(root, module.replace(".", "/") + ".py",
                              "\n".join(lines) + "\n" + body)
    written += _write_tests(root, rng, test_count, everything)
    written += _write_odd_files(root)
    return written


def _import(rng: random.Random, modules: dict[str, list[str]], layer: str, index: int,
            lower: tuple[str, ...], upper: tuple[str, ...]) -> str:
    """A neighbour in the same folder, else a module of a lower layer, rarely a higher one."""
    roll = rng.random()
    if roll < 0.008 and upper:
        target = rng.choice(modules[rng.choice(upper)])
    elif roll < 0.4 and lower:
        target = rng.choice(modules[rng.choice(lower)])
    else:
        start = index - index % MODULES_PER_FOLDER
        target = modules[layer][start + rng.randrange(MODULES_PER_FOLDER)]
    parent, _, leaf = target.rpartition(".")
    if rng.random() < 0.5:
        return f"import {target}"
    return f"from {parent} import {leaf}"


def _write_tests(root: Path, rng: random.Random, count: int, modules: list[str]) -> int:
    """Test modules importing the backend, some of them its `_private` parts."""
    written = _write(root, "tests/__init__.py", "")
    for index in range(max(0, count)):
        folder = f"tests/t{index // MODULES_PER_FOLDER:02d}"
        if index % MODULES_PER_FOLDER == 0:
            written += _write(root, f"{folder}/__init__.py", "")
        lines = ['"""Tests."""', ""]
        for target in rng.sample(modules, 3):
            lines.append(f"from {target} import Module{rng.randrange(50)}")
        if rng.random() < 0.2:
            lines.append("from backend.websocket_core._registry import ConnectionRegistry")
        if rng.random() < 0.1:
            lines.append("from backend.websocket_core.unified_manager import _Implementation")
        written += _write(root, f"{folder}/test_{index:04d}.py",
                          "\n".join(lines) + "\n\n\ndef test_it():\n    assert True\n")
    return written


def _write_fixed(root: Path) -> int:
    """The packages and modules the contracts name, and the manager's dozen homes."""
    written = _write(root, "backend/__init__.py", '"""The backend."""\n')
    for layer in LAYERS:
        written += _write(root, f"backend/{layer}/__init__.py", "")
    written += _write(root, "backend/testing/__init__.py", "")
    written += _write(root, f"{CANONICAL.replace('.', '/')}.py",
                      "class WebSocketManager:\n    pass\n\n\n"
                      "def get_websocket_manager() -> WebSocketManager:\n"
                      "    return WebSocketManager()\n")
    written += _write(root, "backend/websocket_core/__init__.py",
                      "from backend.websocket_core.websocket_manager import WebSocketManager\n")
    written += _write(root, "backend/websocket_core/_registry.py",
                      "class ConnectionRegistry:\n    pass\n")
    written += _write(root, "backend/websocket_core/unified_manager.py",
                      "from backend.websocket_core.websocket_manager import WebSocketManager\n\n\n"
                      "class _Implementation(WebSocketManager):\n    pass\n")
    for path in MANAGER_PATHS[2:]:
        if path.endswith("unified_manager"):
            continue
        written += _write(root, path.replace(".", "/") + ".py",
                          "from backend.websocket_core.websocket_manager import "
                          "WebSocketManager\n")
    return written


def _write_odd_files(root: Path) -> int:
    """Modules with Python 3.12 syntax, and one that does not parse, in a folder without
    `__init__.py`."""
    written = 0
    for index in range(12):
        written += _write(root, f"backend/services/modern/m{index:02d}.py",
                          "import backend.core\n" + _NEWER_SYNTAX)
    return written + _write(root, "backend/services/modern/broken.py",
                            "import backend.core\n\ndef broken(:\n    pass\n")


def _write(root: Path, relative: str, text: str) -> int:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 1
