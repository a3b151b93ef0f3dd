"""`internal`: the given importers (e.g. tests) use no internals of the given packages."""

from __future__ import annotations

import pytest
from conftest import replacement

from archlint.errors import ConfigError, Problem
from archlint.facts.structure import read_top_level

CONTRACT = """
    [[contracts]]
    id = "no-internals"
    type = "internal"
    packages = ["chatapp"]
    {extra}
"""

CHATAPP = {
    "chatapp/__init__.py": "__version__ = '1.0'\n",
    "chatapp/__main__.py": "",
    "chatapp/util.py": "def helper():\n    pass\n\n\ndef _helper():\n    pass\n",
    "chatapp/websocket_core/__init__.py": "_registry = {}\n",
    "chatapp/websocket_core/_impl.py": "def connect():\n    pass\n",
    "chatapp/websocket_core/unified_manager.py": """
        class UnifiedManager:
            pass


        class _UnifiedWebSocketManagerImplementation:
            pass
    """,
    "chatapp/websocket_core/unified/__init__.py": "",
    "chatapp/websocket_core/unified/state.py": "",
    "tests/__init__.py": "",
}


def setup(project, files: dict[str, str], extra: str = "", roots=("chatapp", "tests")):
    return project.settings(list(roots)).files({**CHATAPP, **files}).contracts(
        CONTRACT.format(extra=extra))


def found(report) -> list[tuple]:
    """Violations as (importer, imported, symbol, path, line, fix)."""
    (result,) = report.results
    return [(v.importer, v.imported, v.symbol, v.path, v.line, replacement(v))
            for v in result.violations]


def messages(report) -> list[str]:
    (result,) = report.results
    return [v.message for v in result.violations]


# -- _private modules and names ---------------------------------------------------------------


def test_private_module_imported_by_a_test_is_a_violation(project):
    setup(project, {
        "tests/test_ws.py": """
            import chatapp.websocket_core._impl
            from chatapp.websocket_core import _impl as impl
        """,
    })
    report = project.check()
    assert found(report) == [
        ("tests.test_ws", "chatapp.websocket_core._impl", None, "tests/test_ws.py", 1, None),
        ("tests.test_ws", "chatapp.websocket_core._impl", None, "tests/test_ws.py", 2, None),
    ]
    assert messages(report)[0] == (
        "tests.test_ws imports chatapp.websocket_core._impl, a module internal to "
        "chatapp.websocket_core ('_impl' starts with '_')")
    (result,) = report.results
    assert result.violations[0].line_contents == "import chatapp.websocket_core._impl"
    assert report.exit_code == 1


def test_without_private_names_only_private_modules_are_internal(project):
    setup(project, {
        "tests/test_util.py": """
            from chatapp.util import _helper
            from chatapp.websocket_core._impl import connect
        """,
    }, extra="private_names = false")
    report = project.check()
    assert found(report) == [
        ("tests.test_util", "chatapp.websocket_core._impl", "connect", "tests/test_util.py", 2,
         None),
    ]


def test_private_name_is_internal_to_the_package_holding_its_module(project):
    setup(project, {
        "tests/test_util.py": "from chatapp.util import helper, _helper\n",
    })
    report = project.check()
    assert found(report) == [
        ("tests.test_util", "chatapp.util", "_helper", "tests/test_util.py", 1, None),
    ]
    assert messages(report) == [
        "tests.test_util imports _helper from chatapp.util; _helper is internal to chatapp "
        "(its name starts with '_')"]


def test_private_name_from_a_package_init_is_internal_to_that_package(project):
    setup(project, {
        "chatapp/websocket_core/registry.py": "from chatapp.websocket_core import _registry\n",
        "chatapp/routes.py": "from chatapp.websocket_core import _registry\n",
    })
    report = project.check()
    assert found(report) == [
        ("chatapp.routes", "chatapp.websocket_core", "_registry", "chatapp/routes.py", 1, None),
    ]
    assert messages(report) == [
        "chatapp.routes imports _registry from chatapp.websocket_core; _registry is internal "
        "to chatapp.websocket_core (its name starts with '_')"]


def test_module_below_a_private_segment_is_internal_to_the_innermost_owner(project):
    setup(project, {
        "chatapp/_vendor/__init__.py": "",
        "chatapp/_vendor/lib/__init__.py": "",
        "chatapp/_vendor/lib/_speedups.py": "",
        "chatapp/_vendor/lib/api.py": "import chatapp._vendor.lib._speedups\n",
        "chatapp/_vendor/other.py": "import chatapp._vendor.lib._speedups\n",
        "chatapp/app.py": "import chatapp._vendor.lib.api\n",
    })
    report = project.check()
    assert found(report) == [
        ("chatapp._vendor.other", "chatapp._vendor.lib._speedups", None,
         "chatapp/_vendor/other.py", 1, None),
    ]
    assert messages(report) == [
        "chatapp._vendor.other imports chatapp._vendor.lib._speedups, a module internal to "
        "chatapp._vendor.lib ('_speedups' starts with '_')"]


