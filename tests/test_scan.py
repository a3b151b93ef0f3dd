"""archlint's graph agrees with grimp's public `build_graph` on every tree both can read.

archlint uses grimp's private scanner only to find the lines of import statements, reads each
statement itself and resolves it by grimp's rule; this property holds it to grimp's public
answer for import statements written every way Python allows (aliases, relative imports, star
imports, parenthesised names over several lines, imports in functions and under
`if TYPE_CHECKING:`, names that are not modules, modules that do not exist).
"""

from __future__ import annotations

import importlib
import os
import sys

import grimp
from generated_projects import ROOT, project_folder, projects
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archlint.graph import build_graph
from archlint.settings import load_settings

FORMS = ("import", "import_as", "from_parent", "from_name", "relative", "star", "parenthesised",
         "type_checking", "in_function", "missing", "semicolon")


# The forms written from the target's name alone.
TARGET_FORMS = {
    "import_as": "import {target} as alias",
    "from_name": "from {target} import some_name",
    "star": "from {target} import *",
    "type_checking": "if TYPE_CHECKING:\n    import {target}",
    "in_function": "def later():\n    from {target} import thing\n    return thing",
    "missing": "import {target}.missing_module",
    "semicolon": "import os; import {target}",
}


def statement(form: str, importer: str, is_package: bool, target: str) -> str:
    """One import of `target` from `importer`, written in the given form (a plain `import`
    where the form cannot name the target)."""
    parent, _, leaf = target.rpartition(".")
    if form in TARGET_FORMS:
        return TARGET_FORMS[form].format(target=target)
    if form == "from_parent" and parent:
        return f"from {parent} import {leaf}"
    if form == "parenthesised" and parent:
        return f"from {parent} import (\n    {leaf},\n    {leaf} as again,  # twice\n)"
    if form == "relative":
        here = importer if is_package else importer.rpartition(".")[0]
        if target.startswith(here + "."):
            return f"from .{target[len(here) + 1:]} import some_name"
        if parent and here.startswith(parent) and here != ROOT:
            dots = here.count(".") - parent.count(".") + 1
            return f"from {'.' * dots} import {leaf}"
    return f"import {target}"


@st.composite
def written_projects(draw):
    project = draw(projects(max_imports=0))
    count = draw(st.integers(0, 25))
    imports = [(draw(st.sampled_from(project.modules)), draw(st.sampled_from(project.modules)),
                draw(st.sampled_from(FORMS))) for _ in range(count)]
    return project, imports


def write(root, project, imports) -> None:
    sources: dict[str, list[str]] = {m: ["from typing import TYPE_CHECKING"]
                                     for m in project.modules}
    for importer, target, form in imports:
        sources[importer].append(statement(form, importer, importer in project.packages,
                                           target))
    for module, lines in sources.items():
        path = root / project.path_of(module)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def grimp_edges(root, exclude_type_checking: bool) -> set[tuple[str, str, int]]:
    sys.path.insert(0, str(root))
    try:
        importlib.invalidate_caches()
        sys.modules.pop(ROOT, None)
        graph = grimp.build_graph(ROOT, cache_dir=None,
                                  exclude_type_checking_imports=exclude_type_checking)
    finally:
        sys.path.remove(str(root))
    return {(importer, imported, detail["line_number"])
            for importer in graph.modules
            for imported in graph.find_modules_directly_imported_by(importer)
            for detail in graph.get_import_details(importer=importer, imported=imported)}


def archlint_edges(root, exclude_type_checking: bool) -> set[tuple[str, str, int]]:
    config = root / "pyproject.toml"
    config.write_text(f'[tool.archlint]\nroot_packages = ["{ROOT}"]\n'
                      f"exclude_type_checking_imports = {str(exclude_type_checking).lower()}\n",
                      encoding="utf-8")
    graph = build_graph(load_settings(config), use_cache=False)
    return {(hop.importer, hop.imported, hop.line)
            for importer in graph.modules for imported in graph.successors(importer)
            for hop in graph.hops(importer, imported)}


@settings(max_examples=int(os.environ.get("ARCHLINT_SCAN_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(written_projects(), st.booleans())
def test_the_graph_is_grimps_graph(generated, exclude_type_checking):
    project, imports = generated
    with project_folder() as root:
        write(root, project, imports)
        assert archlint_edges(root, exclude_type_checking) == grimp_edges(
            root, exclude_type_checking)
