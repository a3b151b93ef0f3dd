"""archlint reads the code it checks and never runs it; no setting loads Python code; every
path in a report stays inside the project root.

The escaping of hostile text in HTML, SVG and SARIF output belongs with those formats: each
adds its row to HOSTILE_OUTPUTS below.
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
    assert paths == {"app/a.py", "app/linked.py", "app/broken.py"}
    assert not any(p.startswith("/") or ".." in p.split("/") for p in paths)


# Formats that embed source text or module names in markup: (format, file suffix). Each
# must escape `HOSTILE` so that it appears as text, never as markup.
HOSTILE = '<script>alert("x")</script> & ]]> \x1b[31m'
HOSTILE_OUTPUTS: list[tuple[str, str]] = []


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_hostile_source_text_is_reported_as_data(project, output_format):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/b.py": "",
        "app/a.py": f"import app.b  # {HOSTILE}\n",
    }).contracts("""
        [[contracts]]
        id = "no-b"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
    """)
    result = project.cli("check", "--format", output_format, "--no-cache")
    assert result.code == 1
    if output_format == "json":
        (violation,) = json.loads(result.out)["contracts"][0]["violations"]
        assert violation["line_contents"] == f"import app.b  # {HOSTILE}"
    else:
        assert f"      import app.b  # {HOSTILE}" in result.out.splitlines()
