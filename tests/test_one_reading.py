"""One reading of the code: a cached check sees the project as it is now, exactly as a check
without the cache does, whatever changed in between; and no file is silently left out.

Each test here failed before the fact layer: the cache kept what an import meant (not what it
said), a file the running Python could not parse added nothing to the symbol-level contracts,
and a line scan missed unresolved imports written in unusual ways.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sys as _sys
import time
from pathlib import Path

import pytest
from conftest import rows

from archlint.checking import explain

FORBID_B = """
    [[contracts]]
    id = "a-not-b"
    type = "forbidden"
    source_modules = ["app.a"]
    forbidden_modules = ["app.b"]
"""


@pytest.fixture(autouse=True)
def settled_clock(monkeypatch):
    """Trust stamps at once, as a file system with a fine clock allows: by default a file
    changed in the last two seconds is always read again, which would hide a stale cache."""
    import archlint.discovery

    monkeypatch.setattr(archlint.discovery, "SETTLED_NS", 0)


def settle(project) -> None:
    """Move the mtime of every file and folder a minute into the past: an old project."""
    past = time.time_ns() - 60 * 10**9
    for path in [project.root, *project.root.rglob("*")]:
        os.utime(path, ns=(past, past), follow_symlinks=False)


def same_as_uncached(project):
    """Check with the cache and without; both reports must be equal. Returns the report."""
    cached = project.check(use_cache=True)
    fresh = project.check(use_cache=False)
    assert cached == fresh
    return cached


def keep_stamp(path, write) -> None:
    """Change a file with `write()` and put its mtime back, as `touch -r` or a build with
    reproducible mtimes does."""
    before = path.stat()
    write()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


# -- what an import means depends on other files ---------------------------------------------


def test_deleting_an_imported_module_makes_its_import_unresolved_and_ends_its_chains(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "import app.c\n",
        "app/c.py": "",
    }).contracts("""
        [[contracts]]
        id = "a-not-c"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.c"]
    """)
    settle(project)
    assert [v.importer for v in same_as_uncached(project).results[0].violations] == ["app.a"]
    assert len(explain("app.a", "app.c", project.root / "pyproject.toml")) == 1
    (project.root / "app" / "b.py").unlink()
    report = same_as_uncached(project)
    assert rows(report) == []
    assert [(d.kind, d.path, d.line, d.message) for d in report.diagnostics] == [
        ("unresolved-import", "app/a.py", 1, "app.a imports app.b, which does not exist")]
    assert explain("app.a", "app.c", project.root / "pyproject.toml") == []


def test_a_name_that_becomes_a_submodule_is_followed(project):
    """`from app.b import impl` means app.b while impl is a name in it, app.b.impl once impl
    is a module of its own: a chain through it must be found on the next cached check."""
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "from app.b import impl\n",
        "app/b/__init__.py": "impl = None\n", "app/c.py": "",
    }).contracts("""
        [[contracts]]
        id = "a-not-c"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.c"]
    """)
    settle(project)
    assert rows(same_as_uncached(project)) == []
    project.files({"app/b/impl.py": "import app.c\n"})
    report = same_as_uncached(project)
    assert [[(h.importer, h.imported, h.line) for h in v.chain]
            for v in report.results[0].violations] == [
        [("app.a", "app.b.impl", 1), ("app.b.impl", "app.c", 1)]]


def test_a_package_that_becomes_a_module_changes_what_its_relative_imports_mean(project):
    """`from . import b` in app/x/__init__.py is app.x.b; moved to app/x.py it is app.b."""
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "", "app/b.py": "",
        "app/x/__init__.py": "from . import b\n", "app/x/b.py": "",
    }).contracts("""
        [[contracts]]
        id = "x-not-b"
        type = "forbidden"
        source_modules = ["app.x"]
        forbidden_modules = ["app.b"]
    """)
    settle(project)
    assert rows(same_as_uncached(project)) == []
    shutil.move(project.root / "app" / "x" / "__init__.py", project.root / "app" / "x.py")
    shutil.rmtree(project.root / "app" / "x")
    assert rows(same_as_uncached(project)) == [("app.x", "app.b", "app/x.py", 1)]


def test_an_edit_that_keeps_size_and_mtime_is_seen(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "import app.c\n", "app/b.py": "", "app/c.py": "",
    }).contracts(FORBID_B)
    settle(project)
    assert rows(same_as_uncached(project)) == []
    path = project.root / "app" / "a.py"
    keep_stamp(path, lambda: path.write_text("import app.b\n"))  # the same size
    assert rows(same_as_uncached(project)) == [("app.a", "app.b", "app/a.py", 1)]


def test_two_files_of_one_mtime_swapped_with_mv_are_seen(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "import app.c\n", "app/b.py": "",
        "app/c.py": "import app.b\n",
    }).contracts(FORBID_B + "    allow_indirect = true\n")
    a, c = project.root / "app" / "a.py", project.root / "app" / "c.py"
    settle(project)  # both files have one mtime
    assert rows(same_as_uncached(project)) == []
    os.rename(a, project.root / "swap.py")
    os.rename(c, a)
    os.rename(project.root / "swap.py", c)
    assert rows(same_as_uncached(project)) == [("app.a", "app.b", "app/a.py", 1)]


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"),
                    reason="as root this needs util-linux's setpriv")
def test_a_file_readable_again_loses_its_cannot_read_diagnostic(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "",
    }).contracts(FORBID_B)
    path = project.root / "app" / "a.py"
    path.chmod(0)
    try:
        code, out = _check_in_a_child(project)
    finally:
        path.chmod(0o644)
    assert code == 1 and "app/a.py:1  unreadable-file  cannot read: Permission denied" in out
    code, out = _check_in_a_child(project)
    assert "unreadable-file" not in out
    assert "  app/a.py:1  app.a -> app.b" in out


def _check_in_a_child(project) -> tuple[int, str]:
    """`archlint check` (cached) in a child process that, even as root, cannot read a file
    chmod 000 hides."""
    command = [sys.executable, "-m", "archlint", "check"]
    if os.geteuid() == 0:
        command = [shutil.which("setpriv"), "--bounding-set",
                   "-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, cwd=project.root, capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout + done.stderr


# -- syntax newer than the running Python ------------------------------------------------------

# Lines only Python 3.12 parses (PEP 701 quotes, PEP 695 `type` and generics); on 3.12+ the
# same results follow from Python's own parse.
NEWER_SYNTAX = '''\
settings = {"name": "x"}
label = f"{settings.get("name")}"
type Alias = int


class Generic[T]:
    pass
'''


def test_a_file_with_newer_syntax_counts_in_every_contract_type(project):
    project.settings(["app", "tests"]).files({
        "app/__init__.py": "", "app/core/__init__.py": "", "app/core/_impl.py": "",
        "app/core/api.py": "class Manager:\n    pass\n",
        "app/legacy.py": NEWER_SYNTAX + "from app.core._impl import thing\n"
                                        "from app.core.api import Manager\nimport app.gone\n"
                                        "class Manager:\n    pass\n",
        "tests/__init__.py": "",
        "tests/test_x.py": NEWER_SYNTAX + "from app.core._impl import helper\n",
    }).contracts("""
        [[contracts]]
        id = "core-entry"
        type = "canonical"
        package = "app.core"
        canonical = ["app.core.api"]

        [[contracts]]
        id = "tests-public"
        type = "internal"
        importers = ["tests"]
        packages = ["app"]

        [[contracts]]
        id = "one-manager"
        type = "unique"
        packages = ["app"]
        names = ["Manager", "Generic", "Alias"]
    """)
    report = same_as_uncached(project)
    found = {r.id: [(*v.identity[1:], v.line) for v in r.violations]
             for r in report.results}
    assert found == {
        # import violations: importer, imported, name; a duplicate: copy, original, name
        "core-entry": [("app.legacy", "app.core._impl", "thing", 8),
                       ("tests.test_x", "app.core._impl", "helper", 8)],
        "tests-public": [("tests.test_x", "app.core._impl", "helper", 8)],
        "one-manager": [("app.legacy", "app.core.api", "Manager", 11)],
    }
    assert [(d.kind, d.path, d.line) for d in report.diagnostics] == [
        ("unresolved-import", "app/legacy.py", 10)]


def test_a_statement_unique_cannot_parse_is_named_on_every_run(project):
    """A statement that may define a wanted name but that the running Python cannot parse is
    a diagnostic whether its file's answer comes from the cache or not: a cached answer once
    dropped it. Statements that cannot define the name are not parsed, so never named."""
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/api.py": "class Manager:\n    pass\n",
        "app/legacy.py": 'settings = {"a": 1}\nlabel = f"{settings.get("a")}"\n'
                         'if settings:\n    Manager = f"{settings.get("a")}"\n',
        "app/user.py": "import app.api\n",
    }).contracts("""
        [[contracts]]
        id = "one-manager"
        type = "unique"
        packages = ["app"]
        names = ["Manager"]
    """)
    unread = [] if _sys.version_info >= (3, 12) else [
        ("unsupported-syntax", "app/legacy.py", 3)]
    for _ in range(2):
        report = same_as_uncached(project)
        assert [(d.kind, d.path, d.line) for d in report.diagnostics] == unread
        project.files({"app/user.py": "import app.api\nimport app\n"})  # a result-cache miss
    if unread:  # the one definition that can be read is no duplicate
        assert report.results[0].violations == ()


# -- unresolved imports written in every way Python allows -------------------------------------


@pytest.mark.parametrize(("source", "line"), [
    (b"x = 1\rimport app.gone\r", 2),  # CR-only line endings
    (b"import app.b, \\\n    app.gone\n", 1),  # a backslash continuation
    (b"from app . gone import x\n", 1),  # spaces around the dot
    (b"\x0cimport app.gone\n", 1),  # a form feed before the statement
    ("import app.gonè\n".encode(), 1),  # a non-ASCII module name
    (b"if True: import app.gone\n", 1),  # a statement after a block header
    (b"import os; import app.gone\n", 1),  # two statements on one line
], ids=["cr-only", "backslash", "spaced-dots", "form-feed", "non-ascii", "one-liner",
        "semicolon"])
def test_every_way_of_writing_an_import_of_a_missing_module_is_reported(project, source, line):
    project.settings(["app"]).files({"app/__init__.py": "", "app/b.py": ""})
    (project.root / "app" / "a.py").write_bytes(source)
    project.contracts(FORBID_B)
    report = same_as_uncached(project)
    missing = "app.gonè" if "è" in source.decode() else "app.gone"
    assert [(d.kind, d.path, d.line, d.message) for d in report.diagnostics] == [
        ("unresolved-import", "app/a.py", line, f"app.a imports {missing}, which does not exist")]


def test_an_import_in_a_docstring_is_not_an_import(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/b.py": "",
        "app/a.py": '"""Use it like this:\n\nimport app.gone\nfrom app import b\n"""\n',
    }).contracts(FORBID_B)
    report = same_as_uncached(project)
    assert report.diagnostics == ()
    assert rows(report) == []


# -- files the scanner cannot take -------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_odd_file_kinds_are_diagnostics_and_the_rest_is_checked(project):
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "",
        "app/deep.py": "from .... import x\n",
    }).contracts(FORBID_B)
    os.mkfifo(project.root / "app" / "pipe.py")
    os.symlink("/dev/null", project.root / "app" / "null.py")
    (project.root / "app" / "folder.py").mkdir()
    result = project.cli("check", "--no-cache")
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    assert result.err == ""
    assert result.out.splitlines()[-6:] == [
        "diagnostics",
        "  app/deep.py:1  unresolved-import  app.deep imports from ...., above its top-level "
        "package",
        "  app/folder.py:1  unreadable-file  not a regular file",
        "  app/null.py:1  unreadable-file  not a regular file",
        "  app/pipe.py:1  unreadable-file  not a regular file",
        "1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined) · 3 unreadable files "
        "· 1 unresolved import",
    ]


def test_a_file_that_vanishes_before_it_is_read_is_a_diagnostic(project, monkeypatch):
    import archlint.facts.project as reading

    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "import app.b\n", "app/b.py": "",
        "app/gone.py": "import app.b\n",
    }).contracts(FORBID_B)
    real_read = reading._read

    def vanishing(source):
        if source.relative == "app/gone.py":
            (project.root / source.relative).unlink()
        return real_read(source)

    monkeypatch.setattr(reading, "_read", vanishing)
    report = project.check()
    assert rows(report) == [("app.a", "app.b", "app/a.py", 1)]
    assert [(d.kind, d.path, d.message) for d in report.diagnostics] == [
        ("unreadable-file", "app/gone.py", "cannot read: No such file or directory")]


def test_a_file_the_scanner_panics_on_is_read_by_python_and_nothing_reaches_stderr(project):
    """A relative import above the top-level package makes grimp's scanner panic; the file is
    read by Python instead, the panic's message is kept off the terminal."""
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/b.py": "",
        "app/a.py": "import app.b\nfrom ..... import nowhere\n",
    }).contracts(FORBID_B)
    done = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache"],
                          cwd=project.root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == ""
    assert done.stdout.splitlines()[-3:] == [
        "diagnostics",
        "  app/a.py:2  unresolved-import  app.a imports from ....., above its top-level package",
        "1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined) · 1 unresolved import",
    ]


