"""`canonical`: a package is entered only through its canonical modules, and each listed
symbol is imported only from its canonical module, anywhere in the project."""

from __future__ import annotations

import pytest
from conftest import replacement

from archlint.checking import check_graph
from archlint.errors import ConfigError, Problem
from archlint.graph import build_graph
from archlint.loading import load_contracts
from archlint.settings import load_settings

CONTRACT = """
    [[contracts]]
    id = "ws"
    type = "canonical"
    package = "chatapp.websocket_core"
    canonical = ["chatapp.websocket_core.websocket_manager"]
    symbols = {{ WebSocketManager = "chatapp.websocket_core.websocket_manager", \
get_websocket_manager = "chatapp.websocket_core.websocket_manager" }}
    {extra}
"""

CANON = "chatapp.websocket_core.websocket_manager"

# The package: an __init__ that re-exports, the canonical module, the implementation it
# wraps and a legacy sibling. Its own modules import each other freely.
CHATAPP = {
    "chatapp/__init__.py": "",
    "chatapp/websocket_core/__init__.py":
        "from .websocket_manager import WebSocketManager, get_websocket_manager\n",
    "chatapp/websocket_core/unified_manager.py": "class WebSocketManager:\n    pass\n",
    "chatapp/websocket_core/websocket_manager.py": """
        from .unified_manager import WebSocketManager

        DEFAULT_TIMEOUT = 5


        def get_websocket_manager():
            return WebSocketManager()
    """,
    "chatapp/websocket_core/manager.py": """
        from chatapp.websocket_core.websocket_manager import WebSocketManager


        def legacy_helper():
            pass
    """,
    "chatapp/routes/__init__.py": "",
    "chatapp/services/__init__.py": "",
}


def contract(extra: str = "") -> str:
    return CONTRACT.format(extra=extra)


def chatapp(project, files: dict[str, str], extra: str = "", **settings):
    return project.settings(["chatapp"], **settings).files({**CHATAPP, **files}).contracts(
        contract(extra))


def found(report, contract_id: str = "ws") -> list[tuple]:
    """Violations as (importer, imported, symbol, path, line, fix)."""
    (result,) = [r for r in report.results if r.id == contract_id]
    return [(v.importer, v.imported, v.symbol, v.path, v.line, replacement(v))
            for v in result.violations]


def violation(report, contract_id: str = "ws"):
    (result,) = [r for r in report.results if r.id == contract_id]
    (only,) = result.violations
    return only


# -- kept -------------------------------------------------------------------------------------


def test_the_canonical_module_and_the_packages_own_modules_are_not_flagged(project):
    # websocket_manager imports WebSocketManager from unified_manager: it is the canonical
    # module itself. manager and __init__ import from the canonical module.
    chatapp(project, {
        "chatapp/routes/ws.py": """
            from chatapp.websocket_core.websocket_manager import WebSocketManager
            from chatapp.websocket_core.websocket_manager import get_websocket_manager as get
            import chatapp.websocket_core.websocket_manager
            from chatapp.websocket_core import websocket_manager
        """,
    })
    report = project.check()
    assert found(report) == []
    assert report.exit_code == 0


def test_descendants_of_a_canonical_package_are_canonical_too(project):
    project.settings(["chatapp"]).files({
        "chatapp/__init__.py": "",
        "chatapp/core/__init__.py": "",
        "chatapp/core/api/__init__.py": "",
        "chatapp/core/api/types.py": "class Event:\n    pass\n",
        "chatapp/core/engine.py": "",
        "chatapp/ui.py": "from chatapp.core.api.types import Event\nimport chatapp.core.engine\n",
    }).contracts("""
        [[contracts]]
        id = "ws"
        type = "canonical"
        package = "chatapp.core"
        canonical = ["chatapp.core.api"]
    """)
    assert found(project.check()) == [
        ("chatapp.ui", "chatapp.core.engine", None, "chatapp/ui.py", 2, None),
    ]


# -- module rule ------------------------------------------------------------------------------


