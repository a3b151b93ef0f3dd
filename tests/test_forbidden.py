"""`forbidden`: source modules do not import forbidden modules, directly or through a chain."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import chains, rows

from archlint.errors import ConfigError, Problem
from archlint.model import Diagnostic

CONTRACT = """
    [[contracts]]
    id = "no-db"
    type = "forbidden"
    source_modules = {source}
    forbidden_modules = {forbidden}
    {extra}
"""


def contract(source: str = '["app.ui"]', forbidden: str = '["app.db"]', extra: str = "") -> str:
    return CONTRACT.format(source=source, forbidden=forbidden, extra=extra)


def result(report, contract_id: str = "no-db"):
    (found,) = [r for r in report.results if r.id == contract_id]
    return found


# -- kept -------------------------------------------------------------------------------------


def test_kept_when_source_does_not_reach_forbidden(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.service\n",
        "app/service.py": "",
        "app/db.py": "import app.service\n",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == []
    assert result(report).status == "kept"
    assert report.diagnostics == ()
    assert report.exit_code == 0


def test_forbidden_importing_source_is_not_a_violation(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "",
        "app/db.py": "import app.ui\n",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


# -- direct -----------------------------------------------------------------------------------


def test_direct_import_is_one_violation_with_path_line_and_message(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import os\n\nfrom app import db\n",
        "app/db.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [("app.ui", "app.db", "app/ui.py", 3)]
    assert chains(report) == [[("app.ui", "app.db", "app/ui.py", 3)]]
    (violation,) = result(report).violations
    assert violation.message == "app.ui imports app.db, which it is forbidden to use"
    assert violation.line_contents == "from app import db"
    assert violation.is_indirect is False
    assert result(report).status == "broken"
    assert report.exit_code == 1


def test_two_import_statements_of_one_pair_are_two_violations(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.db\n\n\ndef f():\n    import app.db as database\n",
        "app/db.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [
        ("app.ui", "app.db", "app/ui.py", 1),
        ("app.ui", "app.db", "app/ui.py", 5),
    ]
    assert chains(report) == [
        [("app.ui", "app.db", "app/ui.py", 1)],
        [("app.ui", "app.db", "app/ui.py", 5)],
    ]


def test_descendants_of_source_and_forbidden_are_covered(project):
    # app/ui/widgets has no __init__.py: its modules are still in the graph.
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "",
        "app/ui/widgets/button.py": "x = 1\nfrom app.db.models import user\n",
        "app/db/__init__.py": "",
        "app/db/models/user.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [
        ("app.ui.widgets.button", "app.db.models.user", "app/ui/widgets/button.py", 2),
    ]


# -- indirect ---------------------------------------------------------------------------------


def test_indirect_import_is_reported_with_every_hop(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.service\n",
        "app/service.py": "# -\nimport app.repo\n",
        "app/repo.py": "# -\n# -\nimport app.db\n",
        "app/db.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [("app.ui", "app.db", "app/ui.py", 1)]
    assert chains(report) == [[
        ("app.ui", "app.service", "app/ui.py", 1),
        ("app.service", "app.repo", "app/service.py", 2),
        ("app.repo", "app.db", "app/repo.py", 3),
    ]]
    (violation,) = result(report).violations
    assert violation.is_indirect is True
    assert violation.message == (
        "app.ui depends on app.db through a chain of imports; it is forbidden to use it")
    assert report.exit_code == 1


def test_indirect_violation_shows_the_shortest_chain(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.long1\nimport app.short\n",
        "app/long1.py": "import app.long2\n",
        "app/long2.py": "import app.db\n",
        "app/short.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract())
    report = project.check()
    assert chains(report) == [[
        ("app.ui", "app.short", "app/ui.py", 2),
        ("app.short", "app.db", "app/short.py", 1),
    ]]


def test_chain_hop_uses_first_line_of_a_link_imported_twice(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "# -\nimport app.service\nimport app.service as s\n",
        "app/service.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract())
    report = project.check()
    assert chains(report) == [[
        ("app.ui", "app.service", "app/ui.py", 2),
        ("app.service", "app.db", "app/service.py", 1),
    ]]


def test_each_source_module_with_a_chain_is_its_own_violation(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "",
        "app/ui/a.py": "import app.service\n",
        "app/ui/b.py": "import app.db\n",
        "app/service.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [
        ("app.ui.a", "app.db", "app/ui/a.py", 1),
        ("app.ui.b", "app.db", "app/ui/b.py", 1),
    ]
    assert chains(report) == [
        [("app.ui.a", "app.service", "app/ui/a.py", 1),
         ("app.service", "app.db", "app/service.py", 1)],
        [("app.ui.b", "app.db", "app/ui/b.py", 1)],
    ]


def test_chain_inside_the_source_package_is_reported_from_the_module_that_imports(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "",
        "app/ui/page.py": "import app.ui.helpers\n",
        "app/ui/helpers.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract())
    report = project.check()
    assert rows(report) == [("app.ui.helpers", "app.db", "app/ui/helpers.py", 1)]


def test_pair_imported_directly_and_through_a_chain_is_reported_both_ways(project):
    # Deleting the direct import alone would not keep the contract: the chain is reported too.
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.service\nimport app.db\n",
        "app/service.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract())
    report = project.check()
    assert chains(report) == [
        [("app.ui", "app.service", "app/ui.py", 1), ("app.service", "app.db", "app/service.py", 1)],
        [("app.ui", "app.db", "app/ui.py", 2)],
    ]


def test_indirect_violation_names_the_forbidden_module_and_is_one_per_importer(project):
    # ui reaches three modules of the forbidden package through service: one violation.
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.service\n",
        "app/service.py": "import app.db.read\nimport app.db.write\nimport app.db\n",
        "app/db/__init__.py": "",
        "app/db/read.py": "",
        "app/db/write.py": "",
    }).contracts(contract())
    (violation,) = result(project.check()).violations
    assert (violation.importer, violation.imported) == ("app.ui", "app.db")
    assert [(h.importer, h.imported, h.line) for h in violation.chain] == [
        ("app.ui", "app.service", 1), ("app.service", "app.db", 3)]
    assert violation.message == ("app.ui depends on app.db through a chain of imports; "
                                 "it is forbidden to use it")


# -- allow_indirect ---------------------------------------------------------------------------


def test_allow_indirect_reports_only_direct_imports(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "",
        "app/ui/a.py": "import app.service\n",
        "app/ui/b.py": "# -\nimport app.db\n",
        "app/service.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract(extra="allow_indirect = true"))
    report = project.check()
    assert rows(report) == [("app.ui.b", "app.db", "app/ui/b.py", 2)]
    assert chains(report) == [[("app.ui.b", "app.db", "app/ui/b.py", 2)]]
    assert result(report).violations[0].message == (
        "app.ui.b imports app.db, which it is forbidden to use")


def test_allow_indirect_keeps_a_contract_broken_only_through_a_chain(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.service\n",
        "app/service.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract(extra="allow_indirect = true"))
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_allow_indirect_still_reports_each_statement(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.db\nimport app.db as d\n",
        "app/db/__init__.py": "",
        "app/db/engine.py": "",
    }).contracts(contract(extra="allow_indirect = true"))
    report = project.check()
    assert rows(report) == [
        ("app.ui", "app.db", "app/ui.py", 1),
        ("app.ui", "app.db", "app/ui.py", 2),
    ]


# -- module expressions -----------------------------------------------------------------------


def test_single_star_matches_exactly_one_segment(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/db.py": "",
        "app/views.py": "import app.db\n",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "import app.db\n",
        "app/blog/views.py": "# -\nimport app.db\n",
        "app/blog/deep/views.py": "import app.db\n",
    }).contracts(contract(source='["app.*.views"]'))
    report = project.check()
    assert rows(report) == [
        ("app.blog.views", "app.db", "app/blog/views.py", 2),
        ("app.shop.views", "app.db", "app/shop/views.py", 1),
    ]


def test_double_star_matches_zero_or_more_segments(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/db.py": "",
        "app/views.py": "import app.db\n",
        "app/shop/__init__.py": "",
        "app/shop/views.py": "# -\nimport app.db\n",
        "app/blog/deep/views.py": "# -\n# -\nimport app.db\n",
        "app/blog/deep/other.py": "import app.db\n",
    }).contracts(contract(source='["app.**.views"]'))
    report = project.check()
    assert rows(report) == [
        ("app.blog.deep.views", "app.db", "app/blog/deep/views.py", 3),
        ("app.shop.views", "app.db", "app/shop/views.py", 2),
        ("app.views", "app.db", "app/views.py", 1),
    ]


def test_trailing_double_star_matches_the_package_itself(project):
    project.settings(["app", "lib"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import lib\n",
        "lib/__init__.py": "",
        "lib/core.py": "",
    }).contracts(contract(source='["app.**"]', forbidden='["lib.**"]'))
    report = project.check()
    assert rows(report) == [("app.ui", "lib", "app/ui.py", 1)]


# -- external packages ------------------------------------------------------------------------


def test_external_package_is_reported_directly_and_through_a_chain(project):
    project.settings(["app"], include_external_packages=True).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.service\n",
        "app/service.py": "import os\nfrom json import decoder\n",
    }).contracts(contract(source='["app.ui", "app.service"]', forbidden='["json"]'))
    report = project.check()
    assert rows(report) == [
        ("app.service", "json", "app/service.py", 2),
        ("app.ui", "json", "app/ui.py", 1),
    ]
    assert chains(report) == [
        [("app.service", "json", "app/service.py", 2)],
        [("app.ui", "app.service", "app/ui.py", 1),
         ("app.service", "json", "app/service.py", 2)],
    ]


def test_external_package_imported_nowhere_keeps_the_contract(project):
    project.settings(["app"], include_external_packages=True).files({
        "app/__init__.py": "",
        "app/ui.py": "import json\n",
    }).contracts(contract(source='["app.ui"]', forbidden='["requests"]'))
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_external_forbidden_module_needs_external_packages_in_the_graph(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import requests\n",
    }).contracts(contract(source='["app.ui"]', forbidden='["requests"]'))
    with pytest.raises(ConfigError) as error:
        project.check()
    assert [str(p) for p in error.value.problems] == [
        "contracts/contracts.toml:1: contract 'no-db', key 'forbidden_modules': "
        "'requests' is outside the root packages; set include_external_packages = true to "
        "check imports of external packages"]


def test_a_module_inside_an_external_package_is_matched_against_what_statements_import(
        project):
    """The graph holds an external package as one module (`sqlalchemy`), as grimp does; a
    forbidden module inside it is matched against the name each statement imports."""
    project.settings(["app"], include_external_packages=True).files({
        "app/__init__.py": "",
        "app/db.py": "import sqlalchemy\nfrom sqlalchemy.orm import Session\n",
        "app/web/__init__.py": "",
        "app/web/views.py": "import app.db\nimport os\n",
        "app/web/forms.py": ("from sqlalchemy import orm\nimport os.path\nfrom os import path\n"
                             "from os.path import join\nimport sqlalchemy.sql\n"),
    }).contracts(contract(source='["app.web"]', forbidden='["sqlalchemy.orm", "os.path"]'))
    report = project.check()
    assert [(v.importer, v.imported, v.path, v.line) for v in result(report).violations] == [
        ("app.web.forms", "sqlalchemy.orm", "app/web/forms.py", 1),
        ("app.web.forms", "os.path", "app/web/forms.py", 2),
        ("app.web.forms", "os.path", "app/web/forms.py", 3),
        ("app.web.forms", "os.path", "app/web/forms.py", 4),
        ("app.web.views", "sqlalchemy.orm", "app/web/views.py", 1),
    ]
    assert chains(report)[-1] == [
        ("app.web.views", "app.db", "app/web/views.py", 1),
        ("app.db", "sqlalchemy.orm", "app/db.py", 2),
    ]
    assert result(report).violations[-1].message == (
        "app.web.views depends on sqlalchemy.orm through a chain of imports; it is forbidden "
        "to use it")


def test_a_whole_external_package_is_still_the_graph_module(project):
    project.settings(["app"], include_external_packages=True).files({
        "app/__init__.py": "", "app/ui.py": "from sqlalchemy.orm import Session\n",
    }).contracts(contract(source='["app.ui"]', forbidden='["sqlalchemy"]'))
    assert rows(project.check()) == [("app.ui", "sqlalchemy", "app/ui.py", 1)]


def test_a_wildcard_is_one_named_module_for_indirect_violations(project):
    """`pkg.plugins.*` behind a registry `__init__` that imports every plugin: each importer
    of the registry is one violation, not one per plugin (300 importers and 300 plugins
    were 90,000 violations)."""
    count = 300
    files = {"app/__init__.py": "", "app/users/__init__.py": "",
             "app/plugins/__init__.py": "".join(
                 f"import app.plugins.p{n:03}\n" for n in range(count))}
    files.update({f"app/plugins/p{n:03}.py": "" for n in range(count)})
    files.update({f"app/users/u{n:03}.py": "import app.plugins\n" for n in range(count)})
    files["app/users/direct.py"] = "import app.plugins.p007\n"
    project.settings(["app"]).files(files).contracts(
        contract(source='["app.users"]', forbidden='["app.plugins.*"]'))
    violations = result(project.check()).violations
    assert len(violations) == count + 1
    assert [(v.importer, v.imported, v.line) for v in violations[:2]] == [
        ("app.users.direct", "app.plugins.p007", 1), ("app.users.u000", "app.plugins.*", 1)]
    assert [(h.importer, h.imported) for h in violations[1].chain] == [
        ("app.users.u000", "app.plugins"), ("app.plugins", "app.plugins.p000")]


# -- ignore -----------------------------------------------------------------------------------


def test_ignore_entry_names_exact_modules(project):
    """Like import-linter's ignore_imports: `app.ui -> app.db` is the import of app.db by
    app.ui, not the imports between their descendants."""
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "import app.db\n",
        "app/ui/widgets/button.py": "from app.db.models import user\n",
        "app/db/__init__.py": "",
        "app/db/models/user.py": "",
    }).contracts(contract(extra='ignore = ["app.ui -> app.db"]'))
    report = project.check()
    assert rows(report) == [
        ("app.ui.widgets.button", "app.db.models.user", "app/ui/widgets/button.py", 1)]
    assert report.diagnostics == ()


def test_double_star_in_an_ignore_entry_adds_descendants(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "import app.db\n",
        "app/ui/widgets/button.py": "from app.db.models import user\n",
        "app/db/__init__.py": "",
        "app/db/models/user.py": "",
    }).contracts(contract(extra='ignore = ["app.ui.** -> app.db.**"]'))
    report = project.check()
    assert rows(report) == []
    assert report.diagnostics == ()
    assert report.exit_code == 0


def test_ignore_entry_removes_only_the_imports_it_names(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "",
        "app/ui/legacy.py": "import app.db\n",
        "app/ui/new.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract(extra='ignore = ["app.ui.legacy -> app.db"]'))
    report = project.check()
    assert rows(report) == [("app.ui.new", "app.db", "app/ui/new.py", 1)]


def test_ignoring_a_link_of_a_chain_breaks_the_chain(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.service\n",
        "app/service.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract(extra='ignore = ["app.service -> app.db"]'))
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_ignoring_a_direct_import_still_reports_the_chain_that_remains(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.db\nimport app.service\n",
        "app/service.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract(extra='ignore = ["app.ui -> app.db"]'))
    report = project.check()
    assert chains(report) == [[
        ("app.ui", "app.service", "app/ui.py", 2),
        ("app.service", "app.db", "app/service.py", 1),
    ]]


def test_ignore_entry_applies_only_to_its_own_contract(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.db\n",
        "app/db.py": "",
    }).contracts("""
        [[contracts]]
        id = "lenient"
        type = "forbidden"
        source_modules = ["app.ui"]
        forbidden_modules = ["app.db"]
        ignore = ["app.ui -> app.db"]

        [[contracts]]
        id = "strict"
        type = "forbidden"
        source_modules = ["app.ui"]
        forbidden_modules = ["app.db"]
    """)
    report = project.check()
    assert rows(report, "lenient") == []
    assert rows(report, "strict") == [("app.ui", "app.db", "app/ui.py", 1)]
    assert [(r.id, r.status) for r in report.results] == [
        ("lenient", "kept"), ("strict", "broken")]


def test_unmatched_ignore_entry_is_a_diagnostic_at_its_line(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "",
        "app/service.py": "",
        "app/db.py": "import app.ui\n",
    }).contracts("""
        [[contracts]]
        id = "no-db"
        type = "forbidden"
        source_modules = ["app.ui"]
        forbidden_modules = ["app.db"]
        ignore = [
            "app.db -> app.ui",
            "app.service -> app.db",
        ]
    """)
    report = project.check()
    assert rows(report) == []
    assert result(report).status == "kept"
    assert report.diagnostics == (Diagnostic(
        kind="unmatched-ignore", path="contracts/contracts.toml", line=8,
        message="contract 'no-db': ignore entry 'app.service -> app.db' matches no import; "
                "remove it",
    ),)
    assert report.exit_code == 1


# -- severity ---------------------------------------------------------------------------------


def test_warning_severity_reports_but_does_not_fail_the_run(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.db\n",
        "app/db.py": "",
    }).contracts(contract(extra='severity = "warning"'))
    report = project.check()
    assert rows(report) == [("app.ui", "app.db", "app/ui.py", 1)]
    assert result(report).status == "broken"
    assert result(report).severity == "warning"
    assert report.exit_code == 0


# -- configuration errors ---------------------------------------------------------------------


def test_expressions_matching_no_module_are_config_errors(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "",
    }).contracts(contract(source='["app.ui", "app.nope.*"]', forbidden='["app.db"]'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("'app.nope.*' matches no module", file="contracts/contracts.toml", line=1,
                contract_id="no-db", key="source_modules"),
        Problem("'app.db' matches no module", file="contracts/contracts.toml", line=1,
                contract_id="no-db", key="forbidden_modules"),
    )


def test_ignore_side_matching_no_module_is_a_config_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "",
        "app/db.py": "",
    }).contracts(contract(extra='ignore = ["app.ui -> app.gone"]'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("'app.ui -> app.gone': 'app.gone' matches no module",
                file="contracts/contracts.toml", line=1, contract_id="no-db", key="ignore"),
    )


def test_overlapping_source_and_forbidden_modules_are_skipped_pairwise(project):
    """As in import-linter: two stacks that may not import each other are listed on both
    sides; a module is never forbidden from importing itself or what it contains."""
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/torch/__init__.py": "from app.torch import nn\n",
        "app/torch/nn.py": "import app.jax\n",
        "app/jax/__init__.py": "",
        "app/jax/ops.py": "import app.jax\n",
    }).contracts(contract(source='["app.torch", "app.jax"]', forbidden='["app.jax", "app.torch"]'))
    report = project.check()
    assert rows(report) == [("app.torch.nn", "app.jax", "app/torch/nn.py", 1)]


def test_a_wildcard_forbidden_module_may_match_a_source_module(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "",
        "app/ui/widgets.py": "import app.ui\nimport app.db\n",
        "app/db.py": "",
    }).contracts(contract(source='["app.ui"]', forbidden='["app.*"]'))
    report = project.check()
    assert rows(report) == [("app.ui.widgets", "app.db", "app/ui/widgets.py", 2)]


def test_a_source_inside_another_is_checked_for_what_the_outer_one_may_import(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.db\n",
        "app/db.py": "import app.ui\n",
    }).contracts(contract(source='["app", "app.ui"]', forbidden='["app.db"]'))
    report = project.check()
    assert rows(report) == [("app.ui", "app.db", "app/ui.py", 1)]


def test_a_forbidden_module_inside_the_source_is_skipped(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "from app.ui import widgets\n",
        "app/ui/widgets.py": "",
    }).contracts(contract(source='["app.ui"]', forbidden='["app.ui.widgets"]'))
    report = project.check()
    assert rows(report) == []
    assert report.exit_code == 0


def test_as_packages_false_names_the_modules_without_their_descendants(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui/__init__.py": "import app.db.models\nimport app.db\n",
        "app/ui/widgets.py": "import app.db\n",
        "app/ui/forms.py": "import app.db\n",
        "app/db/__init__.py": "",
        "app/db/models.py": "",
    }).contracts(contract(source='["app.ui"]', forbidden='["app.db"]',
                          extra="as_packages = false\nallow_indirect = true"))
    report = project.check()
    assert rows(report) == [("app.ui", "app.db", "app/ui/__init__.py", 2)]
    project.contracts(contract(source='["app.ui"]', forbidden='["app.db"]',
                               extra="as_packages = false"))
    report = project.check()
    assert rows(report) == [("app.ui", "app.db", "app/ui/__init__.py", 2)]
    project.files({"app/ui/__init__.py": "from app.ui import forms\n"})
    report = project.check()
    assert chains(report) == [[("app.ui", "app.ui.forms", "app/ui/__init__.py", 1),
                               ("app.ui.forms", "app.db", "app/ui/forms.py", 1)]]


def test_config_error_is_exit_code_2_naming_file_contract_and_key(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "",
    }).contracts(contract())
    outcome = project.cli("check", "--no-cache")
    assert outcome.code == 2
    assert outcome.out == ""
    assert outcome.err == (
        "archlint: error: contracts/contracts.toml:1: contract 'no-db', "
        "key 'forbidden_modules': 'app.db' matches no module\n")


# -- the CLI end to end -----------------------------------------------------------------------

BROKEN_PROJECT = {
    "app/__init__.py": "",
    "app/ui.py": "import app.service\nfrom app import db\n",
    "app/service.py": "import os\nimport app.db\n",
    "app/db.py": "",
    "app/extra/tool.py": "",
}

TWO_CONTRACTS = """
    [[contracts]]
    id = "no-db"
    name = "UI does not touch the database"
    type = "forbidden"
    description = "Go through app.service."
    source_modules = ["app.ui"]
    forbidden_modules = ["app.db"]
    allow_indirect = true

    [[contracts]]
    id = "tools-alone"
    name = "Tools stay alone"
    type = "forbidden"
    source_modules = ["app.extra"]
    forbidden_modules = ["app.db"]
    ignore = ["app.extra -> app.ui"]
