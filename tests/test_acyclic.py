"""`acyclic`: no import cycles between the children of each listed package.

grimp nominates the imports whose removal breaks the cycles, weighing each dependency between
two children by the number of module imports behind it. The fixtures make one import the
clearly lightest, so the nominated breaker is not a tie.
"""

from __future__ import annotations

import random

import pytest
from conftest import chains, rows

from archlint.contracts.acyclic import _components
from archlint.errors import ConfigError, Problem
from archlint.model import Diagnostic

CONTRACT = """
    [[contracts]]
    id = "no-cycles"
    type = "acyclic"
    packages = {packages}
    {extra}
"""


def contract(packages: str = '["app"]', extra: str = "") -> str:
    return CONTRACT.format(packages=packages, extra=extra)


def result(report, contract_id: str = "no-cycles"):
    (found,) = [r for r in report.results if r.id == contract_id]
    return found


# app.a depends on app.b through two modules; app.b imports app.a once: the breaker.
TWO_CYCLE = {
    "app/__init__.py": "",
    "app/a/__init__.py": "",
    "app/a/one.py": "import app.b\n",
    "app/a/two.py": "from app import b\n",
    "app/b.py": "import os\nimport app.a.one\n",
}

GRANDCHILD_CYCLE = {
    "app/__init__.py": "",
    "app/other.py": "import app.pkg.x\n",
    "app/pkg/__init__.py": "",
    "app/pkg/x/__init__.py": "",
    "app/pkg/x/one.py": "import app.pkg.y\n",
    "app/pkg/x/two.py": "import app.pkg.y\n",
    "app/pkg/y.py": "import app.pkg.x\n",
}