def test_listed_symbol_from_the_package_init_is_one_violation_with_the_fix(project):
    chatapp(project, {
        "chatapp/routes/ws.py":
            "import os\n\nfrom chatapp.websocket_core import WebSocketManager\n",
    })
    report = project.check()
    assert found(report) == [
        ("chatapp.routes.ws", "chatapp.websocket_core", "WebSocketManager",
         "chatapp/routes/ws.py", 3, f"from {CANON} import WebSocketManager"),
    ]
    # Both rules are broken; it is reported once, as the symbol rule.
    only = violation(report)
    assert only.message == (
        "chatapp.routes.ws imports WebSocketManager from chatapp.websocket_core; "
        "WebSocketManager is imported only from its canonical module "
        "chatapp.websocket_core.websocket_manager")
    assert only.line_contents == "from chatapp.websocket_core import WebSocketManager"
    assert [(h.importer, h.imported, h.path, h.line) for h in only.chain] == [
        ("chatapp.routes.ws", "chatapp.websocket_core", "chatapp/routes/ws.py", 3)]
    assert report.exit_code == 1


def test_unlisted_name_from_the_package_is_fixed_from_the_canonical_module_that_binds_it(project):
    chatapp(project, {
        "chatapp/routes/ws.py": "from chatapp.websocket_core import DEFAULT_TIMEOUT\n",
    })
    report = project.check()
    assert found(report) == [
        ("chatapp.routes.ws", "chatapp.websocket_core", "DEFAULT_TIMEOUT",
         "chatapp/routes/ws.py", 1, f"from {CANON} import DEFAULT_TIMEOUT"),
    ]
    assert violation(report).message == (
        "chatapp.routes.ws imports DEFAULT_TIMEOUT from chatapp.websocket_core; "
        "chatapp.websocket_core is entered only through its canonical module "
        "chatapp.websocket_core.websocket_manager")


def test_unlisted_name_the_canonical_module_only_imports_for_itself_has_no_fix(project):
    chatapp(project, {
        "chatapp/websocket_core/_registry.py": "class ConnectionRegistry:\n    pass\n",
        "chatapp/websocket_core/websocket_manager.py":
            "from ._registry import ConnectionRegistry\n\nclass WebSocketManager:\n    pass\n"
            "\ndef get_websocket_manager():\n    return WebSocketManager()\n",
        "chatapp/routes/ws.py": "from chatapp.websocket_core._registry import ConnectionRegistry\n",
    })
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core._registry", "ConnectionRegistry",
         "chatapp/routes/ws.py", 1, None),
    ]


def test_unlisted_name_the_canonical_module_lists_in_all_is_fixed(project):
    chatapp(project, {
        "chatapp/websocket_core/_registry.py": "class ConnectionRegistry:\n    pass\n",
        "chatapp/websocket_core/websocket_manager.py":
            "from ._registry import ConnectionRegistry\n\n"
            "__all__ = ['ConnectionRegistry', 'WebSocketManager', 'get_websocket_manager']\n\n"
            "class WebSocketManager:\n    pass\n"
            "\ndef get_websocket_manager():\n    return WebSocketManager()\n",
        "chatapp/routes/ws.py": "from chatapp.websocket_core._registry import ConnectionRegistry\n",
    })
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core._registry", "ConnectionRegistry",
         "chatapp/routes/ws.py", 1, f"from {CANON} import ConnectionRegistry"),
    ]


def test_unlisted_name_that_no_canonical_module_binds_has_no_fix(project):
    chatapp(project, {
        "chatapp/routes/ws.py": "from chatapp.websocket_core.manager import legacy_helper\n",
    })
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", "legacy_helper",
         "chatapp/routes/ws.py", 1, None),
    ]


