"""`independence`: the listed modules do not import each other, directly or through a chain."""

from __future__ import annotations

import pytest
from conftest import chains, rows

from archlint.errors import ConfigError, Problem
from archlint.model import Diagnostic

CONTRACT = """
    [[contracts]]
    id = "apart"
    type = "independence"
    modules = {modules}
    {extra}
"""


def contract(modules: str = '["app.a", "app.b"]', extra: str = "") -> str:
    return CONTRACT.format(modules=modules, extra=extra)


def result(report, contract_id: str = "apart"):
    (found,) = [r for r in report.results if r.id == contract_id]
    return found


def test_kept_when_modules_share_only_a_common_dependency(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.util\n",
        "app/b.py": "import app.util\n",
        "app/util.py": "",
        "app/main.py": "import app.a\nimport app.b\n",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == []
    assert result(report).status == "kept"
    assert report.exit_code == 0


def test_direct_import_is_a_violation_with_message(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import os\nfrom app import b\n",
        "app/b.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [("app.a", "app.b", "app/a.py", 2)]
    assert chains(report) == [[("app.a", "app.b", "app/a.py", 2)]]
    (violation,) = result(report).violations
    assert violation.message == "app.a imports app.b, but app.a and app.b must be independent"
    assert violation.line_contents == "from app import b"
    assert report.exit_code == 1


def test_both_directions_are_violations(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": "# -\nimport app.a\n",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [
        ("app.a", "app.b", "app/a.py", 1),
        ("app.b", "app.a", "app/b.py", 2),
    ]


def test_two_import_statements_of_one_pair_are_two_violations(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.b\n\n\ndef f():\n    import app.b as bee\n",
        "app/b.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [
        ("app.a", "app.b", "app/a.py", 1),
        ("app.a", "app.b", "app/a.py", 5),
    ]


def test_indirect_import_is_a_violation_with_every_hop(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "# -\nimport app.util\n",
        "app/util.py": "import app.helpers\n",
        "app/helpers.py": "# -\n# -\nimport app.b\n",
        "app/b.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [("app.a", "app.b", "app/a.py", 2)]
    assert chains(report) == [[
        ("app.a", "app.util", "app/a.py", 2),
        ("app.util", "app.helpers", "app/util.py", 1),
        ("app.helpers", "app.b", "app/helpers.py", 3),
    ]]
    assert result(report).violations[0].message == (
        "app.a depends on app.b, but app.a and app.b must be independent")


def test_indirect_violation_shows_the_shortest_chain(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.long1\nimport app.short\n",
        "app/long1.py": "import app.long2\n",
        "app/long2.py": "import app.b\n",
        "app/short.py": "import app.b\n",
        "app/b.py": "",
    }).contracts(contract())
    report = project.check()
    assert chains(report) == [[
        ("app.a", "app.short", "app/a.py", 2),
        ("app.short", "app.b", "app/short.py", 1),
    ]]


def test_descendants_are_covered_and_named_in_the_message(project):
    # app/a/inner and app/b/deep have no __init__.py: their modules are still in the graph.
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a/__init__.py": "",
        "app/a/inner/x.py": "import app.b.deep.y\n",
        "app/b/__init__.py": "",
        "app/b/deep/y.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [("app.a.inner.x", "app.b.deep.y", "app/a/inner/x.py", 1)]
    assert result(report).violations[0].message == (
        "app.a.inner.x imports app.b.deep.y, but app.a and app.b must be independent")


def test_three_modules_every_pair_is_checked(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.util\n",
        "app/b.py": "",
        "app/c.py": "import app.a\n",
        "app/util.py": "import app.b\n",
    }).contracts(contract('["app.a", "app.b", "app.c"]'))
    report = project.check()
    assert rows(report) == [
        ("app.a", "app.b", "app/a.py", 1),
        ("app.c", "app.a", "app/c.py", 1),
    ]
    assert chains(report) == [
        [("app.a", "app.util", "app/a.py", 1), ("app.util", "app.b", "app/util.py", 1)],
        [("app.c", "app.a", "app/c.py", 1)],
    ]


def test_chain_through_a_listed_module_is_reported_as_its_direct_links(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": "import app.c\n",
        "app/c.py": "",
    }).contracts(contract('["app.a", "app.b", "app.c"]'))
    report = project.check()
    assert chains(report) == [
        [("app.a", "app.b", "app/a.py", 1)],
        [("app.b", "app.c", "app/b.py", 1)],
    ]


# -- module expressions -----------------------------------------------------------------------


def test_single_star_makes_every_child_independent(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/plugins/__init__.py": "",
        "app/plugins/one.py": "import app.plugins.two\n",
        "app/plugins/two.py": "import app.core\n",
        "app/plugins/three/main.py": "import app.plugins.one\n",
        "app/core.py": "import app.plugins\n",
    }).contracts(contract('["app.plugins.*"]'))
    report = project.check()
    assert rows(report) == [
        ("app.plugins.one", "app.plugins.two", "app/plugins/one.py", 1),
        ("app.plugins.three.main", "app.plugins.one", "app/plugins/three/main.py", 1),
    ]


