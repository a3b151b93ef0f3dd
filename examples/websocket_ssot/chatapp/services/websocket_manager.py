"""WebSocket manager of the services era, before websocket_core existed.

Services used to own the manager. This module kept a subclass with the old method names so
that callers did not have to change — and with it a second `WebSocketManager` class and a
second `get_websocket_manager()`, which hands out a different instance than the real one.
"""

from __future__ import annotations

from typing import Any

from chatapp.core.logging_config import get_logger
from chatapp.websocket_core.websocket_manager import EventType, WebSocketEvent
from chatapp.websocket_core.websocket_manager import WebSocketManager as _CoreWebSocketManager

logger = get_logger(__name__)


class WebSocketManager(_CoreWebSocketManager):
    """The old API: `send_message(thread_id, "agent_started", {...})` instead of events."""

    async def send_message(self, thread_id: str, event_type: str, data: dict[str, Any]) -> int:
        event = WebSocketEvent(EventType(event_type), thread_id, data, run_id=data.get("run_id"))
        return await self.send_to_thread(thread_id, event)

    async def broadcast_to_user(self, user_id: str, data: dict[str, Any]) -> int:
        connections = self.registry.for_user(user_id)
        return sum([await c.send_json(data) for c in connections])


_legacy_manager: WebSocketManager | None = None


def get_websocket_manager() -> WebSocketManager:
    """Deprecated. Returns this module's own singleton, not the canonical manager."""
    global _legacy_manager
    if _legacy_manager is None:
        logger.warning("services.websocket_manager is deprecated; use websocket_core.websocket_manager")
        _legacy_manager = WebSocketManager()
    return _legacy_manager
