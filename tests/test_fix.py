"""`archlint fix`: every canonical violation with a fix rewritten to its fix statement,
formatting and comments kept, exactly once."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from conftest import replacement

from archlint import check
from archlint.cli import main
from archlint.fix import plan_fixes

CONTRACT = """
    [[contracts]]
    id = "one-manager"
    type = "canonical"
    package = "app.core"
    canonical = ["app.core.manager"]
    symbols = { Manager = "app.core.manager", get_manager = "app.core.manager" }
    allow = ["app.core.**"]
"""

CORE = {
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/manager.py": """
        class Manager:
            pass


        def get_manager():
            return Manager()


        TIMEOUT = 3
    """,
    "app/core/legacy.py": """
        from app.core.manager import TIMEOUT, Manager, get_manager


        def helper():
            pass
    """,
    "app/services/__init__.py": "",
    "app/services/compat.py": "from app.core.manager import Manager, get_manager\n",
}


def setup(project, files: dict[str, str]):
    return project.settings(["app"]).files({**CORE, **files}).contracts(CONTRACT)


def fixed(project, path: str) -> str:
    """Run `archlint fix --write` and return the file's new text. Imports of `helper` from
    the legacy module break the contract too (module rule) but have no fix: exit code 1."""
    outcome = project.cli("fix", "--write", "--no-cache")
    assert outcome.out.startswith("fixed ") and outcome.code in (0, 1), outcome.out
    return (project.root / path).read_text(encoding="utf-8")


def source(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_a_statement_whose_names_all_move_changes_only_its_module(project):
    setup(project, {"app/api.py": """
        import os

        from app.core.legacy import (  # the old path
            Manager,  # the class
            get_manager,
        )
    """})
    assert fixed(project, "app/api.py") == source("""
        import os

        from app.core.manager import (  # the old path
            Manager,  # the class
            get_manager,
        )
    """)


def test_only_the_moving_name_leaves_a_statement_and_the_alias_is_kept(project):
    setup(project, {"app/api.py": """
        from app.core.legacy import Manager as M, helper  # legacy


        def run():
            return M(), helper()
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.legacy import helper  # legacy
        from app.core.manager import Manager as M


        def run():
            return M(), helper()
    """)


def test_names_from_a_parenthesised_import_move_and_its_comments_stay(project):
    setup(project, {"app/api.py": """
        from app.core.legacy import (
            helper,  # still here
            Manager,  # moves
            get_manager
        )
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.legacy import (
            helper,  # still here
        )
        from app.core.manager import Manager, get_manager
    """)


def test_moving_names_join_the_existing_canonical_import(project):
    setup(project, {"app/api.py": """
        from app.core.manager import (
            TIMEOUT,
        )
        from app.services.compat import get_manager
        from app.core.legacy import helper, Manager
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.manager import (
            TIMEOUT,
            Manager,
            get_manager,
        )
        from app.core.legacy import helper
    """)


def test_moved_names_keep_a_sorted_import_sorted_and_leave_an_unsorted_one_alone(project):
    # the order isort and ruff check: constants, classes, then the rest, ignoring case
    setup(project, {"app/api.py": """
        from app.core.manager import TIMEOUT, get_manager
        from app.core.legacy import helper, Manager
        from app.services.compat import Manager as M
    """, "app/views.py": """
        from app.core.manager import get_manager, TIMEOUT  # kept as written
        from app.core.legacy import Manager
    """, "app/admin.py": """
        import os
        from app.services.compat import get_manager
        from app.core.legacy import Manager
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.manager import TIMEOUT, Manager, Manager as M, get_manager
        from app.core.legacy import helper
    """)
    read = (project.root / "app/views.py").read_text(encoding="utf-8")
    assert read == source("""
        from app.core.manager import get_manager, TIMEOUT, Manager  # kept as written
    """)
    # names from two lines that meet in a new import are written in order
    assert (project.root / "app/admin.py").read_text(encoding="utf-8") == source("""
        import os
        from app.core.manager import Manager, get_manager
    """)


def test_a_name_already_imported_from_the_canonical_module_is_not_added_twice(project):
    setup(project, {"app/api.py": """
        from app.core.manager import Manager
        from app.core.legacy import Manager
    """})
    assert fixed(project, "app/api.py") == "from app.core.manager import Manager\n"


def test_relative_imports_and_imports_inside_functions(project):
    setup(project, {"app/services/notify.py": """
        from .compat import get_manager as manager_of


        def send(text):
            from ..core.legacy import Manager
            from ..core.manager import TIMEOUT

            return Manager, manager_of, TIMEOUT
    """})
    assert fixed(project, "app/services/notify.py") == source("""
        from app.core.manager import get_manager as manager_of


        def send(text):
            from ..core.manager import TIMEOUT, Manager

            return Manager, manager_of, TIMEOUT
    """)


def test_a_moving_name_joins_an_import_below_it_only_across_imports(project):
    # Joining the import two lines down would leave Manager undefined where Base uses it.
    setup(project, {"app/api.py": """
        from app.core.legacy import Manager
        class Base(Manager): pass
        from app.core.manager import TIMEOUT
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.manager import Manager
        class Base(Manager): pass
        from app.core.manager import TIMEOUT
    """)


def test_a_name_never_joins_a_line_of_several_statements(project):
    setup(project, {"app/api.py": """
        from app.services.compat import Manager; from app.core.legacy import helper
        from app.core.legacy import get_manager
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.manager import Manager; from app.core.legacy import helper
        from app.core.manager import get_manager
    """)


def test_statements_after_a_semicolon(project):
    setup(project, {"app/api.py": "import os; from app.core.legacy import Manager\n"})
    assert fixed(project, "app/api.py") == "import os; from app.core.manager import Manager\n"
    setup(project, {"app/api.py": """
        from app.core.manager import TIMEOUT
        import os; from app.core.legacy import Manager
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.manager import TIMEOUT, Manager
        import os
    """)


def test_diff_prints_the_changes_and_writes_nothing(project):
    original = "from app.core.legacy import helper, get_manager\nimport app.core.legacy\n"
    setup(project, {"app/api.py": original})
    outcome = project.cli("fix", "--no-cache")
    assert outcome.code == 0
    assert outcome.out == """\
