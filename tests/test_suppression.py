"""Inline suppression: `# archlint: ignore[contract-id]` on an import statement accepts that
statement's violations of the contract; they are reported as suppressed and never fail the
run, and a comment that suppresses nothing is an `unmatched-suppression` diagnostic."""

from __future__ import annotations

import json

from conftest import rows

CONTRACTS = """
    [[contracts]]
    id = "ui-no-db"
    name = "The UI never touches the database"
    type = "forbidden"
    source_modules = ["app.ui"]
    forbidden_modules = ["app.db"]

    [[contracts]]
    id = "no-cycles"
    type = "acyclic"
    packages = ["app"]
"""


def suppressed(report) -> list[tuple]:
    return [(r.id, v.importer, v.imported, v.path, v.line)
            for r in report.results for v in r.suppressed]


def diagnostics(report) -> list[tuple]:
    return [(d.kind, d.path, d.line, d.severity, d.message) for d in report.diagnostics]


def test_a_comment_naming_the_contract_suppresses_the_violation(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/db.py": "",
        "app/ui.py": "import app.db  # archlint: ignore[ui-no-db]  reviewed: read-only report\n"
                     "from app import db\n",
    }).contracts(CONTRACTS)
    report = project.check()
    assert rows(report) == [("app.ui", "app.db", "app/ui.py", 2)]
    assert suppressed(report) == [("ui-no-db", "app.ui", "app.db", "app/ui.py", 1)]
    assert (report.summary.violations, report.summary.suppressed) == (1, 1)

    project.files({"app/ui.py": "import app.db  # archlint: ignore[ui-no-db]\n"})
    result = project.cli("check")
    assert (result.code, result.out) == (0, (
        "✓ ui-no-db  The UI never touches the database\n"
        "  not shown: 1 suppressed by a comment (--show-baselined lists them)\n"
        "✓ no-cycles  no-cycles\n"
        "2 contracts: 2 kept, 0 broken · 0 violations (0 new, 0 baselined) · 1 suppressed\n"))
    listed = project.cli("check", "--show-baselined")
    assert listed.out.splitlines()[1:4] == [
        "  app/ui.py:1  app.ui -> app.db  (suppressed)",
        "      import app.db  # archlint: ignore[ui-no-db]",
        "      app.ui imports app.db, which it is forbidden to use",
    ]
    data = json.loads(project.cli("check", "--format", "json").out)
    [contract, _] = data["contracts"]
    assert (contract["status"], contract["violations"]) == ("kept", [])
    assert [(v["importer"], v["line"]) for v in contract["suppressed"]] == [("app.ui", 1)]
    assert data["summary"]["suppressed"] == 1

    # a baseline never records what a comment accepts
    assert project.cli("baseline").out == (
        "baseline written to contracts/baseline.json: 0 violations and 0 diagnostics recorded\n")


def test_a_bare_comment_suppresses_every_contract_and_any_line_of_the_statement_counts(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/db.py": "",
        "app/ui.py": "import app.db  # archlint: ignore\n",
        "app/admin.py": "from app.db import (\n    connect,  # archlint: ignore[ui-no-db]\n)\n",
    }).contracts("""
        [[contracts]]
        id = "ui-no-db"
        type = "forbidden"
        source_modules = ["app.ui", "app.admin"]
        forbidden_modules = ["app.db"]

        [[contracts]]
        id = "ui-alone"
        type = "forbidden"
        source_modules = ["app.ui"]
        forbidden_modules = ["app.db", "app.admin"]
    """)
    report = project.check()
    assert (rows(report), diagnostics(report)) == ([], [])
    assert suppressed(report) == [
        ("ui-no-db", "app.admin", "app.db", "app/admin.py", 1),
        ("ui-no-db", "app.ui", "app.db", "app/ui.py", 1),
        ("ui-alone", "app.ui", "app.db", "app/ui.py", 1),
    ]


def test_a_chain_is_suppressed_at_the_statement_it_is_reported_at(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/db.py": "",
        "app/service.py": "import app.db  # archlint: ignore[ui-no-db]\n",
        "app/ui.py": "import app.service  # archlint: ignore[ui-no-db]\n",
    }).contracts(CONTRACTS)
    report = project.check()
    assert suppressed(report) == [("ui-no-db", "app.ui", "app.db", "app/ui.py", 1)]
    # the comment in service.py accepts nothing: service.py's import of db breaks no rule
    assert diagnostics(report) == [
        ("unmatched-suppression", "app/service.py", 1, "error",
         "app.service: `# archlint: ignore[ui-no-db]` suppresses no violation of this import; "
         "remove 'ui-no-db' from it"),
    ]
    assert report.exit_code == 1


def test_comments_that_suppress_nothing_or_name_no_contract(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/db.py": "",
        "app/ui.py": "import app.db  # archlint: ignore[ui-no-db, ui-no-bd, no-cycles]\n"
                     "import os  # archlint: ignore\n",
    }).contracts(CONTRACTS)
    report = project.check()
    assert suppressed(report) == [("ui-no-db", "app.ui", "app.db", "app/ui.py", 1)]
    assert diagnostics(report) == [
        ("unmatched-suppression", "app/ui.py", 1, "error",
         "app.ui: `# archlint: ignore[no-cycles]` suppresses no violation of this import; "
         "remove 'no-cycles' from it"),
        ("unmatched-suppression", "app/ui.py", 1, "error",
         "app.ui: `# archlint: ignore[ui-no-bd]` names no contract (did you mean 'ui-no-db'?)"),
        ("unmatched-suppression", "app/ui.py", 2, "error",
         "app.ui: `# archlint: ignore` suppresses no violation of this import; remove it"),
    ]
    result = project.cli("check")
    assert result.code == 1
    assert result.out.endswith(" · 1 suppressed · 3 unmatched suppressions\n")
    # a baseline does not record them: the comment is fixed instead
    project.cli("baseline")
    assert project.cli("check").code == 1

    # checking one contract judges only the comments that name it
    only = project.check(contract_ids=["ui-no-db"])
    assert diagnostics(only) == []
    cycles = project.check(contract_ids=["no-cycles"])
    assert [d.message for d in cycles.diagnostics] == [
        "app.ui: `# archlint: ignore[no-cycles]` suppresses no violation of this import; "
        "remove 'no-cycles' from it"]


def test_a_comment_added_on_a_later_line_of_a_statement_reaches_a_cached_check(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/db.py": "",
        "app/ui.py": "from app.db import (\n    connect,\n)\n",
    }).contracts(CONTRACTS)
    assert project.cli("check").code == 1
    project.files({"app/ui.py": "from app.db import (\n    connect,  # archlint: ignore\n)\n"})
    assert project.cli("check").code == 0
