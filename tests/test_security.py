"""archlint reads the code it checks and never runs it; no setting loads Python code; every
path in a report stays inside the project root.

Hostile text from the checked code stays data in every output: below for the reports (text,
JSON, SARIF, GitHub); tests/test_graphs.py does the same for DOT, SVG, Mermaid and HTML.
"""

from __future__ import annotations

import json
import os
import sys
import typing

import pytest

from archlint.contracts import CONTRACT_TYPES
from archlint.settings import Settings
from archlint.tables import config_fields

PAYLOAD = """
import pathlib
pathlib.Path({marker!r}).write_text("archlint ran me")
import app.b
"""


def test_checking_never_imports_or_runs_the_checked_code(project):
    marker = project.root / "executed.txt"
    payload = PAYLOAD.format(marker=str(marker))
    project.settings(["app"]).files({
        "app/__init__.py": payload, "app/a.py": payload, "app/b.py": payload,
        "app/sub/__main__.py": payload, "app/conftest.py": payload, "setup.py": payload,
    }).contracts("""
        [[contracts]]
        id = "no-b"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
    """)
    for argv in (["check"], ["check", "--format", "json"], ["explain", "app.a", "app.b"]):
        assert project.cli(*argv).code in (0, 1)
    assert not marker.exists()
    assert not any(name == "app" or name.startswith("app.") for name in sys.modules)


ALLOWED_TYPES = {str, bool, int, tuple[str, ...], dict[str, str], str | None}


@pytest.mark.parametrize("cls", [Settings, *CONTRACT_TYPES.values()],
                         ids=lambda cls: getattr(cls, "type_name", "settings"))
def test_no_configuration_key_can_name_python_code(cls):
    """Every key is plain data (strings, booleans, integers, lists and tables of strings);
    none is a class or callable to import, unlike import-linter's custom contract types."""
    hints = typing.get_type_hints(cls)
    assert {name: hints[name] for name in config_fields(cls)
            if hints[name] not in ALLOWED_TYPES} == {}


def test_a_dotted_contract_type_is_never_imported(project):
    marker = project.root / "executed.txt"
    project.settings(["app"]).files({
        "app/__init__.py": "", "plugin.py": PAYLOAD.format(marker=str(marker)),
    }).contracts("""
        [[contracts]]
        id = "custom"
        type = "plugin.CustomContract"
    """)
    result = project.cli("check")
    assert result.code == 2
    assert "unknown contract type 'plugin.CustomContract'" in result.err
    assert not marker.exists() and "plugin" not in sys.modules


def test_report_paths_stay_inside_the_project_root(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "escaped.py").write_text("import app.b\n")
    (outside / "folder").mkdir()
    (outside / "folder" / "deep.py").write_text("import app.b\n")
    project.settings(["app"], exclude=["../**", "/**/escaped*"]).files({
        "app/__init__.py": "", "app/b.py": "", "app/a.py": "import app.b\nimport app.gone\n",
        "app/broken.py": "def f(:\n",
    }).contracts("""
        [[contracts]]
        id = "no-b"
        type = "forbidden"
        source_modules = ["app.a", "app.linked"]
        forbidden_modules = ["app.b"]
    """)
    os.symlink(outside / "escaped.py", project.root / "app" / "linked.py")
    os.symlink(outside / "folder", project.root / "app" / "folder")
    result = project.cli("check", "--format", "json", "--no-cache")
    report = json.loads(result.out)
    paths = {v["path"] for c in report["contracts"] for v in c["violations"]}
    paths |= {h["path"] for c in report["contracts"] for v in c["violations"] for h in v["chain"]}
    paths |= {d["path"] for d in report["diagnostics"]}
    assert paths == {"app/a.py", "app/linked.py", "app/broken.py", "app/folder"}
    assert not any(p.startswith("/") or ".." in p.split("/") for p in paths)


HOSTILE = '<script>alert("x")</script> & ]]> %0A::error::x \x1b[31m'


