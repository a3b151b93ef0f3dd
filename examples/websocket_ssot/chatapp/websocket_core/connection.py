"""One open WebSocket and the threads it is subscribed to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from chatapp.core.ids import new_connection_id
from chatapp.core.logging_config import get_logger

logger = get_logger(__name__)


class SocketLike(Protocol):
    """What we need from the ASGI WebSocket object (FastAPI's or a test fake)."""

    async def send_json(self, data: Any) -> None: ...
    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


@dataclass
class WebSocketConnection:
    user_id: str
    socket: SocketLike
    connection_id: str = field(default_factory=new_connection_id)
    thread_ids: set[str] = field(default_factory=set)
    connected_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    open: bool = True

    async def send_json(self, message: dict[str, Any]) -> bool:
        """Send one message; a socket that fails is marked closed instead of raising."""
        if not self.open:
            return False
        try:
            await self.socket.send_json(message)
            return True
        except Exception as exc:  # the peer went away mid-send
            logger.info("send failed, closing %s: %s", self.connection_id, exc)
            self.open = False
            return False

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self.open:
            self.open = False
            await self.socket.close(code=code, reason=reason)
