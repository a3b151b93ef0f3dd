"""Which connections are open, by user and by thread.

Private to websocket_core: the manager owns the only registry, everything else asks the
manager.
"""

from __future__ import annotations

from collections import defaultdict

from chatapp.websocket_core.connection import WebSocketConnection


class ConnectionRegistry:
    def __init__(self) -> None:
        self._by_id: dict[str, WebSocketConnection] = {}
        self._by_user: defaultdict[str, set[str]] = defaultdict(set)
        self._by_thread: defaultdict[str, set[str]] = defaultdict(set)

    def add(self, connection: WebSocketConnection) -> None:
        self._by_id[connection.connection_id] = connection
        self._by_user[connection.user_id].add(connection.connection_id)

    def remove(self, connection_id: str) -> WebSocketConnection | None:
        connection = self._by_id.pop(connection_id, None)
        if connection is not None:
            self._by_user[connection.user_id].discard(connection_id)
            for thread_id in connection.thread_ids:
                self._by_thread[thread_id].discard(connection_id)
        return connection

    def subscribe(self, connection_id: str, thread_id: str) -> None:
        self._by_id[connection_id].thread_ids.add(thread_id)
        self._by_thread[thread_id].add(connection_id)

    def for_user(self, user_id: str) -> list[WebSocketConnection]:
        return [self._by_id[c] for c in sorted(self._by_user.get(user_id, ()))]

    def for_thread(self, thread_id: str) -> list[WebSocketConnection]:
        return [self._by_id[c] for c in sorted(self._by_thread.get(thread_id, ()))]

    def all(self) -> list[WebSocketConnection]:
        return list(self._by_id.values())
