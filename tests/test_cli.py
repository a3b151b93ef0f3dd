"""The command line as users run it: exit codes, formats, files, a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from archlint.contracts.forbidden import ForbiddenContract

SCHEMA = json.loads((Path(__file__).parents[1] / "docs" / "json-schema.json").read_text())

FILES = {
    "app/__init__.py": "",
    "app/a.py": "import os\nimport app.b\n",
    "app/b.py": "from app import c\n",
    "app/c.py": "",
    "app/bad.py": "def (:\n",
}
CONTRACTS = """
    [[contracts]]
    id = "a-not-c"
    name = "a never reaches c"
    type = "forbidden"
    description = "c is an implementation detail."
    source_modules = ["app.a"]
    forbidden_modules = ["app.c"]

    [[contracts]]
    id = "c-not-a"
    name = "c never reaches a"
    type = "forbidden"
    source_modules = ["app.c"]
    forbidden_modules = ["app.a"]
"""

EXPECTED_TEXT = """\
✗ a-not-c  a never reaches c
  c is an implementation detail.
  app/a.py:2  app.a -> app.c
      app.a depends on app.c through a chain of imports; it is forbidden to use it
      app.a -> app.b  app/a.py:2  import app.b
      app.b -> app.c  app/b.py:1  from app import c
✓ c-not-a  c never reaches a
diagnostics
  app/bad.py:1  syntax-error  invalid syntax: def (:
2 contracts: 1 kept, 1 broken · 1 violation (1 new, 0 baselined) · 1 file did not parse
"""


def broken_project(project):
    return project.settings(["app"]).files(FILES).contracts(CONTRACTS)


def test_text_report_exact(project):
    result = broken_project(project).cli("check")
    assert (result.code, result.out, result.err) == (1, EXPECTED_TEXT, "")


def test_kept_contracts_exit_0(project):
    broken_project(project)
    (project.root / "app" / "bad.py").unlink()
    result = project.cli("check", "--contract", "c-not-a")
    assert (result.code, result.out) == (
        0, "✓ c-not-a  c never reaches a\n"
           "1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined)\n")


def test_json_report_matches_the_schema_and_the_facts(project):
    result = broken_project(project).cli("check", "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    jsonschema.validate(data, SCHEMA)
    assert data["summary"] == {"contracts": 2, "kept": 1, "broken": 1, "violations": 1,
                               "new": 1, "baselined": 0, "fixed": 0,
                               "suppressed": 0, "baselined_diagnostics": 0}
    [violation] = data["contracts"][0]["violations"]
    assert violation == {
        "importer": "app.a", "imported": "app.c", "symbol": None, "path": "app/a.py", "line": 2,
        "line_contents": "import app.b",
        "chain": [
            {"importer": "app.a", "imported": "app.b", "path": "app/a.py", "line": 2,
             "line_contents": "import app.b", "in_function": False,
             "type_checking_only": False},
            {"importer": "app.b", "imported": "app.c", "path": "app/b.py", "line": 1,
             "line_contents": "from app import c", "in_function": False,
             "type_checking_only": False},
        ],
        "message": "app.a depends on app.c through a chain of imports; it is forbidden to use it",
        "fix": None, "fingerprint": violation["fingerprint"], "baselined": False,
    }
    assert data["diagnostics"] == [{"kind": "syntax-error", "severity": "error",
                                    "path": "app/bad.py", "line": 1,
                                    "message": "invalid syntax: def (:",
                                    "fingerprint": data["diagnostics"][0]["fingerprint"],
                                    "baselined": False}]
    assert data["fixed"] == []


def test_output_is_deterministic(project):
    broken_project(project)
    first = project.cli("check", "--format", "json").out
    assert project.cli("check", "--format", "json").out == first
    assert project.cli("check", "--format", "json", "--no-cache").out == first


def test_output_file_is_written_and_stdout_keeps_the_summary(project):
    result = broken_project(project).cli("check", "--format", "json", "--output", "out/report.json")
    assert result.code == 1
    assert result.out == (
        "2 contracts: 1 kept, 1 broken · 1 violation (1 new, 0 baselined) · 1 file did not parse\n"
        "report written to out/report.json\n")
    jsonschema.validate(json.loads((project.root / "out" / "report.json").read_text()), SCHEMA)
    assert [p.name for p in (project.root / "out").iterdir()] == ["report.json"]


def test_unwritable_output_is_a_clear_error(project):
    broken_project(project)
    (project.root / "blocker").write_text("a file, not a folder")
    result = project.cli("check", "--output", "blocker/report.txt")
    assert result.code == 2
    assert result.err.startswith("archlint: error: cannot write blocker/report.txt: ")


def test_internal_error_exits_3_and_asks_for_a_report(project, monkeypatch):
    broken_project(project)

    def explode(self, graph):
        raise RuntimeError("boom")

    monkeypatch.setattr(ForbiddenContract, "check", explode)
    result = project.cli("check")
    assert result.code == 3
    assert result.err == (
        "archlint: internal error: RuntimeError: boom\n"
        "this is a bug in archlint: please report it with the output of the same command run "
        "with --verbose\n"
        "should a damaged cache be the cause, the same command with --no-cache runs without "
        "archlint's caches\n")
    verbose = project.cli("check", "--verbose")
    assert verbose.code == 3
    assert "Traceback (most recent call last)" in verbose.err


def test_real_subprocess(project):
    broken_project(project)
    archlint = Path(sys.executable).parent / "archlint"
    completed = subprocess.run([str(archlint), "check"], cwd=project.root,
                               capture_output=True, text=True, encoding="utf-8")
    assert (completed.returncode, completed.stdout, completed.stderr) == (1, EXPECTED_TEXT, "")
    module = subprocess.run([sys.executable, "-m", "archlint", "check", "--format", "json"],
                            cwd=project.root, capture_output=True, text=True, encoding="utf-8")
    assert module.returncode == 1
    jsonschema.validate(json.loads(module.stdout), SCHEMA)
    bad = subprocess.run([str(archlint), "check", "--config", "missing.toml"],
                         cwd=project.root, capture_output=True, text=True)
    assert (bad.returncode, bad.stdout, bad.stderr) == (
        2, "", "archlint: error: missing.toml: configuration file not found\n")


@pytest.mark.parametrize("command", ["check", "graph", "explain", "fix", "baseline", "init",
                                     "migrate"])
def test_every_command_takes_verbose_as_the_internal_error_hint_says(command, project):
    """An internal error asks for the same command run with --verbose: every command has it."""
    assert "--verbose" in project.cli(command, "--help").out


@pytest.mark.parametrize("argv", [("check",), ("explain", "app.a", "app.b"),
                                  ("baseline", "--allow-growth"), ("graph", "--format", "dot")])
def test_verbose_prints_timings_and_the_traceback_of_an_internal_error(argv, project,
                                                                       monkeypatch):
    import archlint.graph

    project.settings(["app"]).files(FILES).contracts(CONTRACTS)
    timed = project.cli(*argv, "--verbose")
    assert timed.code in (0, 1), timed.err
    assert "read facts:" in timed.err and "done in" in timed.err

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(archlint.graph, "resolve", broken)
    plain = project.cli(*argv, "--no-cache")
    assert plain.code == 3
    assert "run with --verbose" in plain.err and "Traceback" not in plain.err
    verbose = project.cli(*argv, "--no-cache", "--verbose")
    assert verbose.code == 3
    assert "Traceback" in verbose.err and "RuntimeError: boom" in verbose.err