def test_the_scanners_python_fallback_is_exact_for_every_form(project):
    """A file the scanner gives up on is read through Python's own parse: the same facts."""
    import ast

    from archlint.facts.statements import read_statements, split_lines, statements_from_tree

    source = ("import a.b as c, d\nfrom .x import (y as z,\n    w)\nif True: import e\n"
              "def f():\n    from g import h  # archlint: ignore[one]\n"
              "try:\n    import i\nexcept ImportError:\n    pass\n")
    lines = split_lines(source)
    by_lines, problems = read_statements(source, lines, [1, 2, 4, 6, 8])
    assert problems == []
    assert by_lines == statements_from_tree(ast.parse(source), lines)


def test_tests_run_newer_syntax_on_an_older_python():
    """The newer-syntax tests above mean something only where Python cannot parse them."""
    import ast

    if _sys.version_info >= (3, 12):
        pytest.skip("this Python parses 3.12 syntax itself")
    with pytest.raises(SyntaxError):
        ast.parse(NEWER_SYNTAX)


# -- the pictures are drawn from the report, whatever the code imports --------------------------


def test_graph_draws_every_contract_of_the_example_with_imports_of_missing_modules(
        tmp_path, monkeypatch, capsys):
    """The real backend imports modules of its WebSocket package that no longer exist, from
    inside the package and from outside: every picture is still drawn."""
    from archlint.cli import main

    example = tmp_path / "example"
    shutil.copytree(Path(__file__).parents[1] / "examples" / "websocket_ssot", example)
    for relative in ("chatapp/websocket_core/manager.py", "chatapp/routes/admin.py"):
        path = example / relative
        path.write_text("import chatapp.websocket_core.gone\n" + path.read_text())
    monkeypatch.chdir(example)
    assert main(["graph", "--out", "pictures", "--format", "dot", "--no-cache"]) == 0
    assert sorted(p.name for p in (example / "pictures").glob("*.dot")) == [
        "chatapp-acyclic.dot", "chatapp-layers.dot", "tests-no-internals.dot",
        "websocket-canonical.dot", "websocket-names-unique.dot"]
    assert "internal error" not in capsys.readouterr().err


