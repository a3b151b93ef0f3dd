"""The bad-input catalogue: every case goes through `main(argv)`, the real entry point.

A configuration mistake is one clear line on stderr and exit code 2; a source file archlint
cannot read is a diagnostic (exit code 1) while the rest of the project is still checked;
nothing ever ends in a traceback. Each case is one row, so a new kind of bad input (a corrupt
baseline, an interrupted `graph` or `fix`) is one more row. docs/reliability.md counts them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

FORBID = """
[[contracts]]
id = "no-b"
type = "forbidden"
source_modules = ["app.a", "app.odd"]
forbidden_modules = ["app.b"]
"""


def base(project, contracts: str = FORBID) -> None:
    project.settings(["app"]).files(
        {"app/__init__.py": "", "app/a.py": "", "app/b.py": "", "app/odd.py": ""})
    project.contracts(contracts)


def write(project, relative: str, data: bytes) -> None:
    path = project.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@dataclass(frozen=True)
class ConfigCase:
    name: str
    setup: Callable
    argv: tuple[str, ...]
    message: str  # the one line on stderr, {root} standing for the project folder


def _settings_text(project, text: str) -> None:
    base(project)
    (project.root / "pyproject.toml").write_text(text, encoding="utf-8")


CONFIG_CASES = [
    ConfigCase(
        "malformed settings TOML",
        lambda p: _settings_text(p, "[tool.archlint]\nroot_packages = [\"app\",,]\n"),
        ("check",),
        "archlint: error: pyproject.toml: invalid TOML: Invalid value (at line 2, column 24)"),
    ConfigCase(
        "malformed contract TOML", lambda p: base(p, FORBID + "severity = error\n"),
        ("check",),
        "archlint: error: contracts/contracts.toml: invalid TOML: Invalid value "
        "(at line 6, column 12)"),
    ConfigCase(
        "unknown contract type", lambda p: base(p, FORBID.replace('"forbidden"', '"forbiden"')),
        ("check",),
        "archlint: error: contracts/contracts.toml:1: contract 'no-b', key 'type': unknown "
        "contract type 'forbiden' (did you mean 'forbidden'?); known types: acyclic, canonical, "
        "forbidden, independence, internal, layers, unique"),
    ConfigCase(
        "unknown contract key", lambda p: base(p, FORBID + "allow_indirects = true\n"),
        ("check",),
        "archlint: error: contracts/contracts.toml:1: contract 'no-b', key 'allow_indirects': "
        "unknown key (did you mean 'allow_indirect'?)"),
    ConfigCase(
        "unknown settings key",
        lambda p: _settings_text(p, '[tool.archlint]\nroot_packages = ["app"]\nexclued = []\n'),
        ("check",),
        "archlint: error: pyproject.toml: key 'exclued': unknown key (did you mean 'exclude'?)"),
    ConfigCase(
        "wrong value type", lambda p: base(p, FORBID + 'allow_indirect = "yes"\n'),
        ("check",),
        "archlint: error: contracts/contracts.toml:1: contract 'no-b', key 'allow_indirect': "
        "expected a boolean (true or false), got a string (\"yes\")"),
    ConfigCase(
        "a string where a list belongs",
        lambda p: _settings_text(p, '[tool.archlint]\nroot_packages = "app"\n'),
        ("check",),
        "archlint: error: pyproject.toml: key 'root_packages': expected a list of strings, got "
        "a string (write [\"app\"])"),
    ConfigCase(
        "duplicate contract ids", lambda p: base(p, FORBID + FORBID),
        ("check",),
        "archlint: error: contracts/contracts.toml:7: contract 'no-b', key 'id': duplicate id, "
        "first defined at contracts/contracts.toml:1"),
    ConfigCase(
        "expression matching nothing",
        lambda p: base(p, FORBID.replace('["app.b"]', '["app.zzz"]')),
        ("check",),
        "archlint: error: contracts/contracts.toml:1: contract 'no-b', key 'forbidden_modules': "
        "'app.zzz' matches no module"),
    ConfigCase(
        "missing root package",
        lambda p: _settings_text(p, '[tool.archlint]\nroot_packages = ["nothere"]\n'),
        ("check",),
        "archlint: error: key 'root_packages': root package 'nothere' not found: no folder "
        "nothere in {root} or {root}/src"),
    ConfigCase(
        "no configuration found", lambda p: None, ("check",),
        "archlint: error: no configuration found (searched for archlint.toml, and "
        "pyproject.toml with [tool.archlint], from {root} upwards): run `archlint init` in the "
        "project root to set archlint up, or pass --config FILE"),
    ConfigCase(
        "configuration file given but missing", lambda p: None, ("check", "--config", "nope.toml"),
        "archlint: error: nope.toml: configuration file not found"),
    ConfigCase(
        "contracts folder missing",
        lambda p: _settings_text(p, '[tool.archlint]\nroot_packages = ["app"]\n'
                                    'contracts = ["rules"]\n'),
        ("check",),
        "archlint: error: pyproject.toml: key 'contracts': 'rules' does not exist "
        "(resolved to {root}/rules)"),
    ConfigCase(
        "settings file not UTF-8",
        lambda p: (base(p), write(p, "pyproject.toml",
                                  b'[tool.archlint]\n# caf\xe9\nroot_packages = ["app"]\n')),
        ("check",),
        "archlint: error: pyproject.toml: not valid UTF-8 text"),
    ConfigCase(
        "contract file is an empty array of tables", lambda p: base(p, "contracts = 3\n"),
        ("check",),
        "archlint: error: contracts/contracts.toml: key 'contracts': "
        "expected [[contracts]] tables"),
    ConfigCase(
        "unknown contract id on the command line", base, ("check", "--contract", "no-c"),
        "archlint: error: key '--contract': no contract with id 'no-c' (did you mean 'no-b'?); "
        "the contracts are: no-b"),
    ConfigCase(
        "output folder not writable (its parent is a file)",
        lambda p: (base(p), write(p, "blocker", b"")),
        ("check", "--output", "blocker/report.txt"),
        "archlint: error: cannot write blocker/report.txt: File exists"),
    ConfigCase(
        "graphs folder not writable (its parent is a file)",
        lambda p: (base(p), write(p, "blocker", b"")),
        ("graph", "--out", "blocker/pictures", "--contract", "no-b"),
        "archlint: error: cannot write to blocker/pictures: Not a directory"),
    ConfigCase(
        "unknown module in explain", base, ("explain", "app.a", "app.c"),
        "archlint: error: no module 'app.c' in the graph"),
]


@pytest.mark.parametrize("case", CONFIG_CASES, ids=[c.name for c in CONFIG_CASES])
def test_configuration_mistakes_are_one_line_and_exit_2(project, case: ConfigCase):
    case.setup(project)
    result = project.cli(*case.argv)
    assert (result.code, result.err.splitlines()) == (
        2, [case.message.format(root=project.root.resolve())])
    assert "Traceback" not in result.out + result.err


# -- source files -----------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceCase:
    name: str
    data: bytes  # the contents of app/odd.py
    violation: str | None  # the violation line of app/odd.py when its import is seen
    diagnostics: tuple[str, ...]  # the report's diagnostics lines


SOURCE_CASES = [
    SourceCase("empty file", b"", None, ()),
    SourceCase("byte order mark", b"\xef\xbb\xbf# -\nimport app.b\n",
               "  app/odd.py:2  app.odd -> app.b", ()),
    SourceCase("not UTF-8, latin-1 coding cookie",
               b"# -*- coding: latin-1 -*-\nimport app.b\nname = '\xe9'\n",
               "  app/odd.py:2  app.odd -> app.b", ()),
    SourceCase("not UTF-8, no coding cookie", b"import app.b\nname = '\xe9'\n", None,
               ("app/odd.py:2  syntax-error  not valid UTF-8: byte 0xe9 on line 2",)),
    SourceCase("coding cookie naming an unknown codec", b"# coding: nonsense-42\nimport app.b\n",
               None, ("app/odd.py:1  syntax-error  unknown encoding: nonsense-42",)),
    SourceCase("syntax error", b"import app.b\ndef f(:\n", None,
               ("app/odd.py:2  syntax-error  invalid syntax: def f(:",)),
    SourceCase("null byte", b"import app.b\x00\n", None,
               ("app/odd.py:1  syntax-error  source code string cannot contain null bytes",)),
]


@pytest.mark.parametrize("case", SOURCE_CASES, ids=[c.name for c in SOURCE_CASES])
def test_odd_source_files_are_read_or_reported_and_the_rest_is_still_checked(project, case):
    base(project)
    project.files({"app/a.py": "import app.b\n"})
    write(project, "app/odd.py", case.data)
    result = project.cli("check", "--no-cache")
    lines = result.out.splitlines()
    assert result.code == 1
    assert "  app/a.py:1  app.a -> app.b" in lines  # the rest of the project is checked
    odd = [line for line in lines if line.startswith("  app/odd.py:") and "->" in line]
    assert odd == ([case.violation] if case.violation else [])
    found = [line.strip() for line in lines[lines.index("diagnostics") + 1:-1]] \
        if "diagnostics" in lines else []
    assert tuple(found) == case.diagnostics
    assert result.err == "" and "Traceback" not in result.out


def test_a_file_with_a_byte_order_mark_is_read_like_any_other(project):
    base(project)
    write(project, "app/a.py", b"\xef\xbb\xbf# comment\nimport app.b\n")
    result = project.cli("check", "--no-cache")
    assert "  app/a.py:2  app.a -> app.b" in result.out.splitlines()


def test_a_five_megabyte_generated_file_is_checked(project):
    base(project)
    body = "".join(f"VALUE_{n} = {n}\n" for n in range(300_000))
    project.files({"app/a.py": body + "import app.b\n"})
    assert (project.root / "app" / "a.py").stat().st_size > 5_000_000
    result = project.cli("check", "--no-cache")
    assert result.code == 1
    assert "  app/a.py:300001  app.a -> app.b" in result.out.splitlines()


def test_deeply_nested_packages_are_checked(project):
    depth = 60
    folders = "/".join(f"n{i}" for i in range(depth))
    dotted = ".".join(f"n{i}" for i in range(depth))
    base(project, FORBID.replace('["app.a", "app.odd"]', f'["app.{dotted}"]'))
    project.files({f"app/{folders[:i]}/__init__.py": "" for i in
                   [len("/".join(f"n{j}" for j in range(k + 1))) for k in range(depth)]})
    project.files({f"app/{folders}/leaf.py": "import app.b\n"})
    result = project.cli("check", "--no-cache")
    assert result.code == 1
    assert f"  app/{folders}/leaf.py:1  app.{dotted}.leaf -> app.b" in result.out.splitlines()


def test_symlinked_folders_are_not_followed_and_are_named_with_the_imports_into_them(project):
    base(project)
    outside = project.root / "elsewhere"
    (outside / "inner").mkdir(parents=True)
    (outside / "inner" / "__init__.py").write_text("import app.b\n")
    os.symlink(outside / "inner", project.root / "app" / "linked")
    os.symlink(project.root / "app", project.root / "app" / "loop")  # a symlink loop
    project.files({"app/a.py": "import app.linked\n"})
    result = project.cli("check", "--no-cache")
    assert result.code == 1
    assert result.out.splitlines()[-5:] == [
        "diagnostics",
        "  app/a.py:1  unresolved-import  app.a imports app.linked, which does not exist",
        "  app/linked:1  unreadable-file  a symbolic link to a folder: not followed, so its "
        "modules are not checked",
        "  app/loop:1  unreadable-file  a symbolic link to a folder: not followed, so its "
        "modules are not checked",
        "1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined) · 2 unreadable files "
        "· 1 unresolved import",
    ]


def test_an_excluded_symlinked_folder_is_not_named(project):
    base(project)
    (project.root / "elsewhere").mkdir()
    os.symlink(project.root / "elsewhere", project.root / "app" / "linked")
    project.settings(["app"], exclude=["app/linked"])
    result = project.cli("check", "--no-cache")
    assert result.code == 0, result.out


def test_a_symlinked_file_is_checked_under_its_own_path(project):
    base(project)
    outside = project.root / "elsewhere.py"
    outside.write_text("import app.b\n")
    os.symlink(outside, project.root / "app" / "a.py.tmp")
    (project.root / "app" / "a.py").unlink()
    os.rename(project.root / "app" / "a.py.tmp", project.root / "app" / "a.py")
    result = project.cli("check", "--no-cache")
    assert "  app/a.py:1  app.a -> app.b" in result.out.splitlines()


def test_an_unreadable_file_is_a_diagnostic(project):
    """chmod 000 stops every user but root; as root the check runs in a child process without
    root's power to read any file, so the file is unreadable in every environment."""
    base(project)
    project.files({"app/a.py": "import app.b\n", "app/odd.py": "import app.b\n"})
    assert check_with_odd_unreadable(project) == [
        "diagnostics",
        "  app/odd.py:1  unreadable-file  cannot read: Permission denied",
        "1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined) · 1 unreadable file",
    ]


