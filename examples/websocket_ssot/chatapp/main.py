"""The ASGI application: builds FastAPI, mounts the routers, wires startup and shutdown."""

from __future__ import annotations

from fastapi import FastAPI

from chatapp.core.config import get_settings
from chatapp.core.logging_config import configure_logging, get_logger
from chatapp.db.session import dispose_engine
from chatapp.routes import admin, health, messages, threads, ws
from chatapp.websocket_core.websocket_manager import get_websocket_manager

logger = get_logger(__name__)


def create_app() -> FastAPI:
    """Application factory for uvicorn: `uvicorn chatapp.main:create_app --factory`."""
    settings = get_settings()
    configure_logging(settings.log_level, json_output=settings.is_production)
    app = FastAPI(title="chatapp", debug=not settings.is_production)
    for module in (health, threads, messages, ws, admin):
        app.include_router(module.router)

    @app.on_event("shutdown")
    async def close_connections() -> None:
        closed = await get_websocket_manager().close_all(reason="server shutdown")
        dispose_engine()
        logger.info("shutdown complete, %d sockets closed", closed)

    return app
