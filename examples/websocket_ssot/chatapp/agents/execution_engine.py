"""Runs one agent on one thread: think, call tools, answer — streaming every step."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import chatapp.websocket_core.websocket_manager_factory as ws_factory
from chatapp.agents.registry import AgentSpec
from chatapp.agents.tool_dispatcher import ToolDispatcher
from chatapp.agents.websocket_notifier import AgentWebSocketNotifier
from chatapp.core.config import get_settings
from chatapp.services.message_service import MessageService


@dataclass(frozen=True)
class ExecutionContext:
    user_id: str
    thread_id: str
    run_id: str


class ExecutionEngine:
    def __init__(self, spec: AgentSpec, context: ExecutionContext) -> None:
        self.spec = spec
        self.context = context
        # One isolated manager per user, so that one user's events never reach another.
        manager = ws_factory.create_websocket_manager(user_id=context.user_id)
        self.notifier = AgentWebSocketNotifier(context.thread_id, context.run_id, manager)
        self.tools = ToolDispatcher(context.user_id, context.thread_id, context.run_id, manager)
        self.messages = MessageService()

    async def run(self, prompt: str) -> str:
        timeout = get_settings().agent_timeout_seconds
        await self.notifier.agent_started(self.spec.name)
        answer = await asyncio.wait_for(self._think_and_act(prompt), timeout)
        self.messages.store(self.context.thread_id, "assistant", answer)
        await self.notifier.agent_completed(answer)
        return answer

    async def _think_and_act(self, prompt: str) -> str:
        await self.notifier.agent_thinking(f"Planning an answer with {len(self.spec.tools)} tools")
        findings = []
        for tool in self.spec.tools:
            findings.append(await self.tools.dispatch(tool, {"query": prompt}))
        return f"Here is what I found: {findings!r}"
