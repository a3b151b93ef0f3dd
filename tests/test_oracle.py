"""archlint's verdicts against a brute-force oracle on random projects.

Each property writes a random package tree with random imports to disk, checks one contract
with archlint, and compares every violating (importer, imported) pair, the number of
violations per pair and each reported chain with what the documented rule says, computed
independently here with networkx. The example counts and the fixed derandomized seed keep the
run reproducible in CI; docs/reliability.md records the figures.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from itertools import pairwise

import networkx as nx
from generated_projects import (
    ROOT,
    GeneratedProject,
    project_folder,
    projects,
    unnested,
    with_descendants,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archlint import check

# ARCHLINT_EXAMPLES raises the count for a longer local search (docs/reliability.md).
EXAMPLES = int(os.environ.get("ARCHLINT_EXAMPLES", "150"))
PROPERTY_SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow], database=None)


def run_archlint(project: GeneratedProject, contract_toml: str):
    with project_folder() as root:
        report = check(project.write(root, contract_toml), use_cache=False)
    assert not report.diagnostics, report.diagnostics
    (result,) = report.results
    return result


def toml_list(items) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


# -- the oracle ----------------------------------------------------------------------------

class Expected:
    """What the documented rule says a contract reports: every direct import from a start
    into a target (one violation per statement), and every (start, target) pair joined by a
    chain of two or more imports whose intermediate modules are not blocked (one violation,
    with the number of imports in the shortest such chain)."""

    def __init__(self) -> None:
        self.direct: set[tuple[str, str]] = set()
        self.indirect: dict[tuple[str, str], int] = {}

    def add(self, graph: nx.DiGraph, starts: set[str], targets: dict[str, set[str]],
            blocked: set[str]) -> None:
        target_of = {m: name for name in sorted(targets, key=len) for m in targets[name]}
        for start in starts:
            self.direct |= {(start, end) for end in graph.successors(start) if end in target_of}
            open_graph = graph.subgraph((set(graph) - blocked) | {start})
            distance = nx.single_source_shortest_path_length(open_graph, start)
            for module, steps in distance.items():
                if module == start:
                    continue
                for end in graph.successors(module):
                    if end in target_of and end != start:
                        pair, length = (start, target_of[end]), steps + 1
                        self.indirect[pair] = min(self.indirect.get(pair, length), length)


def assert_matches_oracle(project: GeneratedProject, result, expected: Expected,
                          blocked: set[str]) -> None:
    """Direct imports, indirect pairs, violations per pair and chains are exactly what the
    rule says."""
    graph = project.graph()
    direct, indirect = defaultdict(list), defaultdict(list)
    for violation in result.violations:
        found = direct if len(violation.chain) == 1 else indirect
        found[violation.importer, violation.imported].append(violation)
    assert set(direct) == expected.direct
    assert set(indirect) == set(expected.indirect)
    assert result.kept == (not expected.direct and not expected.indirect)
    for pair, violations in direct.items():  # one violation per statement
        assert [v.line for v in violations] == project.lines_of(*pair)
    for (importer, imported), violations in indirect.items():
        (violation,) = violations
        chain = [(hop.importer, hop.imported) for hop in violation.chain]
        assert len(chain) == expected.indirect[importer, imported], "not a shortest chain"
        assert chain[0][0] == importer
        assert chain[-1][1] in with_descendants(imported, project.modules)
        for (_, middle), (next_importer, _) in pairwise(chain):
            assert middle == next_importer and middle not in blocked
        assert all(graph.has_edge(*hop) for hop in chain)
        assert violation.path == project.path_of(importer)


# -- forbidden -----------------------------------------------------------------------------

@st.composite
def forbidden_cases(draw):
    project = draw(projects())
    chosen = unnested(draw, project.modules, 2, 4)
    if len(chosen) < 2:
        chosen = [f"{ROOT}.{m}" for m in sorted({m.split('.')[1] for m in project.modules[1:]})[:2]]
    split = draw(st.integers(1, len(chosen) - 1))
    return project, chosen[:split], chosen[split:]


@PROPERTY_SETTINGS
@given(forbidden_cases())
def test_forbidden_matches_the_oracle(case):
    project, sources, forbidden = case
    result = run_archlint(project, f"""
