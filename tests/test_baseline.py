"""The baseline and the ratchet, walked end to end through the command line: record, pass,
fail on new violations only, report fixed ones, shrink, refuse growth, survive moved code,
and refuse files that are not baselines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from archlint import baseline, check
from archlint.errors import UsageError
from archlint.model import Diagnostic

SCHEMA = json.loads((Path(__file__).parents[1] / "docs" / "json-schema.json").read_text())

FILES = {
    "app/__init__.py": "",
    "app/core.py": "",
    "app/low.py": "import app.core\n",
    "app/other.py": "from app import core\n",
    "app/third.py": "",
    "app/legacy.py": "import os\nimport app.gone\n",
}
CONTRACTS = """
    [[contracts]]
    id = "no-core"
    name = "Only the services use core"
    type = "forbidden"
    source_modules = ["app.low", "app.other", "app.third"]
    forbidden_modules = ["app.core"]

    [[contracts]]
    id = "low-alone"
    name = "low stays alone"
    type = "forbidden"
    source_modules = ["app.low"]
    forbidden_modules = ["app.other"]
"""
RECORDED = """\
{
  "schema_version": 1,
  "archlint_version": "0.1.0",
  "violations": [
    {"contract": "no-core", "importer": "app.low", "imported": "app.core", \
"symbol": null, "count": 1},
    {"contract": "no-core", "importer": "app.other", "imported": "app.core", \
"symbol": null, "count": 1}
  ],
  "diagnostics": [
    {"kind": "unresolved-import", "path": "app/legacy.py", \
"message": "app.legacy imports app.gone, which does not exist", "count": 1}
  ]
}
"""
BASELINED_TEXT = """\
✗ no-core  Only the services use core
  not shown: 2 baselined violations (--show-baselined lists them)
✓ low-alone  low stays alone
diagnostics
  not shown: 1 baselined diagnostic (--show-baselined lists them)
2 contracts: 1 kept, 1 broken · 2 violations (0 new, 2 baselined) · 1 unresolved import
"""
BASELINED_LISTED = """\
✗ no-core  Only the services use core
  app/low.py:1  app.low -> app.core  (baselined)
      import app.core
      app.low imports app.core, which it is forbidden to use
  app/other.py:1  app.other -> app.core  (baselined)
      from app import core
      app.other imports app.core, which it is forbidden to use
✓ low-alone  low stays alone
diagnostics
  app/legacy.py:2  unresolved-import  app.legacy imports app.gone, which does not exist  (baselined)
