"""The WebSocket endpoint: one socket per browser tab, subscribed to the threads it shows."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from chatapp.core.logging_config import get_logger
from chatapp.services.user_service import UserService
from chatapp.websocket_core.manager import WebSocketManager
from chatapp.websocket_core.websocket_manager import get_websocket_manager

router = APIRouter()
logger = get_logger(__name__)


@router.websocket("/ws")
async def websocket_endpoint(socket: WebSocket, token: str) -> None:
    user = UserService().from_token(token)
    if user is None:
        await socket.close(code=4401, reason="unauthorized")
        return
    await socket.accept()
    manager: WebSocketManager = get_websocket_manager()
    connection = await manager.connect(socket, user.id)
    try:
        while True:
            message = await socket.receive_json()
            if message.get("type") == "subscribe":
                manager.subscribe(connection.connection_id, message["thread_id"])
            elif message.get("type") == "ping":
                await connection.send_json({"type": "pong"})
    except WebSocketDisconnect:
        logger.info("socket closed", extra={"connection_id": connection.connection_id})
    finally:
        await manager.disconnect(connection.connection_id)