[[contracts]]
id = "generated"
type = "forbidden"
source_modules = {toml_list(sources)}
forbidden_modules = {toml_list(forbidden)}
""")
    targets = {f: with_descendants(f, project.modules) for f in forbidden}
    forbidden_modules = set().union(*targets.values())
    expected = Expected()
    # a chain starts in one source module and stops at the first forbidden module
    for source in sources:
        members = with_descendants(source, project.modules)
        expected.add(project.graph(), members, targets, members | forbidden_modules)
    assert_matches_oracle(project, result, expected, forbidden_modules)


@PROPERTY_SETTINGS
@given(forbidden_cases())
def test_forbidden_with_allow_indirect_reports_exactly_the_direct_imports(case):
    project, sources, forbidden = case
    result = run_archlint(project, f"""
[[contracts]]
id = "generated"
type = "forbidden"
source_modules = {toml_list(sources)}
forbidden_modules = {toml_list(forbidden)}
allow_indirect = true
""")
    source_modules = set().union(*(with_descendants(s, project.modules) for s in sources))
    forbidden_modules = set().union(*(with_descendants(f, project.modules) for f in forbidden))
    expected = sorted((a, b) for a, b in project.imports
                      if a in source_modules and b in forbidden_modules)
    assert sorted((v.importer, v.imported) for v in result.violations) == expected


# -- layers --------------------------------------------------------------------------------

@st.composite
def layers_cases(draw):
    project = draw(projects())
    chosen = unnested(draw, project.modules, 2, 5)
    if len(chosen) < 2:
        chosen = [f"{ROOT}.{m}" for m in sorted({m.split('.')[1] for m in project.modules[1:]})[:2]]
    layers: list[tuple[list[str], bool]] = []
    rest = list(chosen)
    while rest:
        size = draw(st.integers(1, min(2, len(rest))))
        layers.append((rest[:size], draw(st.booleans())))
        rest = rest[size:]
    if len(layers) == 1 and len(layers[0][0]) == 1:
        layers.append(([chosen[0]], True))
        layers[0] = ([m for m in chosen if m != chosen[0]] or chosen, True)
    return project, layers


def layer_text(modules: list[str], independent: bool) -> str:
    return (" | " if independent else " : ").join(modules)


@PROPERTY_SETTINGS
@given(layers_cases())
def test_layers_match_the_oracle(case):
    project, layers = case
    texts = [layer_text(modules, independent) for modules, independent in layers]
    result = run_archlint(project, f"""
[[contracts]]
id = "generated"
type = "layers"
layers = {toml_list(texts)}
""")
    graph = project.graph()
    cover = {m: with_descendants(m, project.modules) for modules, _ in layers for m in modules}
    blocked = set().union(*cover.values())
    expected = Expected()
    for high, (high_modules, independent) in enumerate(layers):
        above = {m: cover[m] for m in high_modules}
        for low_modules, _ in layers[high + 1:]:
            for low in low_modules:
                expected.add(graph, cover[low], above, blocked)
        if independent:
            for a in high_modules:
                expected.add(graph, cover[a], {b: cover[b] for b in high_modules if b != a},
                             blocked)
    assert_matches_oracle(project, result, expected, blocked)


# -- independence --------------------------------------------------------------------------

@st.composite
def independence_cases(draw):
    project = draw(projects())
    chosen = unnested(draw, project.modules, 2, 4)
    if len(chosen) < 2:
        chosen = [f"{ROOT}.{m}" for m in sorted({m.split('.')[1] for m in project.modules[1:]})[:2]]
    return project, chosen


@PROPERTY_SETTINGS
@given(independence_cases())
def test_independence_matches_the_oracle(case):
    project, modules = case
    result = run_archlint(project, f"""
[[contracts]]
id = "generated"
type = "independence"
modules = {toml_list(modules)}
""")
    graph = project.graph()
    cover = {m: with_descendants(m, project.modules) for m in modules}
    blocked = set().union(*cover.values())
    expected = Expected()
    for a in modules:
        for b in modules:
            if a != b:
                expected.add(graph, cover[a], {b: cover[b]}, blocked)
    assert_matches_oracle(project, result, expected, blocked)


# -- acyclic -------------------------------------------------------------------------------

_CHECKED_PACKAGE = re.compile(r"between children of (\S+);")


def children_of(package: str, modules: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.rpartition(".")[0] == package)


def child_graph(project: GeneratedProject, package: str, imports) -> nx.DiGraph:
    """The children of `package` as nodes; an edge where anything in one imports anything in
    another."""
    owner = {m: child for child in children_of(package, project.modules)
             for m in with_descendants(child, project.modules)}
    quotient = nx.DiGraph()
    quotient.add_nodes_from(set(owner.values()))
    for importer, imported in imports:
        if importer in owner and imported in owner and owner[importer] != owner[imported]:
            quotient.add_edge(owner[importer], owner[imported])
    return quotient


@st.composite
def acyclic_cases(draw):
    project = draw(projects())
    package = draw(st.sampled_from(sorted(project.packages)))
    return project, package, draw(st.integers(1, 3))


@PROPERTY_SETTINGS
@given(acyclic_cases())
def test_acyclic_matches_the_oracle(case):
    project, package, depth = case
    result = run_archlint(project, f"""
