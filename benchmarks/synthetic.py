"""A synthetic project of any size, for benchmarks and scale tests.

`generate(root, modules, seed)` writes the package `synth` under `root`: four layers
(`synth.app` above `synth.services` above `synth.domain` above `synth.util`), each split into
packages and subpackages of about twenty modules; one subpackage in ten is a folder without
`__init__.py`. Each module imports three to eight others, mostly in its own package or a
lower layer; about one import in a hundred goes up a layer, and some reach into `_private`
modules or import `now` from `synth.util.clock.impl` instead of `synth.util.clock.api`, so the
contracts below have violations to find. The same seed writes the same tree; the work per
module is constant, so the tree grows linearly with `modules`.
"""

from __future__ import annotations

import random
from pathlib import Path

PACKAGE = "synth"
LAYERS = ("app", "services", "domain", "util")
MODULES_PER_FOLDER = 20
FOLDERS_PER_PACKAGE = 10
# Fixed packages that the contracts name; they exist at every size.
CLOCK = "synth.util.clock"
INDEPENDENT = ("synth.domain.p00", "synth.domain.p01", "synth.domain.p02")

_BODY = '''

class {name}Service:
    """A service with a little state, so files have a realistic size."""

    def __init__(self, limit: int = {number}) -> None:
        self.limit = limit
        self.items: list[int] = []

    def add(self, value: int) -> bool:
        if len(self.items) >= self.limit:
            return False
        self.items.append(value)
        return True


def compute_{name}(values: list[int]) -> int:
    total = 0
    for value in values:
        total += value * {number}
    return total
'''


def generate(root: Path, modules: int, seed: int) -> int:
    """Write about `modules` modules of the package `synth` under `root`; return how many
    `.py` files were written."""
    rng = random.Random(seed)
    per_layer = max(1, modules // len(LAYERS))
    folders: dict[str, list[str]] = {}  # layer -> module names, in folder order
    written = 0
    written += _write(root, "synth/__init__.py", '"""Synthetic project."""\n')
    written += _write_clock(root)
    for layer in LAYERS:
        written += _write(root, f"synth/{layer}/__init__.py", "")
        names: list[str] = []
        folder_count = max(1, per_layer // MODULES_PER_FOLDER)
        for folder in range(folder_count):
            package, sub = divmod(folder, FOLDERS_PER_PACKAGE)
            package_dir = f"synth/{layer}/p{package:02d}"
            if sub == 0:
                written += _write(root, f"{package_dir}/__init__.py", "")
            sub_dir = f"{package_dir}/s{sub:02d}"
            if folder % 10 != 7:  # every tenth subpackage is a folder without __init__.py
                written += _write(root, f"{sub_dir}/__init__.py", "")
            dotted = sub_dir.replace("/", ".")
            for index in range(MODULES_PER_FOLDER):
                private = index == MODULES_PER_FOLDER - 1
                names.append(f"{dotted}.{'_impl' if private else f'm{index:02d}'}")
        folders[layer] = names
    for position, layer in enumerate(LAYERS):
        lower = LAYERS[position + 1:]
        upper = LAYERS[:position]
        for index, module in enumerate(folders[layer]):
            lines = [f'"""Module {module}."""', ""]
            for _ in range(rng.randint(3, 8)):
                lines.append(_import_line(rng, folders, layer, index, lower, upper))
            if rng.random() < 0.02:
                lines.append(f"from {CLOCK}.impl import now")
            elif rng.random() < 0.05:
                lines.append(f"from {CLOCK}.api import now")
            name = module.rsplit(".", 1)[1].lstrip("_").capitalize()
            body = _BODY.format(name=name, number=rng.randint(2, 99))
            written += _write(root, module.replace(".", "/") + ".py",
                              "\n".join(lines) + "\n" + body)
    return written


def _import_line(rng: random.Random, folders: dict[str, list[str]], layer: str, index: int,
                 lower: tuple[str, ...], upper: tuple[str, ...]) -> str:
    """One import: mostly a neighbour in the same folder, else a module of a lower layer,
    rarely (one in a hundred) a module of a higher layer."""
    roll = rng.random()
    if roll < 0.01 and upper:
        target = rng.choice(folders[rng.choice(upper)])
    elif roll < 0.35 and lower:
        target = rng.choice(folders[rng.choice(lower)])
    else:
        own = folders[layer]
        start = index - index % MODULES_PER_FOLDER
        target = own[start + rng.randrange(MODULES_PER_FOLDER)]
    if target.endswith("._impl") and rng.random() < 0.7:
        target = target[: -len("._impl")] + ".m00"
    parent, _, leaf = target.rpartition(".")
    if rng.random() < 0.5:
        return f"import {target}"
    return f"from {parent} import {leaf}"


def _write_clock(root: Path) -> int:
    """`synth.util.clock`: `now` is defined in `impl` and offered by `api`, its canonical
    module."""
    return (
        _write(root, "synth/util/clock/__init__.py", "")
        + _write(root, "synth/util/clock/impl.py",
                 "import time\n\n\ndef now() -> float:\n    return time.time()\n")
        + _write(root, "synth/util/clock/api.py",
                 "from synth.util.clock.impl import now\n\n__all__ = ['now']\n")
    )


def _write(root: Path, relative: str, text: str) -> int:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 1
