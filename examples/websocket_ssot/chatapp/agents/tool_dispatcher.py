"""Runs the tools an agent asks for and reports each call over the WebSocket."""

from __future__ import annotations

from typing import Any

from chatapp.agents.tools.search_tool import SearchTool
from chatapp.agents.tools.summarize_tool import SummarizeTool
from chatapp.core.logging_config import get_logger
from chatapp.services.websocket_manager import WebSocketManager

logger = get_logger(__name__)


class UnknownTool(LookupError):
    pass


class ToolDispatcher:
    """Builds the tools for one run and executes calls to them."""

    def __init__(self, user_id: str, thread_id: str, run_id: str, manager: WebSocketManager) -> None:
        self.thread_id = thread_id
        self.run_id = run_id
        self.manager = manager
        self.tools = {"search": SearchTool(user_id), "summarize": SummarizeTool(thread_id)}

    async def dispatch(self, tool_name: str, arguments: dict[str, Any]) -> Any:
        tool = self.tools.get(tool_name)
        if tool is None:
            raise UnknownTool(tool_name)
        await self.manager.send_message(self.thread_id, "tool_executing",
                                        {"run_id": self.run_id, "tool": tool_name})
        result = tool.run(arguments)
        await self.manager.send_message(self.thread_id, "tool_completed",
                                        {"run_id": self.run_id, "tool": tool_name})
        logger.info("tool %s done", tool_name, extra={"run_id": self.run_id})
        return result
