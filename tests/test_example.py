"""The bundled example reports each planted drift and nothing else (see its README)."""

from __future__ import annotations

from pathlib import Path

from conftest import replacement

from archlint import check

EXAMPLE = Path(__file__).parents[1] / "examples" / "websocket_ssot"

EXPECTED = [
    ('chatapp-layers', 'chatapp.db.models', 'chatapp.websocket_core.websocket_manager', None,
     'chatapp/db/models.py', 11, None),
    ('chatapp-layers', 'chatapp.services.message_service', 'chatapp.agents.supervisor', None,
     'chatapp/services/message_service.py', 45, None),
    ('chatapp-acyclic', 'chatapp.services.message_service', 'chatapp.agents.supervisor', None,
     'chatapp/services/message_service.py', 45, None),
    ('websocket-canonical', 'chatapp.agents.execution_engine',
     'chatapp.websocket_core.websocket_manager_factory', None, 'chatapp/agents/execution_engine.py',
     8, None),
    ('websocket-canonical', 'chatapp.agents.supervisor', 'chatapp.websocket_core.unified_manager',
     'WebSocketManagerMode', 'chatapp/agents/supervisor.py', 13,
     'from chatapp.websocket_core.websocket_manager import WebSocketManagerMode'),
    ('websocket-canonical', 'chatapp.agents.supervisor', 'chatapp.websocket_core.unified_manager',
     'get_websocket_manager', 'chatapp/agents/supervisor.py', 13,
     'from chatapp.websocket_core.websocket_manager import get_websocket_manager'),
    ('websocket-canonical', 'chatapp.agents.tool_dispatcher', 'chatapp.services.websocket_manager',
     'WebSocketManager', 'chatapp/agents/tool_dispatcher.py', 10,
     'from chatapp.websocket_core.websocket_manager import WebSocketManager'),
    ('websocket-canonical', 'chatapp.routes.admin', 'chatapp.websocket_core.manager',
     'get_websocket_manager', 'chatapp/routes/admin.py', 24,
     'from chatapp.websocket_core.websocket_manager import get_websocket_manager'),
    ('websocket-canonical', 'chatapp.routes.threads', 'chatapp.websocket_core', 'WebSocketManager',
     'chatapp/routes/threads.py', 11,
     'from chatapp.websocket_core.websocket_manager import WebSocketManager'),
    ('websocket-canonical', 'chatapp.routes.ws', 'chatapp.websocket_core.manager',
     'WebSocketManager', 'chatapp/routes/ws.py', 9,
     'from chatapp.websocket_core.websocket_manager import WebSocketManager'),
    ('websocket-canonical', 'chatapp.services.notification_service',
     'chatapp.services.websocket_manager', 'get_websocket_manager',
     'chatapp/services/notification_service.py', 7,
     'from chatapp.websocket_core.websocket_manager import get_websocket_manager'),
    ('websocket-canonical', 'chatapp.test_framework.websocket_mock',
     'chatapp.websocket_core.unified_manager', '_UnifiedWebSocketManagerImplementation',
     'chatapp/test_framework/websocket_mock.py', 8, None),
    ('websocket-canonical', 'tests.unit.test_connection_registry',
     'chatapp.websocket_core._registry', 'ConnectionRegistry',
     'tests/unit/test_connection_registry.py', 7, None),
    ('websocket-canonical', 'tests.unit.test_unified_manager',
     'chatapp.websocket_core.unified_manager', '_UnifiedWebSocketManagerImplementation',
     'tests/unit/test_unified_manager.py', 7, None),
    ('tests-no-internals', 'chatapp.test_framework.websocket_mock',
     'chatapp.websocket_core.unified_manager', '_UnifiedWebSocketManagerImplementation',
     'chatapp/test_framework/websocket_mock.py', 8, None),
    ('tests-no-internals', 'tests.unit.test_connection_registry',
     'chatapp.websocket_core._registry', 'ConnectionRegistry',
     'tests/unit/test_connection_registry.py', 7, None),
    ('tests-no-internals', 'tests.unit.test_rate_limiter', 'chatapp.services._rate_limiter',
     'TokenBucket', 'tests/unit/test_rate_limiter.py', 5, None),
    ('tests-no-internals', 'tests.unit.test_unified_manager',
     'chatapp.websocket_core.unified_manager', '_UnifiedWebSocketManagerImplementation',
     'tests/unit/test_unified_manager.py', 7, None),
    ('websocket-names-unique', 'chatapp.services.websocket_manager',
     'chatapp.websocket_core.websocket_manager', 'WebSocketManager',
     'chatapp/services/websocket_manager.py', 19, None),
    ('websocket-names-unique', 'chatapp.services.websocket_manager',
     'chatapp.websocket_core.websocket_manager', 'get_websocket_manager',
     'chatapp/services/websocket_manager.py', 34, None),
    ('websocket-names-unique', 'chatapp.test_framework.websocket_mock',
     'chatapp.websocket_core.connection', 'WebSocketConnection',
     'chatapp/test_framework/websocket_mock.py', 13, None),
]


def test_example_reports_every_planted_drift_and_nothing_else():
    report = check(EXAMPLE / "pyproject.toml", use_cache=False)
    found = [
        (result.id, *v.identity[1:3], v.identity[3] or None, v.path, v.line, replacement(v))
        for result in report.results for v in result.violations
    ]
    assert found == EXPECTED
    assert [(r.id, r.status) for r in report.results] == [
        ("chatapp-layers", "broken"), ("chatapp-acyclic", "broken"),
        ("production-without-test-code", "kept"), ("websocket-canonical", "broken"),
        ("tests-no-internals", "broken"), ("websocket-names-unique", "broken"),
    ]
    assert [(d.kind, d.path, d.line, d.message) for d in report.diagnostics] == [
        ("unresolved-import", "chatapp/agents/tools/legacy_notify.py", 11,
         "chatapp.agents.tools.legacy_notify imports chatapp.websocket_core.legacy_bridge, "
         "which does not exist"),
    ]
    assert report.exit_code == 1


def test_example_lists_every_definition_of_a_duplicated_name():
    report = check(EXAMPLE / "pyproject.toml", use_cache=False,
                   contract_ids=["websocket-names-unique"])
    violations = report.results[0].violations
    assert [[(d.path, d.line, d.kind) for d in v.definitions] for v in violations] == [
        [("chatapp/websocket_core/websocket_manager.py", 29, "class"),
         ("chatapp/services/websocket_manager.py", 19, "class")],
        [("chatapp/websocket_core/websocket_manager.py", 70, "function"),
         ("chatapp/services/websocket_manager.py", 34, "function")],
        [("chatapp/websocket_core/connection.py", 23, "class"),
         ("chatapp/test_framework/websocket_mock.py", 13, "class")],
    ]


def test_modules_in_a_folder_without_init_are_checked():
    """chatapp/agents/tools has no __init__.py: its modules are in the graph all the same,
    and its dead import is reported."""
    assert not (EXAMPLE / "chatapp" / "agents" / "tools" / "__init__.py").exists()
    report = check(EXAMPLE / "pyproject.toml", use_cache=False)
    assert [(d.kind, d.path, d.line) for d in report.diagnostics] == [
        ("unresolved-import", "chatapp/agents/tools/legacy_notify.py", 11)]