--- a/app/api.py
+++ b/app/api.py
@@ -1,2 +1,3 @@
-from app.core.legacy import helper, get_manager
+from app.core.legacy import helper
+from app.core.manager import get_manager
 import app.core.legacy
would fix 1 import in 1 file (archlint fix --write applies the changes)
2 violations have no fix and must be changed by hand (archlint check lists them)
"""
    assert (project.root / "app/api.py").read_text() == original


def test_write_rewrites_checks_again_and_a_second_run_changes_nothing(project):
    setup(project, {
        "app/api.py": "from app.core.legacy import Manager\nimport app.core.legacy\n",
        "app/views.py":
            "from app.core import manager\nfrom app.services.compat import get_manager\n",
    })
    first = project.cli("fix", "--write", "--no-cache")
    assert (first.code, first.out) == (1, """\
fixed 2 imports in 2 files
1 violation has no fix and must be changed by hand (archlint check lists them)
check after fixing: 1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined)
""")
    remaining = check(project.root / "pyproject.toml", use_cache=False).results[0].violations
    assert [(v.path, v.line, v.symbol, replacement(v)) for v in remaining] == [
        ("app/api.py", 2, None, None)]
    texts = {p: (project.root / p).read_text() for p in ("app/api.py", "app/views.py")}
    assert texts == {
        "app/api.py": "from app.core.manager import Manager\nimport app.core.legacy\n",
        "app/views.py": "from app.core import manager\nfrom app.core.manager import get_manager\n",
    }
    second = project.cli("fix", "--write", "--no-cache")
    assert (second.code, second.out) == (1, """\
