"""Operator endpoints: connection stats and maintenance broadcasts."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status

from chatapp.routes.deps import current_user
from chatapp.services.user_service import CurrentUser

router = APIRouter(prefix="/admin", tags=["admin"])

OPERATORS = frozenset({"ops@chatapp.example"})


def operator(user: CurrentUser = Depends(current_user)) -> CurrentUser:
    if user.email not in OPERATORS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "operators only")
    return user


@router.post("/broadcast")
async def broadcast_maintenance_notice(text: str, user: CurrentUser = Depends(operator)) -> dict[str, int]:
    """Tell every connected user about upcoming maintenance."""
    from chatapp.websocket_core.manager import get_websocket_manager

    manager = get_websocket_manager()
    sent = 0
    for connection in manager.registry.all():
        sent += await connection.send_json({"type": "system_notice", "level": "warning", "text": text})
    return {"sent": sent}
