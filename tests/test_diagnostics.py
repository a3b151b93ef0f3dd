"""Diagnostics about imports: a module that exists without Python source (compiled, a stub,
bytecode, excluded by the settings) is no unresolved import, and an import guarded by an
ImportError handler is an optional import, a warning; docs/diagnostics.md lists every kind."""

from __future__ import annotations

import json
import re
from pathlib import Path

from archlint.model import DIAGNOSTIC_KINDS

DOCS = Path(__file__).resolve().parent.parent / "docs"

NO_CYCLES = """
    [[contracts]]
    id = "no-cycles"
    type = "acyclic"
    packages = ["app"]
"""


def diagnostics(report) -> list[tuple]:
    return [(d.kind, d.path, d.line, d.severity, d.message) for d in report.diagnostics]


def test_compiled_stub_and_bytecode_modules_exist(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/_speedups.pyi": "def fast() -> None: ...\n",
        "app/uses.py": """
            from app import _speedups
            import app._speedups
            import app._native
            from app._windows import handle
            import app.legacy
            from app.ext.fast import loop
            import app.missing
        """,
    }).contracts(NO_CYCLES)
    for name in ("_speedups.cpython-312-x86_64-linux-gnu.so", "_native.abi3.so",
                 "_windows.cp312-win_amd64.pyd", "legacy.pyc", "ext/fast.so"):
        (project.root / "app" / name).parent.mkdir(parents=True, exist_ok=True)
        (project.root / "app" / name).write_bytes(b"\x7fELF")
    (project.root / "app" / "__pycache__").mkdir()
    (project.root / "app" / "__pycache__" / "gone.cpython-312.pyc").write_bytes(b"")
    report = project.check()
    assert diagnostics(report) == [
        ("unresolved-import", "app/uses.py", 7, "error",
         "app.uses imports app.missing, which does not exist"),
    ]


def test_the_documented_exclude_of_generated_modules_leaves_their_imports_valid(project):
    # docs/configuration.md's example: generated protobuf modules in a folder of their own,
    # without an __init__.py, left out of the graph
    project.settings(["shop"], exclude=["shop/generated/*_pb2.py"]).files({
        "shop/__init__.py": "",
        "shop/generated/orders_pb2.py": "from shop import api\n",
        "shop/api.py": """
            from shop.generated import orders_pb2
            import shop.generated.orders_pb2
            from shop.generated.orders_pb2 import Order
        """,
    }).contracts(NO_CYCLES.replace('"app"', '"shop"'))
    report = project.check()
    assert (diagnostics(report), report.exit_code) == ([], 0)
    assert report.results[0].kept  # the excluded module's import of api closes no cycle
    result = project.cli("check", "--no-cache")
    assert result.out == ("✓ no-cycles  no-cycles\n"
                          "1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined)\n")


def test_imports_guarded_by_an_import_error_handler_are_optional(project):
    project.settings(["app"]).files({
        "app/__init__.py": """
            try:
                from app._version import version
            except ImportError:
                version = "unknown"
            try:
                import app._speedups as speedups
            except (AttributeError, ModuleNotFoundError):
                speedups = None
            import contextlib
            with contextlib.suppress(ImportError):
                from app._accelerated import run
        """,
    }).contracts(NO_CYCLES)
    report = project.check()
    guarded = "; the import is guarded by an ImportError handler"
    assert diagnostics(report) == [
        ("optional-import", "app/__init__.py", 2, "warning",
         "app imports app._version, which does not exist" + guarded),
        ("optional-import", "app/__init__.py", 6, "warning",
         "app imports app._speedups, which does not exist" + guarded),
        ("optional-import", "app/__init__.py", 11, "warning",
         "app imports app._accelerated, which does not exist" + guarded),
    ]
    result = project.cli("check", "--no-cache")
    assert result.code == 0
    assert result.out.endswith(" · 3 optional imports\n")


def test_a_handler_of_other_errors_guards_nothing(project):
    project.settings(["app"]).files({
        "app/__init__.py": """
            try:
                from app.plugin import extra
            except ValueError:
                extra = None
        """,
    }).contracts(NO_CYCLES)
    report = project.check()
    assert diagnostics(report) == [
        ("unresolved-import", "app/__init__.py", 2, "error",
         "app imports app.plugin, which does not exist"),
    ]
    assert report.exit_code == 1


def test_an_import_error_handler_inside_a_function_guards_only_its_own_try(project):
    project.settings(["app"]).files({
        "app/__init__.py": "",
        "app/lazy.py": """
            try:
                def load():
                    import app.missing_in_function
            except ImportError:
                pass
        """,
    }).contracts(NO_CYCLES)
    assert diagnostics(project.check()) == [
        ("unresolved-import", "app/lazy.py", 3, "error",
         "app.lazy imports app.missing_in_function, which does not exist"),
    ]


def test_diagnostics_page_lists_every_kind_in_order():
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    listed = re.findall(r"^## `([a-z-]+)`", text, re.M)
    assert listed == list(DIAGNOSTIC_KINDS)


def test_the_json_schema_knows_every_kind():
    schema = json.loads((DOCS / "json-schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["diagnostic_kind"]["enum"] == list(DIAGNOSTIC_KINDS)


def test_a_repository_passes_whether_or_not_its_version_module_is_generated(project):
    project.settings(["app"]).files({
        "app/__init__.py": """
            try:
                from app._version import version
            except ImportError:
                version = "0.0.0"
        """,
    }).contracts(NO_CYCLES)
    # a warning is not recorded: the baseline is the same with or without the module
    assert project.cli("baseline").out == (
        "baseline written to contracts/baseline.json: 0 violations and 0 diagnostics "
        "recorded\n")
    assert project.cli("check", "--strict-baseline").code == 0
    project.files({"app/_version.py": "version = '1.4.0'\n"})
    assert project.cli("check", "--strict-baseline").out == (
        "✓ no-cycles  no-cycles\n"
        "1 contract: 1 kept, 0 broken · 0 violations (0 new, 0 baselined)\n")


def test_every_form_of_importing_an_excluded_module_is_an_import_of_its_package(project):
    """`from x.gen_pb2 import Order` runs x's package as `import x.gen_pb2` does: all three
    statements are edges to shop.generated, so a contract on it sees them all."""
    project.settings(["shop"], exclude=["shop/generated/*_pb2.py"]).files({
        "shop/__init__.py": "",
        "shop/generated/orders_pb2.py": "",
        "shop/api.py": """
            from shop.generated import orders_pb2
            import shop.generated.orders_pb2
            from shop.generated.orders_pb2 import Order
        """,
    }).contracts("""
        [[contracts]]
        id = "api-not-generated"
        type = "forbidden"
        source_modules = ["shop.api"]
        forbidden_modules = ["shop.generated"]
    """)
    assert [(v.importer, v.imported, v.line) for v in project.check().results[0].violations] == [
        ("shop.api", "shop.generated", 1), ("shop.api", "shop.generated", 2),
        ("shop.api", "shop.generated", 3)]