def test_a_module_file_beside_a_package_of_its_name_is_shadowed_and_named(project):
    """Python imports the package `app/b/__init__.py`, never `app/b.py`: the file is named, and
    whichever order the walk finds them in, cached or not, the package is the module."""
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "import app.b\n",
        "app/b/__init__.py": "import app.c\n", "app/b.py": "import app.d\n",
        "app/c.py": "", "app/d.py": "",
    }).contracts(FORBID_B.replace('["app.b"]', '["app.d"]') + "    allow_indirect = false\n")
    report = same_as_uncached(project)
    assert rows(report) == []
    assert [(d.kind, d.path, d.message, d.severity) for d in report.diagnostics] == [
        ("shadowed-file", "app/b.py", "hidden by the package app/b/__init__.py: Python imports "
         "the package, never this file", "warning")]


def test_the_package_not_the_module_file_it_hides_is_read(project):
    """grimp's scanner looks for `b.py` before `b/__init__.py`; the package is what Python
    imports, so a syntax error in the hidden file is not the package's, and one in the
    package is."""
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/a.py": "", "app/b.py": "def broken(:\n",
        "app/b/__init__.py": "import app.a\nclass(\n",
    }).contracts(FORBID_B)
    report = same_as_uncached(project)
    assert [(d.kind, d.path, d.line) for d in report.diagnostics] == [
        ("shadowed-file", "app/b.py", 1), ("syntax-error", "app/b/__init__.py", 2)]


