"""Messages: store what the user wrote, then hand the thread to an agent."""

from __future__ import annotations

from dataclasses import dataclass

from chatapp.core.config import get_settings
from chatapp.db.repositories import MessageRepository
from chatapp.db.session import session_scope
from chatapp.services._rate_limiter import RateLimiter


class RateLimited(Exception):
    pass


@dataclass(frozen=True)
class StoredMessage:
    id: str
    thread_id: str
    role: str
    content: str


class MessageService:
    def __init__(self) -> None:
        self.limiter = RateLimiter(get_settings().messages_per_minute)

    def store(self, thread_id: str, role: str, content: str) -> StoredMessage:
        with session_scope() as session:
            message = MessageRepository(session).add(thread_id, role, content)
            return StoredMessage(message.id, thread_id, role, content)

    def history(self, thread_id: str) -> list[StoredMessage]:
        with session_scope() as session:
            return [StoredMessage(m.id, m.thread_id, m.role, m.content)
                    for m in MessageRepository(session).history(thread_id)]

    async def handle_user_message(self, user_id: str, thread_id: str, content: str) -> str:
        """Store the message and start an agent run on the thread; returns the run id."""
        if not self.limiter.allow(user_id):
            raise RateLimited(user_id)
        self.store(thread_id, "user", content)
        # Imported here because chatapp.agents imports this module at load time.
        from chatapp.agents.supervisor import AgentSupervisor

        return await AgentSupervisor().start_run(user_id=user_id, thread_id=thread_id)