"""


def test_cli_text_output_of_a_broken_project(project):
    project.settings(["app"]).files(BROKEN_PROJECT).contracts(TWO_CONTRACTS)
    outcome = project.cli("check", "--no-cache")
    assert outcome.code == 1
    assert outcome.err == ""
    assert outcome.out == (
        "✗ no-db  UI does not touch the database\n"
        "  Go through app.service.\n"
        "  app/ui.py:2  app.ui -> app.db\n"
        "      from app import db\n"
        "      app.ui imports app.db, which it is forbidden to use\n"
        "✓ tools-alone  Tools stay alone\n"
        "diagnostics\n"
        "  contracts/contracts.toml:16  unmatched-ignore  contract 'tools-alone': ignore entry "
        "'app.extra -> app.ui' matches no import; remove it\n"
        "2 contracts: 1 kept, 1 broken · 1 violation (1 new, 0 baselined) · "
        "1 unmatched ignore entry\n"
    )


def test_cli_text_output_shows_the_chain_of_an_indirect_violation(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/ui.py": "import app.service\n",
        "app/service.py": "import os\nimport app.db\n",
        "app/db.py": "",
    }).contracts("""
        [[contracts]]
        id = "no-db"
        name = "UI does not touch the database"
        type = "forbidden"
        source_modules = ["app.ui"]
        forbidden_modules = ["app.db"]
    """)
    outcome = project.cli("check", "--no-cache")
    assert outcome.code == 1
    assert outcome.out == (
        "✗ no-db  UI does not touch the database\n"
        "  app/ui.py:1  app.ui -> app.db\n"
        "      app.ui depends on app.db through a chain of imports; it is forbidden to use it\n"
        "      app.ui -> app.service  app/ui.py:1  import app.service\n"
        "      app.service -> app.db  app/service.py:2  import app.db\n"
        "1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined)\n"
    )


def test_cli_json_output_of_a_broken_project(project):
    project.settings(["app"]).files(BROKEN_PROJECT).contracts(TWO_CONTRACTS)
    outcome = project.cli("check", "--no-cache", "--format", "json")
    assert outcome.code == 1
    assert outcome.err == ""
    data = json.loads(outcome.out)
    fingerprint = hashlib.sha256(b"no-db\x1fapp.ui\x1fapp.db\x1f").hexdigest()[:20]
    assert data == {
        "schema_version": 1,
        "archlint_version": "0.1.0",
        "summary": {"contracts": 2, "kept": 1, "broken": 1, "violations": 1, "new": 1,
                    "baselined": 0, "fixed": 0, "suppressed": 0, "baselined_diagnostics": 0},
        "baselined_listed": False,
        "contracts": [
            {
                "id": "no-db",
                "name": "UI does not touch the database",
                "type": "forbidden",
                "description": "Go through app.service.",
                "severity": "error",
                "status": "broken",
                "violations": [{
                    "importer": "app.ui",
                    "imported": "app.db",
                    "symbol": None,
                    "path": "app/ui.py",
                    "line": 2,
                    "line_contents": "from app import db",
                    "chain": [{"importer": "app.ui", "imported": "app.db", "path": "app/ui.py",
                               "line": 2, "line_contents": "from app import db",
                               "in_function": False, "type_checking_only": False}],
                    "message": "app.ui imports app.db, which it is forbidden to use",
                    "fix": None,
                    "fingerprint": fingerprint,
                    "baselined": False,
                }],
                "baselined_violations": 0,
                "suppressed": [],
            },
            {
                "id": "tools-alone",
                "name": "Tools stay alone",
                "type": "forbidden",
                "description": "",
                "severity": "error",
                "status": "kept",
                "violations": [],
                "baselined_violations": 0,
                "suppressed": [],
            },
        ],
        "diagnostics": [{
            "kind": "unmatched-ignore",
            "severity": "error",
            "path": "contracts/contracts.toml",
            "line": 16,
            "message": "contract 'tools-alone': ignore entry 'app.extra -> app.ui' matches no "
                       "import; remove it",
            "fingerprint": hashlib.sha256(
                b"unmatched-ignore\x1fcontracts/contracts.toml\x1fcontract 'tools-alone': ignore "
                b"entry 'app.extra -> app.ui' matches no import; remove it"
            ).hexdigest()[:20],
            "baselined": False,
        }],
        "fixed": [],
    }


def test_a_chain_stops_at_the_first_forbidden_module(project):
    # Found by the oracle property: the chain on through one forbidden module to another
    # was reported as a second violation.
    project.settings(["app"]).files({
        "app/__init__.py": "import app.db\n",
        "app/db.py": "import app.cache\n",
        "app/cache.py": "",
        "app/ui.py": "import app\n",
    }).contracts(contract(forbidden='["app.db", "app.cache"]'))
    assert chains(project.check()) == [
        [("app.ui", "app", "app/ui.py", 1), ("app", "app.db", "app/__init__.py", 1)]]


def test_every_source_module_with_a_chain_is_a_violation_even_when_chains_share_their_end(project):
    # Found by the oracle property: the README's tour lost app.low.other -> app.orphan.
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/db.py": "",
        "app/hub.py": "import app.db\n",
        "app/helper.py": "import app.hub\n",
        "app/ui/__init__.py": "import app.hub\n",
        "app/ui/deep.py": "import app.helper\n",
    }).contracts(contract())
    assert rows(project.check()) == [
        ("app.ui", "app.db", "app/ui/__init__.py", 1),
        ("app.ui.deep", "app.db", "app/ui/deep.py", 1),
    ]


def test_sources_named_by_a_wildcard_are_one_source_for_chains(project):
    # app.domain.a reaches app.web only through app.domain.b, another source: the link to
    # cut is b's import, reported once, as with source_modules = ["app.domain"].
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/domain/__init__.py": "",
        "app/domain/a.py": "import app.domain.b\n",
        "app/domain/b.py": "import app.web\n",
        "app/web.py": "",
    }).contracts(contract('["app.domain.**"]', '["app.web"]'))
    assert chains(project.check()) == [[("app.domain.b", "app.web", "app/domain/b.py", 1)]]
