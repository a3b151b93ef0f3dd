"""archlint and import-linter agree on kept/broken for the contract types both have.

Each example is one random project with a forbidden, a layers, an independence and an acyclic
contract; archlint checks it, and import-linter (through its Python API, with the project
folder on sys.path as it requires) checks the same contracts written in its own format.
import-linter's `acyclic_siblings` counts depth from 0 where archlint counts from 1.
"""

from __future__ import annotations

import importlib
import os
import sys

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from importlinter.application.use_cases import SUCCESS, lint_imports
from importlinter.configuration import configure

from archlint import check
from generated_projects import ROOT, project_folder, projects, unnested

EXAMPLES = int(os.environ.get("ARCHLINT_AGREEMENT_EXAMPLES", "100"))

configure()  # import-linter's own global settings, which its Python API expects


@st.composite
def cases(draw):
    project = draw(projects())
    children = sorted(m for m in project.modules if m.count(".") == 1)
    picks = [unnested(draw, project.modules, 2, 5) for _ in range(3)]
    picks = [p if len(p) >= 2 else children[:2] for p in picks]
    split = draw(st.integers(1, len(picks[0]) - 1))
    layers: list[str] = []
    rest = picks[1]
    while rest:
        size = draw(st.integers(1, min(2, len(rest))))
        separator = draw(st.sampled_from([" | ", " : "]))
        layers.append(separator.join(rest[:size]))
        rest = rest[size:]
    contracts = {
        "forbidden": {"source_modules": picks[0][:split], "forbidden_modules": picks[0][split:]},
        "layers": {"layers": layers if len(layers) > 1 else [layers[0], ROOT + "_unused"]},
        "independence": {"modules": picks[2]},
        "acyclic": {"packages": [draw(st.sampled_from(sorted(project.packages)))],
                    "depth": draw(st.integers(1, 3))},
    }
    if len(layers) == 1:  # one layer of siblings: import-linter needs two entries, so split it
        contracts["layers"] = {"layers": [layers[0].split(" ")[0], layers[0].split(" ")[-1]]}
    return project, contracts


def toml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return str(value)


def archlint_contracts(contracts: dict) -> str:
    return "".join(
        f'[[contracts]]\nid = "{kind}"\ntype = "{kind}"\n'
        + "".join(f"{key} = {toml_value(value)}\n" for key, value in options.items())
        for kind, options in contracts.items()
    )


def importlinter_contracts(contracts: dict) -> str:
    acyclic = contracts["acyclic"]
    theirs = {
        "forbidden": contracts["forbidden"],
        "layers": contracts["layers"],
        "independence": contracts["independence"],
        "acyclic_siblings": {"ancestors": acyclic["packages"], "depth": acyclic["depth"] - 1},
    }
    return f'[tool.importlinter]\nroot_package = "{ROOT}"\n' + "".join(
        f'[[tool.importlinter.contracts]]\nid = "{kind}"\nname = "{kind}"\ntype = "{kind}"\n'
        + "".join(f"{key} = {toml_value(value)}\n" for key, value in options.items())
        for kind, options in theirs.items()
    )


def importlinter_verdicts(root, config: str) -> dict[str, bool]:
    (root / "importlinter.toml").write_text(config, encoding="utf-8")
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        verdicts = {
            kind: lint_imports(str(root / "importlinter.toml"), limit_to_contracts=(kind,),
                               cache_dir=None, is_debug_mode=True, no_logo=True) == SUCCESS
            for kind in ("forbidden", "layers", "independence", "acyclic_siblings")
        }
    finally:
        sys.path.remove(str(root))
    verdicts["acyclic"] = verdicts.pop("acyclic_siblings")
    return verdicts


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_archlint_and_importlinter_agree_on_kept_and_broken(case):
    project, contracts = case
    if "_unused" in str(contracts["layers"]):
        return  # a single one-module layer: nothing to compare
    with project_folder() as root:
        report = check(project.write(root, archlint_contracts(contracts)), use_cache=False)
        theirs = importlinter_verdicts(root, importlinter_contracts(contracts))
    ours = {result.id: result.kept for result in report.results}
    for kind, kept in sorted(ours.items()):
        event(f"{kind} {'kept' if kept else 'broken'}")
    assert ours == theirs
