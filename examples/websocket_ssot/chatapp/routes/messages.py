"""Message endpoints: history and posting a new message (which starts an agent run)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status

from chatapp.routes.deps import current_user
from chatapp.services.message_service import MessageService, RateLimited, StoredMessage
from chatapp.services.user_service import CurrentUser

router = APIRouter(prefix="/threads/{thread_id}/messages", tags=["messages"])


@router.get("")
def history(thread_id: str, user: CurrentUser = Depends(current_user)) -> list[StoredMessage]:
    return MessageService().history(thread_id)


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def post_message(thread_id: str, content: str,
                       user: CurrentUser = Depends(current_user)) -> dict[str, str]:
    """Store the message and start an agent; progress arrives over the thread's WebSocket."""
    try:
        run_id = await MessageService().handle_user_message(user.id, thread_id, content)
    except RateLimited:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "slow down") from None
    return {"run_id": run_id}
