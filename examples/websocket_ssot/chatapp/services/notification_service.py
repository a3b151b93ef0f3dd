"""System notices to users: maintenance windows, thread renamed, quota warnings."""

from __future__ import annotations

from chatapp.core.logging_config import get_logger

from .websocket_manager import get_websocket_manager

logger = get_logger(__name__)


class NotificationService:
    async def notify_user(self, user_id: str, text: str, level: str = "info") -> int:
        """Send a notice to every socket of the user; returns how many got it."""
        delivered = await get_websocket_manager().broadcast_to_user(
            user_id, {"type": "system_notice", "level": level, "text": text})
        if not delivered:
            logger.info("notice not delivered, user offline", extra={"user_id": user_id})
        return delivered

    async def thread_renamed(self, thread_id: str, title: str) -> int:
        return await get_websocket_manager().send_message(
            thread_id, "system_notice", {"text": f"Thread renamed to {title!r}"})