def hostile_project(project):
    return project.settings(["app"]).files({
        "app/__init__.py": "", "app/b.py": "",
        "app/a.py": f"import app.b  # {HOSTILE}\n",
    }).contracts("""
        [[contracts]]
        id = "no-b"
        name = "<img src=x onerror=alert(1)> \\"quoted\\" ::warning::"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
    """)


def test_hostile_source_text_is_json_data(project):
    result = hostile_project(project).cli("check", "--format", "json", "--no-cache")
    assert result.code == 1
    (violation,) = json.loads(result.out)["contracts"][0]["violations"]
    assert violation["line_contents"] == f"import app.b  # {HOSTILE}"


def test_control_characters_never_reach_the_terminal(project):
    result = hostile_project(project).cli("check", "--no-cache")
    assert result.code == 1
    assert "\x1b" not in result.out
    shown = HOSTILE.replace("\x1b", "\\x1b")
    assert f"      import app.b  # {shown}" in result.out.splitlines()


def test_hostile_text_is_sarif_data(project):
    result = hostile_project(project).cli("check", "--format", "sarif", "--no-cache")
    (run,) = json.loads(result.out)["runs"]  # well-formed whatever the source holds
    assert run["tool"]["driver"]["rules"][0]["name"] == (
        '<img src=x onerror=alert(1)> "quoted" ::warning::')
    (found,) = run["results"]
    region = found["locations"][0]["physicalLocation"]["region"]
    assert region["snippet"]["text"] == f"import app.b  # {HOSTILE}"


def test_hostile_text_cannot_forge_a_github_workflow_command(project):
    hostile_project(project).files({"app/bad.py": "def f(: # %0A::error file=x.py::forged\n"})
    result = project.cli("check", "--format", "github", "--no-cache")
    assert result.out.splitlines() == [
        "::error file=app/a.py,line=1,title=no-b::app.a imports app.b, "
        "which it is forbidden to use",
        "::error file=app/bad.py,line=1,title=syntax-error::invalid syntax: "
        "def f(: # %250A::error file=x.py::forged",
        "1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined) · 1 file did not parse",
    ]


SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_a_link_to_a_file_outside_the_project_is_never_read(project, tmp_path_factory):
    """A repository can hold `app/settings.py -> ~/.aws/credentials`; read as Python, its
    `key = value` lines are assignments a `unique` contract would print with their text."""
    home = tmp_path_factory.mktemp("home")
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET}\n")
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "aws_secret_access_key = None\n",
    }).contracts("""
        [[contracts]]
        id = "one-definition"
        type = "unique"
        packages = ["app"]
        names = ["*"]
    """)
    os.symlink(home / ".aws" / "credentials", project.root / "app" / "settings.py")
    for fmt in ("text", "json", "sarif", "github"):
        result = project.cli("check", "--no-cache", "--format", fmt)
        assert result.code == 1
        assert SECRET not in result.out + result.err and "AKIA" not in result.out
    assert "app/settings.py:1  unreadable-file  a symbolic link to a file outside the project: " \
           "not read" in project.cli("check").out
    project.cli("graph", "--contract", "one-definition", "--out", "pictures", "--no-cache")
    assert not any(SECRET in path.read_text(errors="replace")
                   for path in (project.root / "pictures").iterdir())
    assert not any(SECRET.encode() in path.read_bytes()
                   for path in (project.root / ".archlint_cache").rglob("*") if path.is_file())


def test_a_root_package_linked_out_of_the_project_is_refused(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "app").mkdir()
    (elsewhere / "app" / "__init__.py").write_text(f"aws_secret_access_key = '{SECRET}'\n")
    (elsewhere / "app" / "b.py").write_text(f"aws_secret_access_key = '{SECRET}'\n")
    project.settings(["app"]).contracts("""
        [[contracts]]
        id = "one-definition"
        type = "unique"
        packages = ["app"]
        names = ["*"]
    """)
    os.symlink(elsewhere / "app", project.root / "app")
    result = project.cli("check", "--no-cache")
    assert (result.code, result.out, result.err) == (2, "", (
        "archlint: error: key 'root_packages': root package 'app' leads through a symbolic "
        f"link to {elsewhere / 'app'}, outside the project: archlint reads only the project's "
        "files\n"))