def test_an_unreadable_file_in_a_unique_contract_is_a_diagnostic(project):
    base(project, """
        [[contracts]]
        id = "one-client"
        type = "unique"
        packages = ["app"]
        names = ["Client"]
    """)
    project.files({"app/a.py": "class Client: ...\n", "app/odd.py": "class Client: ...\n"})
    assert check_with_odd_unreadable(project) == [
        "diagnostics",
        "  app/odd.py:1  unreadable-file  cannot read: Permission denied",
        "1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined) · 1 unreadable file",
    ]


def check_with_odd_unreadable(project) -> list[str]:
    """Check with app/odd.py made unreadable (chmod 000); the last three lines printed, after
    asserting exit code 1 and no traceback."""
    (project.root / "app" / "odd.py").chmod(0)
    try:
        code, out = check_without_override(project) if os.geteuid() == 0 else check_here(project)
    finally:
        (project.root / "app" / "odd.py").chmod(0o644)
    assert code == 1 and "Traceback" not in out
    return out.splitlines()[-3:]


def check_here(project) -> tuple[int, str]:
    result = project.cli("check", "--no-cache")
    return result.code, result.out + result.err


def check_without_override(project) -> tuple[int, str]:
    """Run `python -m archlint check` as root without the capabilities that let root read
    any file (util-linux's setpriv drops them), so chmod 000 binds root as it binds anyone."""
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root, this test needs util-linux's setpriv to drop privileges"
    completed = subprocess.run(
        [setpriv, "--bounding-set", "-dac_override,-dac_read_search",
         sys.executable, "-m", "archlint", "check", "--no-cache"],
        cwd=project.root, capture_output=True, text=True, timeout=120)
    return completed.returncode, completed.stdout + completed.stderr


