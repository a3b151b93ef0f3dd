"""The project graph: every file is in it, unreadable files are diagnostics, paths are exact."""

from __future__ import annotations

import pytest
from conftest import rows

from archlint.errors import ConfigError
from archlint.graph import build_graph
from archlint.settings import load_settings

FORBID_B = """
    [[contracts]]
    id = "a-not-b"
    type = "forbidden"
    source_modules = ["app.a"]
    forbidden_modules = ["app.b"]
"""


def graph_of(project, **kwargs):
    return build_graph(load_settings(project.root / "pyproject.toml"), **kwargs)


def test_modules_in_folders_without_init_are_in_the_graph_and_checked(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a/__init__.py": "",
        "app/a/plain/deeper/leaf.py": "import app.b.thing\n",
        "app/b/__init__.py": "",
        "app/b/thing.py": "",
    }).contracts(FORBID_B)
    graph = graph_of(project, use_cache=False)
    assert {"app.a.plain", "app.a.plain.deeper", "app.a.plain.deeper.leaf"} <= graph.modules
    assert graph.files["app.a.plain.deeper.leaf"] == "app/a/plain/deeper/leaf.py"
    assert rows(project.check()) == [
        ("app.a.plain.deeper.leaf", "app.b.thing", "app/a/plain/deeper/leaf.py", 1)]


def test_a_file_that_does_not_parse_is_a_diagnostic_and_the_rest_is_checked(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/a.py": "import app.b\n",
        "app/b.py": "",
        "app/broken.py": "x = 1\ndef f(:\n    pass\n",
        "app/also_broken.py": "import app.b\nclass\n",
    }).contracts(FORBID_B)
    report = project.check()
    assert rows(report) == [("app.a", "app.b", "app/a.py", 1)]
    assert [(d.kind, d.path, d.line, d.severity) for d in report.diagnostics] == [
        ("syntax-error", "app/also_broken.py", 2, "error"),
        ("syntax-error", "app/broken.py", 2, "error"),
    ]
    assert report.diagnostics[1].message == "invalid syntax: def f(:"
    assert report.summary.unparsed_files == 2


def test_a_syntax_error_alone_fails_the_run(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "", "app/b.py": "", "app/bad.py": "return return\n",
    }).contracts(FORBID_B)
    report = project.check()
    assert report.results[0].kept
    assert report.exit_code == 1


def test_null_bytes_and_invalid_utf8_are_diagnostics(project):
    project.settings(["app"]).files({"app/__init__.py": "", "app/a.py": "", "app/b.py": ""})
    (project.root / "app" / "nul.py").write_bytes(b"import app.a\x00\n")
    (project.root / "app" / "latin.py").write_bytes(b'import app.a\nname = "\xff\xfe"\n')
    project.contracts(FORBID_B)
    report = project.check()
    assert [(d.path, d.line, d.message) for d in report.diagnostics] == [
        ("app/latin.py", 2, "not valid UTF-8: byte 0xff on line 2"),
        ("app/nul.py", 1, "source code string cannot contain null bytes"),
    ]


def test_excluded_files_are_left_out(project):
    project.settings(["app"], exclude=["**/backups/**"]).files({
        "app/__init__.py": "",
        "app/a.py": "",
        "app/b.py": "",
        "app/backups/old.py": "def broken(:\n",
    }).contracts(FORBID_B)
    report = project.check()
    assert report.diagnostics == ()
    assert "app.backups.old" not in graph_of(project, use_cache=False).modules


def test_exclude_globs_take_character_sets(project):
    project.settings(["app"], exclude=["app/gen/[a-c]*.py", "app/gen/[!_]x[!0-9].py"]).files({
        "app/__init__.py": "",
        "app/gen/__init__.py": "",
        "app/gen/a1.py": "def broken(:\n",
        "app/gen/d.py": "",
        "app/gen/yxz.py": "def broken(:\n",
        "app/gen/_xz.py": "",
        "app/gen/yx1.py": "",
    }).contracts(FORBID_B)
    modules = graph_of(project, use_cache=False).modules
    assert {"app.gen.d", "app.gen._xz", "app.gen.yx1"} <= modules
    assert {"app.gen.a1", "app.gen.yxz"}.isdisjoint(modules)


def test_an_exclude_glob_with_an_empty_range_is_a_configuration_error(project):
    project.settings(["app"], exclude=["app/[z-a].py"]).files({"app/__init__.py": ""})
    project.contracts(FORBID_B)
    result = project.cli("check")
    assert (result.code, result.err) == (
        2, "archlint: error: pyproject.toml: key 'exclude': 'app/[z-a].py' is no glob: "
           "bad character range z-a\n")