[[contracts]]
id = "generated"
type = "acyclic"
packages = ["{package}"]
depth = {depth}
""")
    checked, level = [], [package]
    for _ in range(depth):
        checked += level
        level = [c for p in level for c in children_of(p, project.modules)]
    cyclic = {p for p in checked
              if not nx.is_directed_acyclic_graph(child_graph(project, p, project.imports))}
    assert result.kept == (not cyclic)

    cut = defaultdict(list)
    for violation in result.violations:
        (where,) = _CHECKED_PACKAGE.findall(violation.message)
        cut[where].append((violation.importer, violation.imported))
    assert set(cut) == cyclic
    statements = project.statements()
    for where, edges in cut.items():
        # every nominated import is one violation per statement, and together they break
        # every cycle between the children
        assert all(len([e for e in edges if e == pair]) == statements[pair] for pair in edges)
        remaining = [e for e in project.imports if e not in set(edges)]
        assert nx.is_directed_acyclic_graph(child_graph(project, where, remaining))
        quotient = child_graph(project, where, project.imports)
        owner = {m: child for child in children_of(where, project.modules)
                 for m in with_descendants(child, project.modules)}
        for importer, imported in set(edges):  # and each one closes a cycle
            assert nx.has_path(quotient, owner[imported], owner[importer])


# -- the chain search ------------------------------------------------------------------------

def whole_graph_chains(graph: nx.DiGraph, starts, target_of: dict[str, str], blocked: set[str],
                       direct: bool) -> list[tuple[str, tuple[str, ...]]]:
    """The rule for which chain a contract shows, searched the plain way: breadth-first from
    each start through every module outside `blocked`, successors in name order, the first
    module to reach another being its predecessor, until every name is reached."""
    found = []
    for start in sorted(starts):
        previous = {start: None}
        level = [start]
        if not direct:
            level = [m for m in sorted(graph.successors(start)) if m not in blocked]
            previous.update(dict.fromkeys(level, start))
        missing = set(target_of.values())
        while level and missing:
            following = []
            for module in level:
                for target in sorted(graph.successors(module)):
                    name = target_of.get(target)
                    if name in missing and target != start:
                        missing.discard(name)
                        chain = [target, module]
                        while previous[chain[-1]] is not None:
                            chain.append(previous[chain[-1]])
                        found.append((name, tuple(reversed(chain))))
                    if target not in blocked and target not in previous:
                        previous[target] = module
                        following.append(target)
            level = following
    return found


@st.composite
def chain_searches(draw):
    project = draw(projects(max_imports=40))
    modules = list(project.modules)
    starts = set(draw(st.lists(st.sampled_from(modules), min_size=1, max_size=6)))
    names = draw(st.lists(st.sampled_from(modules), min_size=1, max_size=3, unique=True))
    targets = {name: with_descendants(name, project.modules) for name in names}
    blocked = set(draw(st.lists(st.sampled_from(modules), max_size=4)))
    if draw(st.booleans()):  # as the contracts call it; else starts and targets may be passed
        blocked |= starts | set().union(*targets.values())
    return project, starts, targets, blocked, draw(st.booleans())


@PROPERTY_SETTINGS
@given(chain_searches())
def test_chain_search_finds_the_chains_a_search_of_the_whole_graph_finds(case):
    """The search visits only modules on a shortest chain to a name not yet reached; it must
    still pick the very chain (among equally short ones) that a plain search picks."""
    from archlint.graph import build_graph
    from archlint.settings import load_settings

    project, starts, targets, blocked, direct = case
    with project_folder() as root:
        graph = build_graph(load_settings(project.write(root, "")), use_cache=False)
    target_of = {m: name for name in sorted(targets, key=len) for m in targets[name]}
    expected = whole_graph_chains(project.graph(), starts, target_of, blocked, direct)
    assert list(graph.chains_into(starts, targets, blocked, direct=direct)) == expected