def test_a_report_is_never_left_half_written(project, monkeypatch):
    """An interrupted write (Ctrl-C while the report is written) keeps the old report and
    leaves no temporary file."""
    base(project)
    report = project.root / "report.json"
    report.write_text("previous report\n")
    real_replace = os.replace

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = project.cli("check", "--format", "json", "--output", "report.json")
    monkeypatch.setattr(os, "replace", real_replace)
    assert result.code == 130 and result.err.strip() == "archlint: interrupted"
    assert report.read_text() == "previous report\n"
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".report")) == []


def _baseline_then_fix(project) -> None:
    """A baseline of one violation, then the violation fixed: `--update` has to shrink it."""
    assert project.cli("baseline", "--no-cache").code == 0
    project.files({"app/a.py": "from app.b import X\n"})


INTERRUPTED_WRITES = {
    # command: (the file it writes, relative to the project; what to do before it runs)
    ("baseline", "--update"): ("contracts/baseline.json", _baseline_then_fix),
    ("graph", "--out", "pictures", "--format", "dot"): ("pictures/no-b.dot", None),
    ("fix", "--write"): ("app/a.py", None),
}


@pytest.mark.parametrize("argv", list(INTERRUPTED_WRITES), ids=[a[0] for a in INTERRUPTED_WRITES])
def test_ctrl_c_while_writing_leaves_no_partial_file(project, monkeypatch, argv):
    """Ctrl-C while `baseline`, `graph` or `fix` writes keeps each file whole: the old text,
    and no temporary file beside it."""
    project.settings(["app"]).files({
        "app/__init__.py": "", "app/b.py": "X = 1\n", "app/legacy.py": "from app.b import X\n",
        "app/a.py": "from app.legacy import X\n",
    }).contracts("""
        [[contracts]]
        id = "no-b"
        type = "canonical"
        package = "app.legacy"
        canonical = []
        allow = ["app.b"]
        symbols = { X = "app.b" }
    """)
    relative, prepare = INTERRUPTED_WRITES[argv]
    if prepare:
        prepare(project)
    target = project.root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_text("old text\n")
    before = target.read_bytes()

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    result = project.cli(*argv, "--no-cache")
    monkeypatch.undo()
    assert result.code == 130 and result.err.strip() == "archlint: interrupted"
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []
