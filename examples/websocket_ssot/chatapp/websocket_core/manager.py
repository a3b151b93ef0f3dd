"""Legacy home of the WebSocket manager, from before the consolidation (issue #960).

Kept so that old imports keep working. New code imports from
`chatapp.websocket_core.websocket_manager`.
"""

from __future__ import annotations

import warnings

from chatapp.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager

# The manager's name before it was renamed; a few call sites still use it.
WebSocketConnectionManager = WebSocketManager

__all__ = ["WebSocketConnectionManager", "WebSocketManager", "get_manager", "get_websocket_manager"]


def get_manager() -> WebSocketManager:
    """Deprecated alias of `get_websocket_manager()`."""
    warnings.warn("chatapp.websocket_core.manager.get_manager() is deprecated; use "
                  "chatapp.websocket_core.websocket_manager.get_websocket_manager()",
                  DeprecationWarning, stacklevel=2)
    return get_websocket_manager()
