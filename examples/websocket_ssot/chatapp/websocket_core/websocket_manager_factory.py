"""Per-user manager factory (deprecated).

It predates `WebSocketManagerMode.ISOLATED` and hands out one isolated manager per user.
New code calls `get_websocket_manager()` from `chatapp.websocket_core.websocket_manager`.
"""

from __future__ import annotations

from chatapp.websocket_core.unified_manager import _UnifiedWebSocketManagerImplementation
from chatapp.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager


class WebSocketManagerFactory:
    """Caches one isolated manager per user id."""

    def __init__(self) -> None:
        self._managers: dict[str, WebSocketManager] = {}

    def create_for_user(self, user_id: str) -> WebSocketManager:
        if user_id not in self._managers:
            self._managers[user_id] = _UnifiedWebSocketManagerImplementation(user_id=user_id)
        return self._managers[user_id]

    def forget(self, user_id: str) -> None:
        self._managers.pop(user_id, None)


_factory: WebSocketManagerFactory | None = None


def get_websocket_manager_factory() -> WebSocketManagerFactory:
    global _factory
    if _factory is None:
        _factory = WebSocketManagerFactory()
    return _factory


def create_websocket_manager(user_id: str | None = None) -> WebSocketManager:
    """The shared manager, or with `user_id` an isolated one for that user."""
    if user_id is None:
        return get_websocket_manager()
    return get_websocket_manager_factory().create_for_user(user_id)