2 contracts: 1 kept, 1 broken · 2 violations (0 new, 2 baselined) · 1 unresolved import
"""


@pytest.fixture
def legacy(project):
    project.settings(["app"]).files(FILES).contracts(CONTRACTS)
    return project


def baseline_text(project) -> str:
    return (project.root / "contracts" / "baseline.json").read_text(encoding="utf-8")


def verdicts(project, *args: str) -> tuple[int, list[tuple], list[tuple]]:
    """(exit code, violations as (contract, importer, line, baselined), fixed entries)."""
    result = project.cli("check", "--format", "json", "--show-baselined", *args)
    data = json.loads(result.out)
    jsonschema.validate(data, SCHEMA)
    violations = [(c["id"], v["importer"], v["line"], v["baselined"])
                  for c in data["contracts"] for v in c["violations"]]
    return result.code, violations, data["fixed"]


def test_the_whole_ratchet(legacy):
    project = legacy
    assert project.cli("check").code == 1

    # record: the file is sorted, one entry per line, without line numbers
    result = project.cli("baseline")
    assert (result.code, result.out, result.err) == (
        0, "baseline written to contracts/baseline.json: 2 violations and 1 diagnostic "
           "recorded\n", "")
    assert baseline_text(project) == RECORDED

    # green: everything known is counted, and listed as baselined on request
    result = project.cli("check")
    assert (result.code, result.out) == (0, BASELINED_TEXT)
    result = project.cli("check", "--show-baselined")
    assert (result.code, result.out) == (0, BASELINED_LISTED)

    # a new violation fails, and only it is new; so does a second occurrence of a known one
    project.files({"app/third.py": "import app.core\n",
                   "app/low.py": "import app.core\n\ndef late():\n    import app.core\n"})
    assert verdicts(project) == (1, [
        ("no-core", "app.low", 1, True),
        ("no-core", "app.low", 4, False),
        ("no-core", "app.other", 1, True),
        ("no-core", "app.third", 1, False),
    ], [])
    project.files({"app/third.py": "", "app/low.py": "import app.core\n"})

    # a fixed one is reported, and passes unless the baseline must be exact
    project.files({"app/other.py": ""})
    result = project.cli("check")
    assert result.code == 0
    assert result.out.endswith(
        "fixed — run `archlint baseline --update`\n"
        "  no-core  app.other -> app.core\n"
        "2 contracts: 1 kept, 1 broken · 1 violation (0 new, 1 baselined) · 1 unresolved import"
        " · 1 fixed since the baseline\n")
    strict = project.cli("check", "--strict-baseline")
    assert strict.code == 1
    assert strict.out.endswith(" · 1 fixed since the baseline (--strict-baseline: fails)\n")

    # update shrinks, then strict passes
    result = project.cli("baseline", "--update")
    assert (result.code, result.out) == (
        0, "baseline contracts/baseline.json updated: 1 violation and 1 diagnostic recorded "
           "(3 before)\n")
    assert '"importer": "app.other"' not in baseline_text(project)
    assert project.cli("check", "--strict-baseline").code == 0
    unchanged = project.cli("baseline", "--update")
    assert (unchanged.code, unchanged.out) == (
        0, "baseline contracts/baseline.json is up to date: 1 violation and 1 diagnostic "
           "recorded\n")

    # growth is refused without the flag, and the file keeps its entries
    project.files({"app/third.py": "import app.core\n"})
    before = baseline_text(project)
    result = project.cli("baseline", "--update")
    assert (result.code, result.out) == (
        1, "baseline contracts/baseline.json is up to date: 1 violation and 1 diagnostic "
           "recorded\n"
           "1 new violation is not recorded: fix it, or add it with "
           "`archlint baseline --update --allow-growth`\n")
    assert baseline_text(project) == before
    result = project.cli("baseline")
    assert (result.code, result.err) == (
        2, "archlint: error: contracts/baseline.json exists: shrink it with "
           "`archlint baseline --update` (add new violations to it with --allow-growth)\n")
    assert baseline_text(project) == before
    result = project.cli("baseline", "--update", "--allow-growth")
    assert (result.code, result.out) == (
        0, "baseline contracts/baseline.json updated: 2 violations and 1 diagnostic recorded "
           "(2 before)\n")
    assert verdicts(project, "--strict-baseline") == (0, [
        ("no-core", "app.low", 1, True), ("no-core", "app.third", 1, True)], [])


def test_moving_an_import_to_another_line_keeps_it_baselined(legacy):
    project = legacy
    assert project.cli("baseline").code == 0
    project.files({
        "app/low.py": '"""Low."""\n\n\nimport app.core\n',
        "app/legacy.py": "import os\n\n# still here\nimport app.gone\n",
    })
    assert verdicts(project, "--strict-baseline") == (0, [
        ("no-core", "app.low", 4, True), ("no-core", "app.other", 1, True)], [])
    result = project.cli("check", "--show-baselined")
    assert ("  app/legacy.py:4  unresolved-import  app.legacy imports app.gone, which does not "
            "exist  (baselined)\n") in result.out


def test_fixed_entries_in_json(legacy):
    project = legacy
    project.cli("baseline")
    project.files({"app/other.py": "", "app/legacy.py": "import os\n"})
    code, _, fixed = verdicts(project)
    assert code == 0
    assert fixed == [
        {"contract": "no-core", "importer": "app.other", "imported": "app.core", "symbol": None,
         "count": 1},
        {"kind": "unresolved-import", "path": "app/legacy.py",
         "message": "app.legacy imports app.gone, which does not exist", "count": 1},
    ]


def test_only_checked_contracts_report_fixed_entries(legacy):
    project = legacy
    project.cli("baseline")
    assert verdicts(project, "--contract", "low-alone", "--strict-baseline") == (0, [], [])


def test_no_baseline_reports_everything_as_new(legacy):
    project = legacy
    project.cli("baseline")
    assert verdicts(project, "--no-baseline") == (1, [
        ("no-core", "app.low", 1, False), ("no-core", "app.other", 1, False)], [])


def test_baseline_file_given_on_the_command_line(legacy):
    project = legacy
    project.cli("baseline")
    (project.root / "contracts" / "baseline.json").rename(project.root / "known.json")
    assert project.cli("check").code == 1
    assert verdicts(project, "--baseline", "known.json")[0] == 0
    missing = project.cli("check", "--baseline", "missing.json")
    assert (missing.code, missing.err) == (
        2, "archlint: error: baseline file not found: missing.json\n")
    both = project.cli("check", "--baseline", "known.json", "--no-baseline")
    assert (both.code, both.err) == (
        2, "archlint: error: --baseline and --no-baseline exclude each other\n")


def test_baseline_setting_names_the_file(legacy):
    project = legacy
    project.settings(["app"], baseline="known/archlint-baseline.json")
    result = project.cli("baseline")
    assert result.out.startswith("baseline written to known/archlint-baseline.json: ")
    assert project.cli("check").code == 0


def test_update_without_a_baseline_is_an_error(legacy):
    result = legacy.cli("baseline", "--update")
    assert (result.code, result.err) == (
        2, "archlint: error: no baseline to update at contracts/baseline.json: create it with "
           "`archlint baseline`\n")
    assert not (legacy.root / "contracts" / "baseline.json").exists()


@pytest.mark.parametrize("text, reason", [
    ('{"schema_version": 1, "violations": [\n', "invalid JSON at line 2 column 1: Expecting value"),
    ('{"version": "1.0", "rules": []}', "no schema_version key"),
    ('["a", "list"]', "no schema_version key"),
    ('{"schema_version": 2, "violations": [], "diagnostics": []}',
     "schema_version 2; this archlint reads schema_version 1"),
    ('{"schema_version": 1, "violations": {}, "diagnostics": []}', "'violations' must be a list"),
    ('{"schema_version": 1, "violations": [{"contract": "no-core", "importer": "app.low", '
     '"imported": "app.core", "symbol": null, "count": 0}], "diagnostics": []}',
     "violations[0] must have exactly the keys contract, importer, imported, symbol, count, "
     "with a count of 1 or more"),
    ('{"schema_version": 1, "violations": [], "diagnostics": [{"kind": "syntax-error"}]}',
     "diagnostics[0] must have exactly the keys kind, path, message, count, with a count of 1 "
     "or more"),
])
def test_a_corrupt_or_foreign_baseline_is_one_clear_error_and_never_overwritten(legacy, text,
                                                                               reason):
    project = legacy
    path = project.root / "contracts" / "baseline.json"
    path.write_text(text, encoding="utf-8")
    expected = (f"archlint: error: contracts/baseline.json: not a baseline archlint can read "
                f"({reason}); fix the file, or delete it and run `archlint baseline`\n")
    for command in (["check"], ["baseline", "--update"], ["baseline", "--allow-growth"]):
        result = project.cli(*command)
        assert (result.code, result.out, result.err) == (2, "", expected), command
        assert path.read_text(encoding="utf-8") == text


def test_unmatched_ignore_entries_are_never_recorded(project):
    project.settings(["app"]).files({"app/__init__.py": "", "app/a.py": "", "app/b.py": ""})
    project.contracts("""
        [[contracts]]
        id = "a-not-b"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
        ignore = ["app.a -> app.b"]
    """)
    result = project.cli("baseline")
    assert (result.code, result.out) == (
        1, "baseline written to contracts/baseline.json: 0 violations and 0 diagnostics "
           "recorded\n")
    assert project.cli("check").code == 1


def test_diagnostic_fingerprint_has_no_line_number():
    first = Diagnostic("syntax-error", "app/x.py", 3, "not valid UTF-8: byte 0xff on line 3")
    moved = Diagnostic("syntax-error", "app/x.py", 9, "not valid UTF-8: byte 0xff on line 9")
    other = Diagnostic("syntax-error", "app/y.py", 3, "not valid UTF-8: byte 0xff on line 3")
    assert first.message_without_line == "not valid UTF-8: byte 0xff on line"
    assert first.fingerprint == moved.fingerprint != other.fingerprint
    assert first.identity == moved.identity


def test_applying_a_baseline_leaves_the_checked_report_as_it_was(legacy):
    report = legacy.check()
    recorded = baseline.record(report)
    applied = baseline.apply(report, recorded, strict=True)
    assert [v.baselined for r in applied.results for v in r.violations] == [True, True]
    assert [v.baselined for r in report.results for v in r.violations] == [False, False]
    assert (report.gone, report.gone_fails, report.exit_code) == ((), False, 1)
    assert (applied.gone, applied.exit_code) == ((), 0)
    assert baseline.apply(report, recorded, strict=True) == applied


def test_the_python_api_gives_the_verdict_of_the_command(legacy):
    """`archlint.check()` applies the project's baseline as `archlint check` does; a path
    names another file, False none, and strict_baseline fails on what is gone."""
    assert legacy.cli("baseline").code == 0
    config = legacy.root / "pyproject.toml"
    report = check(config, use_cache=False)
    assert [(v.identity[1], v.baselined) for r in report.results for v in r.violations] == [
        ("app.low", True), ("app.other", True)]
    assert (report.exit_code, legacy.cli("check").code) == (0, 0)
    assert check(config, baseline=False, use_cache=False).exit_code == 1
    (legacy.root / "app" / "other.py").write_text("")
    moved = legacy.root / "known.json"
    (legacy.root / "contracts" / "baseline.json").rename(moved)
    assert check(config, use_cache=False).exit_code == 1  # no baseline file any more
    lenient = check(config, baseline=moved, use_cache=False)
    strict = check(config, baseline=moved, strict_baseline=True, use_cache=False)
    assert [(e.importer, e.count) for e in lenient.gone] == [("app.other", 1)]
    assert (lenient.exit_code, strict.exit_code) == (0, 1)
    assert (legacy.cli("check", "--baseline", "known.json", "--strict-baseline").code,
            legacy.cli("check", "--baseline", "known.json").code) == (1, 0)
    with pytest.raises(UsageError, match=re.escape("baseline file not found: missing.json")):
        check(config, baseline=legacy.root / "missing.json", use_cache=False)


# Two cycles between the children of app: a <-> b and c <-> d. Removing c's import of d breaks
# the second, and the import nominated to break the first moves from app.a's to app.b.m0's.
CYCLES = {
    "app/__init__.py": "",
    "app/a.py": "import app.b.m0\n",
    "app/b/__init__.py": "",
    "app/b/m0.py": "import app.a\nimport app.d\n",
    "app/b/m1.py": "import app.c\nimport app.d\n",
    "app/c.py": "import app.d\n",
    "app/d.py": "import app.c\n",
}
NO_CYCLES = """
    [[contracts]]
    id = "no-cycles"
    name = "No cycles between the parts of app"
    type = "acyclic"
    packages = ["app"]
