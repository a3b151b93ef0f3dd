"""Pictures sized for a screen, on a generated project of 329 modules with hundreds of
violations of every contract type: each SVG that Graphviz draws at the default settings fits in
2,500 x 2,500 px and is not scaled down below legibility, and `--depth` is still honoured.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from generated_projects import GeneratedProject
from test_graphs import needs_graphviz

from archlint.cli import main

pytestmark = pytest.mark.slow

LAYERS = ("ui", "api", "service", "domain", "store", "util")
PARTS = (*LAYERS, "tests", "legacy")
PER_PART = 40
MAX_PX = 2500
# Graphviz scales a drawing larger than its `size` down; below this its 10 pt text is not read.
LEGIBLE_SCALE = 0.6

CONTRACTS = """
[[contracts]]
id = "layers"
type = "layers"
layers = ["pkg.ui", "pkg.api", "pkg.service", "pkg.domain", "pkg.store", "pkg.util"]

[[contracts]]
id = "no-cycles"
type = "acyclic"
packages = ["pkg.service", "pkg.legacy"]

[[contracts]]
id = "domain-without-api"
type = "forbidden"
source_modules = ["pkg.domain", "pkg.store"]
forbidden_modules = ["pkg.api", "pkg.ui"]

[[contracts]]
id = "store-canonical"
type = "canonical"
package = "pkg.store"
canonical = ["pkg.store.m00"]

[[contracts]]
id = "tests-no-internals"
type = "internal"
importers = ["pkg.tests"]
packages = ["pkg"]

[[contracts]]
id = "ui-independent"
type = "independence"
modules = ["pkg.ui.m00", "pkg.ui.m01", "pkg.ui.m02", "pkg.ui.m03", "pkg.ui.m05", "pkg.ui.m06"]

[[contracts]]
id = "things-unique"
type = "unique"
packages = ["pkg"]
names = ["Thing*"]
"""


def generated() -> GeneratedProject:
    """329 modules: eight packages of forty, each importing down the layers, with upward
    imports, cycles, private modules used by the tests, and imports around a canonical
    module, all drawn from one seeded random source."""
    chooser = random.Random(19)
    parts = {part: [f"pkg.{part}.{_name(part, n)}" for n in range(PER_PART)] for part in PARTS}
    packages = frozenset({"pkg", *(f"pkg.{part}" for part in PARTS)})
    imports = []
    for index, part in enumerate(PARTS):
        below = [m for lower in LAYERS[index + 1:] for m in parts[lower]] if part in LAYERS \
            else [m for layer in LAYERS for m in parts[layer]]
        above = [m for upper in LAYERS[:index] for m in parts[upper]] if part in LAYERS else []
        for module in parts[part]:
            imports += [(module, chooser.choice(below)) for _ in range(3) if below]
            if above and chooser.random() < 0.25:
                imports.append((module, chooser.choice(above)))
            if part in ("service", "legacy"):
                imports += [(module, chooser.choice(parts[part])) for _ in range(2)]
    imports = [(a, b) for a, b in imports if a != b]
    modules = tuple(sorted({"pkg", *packages, *(m for ms in parts.values() for m in ms)}))
    return GeneratedProject(packages, modules, tuple(imports))


def _name(part: str, number: int) -> str:
    private = part != "tests" and number % 5 == 4
    return f"{'_' if private else ''}m{number:02d}"


@pytest.fixture
def big_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = generated()
    assert len(project.modules) >= 300
    project.write(tmp_path, CONTRACTS)
    for number in range(30):  # a class defined in thirty modules under fifteen names
        part = PARTS[number % len(PARTS)]
        module = f"pkg.{part}.{_name(part, number)}"
        path = tmp_path / project.path_of(module)
        path.write_text(path.read_text() + f"\n\nclass Thing{number % 15}:\n    pass\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def svg_size(svg: str) -> tuple[float, float, float]:
    """Width and height in px at 96 dpi (Graphviz writes pt), and the scale Graphviz applied."""
    width, height = (float(v) for v in re.search(
        r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    scale = float(re.search(r'<g id="graph0" class="graph" transform="scale\(([\d.]+)', svg)[1])
    return width * 4 / 3, height * 4 / 3, scale


@needs_graphviz
def test_every_picture_of_a_large_project_fits_a_screen_and_stays_legible(big_project, capsys):
    assert main(["graph", "--out", "out", "--format", "svg"]) == 0
    drawn = sorted((big_project / "out").glob("*.svg"))
    assert [p.stem for p in drawn] == sorted(
        ["layers", "no-cycles", "domain-without-api", "store-canonical", "tests-no-internals",
         "ui-independent", "things-unique"])
    sizes = {path.stem: svg_size(path.read_text()) for path in drawn}
    for name, (width, height, scale) in sizes.items():
        assert width <= MAX_PX and height <= MAX_PX, (name, width, height)
        assert scale >= LEGIBLE_SCALE, (name, scale)


@needs_graphviz
def test_a_depth_given_is_honoured_however_large_the_picture(big_project, capsys):
    assert main(["graph", "--out", "deep", "--format", "svg", "--format", "dot",
                 "--contract", "layers", "--depth", "1"]) == 0
    dot = (big_project / "deep" / "layers.dot").read_text()
    boxes = set(re.findall(r'^"(pkg\.[a-z_]+\.[_a-z0-9]+)" \[', dot, re.M))
    assert len(boxes) >= 200  # every module of the six layers that an import touches
    width, height, _ = svg_size((big_project / "deep" / "layers.svg").read_text())
    assert width <= MAX_PX + 20 and height <= MAX_PX + 20  # scaled down, never larger


@needs_graphviz
def test_the_project_map_of_a_large_project_fits_a_screen(big_project, capsys):
    assert main(["graph", "--out", "out", "--format", "svg", "--map", "--no-cache"]) == 0
    width, height, scale = svg_size((big_project / "out" / "project_map.svg").read_text())
    assert width <= MAX_PX and height <= MAX_PX and scale >= LEGIBLE_SCALE