def test_double_star_matches_zero_or_more_segments(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/feature.py": "",
        "app/one/feature.py": "import app.feature\n",
        "app/two/sub/feature.py": "import app.util\n",
        "app/util.py": "import app.one.feature\n",
    }).contracts(contract('["app.**.feature"]'))
    report = project.check()
    assert rows(report) == [
        ("app.one.feature", "app.feature", "app/one/feature.py", 1),
        ("app.two.sub.feature", "app.one.feature", "app/two/sub/feature.py", 1),
    ]
    assert chains(report)[1] == [
        ("app.two.sub.feature", "app.util", "app/two/sub/feature.py", 1),
        ("app.util", "app.one.feature", "app/util.py", 1),
    ]


# -- ignore -----------------------------------------------------------------------------------


def test_ignore_entry_covers_descendants_only_where_written(project):
    files = {
        "app/__init__.py": "",
        "app/a/__init__.py": "import app.b\n",
        "app/a/inner/x.py": "import app.b.deep.y\n",
        "app/b/__init__.py": "",
        "app/b/deep/y.py": "",
    }
    project.settings(["app"]).files(files).contracts(contract(extra='ignore = ["app.a -> app.b"]'))
    report = project.check()
    assert rows(report) == [("app.a.inner.x", "app.b.deep.y", "app/a/inner/x.py", 1)]
    project.contracts(contract(extra='ignore = ["app.a.** -> app.b.**"]'))
    report = project.check()
    assert rows(report) == []
    assert report.diagnostics == ()
    assert report.exit_code == 0


def test_ignore_entry_with_a_wildcard(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a/__init__.py": "",
        "app/a/legacy.py": "import app.b\n",
        "app/a/new.py": "import app.b\n",
        "app/b.py": "",
    }).contracts(contract(extra='ignore = ["app.*.legacy -> app.b"]'))
    report = project.check()
    assert rows(report) == [("app.a.new", "app.b", "app/a/new.py", 1)]


def test_unmatched_ignore_entry_is_a_diagnostic_at_its_line(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "",
        "app/b.py": "",
    }).contracts("""
        [[contracts]]
        id = "apart"
        type = "independence"
        modules = ["app.a", "app.b"]
        ignore = ["app.a -> app.b"]
    """)
    report = project.check()
    assert rows(report) == []
    assert report.diagnostics == (Diagnostic(
        kind="unmatched-ignore", path="contracts/contracts.toml", line=5,
        message="contract 'apart': ignore entry 'app.a -> app.b' matches no import; remove it",
    ),)
    assert report.exit_code == 1


# -- severity ---------------------------------------------------------------------------------


def test_warning_severity_reports_but_does_not_fail_the_run(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": "",
    }).contracts(contract(extra='severity = "warning"'))
    report = project.check()
    assert rows(report) == [("app.a", "app.b", "app/a.py", 1)]
    assert result(report).status == "broken"
    assert report.exit_code == 0


# -- configuration errors ---------------------------------------------------------------------


def test_module_matching_nothing_is_a_config_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "",
    }).contracts(contract('["app.a", "app.b"]'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("'app.b' matches no module", file="contracts/contracts.toml", line=1,
                contract_id="apart", key="modules"),
    )


def test_nested_modules_are_a_config_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a/__init__.py": "",
        "app/a/b.py": "",
    }).contracts(contract('["app.a", "app.a.b"]'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("'app.a.b' is inside 'app.a': independent modules cannot nest",
                file="contracts/contracts.toml", line=1, contract_id="apart", key="modules"),
    )


def test_a_single_module_is_a_config_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "",
    }).contracts(contract('["app.a"]'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("name at least two modules", file="contracts/contracts.toml", line=1,
                contract_id="apart", key="modules"),
    )


def test_every_module_with_a_chain_is_a_violation_even_when_chains_share_their_end(project):
    # Found by the oracle property: a chain that joins another one's middle was dropped.
    project.settings(["app"]).files({
        "app/__init__.py": "import app.b\n",
        "app/a.py": "",
        "app/hub.py": "import app.b\n",
        "app/b.py": "",
        "app/d/__init__.py": "import app.hub\n",
        "app/d/deep.py": "import app.d_helper\n",
        "app/d_helper.py": "import app.hub\n",
    }).contracts(contract('["app.d", "app.b"]'))
    assert chains(project.check()) == [
        [("app.d", "app.hub", "app/d/__init__.py", 1), ("app.hub", "app.b", "app/hub.py", 1)],
        [("app.d.deep", "app.d_helper", "app/d/deep.py", 1),
         ("app.d_helper", "app.hub", "app/d_helper.py", 1),
         ("app.hub", "app.b", "app/hub.py", 1)],
    ]


def test_an_indirect_violation_shows_a_shortest_chain_even_when_routes_overlap(project):
    # Found by the oracle property: the chain was built from a longer route's middle.
    project.settings(["app"]).files({
        "app/__init__.py": "import app.x\nimport app.b\n",
        "app/x.py": "import app.b\n",
        "app/b.py": "",
        "app/c.py": "import app\n",
        "app/d/__init__.py": "import app\n",
        "app/d/deep.py": "import app.c\n",
    }).contracts(contract('["app.d", "app.b"]'))
    assert chains(project.check()) == [
        [("app.d", "app", "app/d/__init__.py", 1), ("app", "app.b", "app/__init__.py", 2)],
        [("app.d.deep", "app.c", "app/d/deep.py", 1), ("app.c", "app", "app/c.py", 1),
         ("app", "app.b", "app/__init__.py", 2)],
    ]
