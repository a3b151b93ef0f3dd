"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from chatapp.db.session import session_scope
from chatapp.websocket_core.websocket_manager import get_websocket_manager

router = APIRouter(tags=["health"])


@router.get("/healthz")
def liveness() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readiness() -> dict[str, object]:
    """Ready when the database answers; also reports how many sockets are open."""
    with session_scope() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ready", "websockets": len(get_websocket_manager().registry.all())}
