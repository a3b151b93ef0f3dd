"""Repositories: the only code that writes SQL queries for threads and messages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chatapp.db.models import Message, Thread


class ThreadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, thread_id: str) -> Thread | None:
        return self.session.get(Thread, thread_id)

    def for_owner(self, owner_id: str, limit: int = 50) -> list[Thread]:
        query = (select(Thread).where(Thread.owner_id == owner_id)
                 .order_by(Thread.created_at.desc()).limit(limit))
        return list(self.session.scalars(query))

    def add(self, owner_id: str, title: str) -> Thread:
        thread = Thread(owner_id=owner_id, title=title)
        self.session.add(thread)
        self.session.flush()
        return thread


class MessageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, thread_id: str, role: str, content: str) -> Message:
        message = Message(thread_id=thread_id, role=role, content=content)
        self.session.add(message)
        self.session.flush()
        return message

    def history(self, thread_id: str, limit: int = 100) -> list[Message]:
        query = (select(Message).where(Message.thread_id == thread_id)
                 .order_by(Message.created_at).limit(limit))
        return list(self.session.scalars(query))
