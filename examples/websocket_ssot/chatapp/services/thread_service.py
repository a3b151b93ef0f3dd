"""Threads: one conversation between a user and the assistant."""

from __future__ import annotations

from dataclasses import dataclass

from chatapp.core.logging_config import get_logger
from chatapp.db.repositories import ThreadRepository
from chatapp.db.session import session_scope

logger = get_logger(__name__)


@dataclass(frozen=True)
class ThreadSummary:
    id: str
    title: str


class ThreadService:
    def create(self, owner_id: str, title: str = "New chat") -> ThreadSummary:
        with session_scope() as session:
            thread = ThreadRepository(session).add(owner_id, title)
            logger.info("thread created", extra={"thread_id": thread.id, "user_id": owner_id})
            return ThreadSummary(thread.id, thread.title)

    def list_for(self, owner_id: str) -> list[ThreadSummary]:
        with session_scope() as session:
            return [ThreadSummary(t.id, t.title) for t in ThreadRepository(session).for_owner(owner_id)]

    def owner_of(self, thread_id: str) -> str | None:
        with session_scope() as session:
            thread = ThreadRepository(session).get(thread_id)
            return thread.owner_id if thread else None
