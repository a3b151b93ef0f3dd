"""The CI formats: SARIF 2.1.0 (validated against the official schema) and GitHub workflow
commands (asserted line by line), with new, baselined and fixed entries."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

DATA = Path(__file__).parent / "data"
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

FILES = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/api.py": "class Engine:\n    pass\n",
    "app/core/impl.py": "from app.core.api import Engine\n",
    "app/ui.py": "from app.core.impl import Engine as E\nimport app.service\n",
    "app/service.py": "import app.db\n",
    "app/db.py": "",
    "app/old.py": "import app.db\n",
    "app/bad.py": "def (:\n",
}
CONTRACTS = """
    [[contracts]]
    id = "core-canonical"
    name = "Engine comes from app.core.api"
    type = "canonical"
    description = "One engine, one import path."
    package = "app.core"
    canonical = ["app.core.api"]
    symbols = { Engine = "app.core.api" }

    [[contracts]]
    id = "ui-no-db"
    name = "UI, never the database"
    type = "forbidden"
    severity = "warning"
    source_modules = ["app.ui"]
    forbidden_modules = ["app.db"]

    [[contracts]]
    id = "old-no-db"
    name = "old code, never the database"
    type = "forbidden"
    source_modules = ["app.old"]
    forbidden_modules = ["app.db"]