nothing to fix
1 violation has no fix and must be changed by hand (archlint check lists them)
check: 1 contract: 0 kept, 1 broken · 1 violation (1 new, 0 baselined)
""")
    assert {p: (project.root / p).read_text() for p in texts} == texts


def test_write_on_a_project_that_becomes_clean_exits_0(project):
    setup(project, {"app/api.py": "from app.core.legacy import Manager\n"})
    outcome = project.cli("fix", "--write", "--no-cache", "--contract", "one-manager")
    assert (outcome.code, outcome.out.splitlines()[-1]) == (
        0, "check after fixing: 1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined)")


def test_the_check_after_fixing_applies_the_baseline_as_check_does(project):
    setup(project, {"app/api.py": "from app.core.legacy import Manager\nimport app.core.legacy\n"})
    assert project.cli("baseline", "--no-cache").code == 0
    outcome = project.cli("fix", "--write", "--no-cache")
    assert (outcome.code, outcome.out.splitlines()[-1]) == (
        0, "check after fixing: 1 contract: 0 kept, 1 broken · 1 violation (0 new, 1 baselined) "
           "· 1 fixed since the baseline")


def test_a_file_that_no_longer_parses_is_left_untouched_and_reported(project):
    setup(project, {
        "app/api.py": "from app.core.legacy import Manager\n",
        "app/views.py": "from app.core.legacy import get_manager\n",
    })
    report = check(project.root / "pyproject.toml", use_cache=False)
    broken = "from app.core.legacy import Manager\ndef broken(:\n"
    (project.root / "app/api.py").write_text(broken)
    plan = plan_fixes(report, project.root)
    assert [f.path for f in plan.files] == ["app/views.py"]
    assert [(m.path, m.line, m.symbol, m.reason) for m in plan.not_fixed] == [
        ("app/api.py", 1, "Manager", "the file does not parse (line 2); left untouched")]
    assert (project.root / "app/api.py").read_text() == broken


def test_an_import_that_moved_since_the_check_is_reported(project):
    setup(project, {"app/api.py": "from app.core.legacy import Manager\n"})
    report = check(project.root / "pyproject.toml", use_cache=False)
    (project.root / "app/api.py").write_text("\nfrom app.core.legacy import Manager\n")
    plan = plan_fixes(report, project.root)
    assert plan.files == ()
    assert [(m.path, m.line, m.reason) for m in plan.not_fixed] == [
        ("app/api.py", 1, "no such import at this line any more; run archlint check again")]


def test_files_with_syntax_errors_are_not_touched_by_the_cli(project):
    setup(project, {"app/api.py": "from app.core.legacy import Manager\nx = (\n"})
    outcome = project.cli("fix", "--write", "--no-cache")
    assert outcome.out.splitlines()[0] == "nothing to fix"
    assert (project.root / "app/api.py").read_text() == (
        "from app.core.legacy import Manager\nx = (\n")


def test_unknown_contract_is_a_usage_error(project):
    setup(project, {})
    outcome = project.cli("fix", "--contract", "one-manger", "--no-cache")
    assert outcome.code == 2
    assert "one-manger" in outcome.err and "did you mean 'one-manager'" in outcome.err


def test_fixing_the_example_leaves_only_the_violations_without_a_fix(tmp_path, monkeypatch,
                                                                     capsys):
    example = tmp_path / "websocket_ssot"
    shutil.copytree(Path(__file__).parents[1] / "examples" / "websocket_ssot", example)
    monkeypatch.chdir(example)
    assert main(["fix", "--write", "--no-cache", "--contract", "websocket-canonical"]) == 1
    assert capsys.readouterr().out == """\
