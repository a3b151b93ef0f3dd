"""The canonical manager: connect, subscribe, send, disconnect."""

from __future__ import annotations

import pytest

from chatapp.websocket_core.websocket_manager import (
    EventType,
    WebSocketEvent,
    WebSocketManager,
    get_websocket_manager,
)


@pytest.mark.asyncio
async def test_event_reaches_subscribed_socket(fake_socket):
    manager = WebSocketManager()
    connection = await manager.connect(fake_socket, "usr_test")
    manager.subscribe(connection.connection_id, "thr_1")
    sent = await manager.send_to_thread("thr_1", WebSocketEvent(EventType.AGENT_STARTED, "thr_1"))
    assert sent == 1
    assert fake_socket.sent[0]["type"] == "agent_started"


@pytest.mark.asyncio
async def test_disconnect_closes_the_socket(fake_socket):
    manager = WebSocketManager()
    connection = await manager.connect(fake_socket, "usr_test")
    await manager.disconnect(connection.connection_id)
    assert fake_socket.closed


def test_one_manager_per_process():
    assert get_websocket_manager() is get_websocket_manager()