def test_importing_the_package_itself_is_a_violation_without_a_fix(project):
    chatapp(project, {
        "chatapp/routes/ws.py":
            "import chatapp.websocket_core\nfrom chatapp import websocket_core\n",
    })
    report = project.check()
    assert found(report) == [
        ("chatapp.routes.ws", "chatapp.websocket_core", None, "chatapp/routes/ws.py", 1, None),
        ("chatapp.routes.ws", "chatapp.websocket_core", None, "chatapp/routes/ws.py", 2, None),
    ]
    assert report.results[0].violations[0].message == (
        "chatapp.routes.ws imports chatapp.websocket_core; chatapp.websocket_core is entered "
        "only through its canonical module chatapp.websocket_core.websocket_manager")


def test_legacy_sibling_module_names_get_the_fix(project):
    chatapp(project, {
        "chatapp/routes/ws.py": "from chatapp.websocket_core.manager import WebSocketManager\n",
    })
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", "WebSocketManager",
         "chatapp/routes/ws.py", 1, f"from {CANON} import WebSocketManager"),
    ]


def test_module_import_of_a_legacy_sibling_has_no_fix_as_no_one_statement_replaces_it(project):
    # `import a.manager` -> `import a.websocket_manager` would leave every `a.manager.X`
    # reference broken, so no fix is offered for a module import.
    chatapp(project, {
        "chatapp/routes/ws.py": """
            import chatapp.websocket_core.manager
            from chatapp.websocket_core import manager as legacy
        """,
    })
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", None,
         "chatapp/routes/ws.py", 1, None),
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", None,
         "chatapp/routes/ws.py", 2, None),
    ]


def test_star_import_from_the_package_is_a_module_violation(project):
    chatapp(project, {"chatapp/routes/ws.py": "from chatapp.websocket_core import *\n"})
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core", None, "chatapp/routes/ws.py", 1, None),
    ]


def test_several_canonical_modules_are_named_in_the_message(project):
    chatapp(project, {
        "chatapp/websocket_core/events.py": "",
        "chatapp/routes/ws.py": "import chatapp.websocket_core.manager\n",
    })
    project.contracts(contract().replace(
        'canonical = ["chatapp.websocket_core.websocket_manager"]',
        'canonical = ["chatapp.websocket_core.websocket_manager", '
        '"chatapp.websocket_core.events"]'))
    assert violation(project.check()).message == (
        "chatapp.routes.ws imports chatapp.websocket_core.manager; chatapp.websocket_core is "
        "entered only through its canonical modules chatapp.websocket_core.websocket_manager, "
        "chatapp.websocket_core.events")


TEXTUAL = {
    "textual/__init__.py": "",
    "textual/app.py": """
        from textual.widgets import Button
        from textual.widgets._toast import ToastRack
        import textual.widgets.button
    """,
    "textual/widgets/__init__.py": "from ._button import Button\n",
    "textual/widgets/_button.py": "class Button:\n    pass\n",
    "textual/widgets/_toast.py": "class ToastRack:\n    pass\n",
    "textual/widgets/button.py": "",
}


def textual_contract(canonical: str) -> str:
    return f"""
        [[contracts]]
        id = "widgets"
        type = "canonical"
        package = "textual.widgets"
        canonical = ["{canonical}"]
    """


def test_a_canonical_package_init_alone_leaves_its_submodules_protected(project):
    project.settings(["textual"]).files(TEXTUAL).contracts(
        textual_contract("textual.widgets.__init__"))
    report = project.check()
    assert found(report, "widgets") == [
        ("textual.app", "textual.widgets._toast", "ToastRack", "textual/app.py", 2, None),
        ("textual.app", "textual.widgets.button", None, "textual/app.py", 3, None),
    ]
    assert violation_messages(report, "widgets") == [
        "textual.app imports ToastRack from textual.widgets._toast; textual.widgets is "
        "entered only through its canonical module textual.widgets.__init__",
        "textual.app imports textual.widgets.button; textual.widgets is entered only through "
        "its canonical module textual.widgets.__init__",
    ]


def test_a_canonical_package_covers_its_descendants(project):
    project.settings(["textual"]).files(TEXTUAL).contracts(textual_contract("textual.widgets"))
    report = project.check()
    assert found(report, "widgets") == []