def test_src_layout_is_found(project):
    project.settings(["app"]).files({
        "src/app/__init__.py": "", "src/app/a.py": "from app import b\n", "src/app/b.py": "",
    }).contracts(FORBID_B)
    assert rows(project.check()) == [("app.a", "app.b", "src/app/a.py", 1)]


def test_missing_root_package_is_a_configuration_error(project):
    project.settings(["nothere"]).contracts(FORBID_B)
    with pytest.raises(ConfigError) as error:
        project.check()
    assert str(error.value) == (
        f"key 'root_packages': root package 'nothere' not found: no folder nothere in "
        f"{project.root} or {project.root / 'src'}")


def test_cached_scan_gives_the_same_graph_and_sees_changes(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "",
    }).contracts(FORBID_B)
    first = project.check(use_cache=True)
    assert (project.root / ".archlint_cache" / ".gitignore").read_text().endswith("*\n")
    assert rows(project.check(use_cache=True)) == rows(first) == [("app.a", "app.b", "app/a.py", 1)]
    path = project.root / "app" / "a.py"
    path.write_text("x = 1\n\nimport app.b\n")
    import os
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 10))
    assert rows(project.check(use_cache=True)) == [("app.a", "app.b", "app/a.py", 3)]


def test_archlint_never_imports_the_checked_code(project):
    marker = project.root / "imported.txt"
    project.settings(["app"]).files({
        "app/__init__.py": f"open({str(marker)!r}, 'w').write('ran')\n",
        "app/a.py": "import app.b\n",
        "app/b.py": f"open({str(marker)!r}, 'w').write('ran')\n",
    }).contracts(FORBID_B)
    project.check()
    assert not marker.exists()


UNRESOLVED_FILES = {
    "app/__init__.py": "",
    "app/b.py": "",
    "app/sub/__init__.py": "",
    "app/a.py": '''\
        """Usage:
        import app.only_in_a_docstring
        """
        from app.missing import thing
        from .missing_sibling import other
        import app.sub.gone
        from app.sub import maybe_an_attribute
        import app.b, app.nope
        import os.path


        def later():
            from app.sub.gone.deeper import (
                deep,
            )
    ''',
}


def test_imports_of_modules_that_do_not_exist_are_diagnostics(project):
    project.settings(["app"]).files(UNRESOLVED_FILES).contracts(FORBID_B)
    report = project.check()
    assert [(d.kind, d.path, d.line, d.message, d.severity) for d in report.diagnostics] == [
        ("unresolved-import", "app/a.py", 4, "app.a imports app.missing, which does not exist",
         "error"),
        ("unresolved-import", "app/a.py", 5,
         "app.a imports app.missing_sibling, which does not exist", "error"),
        ("unresolved-import", "app/a.py", 6, "app.a imports app.sub.gone, which does not exist",
         "error"),
        ("unresolved-import", "app/a.py", 8, "app.a imports app.nope, which does not exist",
         "error"),
        ("unresolved-import", "app/a.py", 13,
         "app.a imports app.sub.gone.deeper, which does not exist", "error"),
    ]
    assert report.exit_code == 1


def test_unresolved_imports_can_be_warnings_or_off(project):
    project.settings(["app"], unresolved_imports="warning").files(UNRESOLVED_FILES)
    project.contracts("""
        [[contracts]]
        id = "no-cycles"
        type = "acyclic"
        packages = ["app"]
    """)
    report = project.check()
    assert {d.severity for d in report.diagnostics} == {"warning"}
    assert len(report.diagnostics) == 5
    assert report.exit_code == 0
    project.settings(["app"], unresolved_imports="off")
    assert project.check().diagnostics == ()


def test_unresolved_imports_survive_the_cache(project):
    project.settings(["app"]).files(UNRESOLVED_FILES).contracts(FORBID_B)
    first = project.check(use_cache=True).diagnostics
    assert len(first) == 5
    assert project.check(use_cache=True).diagnostics == first
    project.files({"app/missing.py": ""})
    assert [d.line for d in project.check(use_cache=True).diagnostics] == [5, 6, 8, 13]


def test_an_unknown_coding_cookie_is_a_diagnostic_not_an_internal_error(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "", "app/b.py": "",
        "app/odd.py": "# coding: nonsense-42\nimport app.b\n",
    }).contracts(FORBID_B)
    report = project.check()
    assert [(d.kind, d.path, d.line, d.message) for d in report.diagnostics] == [
        ("syntax-error", "app/odd.py", 1, "unknown encoding: nonsense-42")]
