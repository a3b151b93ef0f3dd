"""A WebSocket manager for tests that records every event instead of sending it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chatapp.websocket_core.unified_manager import _UnifiedWebSocketManagerImplementation
from chatapp.websocket_core.websocket_manager import WebSocketEvent


@dataclass
class WebSocketConnection:
    """A fake browser socket: keeps what it was sent."""

    user_id: str
    sent: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    async def send_json(self, data: Any) -> None:
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed = True


class MockWebSocketManager(_UnifiedWebSocketManagerImplementation):
    """Records events by thread; `sent_types(thread_id)` lists their types in order."""

    def __init__(self, user_id: str | None = None) -> None:
        super().__init__(user_id=user_id)
        self.events: list[WebSocketEvent] = []

    async def send_to_thread(self, thread_id: str, event: WebSocketEvent) -> int:
        self.events.append(event)
        return await super().send_to_thread(thread_id, event)

    def sent_types(self, thread_id: str) -> list[str]:
        return [e.type.value for e in self.events if e.thread_id == thread_id]
