"""archlint and import-linter agree on every contract's verdict and violating direct imports.

Each example is one random project with a forbidden, a layers, an independence, a protected
and an acyclic_siblings contract written in import-linter's format, some with `ignore_imports`
drawn from the project's imports (exact, or with a wildcard). import-linter checks them (its
Python API, see importlinter_oracle); archlint checks the contracts `archlint migrate` makes
of the same configuration. Both must give each contract the same verdict and the same
direct imports that break it (for acyclic_siblings: the same imports to cut). Indirect
violations are compared through the verdicts only: each tool reports its own chains.
"""

from __future__ import annotations

import json
import os

from generated_projects import ROOT, project_folder, projects, unnested
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from importlinter_oracle import archlint_outcomes, lint_imports

from archlint import check
from archlint.migrate import convert

EXAMPLES = int(os.environ.get("ARCHLINT_AGREEMENT_EXAMPLES", "100"))
KINDS = ("forbidden", "layers", "independence", "protected", "acyclic_siblings")


@st.composite
def ignore_entries(draw, imports: tuple[tuple[str, str], ...]) -> list[str]:
    """Up to two entries naming imports of the project: exactly, or with the importer
    widened to its parent's descendants (`parent.**`, in import-linter's notation)."""
    entries = []
    for importer, imported in draw(st.lists(st.sampled_from(imports), max_size=2, unique=True)
                                   if imports else st.just([])):
        parent = importer.rpartition(".")[0]
        if parent and draw(st.booleans()):
            importer = f"{parent}.**"
        entries.append(f"{importer} -> {imported}")
    return entries


@st.composite
def cases(draw):
    project = draw(projects())
    children = sorted(m for m in project.modules if m.count(".") == 1)
    picks = [unnested(draw, project.modules, 2, 5) for _ in range(4)]
    picks = [p if len(p) >= 2 else children[:2] for p in picks]
    split = draw(st.integers(1, len(picks[0]) - 1))
    layers: list[str] = []
    rest = picks[1]
    while rest:
        size = draw(st.integers(1, min(2, len(rest))))
        separator = draw(st.sampled_from([" | ", " : "]))
        layers.append(separator.join(rest[:size]))
        rest = rest[size:]
    if len(layers) == 1:  # one layer of siblings: import-linter needs two entries, so split it
        layers = [layers[0].split(" ")[0], layers[0].split(" ")[-1]]
    contracts = {
        "forbidden": {"source_modules": picks[0][:split], "forbidden_modules": picks[0][split:],
                      "allow_indirect_imports": draw(st.booleans())},
        "layers": {"layers": layers},
        "independence": {"modules": picks[2]},
        "protected": {"protected_modules": picks[3][:1], "allowed_importers": picks[3][1:]},
        "acyclic_siblings": {"ancestors": [draw(st.sampled_from(sorted(project.packages)))],
                             "depth": draw(st.integers(0, 2))},
    }
    for options in contracts.values():
        ignore = draw(ignore_entries(project.imports))
        if ignore:
            options["ignore_imports"] = ignore
    return project, contracts


def toml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def importlinter_config(contracts: dict) -> str:
    return f'[tool.importlinter]\nroot_package = "{ROOT}"\n' + "".join(
        f'[[tool.importlinter.contracts]]\nid = "{kind}"\nname = "{kind}"\ntype = "{kind}"\n'
        + "".join(f"{key} = {toml_value(value)}\n" for key, value in options.items())
        for kind, options in contracts.items()
    )


def archlint_contracts(config) -> str:
    """The contracts `archlint migrate` writes for the import-linter configuration."""
    return "".join("[[contracts]]\n" + "".join(f"{key} = {toml_value(value)}\n"
                                               for key, value in table.items())
                   for table in convert(config).contracts)


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_archlint_and_importlinter_agree_on_verdicts_and_violating_imports(case):
    project, contracts = case
    assume(project.imports)  # without imports every contract is kept: nothing to compare
    with project_folder() as root:
        config = root / "importlinter.toml"
        config.write_text(importlinter_config(contracts), encoding="utf-8")
        settings = project.write(root, archlint_contracts(config))
        theirs = lint_imports(config, [root])
        report = check(settings, use_cache=False)
    ours = archlint_outcomes(report)
    for kind in KINDS:
        event(f"{kind} {'kept' if theirs[kind].kept else 'broken'}")
    assert ours == theirs
