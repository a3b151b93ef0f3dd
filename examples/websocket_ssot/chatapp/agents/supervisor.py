"""Chooses the agent for a thread and starts its run in the background."""

from __future__ import annotations

import asyncio

from chatapp.agents.execution_engine import ExecutionContext, ExecutionEngine
from chatapp.agents.registry import AgentRegistry, default_registry
from chatapp.core.ids import new_run_id
from chatapp.core.logging_config import get_logger
from chatapp.services.message_service import MessageService
from chatapp.services.thread_service import ThreadService
from chatapp.websocket_core.unified_manager import (
    WebSocketManagerMode,
    get_websocket_manager,
)

logger = get_logger(__name__)


class AgentSupervisor:
    def __init__(self, registry: AgentRegistry | None = None) -> None:
        self.registry = registry or default_registry()
        self.threads = ThreadService()
        self.messages = MessageService()

    async def start_run(self, user_id: str, thread_id: str) -> str:
        """Start the thread's agent on its latest message; returns the run id at once."""
        if self.threads.owner_of(thread_id) != user_id:
            raise PermissionError(f"{user_id} does not own {thread_id}")
        history = self.messages.history(thread_id)
        run_id = new_run_id()
        context = ExecutionContext(user_id, thread_id, run_id)
        engine = ExecutionEngine(self.registry.default(), context)
        asyncio.get_running_loop().create_task(engine.run(history[-1].content))
        logger.info("run started", extra={"run_id": run_id, "thread_id": thread_id})
        return run_id

    def isolation_enabled(self) -> bool:
        return get_websocket_manager().mode is WebSocketManagerMode.ISOLATED
