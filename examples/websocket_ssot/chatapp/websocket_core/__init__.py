"""WebSocket transport: connections, events and the manager that sends them.

Deprecated: `from chatapp.websocket_core import WebSocketManager`. Import the manager from
`chatapp.websocket_core.websocket_manager`; these re-exports remain only until the last
caller has moved.
"""

from chatapp.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager

__all__ = ["WebSocketManager", "get_websocket_manager"]
