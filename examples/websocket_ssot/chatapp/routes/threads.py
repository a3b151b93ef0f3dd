"""Thread endpoints: list, create, rename."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from chatapp.routes.deps import current_user
from chatapp.services.notification_service import NotificationService
from chatapp.services.thread_service import ThreadService, ThreadSummary
from chatapp.services.user_service import CurrentUser
from chatapp.websocket_core import WebSocketManager

router = APIRouter(prefix="/threads", tags=["threads"])


def thread_service() -> ThreadService:
    return ThreadService()


@router.get("")
def list_threads(user: CurrentUser = Depends(current_user),
                 threads: ThreadService = Depends(thread_service)) -> list[ThreadSummary]:
    return threads.list_for(user.id)


@router.post("")
def create_thread(title: str = "New chat", user: CurrentUser = Depends(current_user),
                  threads: ThreadService = Depends(thread_service)) -> ThreadSummary:
    return threads.create(user.id, title)


@router.post("/{thread_id}/title")
async def rename_thread(thread_id: str, title: str,
                        user: CurrentUser = Depends(current_user)) -> dict[str, str]:
    await NotificationService().thread_renamed(thread_id, title)
    return {"thread_id": thread_id, "title": title}


def open_sockets(manager: WebSocketManager, thread_id: str) -> int:
    """How many browser tabs are watching the thread (shown in the thread header)."""
    return len(manager.registry.for_thread(thread_id))