def test_dunder_modules_and_names_are_not_internal(project):
    setup(project, {
        "tests/test_meta.py": """
            import chatapp.__main__
            from chatapp import __version__
            from chatapp.util import __doc__
        """,
    })
    assert found(project.check()) == []


# -- declared internal ------------------------------------------------------------------------


def test_declared_internal_module_and_its_names(project):
    setup(project, {
        "tests/test_manager.py": (
            "from chatapp.websocket_core.unified_manager import "
            "_UnifiedWebSocketManagerImplementation\n"
            "from chatapp.websocket_core.unified_manager import UnifiedManager\n"
            "import chatapp.websocket_core.unified.state\n"),
    }, extra='internal = ["chatapp.websocket_core.unified_manager", '
             '"chatapp.websocket_core.unified"]')
    report = project.check()
    assert found(report) == [
        ("tests.test_manager", "chatapp.websocket_core.unified_manager",
         "_UnifiedWebSocketManagerImplementation", "tests/test_manager.py", 1, None),
        ("tests.test_manager", "chatapp.websocket_core.unified_manager", "UnifiedManager",
         "tests/test_manager.py", 2, None),
        ("tests.test_manager", "chatapp.websocket_core.unified.state", None,
         "tests/test_manager.py", 3, None),
    ]
    assert messages(report) == [
        "tests.test_manager imports _UnifiedWebSocketManagerImplementation from "
        "chatapp.websocket_core.unified_manager, a module internal to chatapp.websocket_core "
        "(declared internal)",
        "tests.test_manager imports UnifiedManager from chatapp.websocket_core.unified_manager, "
        "a module internal to chatapp.websocket_core (declared internal)",
        "tests.test_manager imports chatapp.websocket_core.unified.state, a module internal to "
        "chatapp.websocket_core (inside chatapp.websocket_core.unified, declared internal)",
    ]


def test_importers_inside_the_owning_package_may_use_its_internals(project):
    setup(project, {
        "chatapp/websocket_core/server.py": (
            "from chatapp.websocket_core.unified_manager import "
            "_UnifiedWebSocketManagerImplementation\n"
            "from . import _impl\n"
            "from ._impl import connect\n"),
        "chatapp/routes.py": "from .websocket_core._impl import connect\n",
    }, extra='internal = ["chatapp.websocket_core.unified_manager"]')
    assert found(project.check()) == [
        ("chatapp.routes", "chatapp.websocket_core._impl", "connect", "chatapp/routes.py", 1, None),
    ]


def test_importers_restricts_who_is_checked(project):
    setup(project, {
        "chatapp/routes.py": "import chatapp.websocket_core._impl\n",
        "tests/test_routes.py": "# -\nimport chatapp.websocket_core._impl\n",
    }, extra='importers = ["tests"]')
    assert found(project.check()) == [
        ("tests.test_routes", "chatapp.websocket_core._impl", None, "tests/test_routes.py", 2,
         None),
    ]


def test_function_level_and_type_checking_imports_are_checked(project):
    setup(project, {
        "tests/test_ws.py": """
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from chatapp.util import _helper


            def test_connect():
                from chatapp.websocket_core._impl import connect
        """,
    })
    assert found(project.check()) == [
        ("tests.test_ws", "chatapp.util", "_helper", "tests/test_ws.py", 4, None),
        ("tests.test_ws", "chatapp.websocket_core._impl", "connect", "tests/test_ws.py", 8, None),
    ]


# -- public -----------------------------------------------------------------------------------


def test_public_overrides_every_other_rule(project):
    setup(project, {
        "chatapp/_compat/__init__.py": "",
        "chatapp/_compat/shims.py":
            "__all__ = ['shim']\n\ndef shim():\n    pass\n\n\ndef _raw():\n    pass\n",
        "tests/test_compat.py": """
            import chatapp._compat.shims
            from chatapp._compat.shims import _raw
            import chatapp.websocket_core.unified.state
            from chatapp.websocket_core._impl import connect
        """,
    }, extra='public = ["chatapp._compat", "chatapp.websocket_core.unified"]\n'
             'internal = ["chatapp.websocket_core"]\nrespect_all = true')
    assert found(project.check()) == [
        ("tests.test_compat", "chatapp.websocket_core._impl", "connect",
         "tests/test_compat.py", 4, None),
    ]


# -- respect_all ------------------------------------------------------------------------------


ALL_FILES = {
    "chatapp/api.py":
        "__all__ = ['serve']\n\n\ndef serve():\n    pass\n\n\ndef configure():\n    pass\n",
    "chatapp/plain.py": "def configure():\n    pass\n",
    "chatapp/shop/__init__.py": "__all__ = ('Cart',)\nfrom .cart import Cart\nVERSION = 1\n",
    "chatapp/shop/cart.py": "class Cart:\n    pass\n",
    "tests/test_api.py": """
        from chatapp.api import serve, configure
        from chatapp.plain import configure as plain_configure
        from chatapp.shop import Cart, VERSION, cart
        from chatapp.api import __doc__
    """,
}


