"""The "unified" manager of the first consolidation attempt (issue #680).

Its implementation grew per-user isolation, which the canonical manager now offers as
`WebSocketManagerMode.ISOLATED`. What is left is the private implementation class and
re-exports under the old names.
"""

from __future__ import annotations

from chatapp.websocket_core.events import WebSocketEvent
from chatapp.websocket_core.websocket_manager import (
    WebSocketManager,
    WebSocketManagerMode,
    get_websocket_manager,
)

__all__ = ["UnifiedWebSocketManager", "WebSocketManager", "WebSocketManagerMode",
           "get_websocket_manager"]


class _UnifiedWebSocketManagerImplementation(WebSocketManager):
    """A manager bound to one user: events for other users' threads are dropped.

    Private: callers use `WebSocketManager(mode=WebSocketManagerMode.ISOLATED)`.
    """

    def __init__(self, user_id: str | None = None,
                 mode: WebSocketManagerMode = WebSocketManagerMode.ISOLATED) -> None:
        super().__init__(mode=mode)
        self.user_id = user_id

    async def send_to_thread(self, thread_id: str, event: WebSocketEvent) -> int:
        connections = self.registry.for_thread(thread_id)
        if self.user_id is not None and any(c.user_id != self.user_id for c in connections):
            raise ValueError("Invalid websocket manager - thread has sockets of another user")
        return await super().send_to_thread(thread_id, event)


UnifiedWebSocketManager = _UnifiedWebSocketManagerImplementation
