"""The WebSocket manager — the single source of truth for talking to connected browsers.

Import it from here and only from here:

    from chatapp.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager
"""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import Any

from chatapp.core.logging_config import get_logger
from chatapp.websocket_core._registry import ConnectionRegistry
from chatapp.websocket_core.connection import SocketLike, WebSocketConnection
from chatapp.websocket_core.events import CRITICAL_AGENT_EVENTS, EventType, WebSocketEvent

__all__ = ["CRITICAL_AGENT_EVENTS", "EventType", "WebSocketEvent", "WebSocketManager",
           "WebSocketManagerMode", "get_websocket_manager"]
logger = get_logger(__name__)


class WebSocketManagerMode(str, Enum):
    UNIFIED = "unified"      # one manager for the process
    ISOLATED = "isolated"    # events only reach the user the manager was created for


class WebSocketManager:
    def __init__(self, mode: WebSocketManagerMode = WebSocketManagerMode.UNIFIED) -> None:
        self.mode = mode
        self.registry = ConnectionRegistry()

    async def connect(self, socket: SocketLike, user_id: str) -> WebSocketConnection:
        connection = WebSocketConnection(user_id=user_id, socket=socket)
        self.registry.add(connection)
        return connection

    async def disconnect(self, connection_id: str) -> None:
        if (connection := self.registry.remove(connection_id)) is not None:
            await connection.close()

    def subscribe(self, connection_id: str, thread_id: str) -> None:
        self.registry.subscribe(connection_id, thread_id)

    async def send_to_thread(self, thread_id: str, event: WebSocketEvent) -> int:
        """Send to every socket watching the thread; returns how many got it."""
        sent = [await c.send_json(event.to_message()) for c in self.registry.for_thread(thread_id)]
        if event.is_critical and not any(sent):
            logger.warning("critical event %s reached no socket", event.type.value,
                           extra={"thread_id": thread_id, "run_id": event.run_id})
        return sum(sent)

    def schedule_send_to_thread(self, thread_id: str, message: dict[str, Any]) -> None:
        """Fire-and-forget from synchronous code (ORM hooks, thread pools)."""
        event = WebSocketEvent(EventType(message.pop("type")), thread_id, message)
        asyncio.get_running_loop().create_task(self.send_to_thread(thread_id, event))

    async def close_all(self, reason: str) -> int:
        connections = self.registry.all()
        for connection in connections:
            await self.disconnect(connection.connection_id)
        logger.info("closed %d sockets: %s", len(connections), reason)
        return len(connections)


_manager: WebSocketManager | None = None


def get_websocket_manager() -> WebSocketManager:
    """The process-wide manager."""
    global _manager
    if _manager is None:
        _manager = WebSocketManager()
    return _manager