def test_a_package_init_alone_is_protected_without_its_descendants(project):
    project.settings(["textual"]).files({
        **TEXTUAL,
        "textual/widgets/_toast.py": "from textual.widgets import Button\n",
    }).contracts("""
        [[contracts]]
        id = "widgets"
        type = "canonical"
        package = "textual.widgets.__init__"
        canonical = []
        allow = ["textual.widgets._button"]
    """)
    report = project.check()
    assert found(report, "widgets") == [
        ("textual.app", "textual.widgets", "Button", "textual/app.py", 1, None),
        ("textual.widgets._toast", "textual.widgets", "Button", "textual/widgets/_toast.py", 1,
         None),
    ]


def violation_messages(report, contract_id: str) -> list[str]:
    (result,) = [r for r in report.results if r.id == contract_id]
    return [v.message for v in result.violations]


# -- symbol rule ------------------------------------------------------------------------------


def test_symbol_imported_from_a_module_outside_the_package(project):
    chatapp(project, {
        "chatapp/services/websocket_manager.py":
            "from chatapp.websocket_core.websocket_manager import WebSocketManager\n",
        "chatapp/routes/ws.py":
            "from chatapp.services.websocket_manager import WebSocketManager\n",
    })
    report = project.check()
    assert found(report) == [
        ("chatapp.routes.ws", "chatapp.services.websocket_manager", "WebSocketManager",
         "chatapp/routes/ws.py", 1, f"from {CANON} import WebSocketManager"),
    ]
    assert violation(report).message == (
        "chatapp.routes.ws imports WebSocketManager from chatapp.services.websocket_manager; "
        "WebSocketManager is imported only from its canonical module "
        "chatapp.websocket_core.websocket_manager")


def test_symbol_rule_applies_inside_the_package_too(project):
    chatapp(project, {
        "chatapp/websocket_core/factory.py": "from .unified_manager import WebSocketManager\n",
    })
    assert found(project.check()) == [
        ("chatapp.websocket_core.factory", "chatapp.websocket_core.unified_manager",
         "WebSocketManager", "chatapp/websocket_core/factory.py", 1,
         f"from {CANON} import WebSocketManager"),
    ]


def test_aliased_parenthesised_multi_name_import_gets_one_fix_per_symbol(project):
    chatapp(project, {
        "chatapp/routes/ws.py": """
            from chatapp.websocket_core import (
                WebSocketManager as WSM,
                get_websocket_manager,
                websocket_manager,
            )
        """,
    })
    report = project.check()
    # `websocket_manager` is the canonical submodule: not a violation.
    assert found(report) == [
        ("chatapp.routes.ws", "chatapp.websocket_core", "WebSocketManager",
         "chatapp/routes/ws.py", 1, f"from {CANON} import WebSocketManager as WSM"),
        ("chatapp.routes.ws", "chatapp.websocket_core", "get_websocket_manager",
         "chatapp/routes/ws.py", 1, f"from {CANON} import get_websocket_manager"),
    ]
    assert {v.line_contents for v in report.results[0].violations} == {
        "from chatapp.websocket_core import ("}


def test_mixed_statement_flags_only_the_non_canonical_names(project):
    chatapp(project, {
        "chatapp/services/legacy.py": "WebSocketManager = None\nTIMEOUT = 1\n",
        "chatapp/routes/ws.py":
            "from chatapp.services.legacy import TIMEOUT, WebSocketManager as Manager\n",
    })
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.services.legacy", "WebSocketManager",
         "chatapp/routes/ws.py", 1, f"from {CANON} import WebSocketManager as Manager"),
    ]


def test_relative_imports_are_resolved_and_fixed_with_absolute_names(project):
    chatapp(project, {
        "chatapp/routes/ws.py": """
            from ..websocket_core.manager import WebSocketManager
            from .. import websocket_core
        """,
    })
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", "WebSocketManager",
         "chatapp/routes/ws.py", 1, f"from {CANON} import WebSocketManager"),
        ("chatapp.routes.ws", "chatapp.websocket_core", None, "chatapp/routes/ws.py", 2, None),
    ]


