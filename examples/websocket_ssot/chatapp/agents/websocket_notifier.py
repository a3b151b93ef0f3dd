"""Sends an agent run's progress to the thread's sockets: the five critical events."""

from __future__ import annotations

from typing import Any

from chatapp.websocket_core.websocket_manager import (
    EventType,
    WebSocketEvent,
    WebSocketManager,
    get_websocket_manager,
)


class AgentWebSocketNotifier:
    """One notifier per run; every event carries the run id."""

    def __init__(self, thread_id: str, run_id: str, manager: WebSocketManager | None = None) -> None:
        self.thread_id = thread_id
        self.run_id = run_id
        self.manager = manager or get_websocket_manager()

    async def _send(self, event_type: EventType, **payload: Any) -> int:
        event = WebSocketEvent(event_type, self.thread_id, payload, run_id=self.run_id)
        return await self.manager.send_to_thread(self.thread_id, event)

    async def agent_started(self, agent_name: str) -> int:
        return await self._send(EventType.AGENT_STARTED, agent=agent_name)

    async def agent_thinking(self, thought: str) -> int:
        return await self._send(EventType.AGENT_THINKING, thought=thought)

    async def tool_executing(self, tool: str, arguments: dict[str, Any]) -> int:
        return await self._send(EventType.TOOL_EXECUTING, tool=tool, arguments=arguments)

    async def tool_completed(self, tool: str, result: Any) -> int:
        return await self._send(EventType.TOOL_COMPLETED, tool=tool, result=result)

    async def agent_completed(self, answer: str) -> int:
        return await self._send(EventType.AGENT_COMPLETED, answer=answer)