# -- files no parser can take whole ----------------------------------------------------------


@pytest.mark.parametrize(("tail", "diagnostic"), [
    ("x = " + "+".join(["1"] * 100_000) + "\n", "unsupported-syntax"),
    ("x = (" + "+\n".join(["1"] * 100_000) + ")\n", None),
    ("x = " + "-" * 100_000 + "1\n", "unsupported-syntax"),
    ("x = " + "(" * 3_000 + "1" + ")" * 3_000 + "\n", "syntax-error"),
    ("from os import (" + ", ".join(f"n{i}" for i in range(20_000)) + ")\n", None),
], ids=["long-sum", "deep-sum-over-lines", "unary-minus", "nested-parentheses", "long-import"])
def test_pathological_files_are_read_or_named_in_a_child_process(project, tail, diagnostic):
    """Each case once crashed the process (a Rust stack overflow), exhausted memory (a 150 KB
    import line copied per name) or lost the file; the import above it must still count."""
    project.settings(["app"]).files({"app/__init__.py": "", "app/b.py": ""}).contracts(FORBID_B)
    (project.root / "app" / "a.py").write_text("import app.b\n" + tail)
    done = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache",
                           "--format", "json"], cwd=project.root, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1, done.stderr[-500:]
    import json

    report = json.loads(done.stdout)
    if diagnostic == "syntax-error":  # Python itself refuses the file: nothing in it counts
        assert report["contracts"][0]["violations"] == []
    else:
        assert [(v["importer"], v["line"]) for v in report["contracts"][0]["violations"]] == [
            ("app.a", 1)]
    assert [d["kind"] for d in report["diagnostics"]] == ([diagnostic] if diagnostic else [])