def test_function_level_and_type_checking_imports_are_checked(project):
    chatapp(project, {
        "chatapp/routes/ws.py": """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from chatapp.websocket_core import WebSocketManager


            def handler():
                from chatapp.websocket_core.manager import WebSocketManager as M
                return M
        """,
    })
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core", "WebSocketManager",
         "chatapp/routes/ws.py", 4, f"from {CANON} import WebSocketManager"),
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", "WebSocketManager",
         "chatapp/routes/ws.py", 8, f"from {CANON} import WebSocketManager as M"),
    ]


def test_type_checking_imports_are_skipped_when_the_graph_excludes_them(project):
    chatapp(project, {
        "chatapp/routes/ws.py": """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from chatapp.websocket_core import WebSocketManager
            from chatapp.websocket_core.manager import WebSocketManager as M
        """,
    }, exclude_type_checking_imports=True)
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", "WebSocketManager",
         "chatapp/routes/ws.py", 5, f"from {CANON} import WebSocketManager as M"),
    ]


def test_a_module_that_sets_type_checking_itself_keeps_its_imports(project):
    """`TYPE_CHECKING = True` at module level makes the block run: its imports are real
    imports, even when the graph leaves type-checking imports out."""
    chatapp(project, {
        "chatapp/routes/ws.py": """
            TYPE_CHECKING = True

            if TYPE_CHECKING:
                from chatapp.websocket_core.manager import WebSocketManager
        """,
    }, exclude_type_checking_imports=True)
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", "WebSocketManager",
         "chatapp/routes/ws.py", 4, f"from {CANON} import WebSocketManager"),
    ]


def test_a_fullwidth_name_is_the_name_python_reads(project):
    """`Ｔhing` with a fullwidth T is `Thing` to Python (NFKC), so it cannot evade the
    symbol rule."""
    project.settings(["pkg"]).files({
        "pkg/__init__.py": "", "pkg/core.py": "class Thing:\n    pass\n",
        "pkg/legacy.py": "from pkg.core import Thing\n",
        "pkg/app.py": "from pkg.legacy import \uff34hing\n",
    }).contracts("""
        [[contracts]]
        id = "thing"
        type = "canonical"
        package = "pkg.core"
        canonical = ["pkg.core"]
        symbols = { Thing = "pkg.core" }
    """)
    assert found(project.check(), "thing") == [
        ("pkg.app", "pkg.legacy", "Thing", "pkg/app.py", 1, "from pkg.core import Thing"),
    ]


# -- allow, importers, ignore -----------------------------------------------------------------


BAD = "from chatapp.websocket_core.manager import WebSocketManager\n"


def test_allow_exempts_importers_from_both_rules(project):
    chatapp(project, {
        "chatapp/websocket_core/factory.py": "from .unified_manager import WebSocketManager\n",
        "chatapp/legacy/__init__.py": "",
        "chatapp/legacy/old.py": BAD,
        "chatapp/routes/ws.py": BAD,
    }, extra='allow = ["chatapp.websocket_core.**", "chatapp.legacy"]')
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", "WebSocketManager",
         "chatapp/routes/ws.py", 1, f"from {CANON} import WebSocketManager"),
    ]


def test_importers_restricts_the_modules_checked(project):
    chatapp(project, {
        "chatapp/services/ws.py": BAD,
        "chatapp/routes/ws.py": BAD,
    }, extra='importers = ["chatapp.routes"]')
    assert found(project.check()) == [
        ("chatapp.routes.ws", "chatapp.websocket_core.manager", "WebSocketManager",
         "chatapp/routes/ws.py", 1, f"from {CANON} import WebSocketManager"),
    ]


def test_ignore_entry_removes_the_imports_it_covers(project):
    chatapp(project, {
        "chatapp/services/ws.py": BAD,
        "chatapp/routes/ws.py": BAD,
    }, extra='ignore = ["chatapp.services.ws -> chatapp.websocket_core.manager"]')
    report = project.check()
    assert [row[0] for row in found(report)] == ["chatapp.routes.ws"]
    assert report.diagnostics == ()


