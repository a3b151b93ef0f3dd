"""ORM models: users, threads and the messages in them."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from chatapp.core.ids import new_message_id, new_thread_id, new_user_id
from chatapp.websocket_core.websocket_manager import get_websocket_manager


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_user_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))


class Thread(Base):
    __tablename__ = "threads"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_thread_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200), default="New chat")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    messages: Mapped[list[Message]] = relationship(back_populates="thread", order_by="Message.created_at")


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_message_id)
    thread_id: Mapped[str] = mapped_column(ForeignKey("threads.id"))
    role: Mapped[str] = mapped_column(String(16))  # "user" | "assistant" | "tool"
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    thread: Mapped[Thread] = relationship(back_populates="messages")


@event.listens_for(Message, "after_insert")
def broadcast_new_message(mapper, connection, target: Message) -> None:
    """Push every stored message to the sockets watching its thread.

    Added during an incident so that messages written by background jobs reach the browser
    too. It works, and it makes the database layer depend on the WebSocket layer.
    """
    get_websocket_manager().schedule_send_to_thread(
        target.thread_id, {"type": "message_created", "message_id": target.id, "role": target.role})
