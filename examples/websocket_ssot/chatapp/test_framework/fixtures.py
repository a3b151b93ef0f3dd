"""Database fixtures: an in-memory SQLite schema and a user with a thread."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from chatapp.db.models import Base, Thread, User


@contextmanager
def in_memory_session() -> Iterator[Session]:
    """A session on a fresh in-memory database with every table created."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def make_user_with_thread(session: Session, email: str = "ada@example.com") -> tuple[User, Thread]:
    user = User(email=email, display_name=email.split("@")[0])
    session.add(user)
    session.flush()
    thread = Thread(owner_id=user.id, title="Test thread")
    session.add(thread)
    session.flush()
    return user, thread