# -- which files are read ---------------------------------------------------------------------


def test_symbol_rule_reads_the_import_facts_and_no_file_beyond_them(project):
    """Candidates for the symbol rule come from every file's import statements (already read
    for the graph); no file's top-level names are read when every violation's fix is known."""
    chatapp(project, {
        "chatapp/services/websocket_manager.py": "WebSocketManager = None\n",
        "chatapp/services/other.py": "import chatapp.services.websocket_manager\n",
        "chatapp/routes/ws.py":
            "from chatapp.services.websocket_manager import WebSocketManager\n",
        "chatapp/routes/plain.py": "import json\n",
    })
    settings = load_settings(project.root / "pyproject.toml")
    graph = build_graph(settings, use_cache=False)
    report = check_graph(settings, load_contracts(settings), graph)
    assert [row[0] for row in found(report)] == ["chatapp.routes.ws"]
    assert graph.facts.asked == {}


# -- configuration errors ---------------------------------------------------------------------


def test_package_matching_nothing_is_a_config_error(project):
    project.settings(["chatapp"]).files(CHATAPP).contracts(contract().replace(
        'package = "chatapp.websocket_core"', 'package = "chatapp.realtime"'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    # Only the root cause: the canonical module is not reported as outside a package
    # that does not exist.
    assert caught.value.problems == (
        Problem("'chatapp.realtime' matches no module", file="contracts/contracts.toml",
                line=1, contract_id="ws", key="package"),
    )


def test_missing_canonical_and_symbol_modules_are_config_errors(project):
    project.settings(["chatapp"]).files(CHATAPP).contracts("""
        [[contracts]]
        id = "ws"
        type = "canonical"
        package = "chatapp.websocket_core"
        canonical = ["chatapp.websocket_core.websocket_manger"]
        symbols = { Manager = "chatapp.billing.invoices" }
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [str(p) for p in caught.value.problems] == [
        "contracts/contracts.toml:1: contract 'ws', key 'canonical': "
        "module 'chatapp.websocket_core.websocket_manger' does not exist "
        "(did you mean 'chatapp.websocket_core.websocket_manager'?)",
        "contracts/contracts.toml:1: contract 'ws', key 'symbols': "
        "'Manager': module 'chatapp.billing.invoices' does not exist",
    ]


def test_canonical_module_outside_the_package_is_a_config_error(project):
    project.settings(["chatapp"]).files(CHATAPP).contracts("""
        [[contracts]]
        id = "ws"
        type = "canonical"
        package = "chatapp.websocket_core"
        canonical = ["chatapp.routes"]
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [str(p) for p in caught.value.problems] == [
        "contracts/contracts.toml:1: contract 'ws', key 'canonical': "
        "'chatapp.routes' is not inside package 'chatapp.websocket_core'",
    ]


def test_symbol_whose_module_is_a_non_canonical_module_of_the_package_is_a_config_error(project):
    project.settings(["chatapp"]).files(CHATAPP).contracts(contract().replace(
        'WebSocketManager = "chatapp.websocket_core.websocket_manager"',
        'WebSocketManager = "chatapp.websocket_core.unified_manager"'))
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [str(p) for p in caught.value.problems] == [
        "contracts/contracts.toml:1: contract 'ws', key 'symbols': 'WebSocketManager': "
        "'chatapp.websocket_core.unified_manager' is inside package 'chatapp.websocket_core' "
        "but is not one of its canonical modules, so no import of it could keep the contract",
    ]


def test_malformed_values_are_config_errors_before_the_graph_is_built(project):
    project.settings(["chatapp"]).files(CHATAPP).contracts("""
        [[contracts]]
        id = "ws"
        type = "canonical"
        package = "chatapp..core"
        canonical = []
        symbols = { "not a name" = "chatapp.x", Manager = "chatapp/x" }
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [p.message for p in caught.value.problems] == [
        "'chatapp..core' is not a module expression (empty segment)",
        "list at least one canonical module",
        "'not a name' is not a Python name",
        "'Manager': 'chatapp/x' is not a module name",
    ]