fixed 7 imports in 6 files
4 violations have no fix and must be changed by hand (archlint check lists them)
check after fixing: 1 contract: 0 kept, 1 broken · 4 violations (4 new, 0 baselined) · \
1 unresolved import
"""
    (result,) = check(example / "pyproject.toml", use_cache=False,
                      contract_ids=["websocket-canonical"]).results
    assert [(v.path, replacement(v)) for v in result.violations] == [
        ("chatapp/agents/execution_engine.py", None),
        ("chatapp/test_framework/websocket_mock.py", None),
        ("tests/unit/test_connection_registry.py", None),
        ("tests/unit/test_unified_manager.py", None),
    ]
    assert main(["fix", "--no-cache"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "nothing to fix"


def test_a_name_never_joins_an_import_across_a_line_that_rebinds_or_uses_it(project):
    # Joining the import above would bind Manager before `Manager = None` rebinds it, and
    # give print() the canonical function instead of whatever get_manager was there.
    setup(project, {"app/api.py": """
        from app.core.manager import TIMEOUT
        Manager = None
        from app.core.legacy import Manager
    """, "app/views.py": """
        from app.core.manager import TIMEOUT
        print(get_manager)
        from app.core.legacy import get_manager, helper
    """, "app/admin.py": """
        from app.core.manager import TIMEOUT
        def M(): pass
        from app.core.legacy import Manager as M, helper
        from app.core.legacy import get_manager
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.manager import TIMEOUT
        Manager = None
        from app.core.manager import Manager
    """)
    assert (project.root / "app/views.py").read_text(encoding="utf-8") == source("""
        from app.core.manager import TIMEOUT
        print(get_manager)
        from app.core.legacy import helper
        from app.core.manager import get_manager
    """)
    # get_manager is not mentioned in between: it joins the first import
    assert (project.root / "app/admin.py").read_text(encoding="utf-8") == source("""
        from app.core.manager import TIMEOUT, get_manager
        def M(): pass
        from app.core.legacy import helper
        from app.core.manager import Manager as M
    """)


def test_a_linter_directive_moves_with_its_names_and_onto_no_other(project):
    setup(project, {"app/api.py": """
        from app.core.manager import TIMEOUT
        from app.core.legacy import helper, Manager  # noqa: F401
    """, "app/views.py": """
        from app.core.legacy import (
            helper,
            Manager,  # noqa: F401
            get_manager,
        )
    """, "app/admin.py": """
        from app.core.manager import TIMEOUT  # type: ignore[attr-defined]
        from app.core.legacy import helper, Manager
    """, "app/jobs.py": """
        from app.core.manager import TIMEOUT
        from app.core.legacy import Manager  # noqa: F401
    """})
    assert fixed(project, "app/api.py") == source("""
        from app.core.manager import TIMEOUT
        from app.core.legacy import helper  # noqa: F401
        from app.core.manager import Manager  # noqa: F401
    """)
    read = {p: (project.root / p).read_text(encoding="utf-8")
            for p in ("app/views.py", "app/admin.py", "app/jobs.py")}
    assert read == {
        "app/views.py": source("""
            from app.core.legacy import (
                helper,
            )
            from app.core.manager import Manager  # noqa: F401
            from app.core.manager import get_manager
        """),
        "app/admin.py": source("""
            from app.core.manager import TIMEOUT  # type: ignore[attr-defined]
            from app.core.legacy import helper
            from app.core.manager import Manager
        """),
        "app/jobs.py": source("""
            from app.core.manager import TIMEOUT
            from app.core.manager import Manager  # noqa: F401
        """),
    }


def test_the_encoding_the_byte_order_mark_and_the_line_endings_are_kept(project):
    setup(project, {})
    files = {
        "app/api.py": b"\xef\xbb\xbffrom app.core.legacy import Manager\n",
        "app/views.py": b"# -*- coding: latin-1 -*-\n"
                        b"from app.core.legacy import Manager  # caf\xe9\n",
        "app/admin.py": b"x = 1\rfrom app.core.legacy import Manager, helper\r",
        "app/jobs.py": b"x = 1\r\nfrom app.core.legacy import get_manager\r\n",
    }
    for path, data in files.items():
        (project.root / path).write_bytes(data)
    fixed(project, "app/api.py")
    assert {p: (project.root / p).read_bytes() for p in files} == {
        "app/api.py": b"\xef\xbb\xbffrom app.core.manager import Manager\n",
        "app/views.py": b"# -*- coding: latin-1 -*-\n"
                        b"from app.core.manager import Manager  # caf\xe9\n",
        "app/admin.py": b"x = 1\rfrom app.core.legacy import helper\r"
                        b"from app.core.manager import Manager\r",
        "app/jobs.py": b"x = 1\r\nfrom app.core.manager import get_manager\r\n",
    }


def test_the_diff_shows_control_characters_as_escapes_and_line_endings_as_newlines(project):
    setup(project, {})
    (project.root / "app/api.py").write_bytes(
        b"x = 1\r\nfrom app.core.legacy import Manager  # \x1b[2J\xe2\x80\xae\r\n")
    outcome = project.cli("fix", "--no-cache")
    assert outcome.out.splitlines()[4:6] == [
        "-from app.core.legacy import Manager  # \\x1b[2J\\u202e",
        "+from app.core.manager import Manager  # \\x1b[2J\\u202e",
    ]
    assert "\r" not in outcome.out and "\x1b" not in outcome.out