def test_kept_without_cycles(project):
    project.settings(["app"]).files({
        "app/__init__.py": "import app.a\n",
        "app/a.py": "import app.b\nimport app.c\n",
        "app/b.py": "import app.c\n",
        "app/c.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == []
    assert result(report).status == "kept"
    assert report.exit_code == 0


def test_two_module_cycle_reports_the_nominated_breaker_with_the_cycle(project):
    project.settings(["app"]).files(TWO_CYCLE).contracts(contract())
    report = project.check()
    assert rows(report) == [("app.b", "app.a.one", "app/b.py", 2)]
    assert chains(report) == [[
        ("app.b", "app.a.one", "app/b.py", 2),
        ("app.a.one", "app.b", "app/a/one.py", 1),
    ]]
    (violation,) = result(report).violations
    assert violation.message == (
        "app.b imports app.a.one, closing the cycle b -> a -> b between children of app; "
        "removing this import breaks it")
    assert violation.line_contents == "import app.a.one"
    assert report.exit_code == 1


@pytest.mark.parametrize(("light", "expected_row", "expected_chain", "cycle"), [
    ("a", ("app.a.m0", "app.b", "app/a/m0.py", 1),
     [("app.a.m0", "app.b", "app/a/m0.py", 1),
      ("app.b.m0", "app.c", "app/b/m0.py", 1),
      ("app.c.m0", "app.a", "app/c/m0.py", 1)],
     "a -> b -> c -> a"),
    ("b", ("app.b.m0", "app.c", "app/b/m0.py", 1),
     [("app.b.m0", "app.c", "app/b/m0.py", 1),
      ("app.c.m0", "app.a", "app/c/m0.py", 1),
      ("app.a.m0", "app.b", "app/a/m0.py", 1)],
     "b -> c -> a -> b"),
    ("c", ("app.c.m0", "app.a", "app/c/m0.py", 1),
     [("app.c.m0", "app.a", "app/c/m0.py", 1),
      ("app.a.m0", "app.b", "app/a/m0.py", 1),
      ("app.b.m0", "app.c", "app/b/m0.py", 1)],
     "c -> a -> b -> c"),
])
def test_three_module_cycle_is_broken_at_its_lightest_import(
        project, light, expected_row, expected_chain, cycle):
    # a -> b -> c -> a; the child named `light` imports its successor from one module only,
    # the others from two. Folders without __init__.py hold the modules.
    successor = {"a": "b", "b": "c", "c": "a"}
    files = {"app/__init__.py": ""}
    for child, target in successor.items():
        for index in range(1 if child == light else 2):
            files[f"app/{child}/m{index}.py"] = f"import app.{target}\n"
    project.settings(["app"]).files(files).contracts(contract())
    report = project.check()
    assert rows(report) == [expected_row]
    assert chains(report) == [expected_chain]
    importer, imported = expected_row[:2]
    assert result(report).violations[0].message == (
        f"{importer} imports {imported}, closing the cycle {cycle} between children of app; "
        "removing this import breaks it")


def test_cycle_chain_goes_back_by_the_shortest_way_round(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.b\nimport app.c\n",
        "app/b.py": "import app.c\nimport app.d\n",
        "app/c.py": "import app.d\n",
        "app/d.py": "import app.a\n",
    }).contracts(contract())
    report = project.check()
    assert chains(report) == [[
        ("app.d", "app.a", "app/d.py", 1),
        ("app.a", "app.b", "app/a.py", 1),
        ("app.b", "app.d", "app/b.py", 2),
    ]]
    assert result(report).violations[0].message == (
        "app.d imports app.a, closing the cycle d -> a -> b -> d between children of app; "
        "removing this import breaks it")


def test_breaker_imported_on_two_lines_is_two_violations(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a/inner.py": "import app.b.deep\n",
        "app/a/x.py": "import app.b.deep\n",
        "app/b/deep.py": "import os\nimport app.a.inner\nimport app.a.inner as again\n",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [
        ("app.b.deep", "app.a.inner", "app/b/deep.py", 2),
        ("app.b.deep", "app.a.inner", "app/b/deep.py", 3),
    ]
    assert chains(report) == [
        [("app.b.deep", "app.a.inner", "app/b/deep.py", 2),
         ("app.a.inner", "app.b.deep", "app/a/inner.py", 1)],
        [("app.b.deep", "app.a.inner", "app/b/deep.py", 3),
         ("app.a.inner", "app.b.deep", "app/a/inner.py", 1)],
    ]


def test_two_separate_cycles_each_get_a_breaker(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a/__init__.py": "",
        "app/a/one.py": "import app.b\n",
        "app/a/two.py": "import app.b\n",
        "app/b.py": "import app.a\n",
        "app/c/__init__.py": "",
        "app/c/one.py": "import app.d\n",
        "app/c/two.py": "import app.d\n",
        "app/d.py": "import app.c\n",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [
        ("app.b", "app.a", "app/b.py", 1),
        ("app.d", "app.c", "app/d.py", 1),
    ]


def test_a_package_importing_its_own_child_is_not_a_cycle_between_children(project):
    project.settings(["app"]).files({
        "app/__init__.py": "import app.a\n",
        "app/a.py": "import app\n",
        "app/b.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == []


# -- depth ------------------------------------------------------------------------------------


def test_depth_one_checks_only_the_children(project):
    project.settings(["app"]).files(GRANDCHILD_CYCLE).contracts(contract())
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_depth_two_finds_a_cycle_between_grandchildren(project):
    project.settings(["app"]).files(GRANDCHILD_CYCLE).contracts(contract(extra="depth = 2"))
    report = project.check()
    assert rows(report) == [("app.pkg.y", "app.pkg.x", "app/pkg/y.py", 1)]
    assert chains(report) == [[
        ("app.pkg.y", "app.pkg.x", "app/pkg/y.py", 1),
        ("app.pkg.x.one", "app.pkg.y", "app/pkg/x/one.py", 1),
    ]]
    assert result(report).violations[0].message == (
        "app.pkg.y imports app.pkg.x, closing the cycle y -> x -> y between children of "
        "app.pkg; removing this import breaks it")


def test_package_listed_and_reached_by_depth_is_checked_once(project):
    project.settings(["app"]).files(GRANDCHILD_CYCLE).contracts(
        contract('["app", "app.pkg"]', extra="depth = 2"))
    report = project.check()
    assert rows(report) == [("app.pkg.y", "app.pkg.x", "app/pkg/y.py", 1)]


def test_skip_descendants_leaves_a_package_unchecked_below_its_own_children(project):
    project.settings(["app"]).files(GRANDCHILD_CYCLE).contracts(
        contract(extra='depth = 2\nskip_descendants = ["app.pkg"]'))
    report = project.check()
    assert rows(report) == []
    project.contracts(contract('["app.pkg"]', extra='skip_descendants = ["app.pkg"]'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [p.message for p in caught.value.problems] == [
        "'app.pkg' is also in packages; a package is checked or skipped, not both"]


def test_depth_below_one_is_a_config_error(project):
    project.settings(["app"]).files(GRANDCHILD_CYCLE).contracts(contract(extra="depth = 0"))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("must be 1 or more, got 0", file="contracts/contracts.toml", line=1,
                contract_id="no-cycles", key="depth"),
    )


# -- module expressions -----------------------------------------------------------------------


def test_single_star_checks_inside_each_child_but_not_between_children(project):
    files = dict(GRANDCHILD_CYCLE)
    files.update({"app/c.py": "import app.d\n", "app/d.py": "import app.c\n"})
    project.settings(["app"]).files(files).contracts(contract('["app.*"]'))
    report = project.check()
    assert rows(report) == [("app.pkg.y", "app.pkg.x", "app/pkg/y.py", 1)]


def test_double_star_matches_the_package_itself_and_every_subpackage(project):
    files = dict(GRANDCHILD_CYCLE)
    files.update({"app/c.py": "import app.d\nimport app.d as dd\n",
                  "app/d/__init__.py": "", "app/d/one.py": "import app.c\n",
                  "app/d/two.py": "import app.c\n"})
    project.settings(["app"]).files(files).contracts(contract('["app.**"]'))
    report = project.check()
    assert rows(report) == [
        ("app.c", "app.d", "app/c.py", 1),
        ("app.c", "app.d", "app/c.py", 2),
        ("app.pkg.y", "app.pkg.x", "app/pkg/y.py", 1),
    ]
    assert [v.message for v in result(report).violations] == [
        "app.c imports app.d, closing the cycle c -> d -> c between children of app; "
        "removing this import breaks it",
        "app.c imports app.d, closing the cycle c -> d -> c between children of app; "
        "removing this import breaks it",
        "app.pkg.y imports app.pkg.x, closing the cycle y -> x -> y between children of "
        "app.pkg; removing this import breaks it",
    ]


# -- ignore -----------------------------------------------------------------------------------


def test_ignoring_the_breaker_keeps_the_contract(project):
    project.settings(["app"]).files(TWO_CYCLE).contracts(
        contract(extra='ignore = ["app.b -> app.a.one"]'))
    report = project.check()
    assert rows(report) == []
    assert report.diagnostics == ()
    assert report.exit_code == 0


def test_unmatched_ignore_entry_is_a_diagnostic_at_its_line(project):
    project.settings(["app"]).files(TWO_CYCLE).contracts("""
        [[contracts]]
        id = "no-cycles"
        type = "acyclic"
        packages = ["app"]
        ignore = [
            "app.b -> app.a.*",
            "app.a.two -> app.a.one",
        ]
    """)
    report = project.check()
    assert rows(report) == []
    assert report.diagnostics == (Diagnostic(
        kind="unmatched-ignore", path="contracts/contracts.toml", line=7,
        message="contract 'no-cycles': ignore entry 'app.a.two -> app.a.one' matches no "
                "import; remove it",
    ),)
    assert report.exit_code == 1


# -- severity ---------------------------------------------------------------------------------


def test_warning_severity_reports_but_does_not_fail_the_run(project):
    project.settings(["app"]).files(TWO_CYCLE).contracts(contract(extra='severity = "warning"'))
    report = project.check()
    assert rows(report) == [("app.b", "app.a.one", "app/b.py", 2)]
    assert result(report).status == "broken"
    assert report.exit_code == 0


# -- configuration errors ---------------------------------------------------------------------


def test_package_matching_nothing_is_a_config_error(project):
    project.settings(["app"]).files(TWO_CYCLE).contracts(contract('["app", "app.*.nope"]'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("'app.*.nope' matches no module", file="contracts/contracts.toml", line=1,
                contract_id="no-cycles", key="packages"),
    )


def test_strongly_connected_components_agree_with_reachability():
    rng = random.Random(17)
    for _ in range(200):
        nodes = [f"n{i}" for i in range(rng.randint(1, 12))]
        edges = {a: {b for b in nodes if b != a and rng.random() < 0.2} for a in nodes}
        reach = {a: _reachable(edges, a) for a in nodes}
        component = _components(edges)
        for a in nodes:
            for b in nodes:
                assert (component[a] == component[b]) == (b in reach[a] and a in reach[b])


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, pending = {start}, [start]
    while pending:
        for following in edges[pending.pop()] - seen:
            seen.add(following)
            pending.append(following)
    return seen


def test_the_result_lists_every_dependency_on_a_cycle(project):
    project.settings(["app"]).files({
        **TWO_CYCLE, "app/c.py": "import app.a.two\n",  # c is on no cycle
    }).contracts(contract())
    cycles = result(project.check()).cycles
    assert [(c.package, c.importer, c.imported, c.hop.path, c.hop.line) for c in cycles] == [
        ("app", "app.a", "app.b", "app/a/one.py", 1),
        ("app", "app.b", "app.a", "app/b.py", 2),
    ]