def test_respect_all_makes_names_outside_all_internal(project):
    setup(project, ALL_FILES, extra="respect_all = true")
    report = project.check()
    # chatapp.plain defines no __all__; `cart` is a submodule, not a name.
    assert found(report) == [
        ("tests.test_api", "chatapp.api", "configure", "tests/test_api.py", 1, None),
        ("tests.test_api", "chatapp.shop", "VERSION", "tests/test_api.py", 3, None),
    ]
    assert messages(report) == [
        "tests.test_api imports configure from chatapp.api; configure is internal to chatapp "
        "(chatapp.api.__all__ does not list it)",
        "tests.test_api imports VERSION from chatapp.shop; VERSION is internal to chatapp.shop "
        "(chatapp.shop.__all__ does not list it)",
    ]


def test_without_respect_all_all_is_ignored(project):
    setup(project, ALL_FILES)
    assert found(project.check()) == []


def test_respect_all_ignores_an_all_that_is_not_a_literal(project):
    setup(project, {
        "chatapp/api.py":
            "__all__ = [name for name in ('serve',)]\n\n\ndef configure():\n    pass\n",
        "tests/test_api.py": "from chatapp.api import configure\n",
    }, extra="respect_all = true")
    assert found(project.check()) == []


def test_respect_all_reads_extended_all(project):
    setup(project, {
        "chatapp/api.py": "__all__ = ['serve']\n__all__ += ['configure']\n"
                          "serve = configure = reset = None\n",
        "tests/test_api.py": "from chatapp.api import serve, configure, reset\n",
    }, extra="respect_all = true")
    assert found(project.check()) == [
        ("tests.test_api", "chatapp.api", "reset", "tests/test_api.py", 1, None),
    ]


# -- outside the packages ---------------------------------------------------------------------


def test_internals_of_packages_not_listed_are_not_checked(project):
    setup(project, {
        "tests/_helpers.py": "def _make():\n    pass\n",
        "tests/conftest_like.py": "",
        "chatapp/uses_tests.py": "from tests._helpers import _make\n",
    })
    assert found(project.check()) == []


def test_ignore_entry_removes_the_imports_it_covers(project):
    setup(project, {
        "tests/test_a.py": "import chatapp.websocket_core._impl\n",
        "tests/test_b.py": "import chatapp.websocket_core._impl\n",
    }, extra='ignore = ["tests.test_a -> chatapp.websocket_core._impl"]')
    report = project.check()
    assert [row[0] for row in found(report)] == ["tests.test_b"]
    assert report.diagnostics == ()


# -- configuration errors ---------------------------------------------------------------------


def test_packages_matching_nothing_is_a_config_error(project):
    project.settings(["chatapp"]).files(CHATAPP).contracts("""
        [[contracts]]
        id = "no-internals"
        type = "internal"
        packages = ["billing"]
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert caught.value.problems == (
        Problem("'billing' matches no module", file="contracts/contracts.toml", line=1,
                contract_id="no-internals", key="packages"),
    )


def test_internal_and_public_outside_the_packages_are_config_errors(project):
    setup(project, {}).contracts("""
        [[contracts]]
        id = "no-internals"
        type = "internal"
        packages = ["chatapp.websocket_core"]
        internal = ["tests"]
        public = ["chatapp.util"]
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [str(p) for p in caught.value.problems] == [
        "contracts/contracts.toml:1: contract 'no-internals', key 'internal': 'tests' matches "
        "only modules outside packages (chatapp.websocket_core)",
        "contracts/contracts.toml:1: contract 'no-internals', key 'public': 'chatapp.util' "
        "matches only modules outside packages (chatapp.websocket_core)",
    ]


def test_empty_packages_is_a_config_error(project):
    setup(project, {}).contracts("""
        [[contracts]]
        id = "no-internals"
        type = "internal"
        packages = []
    """)
    with pytest.raises(ConfigError) as caught:
        project.check()
    assert [str(p) for p in caught.value.problems] == [
        "contracts/contracts.toml:1: contract 'no-internals', key 'packages': "
        "list at least one package",
    ]


# -- reading __all__ ----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    ("__all__ = ['a', 'b']\n", ("a", "b")),
    ("__all__: list[str] = ('a',)\n__all__ += ['b']\n", ("a", "b")),
    ("__all__ = ['a']\n__all__.extend(['b'])\n__all__.append('c')\n", ("a", "b", "c")),
    ("try:\n    import x\nexcept ImportError:\n    __all__ = ['a']\n", ("a",)),
    ("def f():\n    pass\n", None),
    ("__all__ = [n for n in ('a',)]\n", None),
    ("__all__ = ['a']\n__all__.append(name)\n", None),
    ("from .core import __all__\n__all__ += ['a']\n", None),
    ("__all__ = ['a'] + other.__all__\n", None),
    ("def f(:\n", None),
])
def test_only_a_literal_all_is_read(source, expected):
    assert read_top_level(source).all == expected
