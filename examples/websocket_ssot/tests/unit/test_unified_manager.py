"""User isolation of the unified manager (issue #680)."""

from __future__ import annotations

import pytest

from chatapp.websocket_core.unified_manager import _UnifiedWebSocketManagerImplementation
from chatapp.websocket_core.websocket_manager import EventType, WebSocketEvent


@pytest.mark.asyncio
async def test_isolated_manager_refuses_other_users_threads(fake_socket):
    manager = _UnifiedWebSocketManagerImplementation(user_id="usr_alice")
    connection = await manager.connect(fake_socket, "usr_bob")
    manager.subscribe(connection.connection_id, "thr_bob")
    with pytest.raises(ValueError, match="another user"):
        await manager.send_to_thread("thr_bob", WebSocketEvent(EventType.AGENT_STARTED, "thr_bob"))


@pytest.mark.asyncio
async def test_isolated_manager_sends_to_its_own_user(fake_socket):
    manager = _UnifiedWebSocketManagerImplementation(user_id="usr_test")
    connection = await manager.connect(fake_socket, "usr_test")
    manager.subscribe(connection.connection_id, "thr_1")
    assert await manager.send_to_thread("thr_1", WebSocketEvent(EventType.AGENT_THINKING, "thr_1")) == 1
