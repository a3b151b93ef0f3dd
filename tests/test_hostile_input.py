"""Hostile input beyond the bad-input catalogue: text that could drive a terminal or mislead a
reader, output streams that cannot encode the report, configuration values of the wrong shape
or size, caches archlint cannot write or read back, writes that a symbolic link or a setting
would carry out of the project. Every case goes through `main(argv)` or the library's entry
points and asserts the exact outcome. docs/reliability.md lists them.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
import unicodedata
from copy import deepcopy
from dataclasses import replace

import pytest

from archlint.cache import entry_bytes, read_entry
from archlint.cli import main
from archlint.files import write_atomic
from archlint.model import printable

FORBID_B = """
[[contracts]]
id = "no-b"
type = "forbidden"
source_modules = ["app.*"]
forbidden_modules = ["app.b"]
"""


def app(project, files: dict[str, str] | None = None, contracts: str = FORBID_B):
    return project.settings(["app"]).files(
        {"app/__init__.py": "", "app/b.py": "", **(files or {})}).contracts(contracts)


# -- text that drives terminals or hides what it says ------------------------------------------

def test_printable_escapes_control_format_and_separator_characters():
    """Every control character but tab and newline, every format character (bidi overrides
    and isolates, zero-width characters), line and paragraph separators and lone
    surrogates are shown as escapes; every other character stays as it is."""
    hidden = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        escaped = unicodedata.category(char) in hidden and char not in "\t\n"
        assert (printable(char) != char) == escaped, hex(code)
    assert printable("a\u202eb\x1bc\u2066d\udce9") == "a\\u202eb\\x1bc\\u2066d\\udce9"
    assert printable("\U000e0001 é ✓ 中 😀") == "\\U000e0001 é ✓ 中 😀"


BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: the text after it is shown reversed


def test_bidi_controls_from_source_lines_are_escaped_in_the_text_report(project):
    app(project, {"app/a.py": f"import app.b  # {BIDI}gnp.exe\n"})
    result = project.cli("check", "--no-cache")
    assert BIDI not in result.out
    assert "      import app.b  # \\u202egnp.exe" in result.out.splitlines()


def test_explain_escapes_control_codes_in_chain_headers(project):
    """Module names come from file names, which may hold any character but '/'."""
    app(project, {"app/c\x08\u202e.py": "import app.b\n"})
    result = project.cli("explain", "app", "app.b")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "1 chain from app to app.b",
        "1. app.c\\x08\\u202e -> app.b  (1 import)",
        "   app.c\\x08\\u202e -> app.b  app/c\\x08\\u202e.py:1  import app.b",
    ]


def test_github_format_escapes_control_codes_in_file_names(project):
    app(project, {"app/c\x07\u202e.py": "import app.b\n"})
    result = project.cli("check", "--format", "github", "--no-cache")
    assert result.out.splitlines()[0] == (
        "::error file=app/c\\x07\\u202e.py,line=1,title=no-b::app.c\\x07\\u202e imports app.b, "
        "which it is forbidden to use")


def test_bidi_controls_are_escaped_in_the_review_page(project):
    app(project, {"app/a.py": f"import app.b  # {BIDI}gnp.exe\n"})
    project.cli("graph", "--format", "html", "--out", "pictures", "--no-cache")
    page = (project.root / "pictures" / "index.html").read_text(encoding="utf-8")
    assert BIDI not in page
    assert "<code>import app.b  # \\u202egnp.exe</code>" in page


def test_configuration_errors_escape_control_codes(project):
    app(project, contracts=FORBID_B.replace('["app.b"]', '["app.\\u001b[2J"]'))
    result = project.cli("check", "--no-cache")
    assert result.code == 2
    assert "\x1b" not in result.err and "'app.\\x1b[2J'" in result.err


# -- output streams that cannot encode the report ----------------------------------------------

def run_on_streams(project, monkeypatch, encoding: str, *argv: str) -> tuple[int, str, str]:
    """`main(argv)` writing to standard streams with `encoding` and strict errors, as a pipe
    on Windows is (cp1252); returns the exit code and what each stream received."""
    out = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    err = io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.chdir(project.root)
    code = main(list(argv))
    out.flush()
    err.flush()
    return code, out.buffer.getvalue().decode(encoding), err.buffer.getvalue().decode(encoding)


NON_ASCII_LINE = "import app.b  # café ✓ 中\n"


def test_a_report_with_non_ascii_lines_reaches_a_cp1252_stream(project, monkeypatch):
    app(project, {"app/a.py": NON_ASCII_LINE})
    code, out, err = run_on_streams(project, monkeypatch, "cp1252", "check", "--no-cache")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "FAIL no-b  no-b",
        "  app/a.py:1  app.a -> app.b",
        "      import app.b  # café \\u2713 \\u4e2d",
        "      app.a imports app.b, which it is forbidden to use",
        "1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined)",
    ]


def test_explain_finishes_on_a_cp1252_stream(project, monkeypatch):
    app(project, {"app/a.py": NON_ASCII_LINE})
    code, out, err = run_on_streams(project, monkeypatch, "cp1252", "explain", "app.a", "app.b")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "1 chain from app.a to app.b",
        "1. app.a -> app.b  (1 import)",
        "   app.a -> app.b  app/a.py:1  import app.b  # café \\u2713 \\u4e2d",
    ]


def test_a_cp1252_standard_output_in_a_child_process(project):
    app(project, {"app/a.py": NON_ASCII_LINE})
    done = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache"],
                          cwd=project.root, capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "cp1252"})
    assert (done.returncode, done.stderr) == (1, b"")
    assert "      import app.b  # café \\u2713 \\u4e2d" in done.stdout.decode("cp1252").splitlines()


def test_a_file_name_that_is_not_utf8_is_named_and_every_format_is_written(project):
    app(project, {"app/a.py": "import app.b\n"})
    with open(os.path.join(os.fsencode(project.root), b"app", b"c\xe9.py"), "wb") as stream:
        stream.write(b"import app.b\n")
    result = project.cli("check", "--no-cache", "--format", "json")
    assert result.code == 1, result.err
    report = json.loads(result.out)
    assert [(d["kind"], d["path"], d["message"]) for d in report["diagnostics"]] == [
        ("unreadable-file", "app/c\\xe9.py", "the file name is not valid UTF-8: no import "
                                             "can name its module, so it is not checked")]
    for fmt in ("text", "sarif", "github"):
        assert project.cli("check", "--format", fmt, "--output", f"report.{fmt}").code == 1


# -- configuration of the wrong shape or size --------------------------------------------------

def settings_text(text: str):
    def setup(project):
        app(project, {"app/a.py": "import app.b\n"})
        (project.root / "pyproject.toml").write_text(text, encoding="utf-8")
    return setup


def contract_text(text: str):
    return lambda project: app(project, {"app/a.py": "import app.b\n"}, contracts=text)


DEEP = "[" * 2000 + "]" * 2000
SETTINGS = '[tool.archlint]\nroot_packages = ["app"]\n'
CONFIGURATION_CASES = {
    "a settings value nested 2,000 deep": (
        settings_text(SETTINGS + f"exclude = {DEEP}\n"),
        "pyproject.toml: invalid TOML: values are nested too deeply to read"),
    "a contract value nested 2,000 deep": (
        contract_text(FORBID_B + f"ignore = {DEEP}\n"),
        "contracts/contracts.toml: invalid TOML: values are nested too deeply to read"),
    "tool is not a table": (
        settings_text("tool = 5\n"),
        "pyproject.toml: key 'tool': expected a table ([tool.archlint]), got an integer (5)"),
    "tool is a string naming archlint": (
        settings_text('tool = "archlint"\n'),
        "pyproject.toml: key 'tool': expected a table ([tool.archlint]), got a string "
        "(\"archlint\")"),
    "tool.archlint is not a table": (
        settings_text("[tool]\narchlint = []\n"),
        "pyproject.toml: key 'tool.archlint': expected a table ([tool.archlint]), got a list"),
    "cache_dir is the parent folder": (
        settings_text(SETTINGS + 'cache_dir = ".."\n'),
        "pyproject.toml: key 'cache_dir': '..' must be a folder inside the project root (not "
        "the root itself), written relative to it with forward slashes"),
    "cache_dir is the project root": (
        settings_text(SETTINGS + 'cache_dir = "."\n'),
        "pyproject.toml: key 'cache_dir': '.' must be a folder inside the project root (not "
        "the root itself), written relative to it with forward slashes"),
    "cache_dir is absolute": (
        settings_text(SETTINGS + 'cache_dir = "/tmp/archlint"\n'),
        "pyproject.toml: key 'cache_dir': '/tmp/archlint' must be a folder inside the project "
        "root (not the root itself), written relative to it with forward slashes"),
    "baseline climbs out of the project": (
        settings_text(SETTINGS + 'baseline = "contracts/../../baseline.json"\n'),
        "pyproject.toml: key 'baseline': 'contracts/../../baseline.json' must be a file inside "
        "the project root, written relative to it with forward slashes"),
    "graphs is absolute": (
        settings_text(SETTINGS + 'graphs = "/var/www"\n'),
        "pyproject.toml: key 'graphs': '/var/www' must be a folder inside the project root, "
        "written relative to it with forward slashes"),
}


@pytest.mark.parametrize("case", list(CONFIGURATION_CASES))
def test_configuration_of_the_wrong_shape_is_one_line_and_exit_2(project, case):
    setup, message = CONFIGURATION_CASES[case]
    setup(project)
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err.splitlines()) == (2, [f"archlint: error: {message}"])
    assert result.out == ""


def test_a_rejected_cache_dir_writes_nothing_outside_the_project(project):
    parent = project.root.parent
    before = sorted(p.name for p in parent.iterdir())
    settings_text(SETTINGS + 'cache_dir = ".."\n')(project)
    assert project.cli("check").code == 2
    assert sorted(p.name for p in parent.iterdir()) == before


# -- migrate: values of the wrong type, names TOML must escape -----------------------------------

MIGRATED_PACKAGE = {"mypackage/__init__.py": "", "mypackage/high.py": "import mypackage.low\n",
                    "mypackage/low.py": ""}


def importlinter_pyproject(project, contract: str, top: str = 'root_packages = ["mypackage"]'):
    project.files({**MIGRATED_PACKAGE, "pyproject.toml": (
        f"[tool.importlinter]\n{top}\n\n[[tool.importlinter.contracts]]\n{contract}\n")})


PURE = 'name = "Pure"\ntype = "forbidden"\n'
MIGRATE_CASES = {
    "a list key given a number": (
        PURE + 'source_modules = 5\nforbidden_modules = ["mypackage.low"]',
        "contract 'Pure': source_modules must be a list of strings, got an integer (5)"),
    "a list key given numbers": (
        PURE + 'source_modules = ["mypackage.high"]\nforbidden_modules = [1, 2]',
        "contract 'Pure': forbidden_modules must be a list of strings, got a list of "
        "non-strings"),
    "a name given a table": (
        'name = { a = 1 }\ntype = "forbidden"\nsource_modules = ["mypackage.high"]\n'
        'forbidden_modules = ["mypackage.low"]',
        "contract 1: name must be a string, got a table"),
    "a name nested 400 deep": (
        "name = " + "[" * 400 + "]" * 400 + '\ntype = "forbidden"\n'
        'source_modules = ["mypackage.high"]\nforbidden_modules = ["mypackage.low"]',
        "contract 1: name must be a string, got a list of non-strings"),
    "a depth given a boolean": (
        'name = "Siblings"\ntype = "acyclic_siblings"\nancestors = ["mypackage"]\ndepth = true',
        "contract 'Siblings': depth must be a whole number of 0 or more, got a boolean (true)"),
    "a depth given a fraction": (
        'name = "Siblings"\ntype = "acyclic_siblings"\nancestors = ["mypackage"]\ndepth = 1.5',
        "contract 'Siblings': depth must be a whole number of 0 or more, got a float (1.5)"),
}


@pytest.mark.parametrize("case", list(MIGRATE_CASES))
def test_migrate_refuses_values_of_the_wrong_type_and_writes_nothing(project, case):
    contract, message = MIGRATE_CASES[case]
    importlinter_pyproject(project, contract)
    result = project.cli("migrate")
    assert (result.code, result.err) == (2, f"archlint: error: {message}\n")
    assert not (project.root / "contracts").exists()


def test_migrate_refuses_root_packages_of_the_wrong_type(project):
    importlinter_pyproject(project, PURE, top="root_packages = 7")
    result = project.cli("migrate")
    assert (result.code, result.err) == (
        2, "archlint: error: [importlinter]: root_packages must be a list of strings, got an "
           "integer (7)\n")


def test_migrate_refuses_a_tool_key_that_is_not_a_table(project):
    project.files({**MIGRATED_PACKAGE, "setup.cfg": "[importlinter]\nroot_package = mypackage\n",
                   "pyproject.toml": "tool = 5\n"})
    result = project.cli("migrate")
    assert (result.code, result.err) == (
        2, "archlint: error: pyproject.toml: key 'tool': expected a table ([tool.archlint]), "
           "got an integer (5)\n")


def test_migrate_writes_names_with_control_characters_as_valid_toml(project):
    name = 'Pure \x7f "quoted" \\ \x01 \u202e ✓'
    importlinter_pyproject(project, f'name = {json.dumps(name)}\ntype = "forbidden"\n'
                                    'source_modules = ["mypackage.high"]\n'
                                    'forbidden_modules = ["mypackage.low"]')
    assert project.cli("migrate").code == 0
    written = (project.root / "contracts" / "pure-quoted.toml").read_text(encoding="utf-8")
    assert 'name = "Pure \\u007f \\"quoted\\" \\\\ \\u0001 \u202e ✓"\n' in written
    result = project.cli("check", "--no-cache", "--format", "json")
    assert result.code == 1, result.err
    assert json.loads(result.out)["contracts"][0]["name"] == name


def test_init_refuses_a_tool_archlint_that_is_not_a_table(project):
    project.files({"app/__init__.py": "", "pyproject.toml": "[tool]\narchlint = 3\n"})
    result = project.cli("init", "--no-cache")
    assert (result.code, result.err) == (
        2, "archlint: error: pyproject.toml: key 'tool.archlint': expected a table "
           "([tool.archlint]), got an integer (3)\n")


# -- contract files: where each table is, what an id may be ------------------------------------

def test_a_contracts_header_inside_a_multi_line_string_does_not_shift_lines(project):
    app(project, contracts='''
        [[contracts]]
        id = "x"
        type = "forbidden"
        description = """
        [[contracts]]
        """
        name = '[[contracts]]'
        source_modules = ["app.a"]
        forbidden_modules = ["app.zz"]
        # [[contracts]] in a comment
        notes = \'\'\'
          [[contracts]]\'\'\'

        [["contracts"]]
        id = "y"
        type = "forbidden"
        source_modules = ["app.a"]
        forbidden_modules = ["app.b"]
        colour = "red"
    ''')
    project.files({"app/a.py": ""})
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err.splitlines()) == (2, [
        "archlint: error: contracts/contracts.toml:1: contract 'x', key 'notes': unknown key",
        "archlint: error: contracts/contracts.toml:14: contract 'y', key 'colour': unknown key",
    ])


def test_a_contract_id_ending_in_a_newline_is_refused(project):
    app(project, {"app/a.py": "import app.b\n"},
        contracts=FORBID_B.replace('id = "no-b"', 'id = "no-b\\n"'))
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err.splitlines()) == (2, [
        "archlint: error: contracts/contracts.toml:1: key 'id': 'no-b\\n' must start with a-z "
        "or 0-9 and use only a-z, 0-9 and '-'"])


# -- contracts that check nothing, never end, or name what they cannot see -------------------

EMPTY_LISTS = {
    "forbidden without sources": (
        'type = "forbidden"\nsource_modules = []\nforbidden_modules = ["app.b"]',
        "key 'source_modules': list at least one module"),
    "forbidden without targets": (
        'type = "forbidden"\nsource_modules = ["app.a"]\nforbidden_modules = []',
        "key 'forbidden_modules': list at least one module"),
    "acyclic without packages": (
        'type = "acyclic"\npackages = []', "key 'packages': list at least one package"),
    "unique without kinds": (
        'type = "unique"\npackages = ["app"]\nnames = ["*"]\nkinds = []',
        "key 'kinds': list at least one kind of definition (class, function, assignment)"),
}


@pytest.mark.parametrize("case", list(EMPTY_LISTS))
def test_an_empty_list_that_would_check_nothing_is_a_configuration_error(project, case):
    keys, message = EMPTY_LISTS[case]
    app(project, {"app/a.py": "import app.b\n"}, contracts=f'[[contracts]]\nid = "x"\n{keys}\n')
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err.splitlines()) == (
        2, [f"archlint: error: contracts/contracts.toml:1: contract 'x', {message}"])


def test_acyclic_with_the_largest_depth_toml_allows_ends(project):
    """depth = 2**63 - 1 once looped over empty levels for ever."""
    app(project, {"app/a/__init__.py": "", "app/a/x.py": "import app.a.y\n",
                  "app/a/y.py": "import app.a.x\n"}, contracts="""
        [[contracts]]
        id = "no-cycles"
        type = "acyclic"
        packages = ["app"]
        depth = 9223372036854775807
    """)
    done = subprocess.run([sys.executable, "-m", "archlint", "check", "--no-cache"],
                          cwd=project.root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    assert "  app/a/y.py:1  app.a.y -> app.a.x" in done.stdout.splitlines()


def test_acyclic_on_an_external_package_is_a_configuration_error(project):
    project.settings(["app"], include_external_packages=True).files({
        "app/__init__.py": "", "app/a.py": "import os.path\nimport sqlalchemy.orm\n",
    }).contracts("""
        [[contracts]]
        id = "no-cycles"
        type = "acyclic"
        packages = ["os", "sqlalchemy"]
    """)
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err.splitlines()) == (2, [
        "archlint: error: contracts/contracts.toml:1: contract 'no-cycles', key 'packages': "
        f"'{name}' is outside the root packages: an external package is one module here, "
        "without children to check" for name in ("os", "sqlalchemy")])


SUB = {"pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/a.py": "import pkg.sub.b\n",
       "pkg/sub/b.py": ""}


@pytest.mark.parametrize("external", [False, True])
def test_a_dotted_root_package_can_be_named_in_contracts(project, external):
    project.settings(["pkg.sub"], include_external_packages=external).files(SUB).contracts("""
        [[contracts]]
        id = "no-b"
        type = "forbidden"
        source_modules = ["pkg.sub.a"]
        forbidden_modules = ["pkg.sub.b"]
    """)
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err) == (1, "")
    assert "  pkg/sub/a.py:1  pkg.sub.a -> pkg.sub.b" in result.out.splitlines()


def test_a_typo_under_a_dotted_root_package_is_an_error_with_external_packages(project):
    project.settings(["pkg.sub"], include_external_packages=True).files(SUB).contracts("""
        [[contracts]]
        id = "no-b"
        type = "forbidden"
        source_modules = ["pkg.sub.a"]
        forbidden_modules = ["pkg.sub.bb"]
    """)
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err.splitlines()) == (2, [
        "archlint: error: contracts/contracts.toml:1: contract 'no-b', key 'forbidden_modules': "
        "'pkg.sub.bb' matches no module (did you mean 'pkg.sub.b'?)"])


def test_non_ascii_root_packages_can_be_named_in_contracts(project):
    project.settings(["äpp"]).files({
        "äpp/__init__.py": "", "äpp/naïve.py": "import äpp.b\n", "äpp/b.py": "",
    }).contracts("""
        [[contracts]]
        id = "no-b"
        type = "forbidden"
        source_modules = ["äpp.*"]
        forbidden_modules = ["äpp.b"]

        [[contracts]]
        id = "layers"
        type = "layers"
        layers = ["äpp.b", "äpp.naïve"]
    """)
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err) == (1, "")
    assert result.out.splitlines().count("  äpp/naïve.py:1  äpp.naïve -> äpp.b") == 2


@pytest.mark.parametrize(("expression", "module", "matches"), [
    ("**.**.x", "x", True), ("**.**.x", "a.x", True), ("**.**.x", "a.b.x", True),
    ("**.**.x", "a.bx", False), ("a.**.**", "a", True), ("**.*.**", "a", True),
    ("**.*.**", "a.b.c", True), ("a.**.*.**.b", "a.b", False), ("a.**.*.**.b", "a.c.b", True),
    ("*.**.*", "a", False), ("*.**.*", "a.b", True), ("**.**", "a.b", True),
])
def test_consecutive_double_wildcards_match_as_one(expression, module, matches):
    from archlint.patterns import ModuleExpression

    assert ModuleExpression(expression).names(module) is matches


def test_many_double_wildcards_match_in_linear_time():
    """Nested repetitions once backtracked exponentially on a name they do not match."""
    from archlint.patterns import ModuleExpression

    expression = ModuleExpression(".".join(["a", *["**", "*"] * 12, "z"]))
    started = time.perf_counter()
    assert expression.modules_in([".".join(["a"] * 30)]) == set()
    assert time.perf_counter() - started < 1.0  # ten seconds and more before


def test_nested_containers_name_the_layers_of_their_own_container(project):
    app(project, {"app/a/__init__.py": "", "app/a/a.py": "import app.a.b\n", "app/a/b.py": ""},
        contracts="""
        [[contracts]]
        id = "siblings"
        type = "layers"
        containers = ["app", "app.a"]
        layers = ["a | b"]
    """)
    result = project.cli("check", "--no-cache")
    assert result.code == 1
    assert result.out.splitlines()[1:4] == [
        "  app/a/a.py:1  app.a.a -> app.a.b",
        "      import app.a.b",
        "      app.a.a imports app.a.b, but layers app.a.a and app.a.b are independent siblings",
    ]


# -- caches archlint cannot write --------------------------------------------------------------

CACHE_WARNING = ("archlint: warning: cannot write the cache folder .archlint_cache ({reason}): "
                 "checked without updating it (make it writable, or pass --no-cache)")


def violation_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "->" in line]


@pytest.mark.parametrize(("blocker", "reason"), [
    (".archlint_cache", "a file is in the way"),
    (".archlint_cache/results", "a file is in the way")])
def test_a_cache_folder_that_is_a_file_costs_speed_not_the_run(project, blocker, reason):
    app(project, {"app/a.py": "import app.b\n"})
    (project.root / blocker).parent.mkdir(exist_ok=True)
    (project.root / blocker).write_text("not a folder\n")
    for _ in range(2):  # the second run reads what it could, and says so again
        result = project.cli("check")
        assert result.code == 1
        assert violation_lines(result.out) == ["  app/a.py:1  app.a -> app.b"]
        assert result.err.splitlines() == [CACHE_WARNING.format(reason=reason)]
    assert (project.root / blocker).read_text() == "not a folder\n"


def test_a_cache_folder_that_is_a_link_out_of_the_project_is_not_written(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    app(project, {"app/a.py": "import app.b\n"})
    os.symlink(outside, project.root / ".archlint_cache")
    result = project.cli("check")
    assert (result.code, violation_lines(result.out)) == (1, ["  app/a.py:1  app.a -> app.b"])
    assert result.err.splitlines() == [CACHE_WARNING.format(
        reason=f"a symbolic link leads it to {outside.resolve()}/.gitignore, outside the project")]
    assert list(outside.iterdir()) == []


def run_without_write_permission(project, *argv: str) -> subprocess.CompletedProcess:
    """`python -m archlint ARGV` in the project, unable to write where permissions forbid it:
    as root, without the capabilities that let root write any file (util-linux's setpriv
    drops them), so a read-only folder binds root as it binds anyone."""
    command = [sys.executable, "-m", "archlint", *argv]
    if os.geteuid() == 0:
        import shutil

        setpriv = shutil.which("setpriv")
        assert setpriv, "running as root, this test needs util-linux's setpriv"
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
    return subprocess.run(command, cwd=project.root, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("left_by_sudo", [False, True])
def test_a_read_only_cache_costs_speed_not_the_run(project, left_by_sudo):
    """A read-only checkout (no cache folder, a root folder that cannot take one), or a
    cache folder left read-only by `sudo archlint check` with an entry that is stale now."""
    app(project, {"app/a.py": "import app.b\n"})
    if left_by_sudo:
        assert project.cli("check").code == 1
        project.files({"app/c.py": "import app.b\n"})
        locked = [project.root / ".archlint_cache", project.root / ".archlint_cache/results"]
    else:
        locked = [project.root]
    for folder in locked:
        folder.chmod(0o555)
    try:
        done = run_without_write_permission(project, "check")
    finally:
        for folder in locked:
            folder.chmod(0o755)
    assert done.returncode == 1, done.stderr
    expected = ["  app/a.py:1  app.a -> app.b"] + (["  app/c.py:1  app.c -> app.b"]
                                                   if left_by_sudo else [])
    assert violation_lines(done.stdout) == expected
    assert done.stderr.splitlines() == [CACHE_WARNING.format(reason="Permission denied")]


# -- writes through symbolic links -------------------------------------------------------------

def test_a_symlinked_baseline_is_written_where_it_leads(project):
    app(project, {"app/a.py": "import app.b\n"})
    (project.root / "shared").mkdir()
    os.symlink("../shared/baseline.json", project.root / "contracts" / "baseline.json")
    result = project.cli("baseline", "--no-cache")
    assert result.code == 0, result.err
    assert os.readlink(project.root / "contracts" / "baseline.json") == "../shared/baseline.json"
    recorded = json.loads((project.root / "shared" / "baseline.json").read_text())
    assert [v["importer"] for v in recorded["violations"]] == ["app.a"]
    assert project.cli("check", "--no-cache").code == 0  # read back through the link


def test_a_baseline_link_out_of_the_project_is_refused_and_nothing_is_claimed(
        project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("home") / ".bashrc"
    app(project, {"app/a.py": "import app.b\n"})
    os.symlink(outside, project.root / "contracts" / "baseline.json")
    result = project.cli("baseline", "--no-cache")
    assert (result.code, result.out, result.err) == (
        2, "", f"archlint: error: cannot write contracts/baseline.json: a symbolic link leads "
               f"it to {outside}, outside the project\n")
    assert not outside.exists()


def test_a_report_is_written_where_its_link_leads_and_never_out_of_the_project(
        project, tmp_path_factory):
    app(project, {"app/a.py": "import app.b\n"})
    (project.root / "reports").mkdir()
    os.symlink("reports/latest.json", project.root / "report.json")
    result = project.cli("check", "--no-cache", "--format", "json", "--output", "report.json")
    assert result.code == 1 and result.out.endswith("report written to report.json\n")
    assert (project.root / "report.json").is_symlink()
    assert json.loads((project.root / "reports" / "latest.json").read_text())["summary"][
        "violations"] == 1
    outside = tmp_path_factory.mktemp("runner") / "credentials"
    outside.write_text("secret\n")
    os.symlink(outside, project.root / "ci-report.json")
    result = project.cli("check", "--no-cache", "--output", "ci-report.json")
    assert (result.code, result.out, result.err) == (
        2, "", f"archlint: error: cannot write ci-report.json: a symbolic link leads it to "
               f"{outside}, outside the project\n")
    assert outside.read_text() == "secret\n"


def test_migrate_appends_to_the_pyproject_a_link_leads_to(project):
    importlinter_pyproject(project, PURE + 'source_modules = ["mypackage.high"]\n'
                                           'forbidden_modules = ["mypackage.low"]')
    (project.root / "config").mkdir()
    os.replace(project.root / "pyproject.toml", project.root / "config" / "pyproject.toml")
    os.symlink("config/pyproject.toml", project.root / "pyproject.toml")
    assert project.cli("migrate").code == 0
    assert (project.root / "pyproject.toml").is_symlink()
    assert "[tool.archlint]" in (project.root / "config" / "pyproject.toml").read_text()
    assert project.cli("check", "--no-cache").code == 1


def test_a_graphs_folder_linked_out_of_the_project_is_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("www")
    (outside / "no-b.svg").write_text("someone else's picture\n")
    app(project, {"app/a.py": "import app.b\n"})
    os.symlink(outside, project.root / "graphs")
    result = project.cli("graph", "--no-cache")
    assert (result.code, result.err) == (
        2, f"archlint: error: cannot write to {project.root}/graphs: a symbolic link leads it "
           f"to {outside}, "
           "outside the project\n")
    assert [p.name for p in outside.iterdir()] == ["no-b.svg"]


def test_a_new_file_gets_the_mode_the_umask_gives_and_an_old_one_keeps_its_own(tmp_path):
    previous = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.json", "{}")
        (tmp_path / "old.json").write_text("[]")
        (tmp_path / "old.json").chmod(0o600)
        write_atomic(tmp_path / "old.json", "{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "old.json").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json", "old.json"]


# -- a result-cache entry of the wrong shape ---------------------------------------------------

def entry_nodes(value, path=()):
    """Every value of a cache entry with its path, the entry itself first (the report is one
    value: the unpickler rebuilds it whole or not at all)."""
    yield path, value
    children = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, child in children:
        yield from entry_nodes(child, (*path, key))


def wrong_shapes(value) -> list:
    """Values of another JSON type than `value` (never the same type: a string changed to
    another string is an entry of the right shape)."""
    if isinstance(value, bool):
        return [None, 0, "true"]
    if isinstance(value, int):
        return [None, "1", 1.5, True]
    if isinstance(value, str):
        return [None, 7, []]
    if value is None:
        return [[], {}, 1.5]
    if isinstance(value, list):
        return [None, "x", {}]
    return [None, "x", []]  # a table, or the report


def replaced(document, path, new):
    """A copy of the document with the value at `path` replaced (or removed: `new` is
    REMOVED)."""
    copy = deepcopy(document)
    if not path:
        return new
    *parents, last = path
    holder = copy
    for key in parents:
        holder = holder[key]
    if new is REMOVED:
        del holder[last]
    else:
        holder[last] = new
    return copy


REMOVED = object()


def test_every_field_of_a_result_cache_entry_with_the_wrong_shape_is_a_miss(project):
    """Each value of a real entry (outside its key, which must match exactly) replaced by a
    value of another type, and each field of a fixed record removed: the check answers as
    without the cache, never with an internal error."""
    app(project, {"app/a.py": "import app.b\nfrom app import b\n",
                  "app/odd.py": "def f(:\n"})
    expected = project.cli("check", "--no-cache")
    assert expected.code == 1
    assert project.cli("check").out == expected.out
    (entry_file,) = (project.root / ".archlint_cache" / "results").iterdir()
    entry = read_entry(entry_file.read_bytes())
    cases = []
    for path, value in entry_nodes(entry):
        if path[:1] == ("key",) and len(path) > 1:
            continue
        cases += [(path, new) for new in wrong_shapes(value)]
        if (isinstance(value, dict) and path[:1] != ("files",)) or path == ("files",):
            cases += [((*path, key), REMOVED) for key in value]
    assert len(cases) > 100  # every value of the key, the walk, the files and the report
    for path, new in cases:
        entry_file.write_bytes(entry_bytes(replaced(entry, path, new)))
        result = project.cli("check")
        assert (result.code, result.out, result.err) == (expected.code, expected.out, ""), (
            path, new)


def test_a_walk_recorded_in_the_wrong_shape_is_never_used_for_a_build(project, monkeypatch):
    """After an edit, a build may take the walk the entry records instead of walking again;
    a record of the wrong shape must not be taken."""
    import archlint.discovery

    monkeypatch.setattr(archlint.discovery, "SETTLED_NS", 0)  # stamps trusted at once
    app(project, {"app/a.py": "import app.b\n", "app/c.py": ""})
    assert project.cli("check").code == 1
    (entry_file,) = (project.root / ".archlint_cache" / "results").iterdir()
    entry = read_entry(entry_file.read_bytes())
    edited = project.root / "app" / "c.py"
    cases = [(path, new) for path, value in entry_nodes(entry)
             if path[:1] in (("files",), ("trees",), ("listed",)) for new in wrong_shapes(value)]
    assert len(cases) > 100
    for number, (path, new) in enumerate(cases):
        edited.write_text(f"import app.b  # {number}\n")  # the folder keeps its mtime
        expected = project.cli("check", "--no-cache")
        entry_file.write_bytes(entry_bytes(replaced(entry, path, new)))
        result = project.cli("check")
        assert (result.code, result.out, result.err) == (expected.code, expected.out, ""), (
            path, new)


def test_a_cached_diagnostic_of_an_unknown_kind_is_a_miss(project):
    app(project, {"app/a.py": "import app.b\n", "app/odd.py": "def f(:\n"})
    assert project.cli("baseline").code == 0
    expected = project.cli("check", "--no-cache")
    (entry_file,) = (project.root / ".archlint_cache" / "results").iterdir()
    entry = read_entry(entry_file.read_bytes())
    report = entry["report"]
    entry["report"] = replace(report, diagnostics=(
        replace(report.diagnostics[0], kind="made-up"), *report.diagnostics[1:]))
    entry_file.write_bytes(entry_bytes(entry))
    result = project.cli("check")
    assert (result.code, result.out, result.err) == (expected.code, expected.out, "")


# -- found by the fuzz suite (tests/test_fuzz.py) ----------------------------------------------

def test_a_fifo_in_the_tree_never_blocks_a_cached_check(project):
    """A FIFO named like a module is an unreadable file; the cache lookup once opened it to
    hash it, and waited for a writer for ever."""
    app(project, {"app/a.py": "import app.b\n"})
    os.mkfifo(project.root / "app" / "pipe.py")
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "archlint", "check"], cwd=project.root,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1, done.stderr
        assert "  app/pipe.py:1  unreadable-file  not a regular file" in done.stdout.splitlines()


def test_a_build_from_the_recorded_walk_still_never_reads_a_link_out_of_the_project(
        project, monkeypatch, tmp_path_factory):
    """After an edit in a tree whose folders are unchanged, the build takes the walk the
    cache recorded; it once took every file as readable, and read the link to
    ~/.aws/credentials the first walk had refused."""
    import archlint.discovery

    monkeypatch.setattr(archlint.discovery, "SETTLED_NS", 0)  # stamps trusted at once
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    credentials = tmp_path_factory.mktemp("home") / "credentials"
    credentials.write_text(f"aws_secret_access_key = '{secret}'\n")
    app(project, {"app/a.py": "aws_secret_access_key = None\n", "app/c.py": ""}, contracts="""
        [[contracts]]
        id = "one-definition"
        type = "unique"
        packages = ["app"]
        names = ["*"]
    """)
    os.symlink(credentials, project.root / "app" / "settings.py")
    assert project.cli("check").code == 1  # the unreadable file
    (project.root / "app" / "c.py").write_text("import app.a\n")  # the folder keeps its mtime
    result = project.cli("check")
    assert result.code == 1 and secret not in result.out
    assert result.out.splitlines()[-2:] == [
        "  app/settings.py:1  unreadable-file  a symbolic link to a file outside the project: "
        "not read",
        "1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined) · 1 unreadable file"]


def test_bytes_python_skips_in_a_comment_do_not_hide_a_files_imports(project):
    """Python reads a file whose comments hold bytes that are not UTF-8 (its tokenizer never
    decodes a comment), so such a file's imports run; archlint once refused the file, and a
    byte in a comment hid every import of it."""
    app(project)
    (project.root / "app" / "a.py").write_bytes(b"# caf\xe9\nimport app.b  # \x80\n")
    (project.root / "app" / "c.py").write_bytes(b"x = 'caf\xe9'\nimport app.b\n")
    result = project.cli("check", "--no-cache")
    assert result.code == 1
    assert violation_lines(result.out) == ["  app/a.py:2  app.a -> app.b"]
    assert "  app/c.py:1  syntax-error  not valid UTF-8: byte 0xe9 on line 1" in \
        result.out.splitlines()


def test_an_error_naming_a_value_over_several_lines_is_one_line(project):
    project.files({"pkg/__init__.py": "", ".importlinter": (
        "[importlinter]\nroot_packages =\n    pkg\n\n[importlinter:contract:0]\nname =\n"
        "    first\n    second\ntype = forbidden\nexhaustive = []\n")})
    result = project.cli("migrate")
    assert (result.code, result.err) == (
        2, "archlint: error: contract 'first\\nsecond': exhaustive must be true or false, "
           "not '[]'\n")


# A fact cache one byte away from what archlint writes, on which Python's unmarshaller
# crashes the process (marshal is not meant for data anyone else may have written).
CRASHING_FACTS = (b"[\x02\x00\x00\x00{\xda\x1cformat\xe9\x03\x00\x00\x000{\xfa\x08pkg/a.py"
                  b"[\x08\x00\x00\x00N\xda\x03abc\xfa\x05pkg.aF\xa9\x00\xa9\x01\xa9\x08\xe9"
                  b"\x01\x00\x00\x00\xfa\x08import xF\xe9\x00\x00\x00\x00\xda\x01x\xa9\x01"
                  b"\xa9\x02r\x0b\x00\x00\x00Nr\n\x00\x00\x00r\x05\x00\x00\x00N{00")


@pytest.mark.parametrize("planted", [True, False])
def test_a_fact_cache_archlint_did_not_write_as_it_is_is_never_unmarshalled(project, planted):
    """A fact cache committed to the repository (`git add -f`), or changed after archlint
    wrote it, is ignored: only the file archlint wrote, unchanged since (same inode, size
    and times, which no one can plant), is read."""
    app(project, {"app/a.py": "import app.b\n"})
    if not planted:
        assert project.cli("check").code == 1
    cache = project.root / ".archlint_cache"
    cache.mkdir(exist_ok=True)
    for shard in "0123456789abcdef":
        (cache / f"facts.{shard}").write_bytes(CRASHING_FACTS)
    project.files({"app/c.py": "x = 1\n"})  # a build, which reads the fact cache
    done = subprocess.run([sys.executable, "-m", "archlint", "check"], cwd=project.root,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (1, "")
    assert violation_lines(done.stdout) == ["  app/a.py:1  app.a -> app.b"]


def test_a_result_entry_nested_too_deeply_is_a_miss(project):
    app(project, {"app/a.py": "import app.b\n"})
    expected = project.cli("check")
    (entry_file,) = (project.root / ".archlint_cache" / "results").iterdir()
    entry_file.write_text("[" * 100_000 + "]" * 100_000)
    assert project.cli("check") == expected


def test_a_link_to_itself_named_like_a_package_is_passed_over(project):
    app(project, {"app/a.py": "import app.b\n"})
    os.symlink(project.root / "app" / "loop", project.root / "app" / "loop")
    result = project.cli("check", "--no-cache")
    assert (result.code, result.err) == (1, "")
    assert violation_lines(result.out) == ["  app/a.py:1  app.a -> app.b"]


def test_migrate_refuses_a_root_package_that_is_no_package_name(project):
    name = "[" * 300 + "]" * 300  # a name longer than a file name may be
    project.files({"pkg/__init__.py": "", ".importlinter": f"[importlinter]\nroot_packages =\n"
                                                            f"    {name}\n"})
    result = project.cli("migrate")
    assert (result.code, result.err) == (
        2, f"archlint: error: [importlinter]: root package '{name}' is not a package name\n")