"""
CYCLES_RECORDED = """\
{
  "schema_version": 1,
  "archlint_version": "0.1.0",
  "violations": [],
  "cycles": [
    {"contract": "no-cycles", "importer": "app.a", "imported": "app.b"},
    {"contract": "no-cycles", "importer": "app.b", "imported": "app.a"},
    {"contract": "no-cycles", "importer": "app.c", "imported": "app.d"},
    {"contract": "no-cycles", "importer": "app.d", "imported": "app.c"}
  ],
  "diagnostics": []
}
"""


def test_removing_an_import_never_makes_a_cycle_violation_new(project):
    project.settings(["app"]).files(CYCLES).contracts(NO_CYCLES)
    assert verdicts(project)[1] == [("no-cycles", "app.a", 1, False),
                                    ("no-cycles", "app.d", 1, False)]
    result = project.cli("baseline")
    assert result.out == ("baseline written to contracts/baseline.json: 0 violations, "
                          "4 dependencies in import cycles and 0 diagnostics recorded\n")
    assert baseline_text(project) == CYCLES_RECORDED

    project.files({"app/c.py": ""})
    code, violations, fixed = verdicts(project)
    # the nominated import is another one now; the cycle it breaks is known
    assert (code, violations) == (0, [("no-cycles", "app.b.m0", 1, True)])
    assert fixed == [
        {"contract": "no-cycles", "importer": "app.c", "imported": "app.d", "symbol": None,
         "count": 1, "cycle": True},
        {"contract": "no-cycles", "importer": "app.d", "imported": "app.c", "symbol": None,
         "count": 1, "cycle": True},
    ]
    assert project.cli("check").out.endswith(
        "fixed — run `archlint baseline --update`\n"
        "  no-cycles  app.c -> app.d  (no longer in a cycle)\n"
        "  no-cycles  app.d -> app.c  (no longer in a cycle)\n"
        "1 contract: 0 kept, 1 broken · 1 violation (0 new, 1 baselined) · "
        "2 fixed since the baseline\n")
    result = project.cli("baseline", "--update")
    assert result.out == (
        "baseline contracts/baseline.json updated: 0 violations, 2 dependencies in import "
        "cycles and 0 diagnostics recorded (4 before)\n")
    assert project.cli("check", "--strict-baseline").code == 0

    # a new cycle is new, even where the import nominated to break it is known: d -> a closes
    # a -> b -> d -> a, and cutting the known a -> b breaks it
    project.files({"app/d.py": "import app.a\n"})
    code, violations, _ = verdicts(project)
    assert (code, violations) == (1, [("no-cycles", "app.a", 1, True),
                                      ("no-cycles", "app.b.m0", 2, False),
                                      ("no-cycles", "app.d", 1, False)])
    assert ("  app/d.py:1  app.d -> app.a\n"
            "      import app.a\n"
            "      app.d imports app.a, and app.a leads back to app.d: a dependency on an import "
            "cycle between children of app that the baseline does not record\n"
            ) in project.cli("check").out


def test_leaving_type_checking_imports_out_keeps_a_cycle_baseline(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.b\nimport app.c\n",
        "app/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.a\n",
        "app/c.py": "import app.a\nimport app.b\n",
    }).contracts(NO_CYCLES)
    project.cli("baseline")
    assert project.cli("check", "--strict-baseline").code == 0
    project.settings(["app"], exclude_type_checking_imports=True)
    code, violations, fixed = verdicts(project)
    assert code == 0
    assert all(baselined for *_, baselined in violations)
    # without b's import of a, b is on no cycle: only a <-> c is left
    assert [(f["importer"], f["imported"]) for f in fixed] == [
        ("app.a", "app.b"), ("app.b", "app.a"), ("app.c", "app.b")]


UNKNOWN = ("the baseline records 2 entries of contract 'no-core-old', which no contract has")


def test_entries_of_a_deleted_contract_are_reported_and_fail_strict(legacy):
    project = legacy
    project.cli("baseline")
    path = project.root / "contracts" / "baseline.json"
    text = path.read_text(encoding="utf-8").replace('"no-core"', '"no-core-old"')
    path.write_text(text.replace('"importer": "app.low"', '"importer": "app.gone"')
                    .replace('"importer": "app.other"', '"importer": "app.gone2"'),
                    encoding="utf-8")
    result = project.cli("check", "--show-baselined")
    assert result.code == 1  # the two violations are new: nothing records them
    assert (f"  contracts/baseline.json:5  unknown-baseline-contract  {UNKNOWN} (deleted or "
            "renamed); `archlint baseline --update` removes them\n") in result.out
    assert result.out.endswith(" · 1 unknown contract in the baseline\n")

    # with the violations recorded again, the stale entries only warn, unless strict
    project.cli("baseline", "--update", "--allow-growth")
    path.write_text(path.read_text(encoding="utf-8").replace(
        '  "violations": [\n',
        '  "violations": [\n    {"contract": "deleted", "importer": "app.low", '
        '"imported": "app.x", "symbol": null, "count": 1},\n'), encoding="utf-8")
    assert project.cli("check").code == 0
    strict = project.cli("check", "--strict-baseline")
    assert strict.code == 1
    assert ("  contracts/baseline.json:5  unknown-baseline-contract  the baseline records 1 entry "
            "of contract 'deleted', which no contract has (deleted or renamed); `archlint "
            "baseline --update` removes them\n") in strict.out
    # a run of some contracts cannot tell: it says nothing
    assert "unknown-baseline-contract" not in project.cli(
        "check", "--strict-baseline", "--contract", "no-core").out
    project.cli("baseline", "--update")
    assert '"deleted"' not in baseline_text(project)
    assert project.cli("check", "--strict-baseline").code == 0


def test_a_renamed_contract_keeps_its_entries_and_update_moves_them(legacy):
    project = legacy
    project.cli("baseline")
    project.contracts(CONTRACTS.replace('id = "no-core"', 'id = "core-for-services"'))
    result = project.cli("check")
    assert result.code == 0
    assert ("  contracts/baseline.json:5  unknown-baseline-contract  the baseline records 2 "
            "entries of contract 'no-core', which no contract has; they match violations of "
            "'core-for-services', so they count for it (renamed?); `archlint baseline --update` "
            "records them under 'core-for-services'\n") in result.out
    assert result.out.endswith("2 contracts: 1 kept, 1 broken · 2 violations (0 new, "
                               "2 baselined) · 1 unresolved import · 1 unknown contract in the "
                               "baseline\n")
    assert project.cli("check", "--strict-baseline").code == 1
    result = project.cli("baseline", "--update")
    assert result.out == (
        "the entries of contract 'no-core', which no contract has, are recorded under "
        "'core-for-services'\n"
        "baseline contracts/baseline.json updated: 2 violations and 1 diagnostic recorded "
        "(3 before)\n")
    assert baseline_text(project) == RECORDED.replace('"no-core"', '"core-for-services"')
    assert project.cli("check", "--strict-baseline").code == 0


def test_duplicate_entries_from_a_union_merge_count_once_with_the_larger_count(legacy):
    project = legacy
    project.files({"app/third.py": "import app.core\n\ndef f():\n    import app.core\n"})
    project.cli("baseline")
    path = project.root / "contracts" / "baseline.json"
    # two branches each changed the entry of app.third; a union merge kept both lines
    merged = baseline_text(project).replace(
        '    {"contract": "no-core", "importer": "app.third", "imported": "app.core", '
        '"symbol": null, "count": 2}\n',
        '    {"contract": "no-core", "importer": "app.third", "imported": "app.core", '
        '"symbol": null, "count": 2},\n'
        '    {"contract": "no-core", "importer": "app.third", "imported": "app.core", '
        '"symbol": null, "count": 1}\n')
    assert merged != baseline_text(project)
    path.write_text(merged, encoding="utf-8")
    result = project.cli("check")
    assert result.code == 0  # the known violations stay known
    assert ("  contracts/baseline.json:7  duplicate-baseline-entry  the baseline holds the entry "
            "no-core  app.third -> app.core 2 times (lines 7, 8), as a merge of two branches "
            "leaves it, counted once with the largest count, 2; `archlint baseline --update` "
            "writes it once\n") in result.out
    assert project.cli("check", "--strict-baseline").code == 1
    result = project.cli("baseline", "--update")
    assert result.out == ("baseline contracts/baseline.json updated: 4 violations and "
                          "1 diagnostic recorded (5 before)\n")
    assert merged.replace('"count": 2},\n    {"contract": "no-core", "importer": "app.third", '
                          '"imported": "app.core", "symbol": null, "count": 1}\n',
                          '"count": 2}\n') == baseline_text(project)
    assert project.cli("check", "--strict-baseline").code == 0


def test_many_fixed_entries_are_counted_per_contract(project):
    users = {f"app/user{n:02}.py": "import app.core\n" for n in range(12)}
    project.settings(["app"]).files({"app/__init__.py": "", "app/core.py": "", **users})
    sources = ", ".join(f'"app.user{n:02}"' for n in range(12))
    project.contracts(f"""
        [[contracts]]
        id = "no-core"
        type = "forbidden"
        source_modules = [{sources}]
        forbidden_modules = ["app.core"]
    """)
    project.cli("baseline")
    project.files({relative: "" for relative in users})
    result = project.cli("check")
    assert result.out.endswith(
        "fixed — run `archlint baseline --update`\n"
        "  no-core  12 gone\n"
        "  12 entries in all (--show-baselined lists them)\n"
        "1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined) · "
        "12 fixed since the baseline\n")
    listed = project.cli("check", "--show-baselined").out
    assert "  no-core  app.user11 -> app.core\n" in listed