"""


def ci_project(project):
    """A project whose baseline knows the syntax error and old -> db, and records one entry
    that is gone."""
    project.settings(["app"]).files(FILES).contracts(CONTRACTS)
    project.files({"contracts/baseline.json": """
        {
          "schema_version": 1,
          "archlint_version": "0.1.0",
          "violations": [
            {"contract": "old-no-db", "importer": "app.old", "imported": "app.db",
             "symbol": null, "count": 1},
            {"contract": "old-no-db", "importer": "app.old", "imported": "app.service",
             "symbol": null, "count": 1}
          ],
          "diagnostics": [
            {"kind": "syntax-error", "path": "app/bad.py", "message": "invalid syntax: def (:",
             "count": 1}
          ]
        }
    """})
    return project


def test_sarif_validates_against_the_2_1_0_schema_and_carries_the_facts(project):
    result = ci_project(project).cli("check", "--format", "sarif", "--show-baselined")
    assert (result.code, result.err) == (1, "")
    sarif = json.loads(result.out)
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA,
                                           format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(sarif)] == []
    assert list(validator.iter_errors({**sarif, "version": "2.0"})), "the schema is enforced"

    [run] = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [(r["id"], r["name"], r["fullDescription"]["text"], r["defaultConfiguration"]["level"])
            for r in rules[:3]] == [
        ("core-canonical", "Engine comes from app.core.api", "One engine, one import path.",
         "error"),
        ("ui-no-db", "UI, never the database", "UI, never the database", "warning"),
        ("old-no-db", "old code, never the database", "old code, never the database", "error"),
    ]
    assert [r["id"] for r in rules[3:]] == [
        "syntax-error", "unreadable-file", "shadowed-file", "unresolved-import",
        "optional-import",
        "unsupported-syntax", "unmatched-ignore", "unmatched-suppression",
        "unknown-baseline-contract", "duplicate-baseline-entry"]
    rows = [
        (r["ruleId"], r["ruleIndex"], r["level"], r["baselineState"],
         r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"], r["message"]["text"])
        for r in run["results"]
    ]
    assert rows == [
        ("core-canonical", 0, "error", "new", "app/ui.py", 1,
         "app.ui imports Engine from app.core.impl; Engine is imported only from its canonical "
         "module app.core.api. Fix: from app.core.api import Engine as E"),
        ("ui-no-db", 1, "warning", "new", "app/ui.py", 2,
         "app.ui depends on app.db through a chain of imports; it is forbidden to use it"),
        ("old-no-db", 2, "note", "unchanged", "app/old.py", 1,
         "app.old imports app.db, which it is forbidden to use"),
        ("syntax-error", 3, "note", "unchanged", "app/bad.py", 1, "invalid syntax: def (:"),
    ]
    fingerprints = [r["partialFingerprints"]["archlint/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == 4 and all(len(f) == 20 for f in fingerprints)
    chain = run["results"][1]["relatedLocations"]
    assert [(h["id"], h["message"]["text"], h["physicalLocation"]["region"]["startLine"])
            for h in chain] == [(0, "app.ui -> app.service", 2), (1, "app.service -> app.db", 1)]
    [notification] = run["invocations"][0]["toolExecutionNotifications"]
    assert notification == {
        "level": "note",
        "message": {"text": "fixed — run `archlint baseline --update`: "
                            "old-no-db  app.old -> app.service"},
    }


def test_sarif_counts_baselined_results_and_marks_suppressed_ones(project):
    ci_project(project).files({"app/ui.py": "from app.core.impl import Engine as E\n"
                                            "import app.service  # archlint: ignore[ui-no-db]\n"})
    result = project.cli("check", "--format", "sarif")
    run = json.loads(result.out)["runs"][0]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r.get("suppressions")) for r in run["results"]] == [
        ("core-canonical", 1, None),
        ("ui-no-db", 2, [{"kind": "inSource", "justification":
                          "an `# archlint: ignore` comment on the import statement"}]),
    ]
    assert [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]] == [
        "fixed — run `archlint baseline --update`: old-no-db  app.old -> app.service",
        "old-no-db: 1 baselined violation not listed (archlint check --show-baselined lists them)",
        "1 baselined diagnostic not listed (archlint check --show-baselined lists them)",
    ]
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    assert [error.message for error in validator.iter_errors(json.loads(result.out))] == []


def test_sarif_paths_are_uri_references(project):
    project.settings(["app"]).files({"app/__init__.py": "", "app/x y.py": "import app.gone\n"})
    project.contracts("""
        [[contracts]]
        id = "no-cycles"
        type = "acyclic"
        packages = ["app"]
    """)
    sarif = json.loads(project.cli("check", "--format", "sarif").out)
    [result] = sarif["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/x%20y.py"


def test_github_format_line_by_line(project):
    result = ci_project(project).cli("check", "--format", "github")
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines() == [
        "::error file=app/ui.py,line=1,title=core-canonical::app.ui imports Engine from "
        "app.core.impl; Engine is imported only from its canonical module app.core.api%0A"
        "fix: from app.core.api import Engine as E",
        "::warning file=app/ui.py,line=2,title=ui-no-db::app.ui depends on app.db through a "
        "chain of imports; it is forbidden to use it",
        "old-no-db: not annotated: 1 baselined violation (--show-baselined annotates them)",
        "not annotated: 1 baselined diagnostic (--show-baselined annotates them)",
        "::notice title=archlint baseline::fixed — run `archlint baseline --update`: "
        "old-no-db  app.old -> app.service",
        "3 contracts: 0 kept, 3 broken · 3 violations (2 new, 1 baselined) · "
        "1 file did not parse · 1 fixed since the baseline",
    ]
    strict = project.cli("check", "--format", "github", "--strict-baseline")
    assert strict.out.splitlines()[4] == (
        "::error title=archlint baseline::fixed — run `archlint baseline --update`: "
        "old-no-db  app.old -> app.service")
    listed = project.cli("check", "--format", "github", "--show-baselined")
    assert listed.out.splitlines() == [
        "::error file=app/ui.py,line=1,title=core-canonical::app.ui imports Engine from "
        "app.core.impl; Engine is imported only from its canonical module app.core.api%0A"
        "fix: from app.core.api import Engine as E",
        "::warning file=app/ui.py,line=2,title=ui-no-db::app.ui depends on app.db through a "
        "chain of imports; it is forbidden to use it",
        "::notice file=app/old.py,line=1,title=old-no-db::app.old imports app.db, which it is "
        "forbidden to use",
        "::notice file=app/bad.py,line=1,title=syntax-error::invalid syntax: def (:",
        "::notice title=archlint baseline::fixed — run `archlint baseline --update`: "
        "old-no-db  app.old -> app.service",
        "3 contracts: 0 kept, 3 broken · 3 violations (2 new, 1 baselined) · "
        "1 file did not parse · 1 fixed since the baseline",
    ]


def test_github_format_escapes_what_the_runner_would_misread(project):
    project.settings(["app"]).files({"app/__init__.py": "", "app/a.py": "import app.b\n",
                                     "app/b.py": ""})
    project.contracts("""
        [[contracts]]
        id = "a-not-b"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
        severity = "warning"
    """)
    (project.root / "app" / "100%,done:now.py").write_text("import app.gone\n")
    lines = project.cli("check", "--format", "github").out.splitlines()
    assert lines[1] == ("::error file=app/100%25%2Cdone%3Anow.py,line=1,title=unresolved-import"
                        "::app.100%25,done:now imports app.gone, which does not exist")


def test_any_format_can_go_to_a_file(project):
    ci_project(project)
    for output_format in ("sarif", "github", "json", "text"):
        result = project.cli("check", "--format", output_format, "--output", f"out.{output_format}")
        assert result.code == 1
        assert result.out.endswith(f"report written to out.{output_format}\n")
    assert json.loads((project.root / "out.sarif").read_text())["version"] == "2.1.0"
    assert (project.root / "out.github").read_text().startswith("::error file=app/ui.py,line=1,")
