"""The `summarize` tool: a short digest of the current thread."""

from __future__ import annotations

from typing import Any

from chatapp.services.message_service import MessageService


class SummarizeTool:
    name = "summarize"
    description = "Summarize the conversation so far in a few lines."

    def __init__(self, thread_id: str) -> None:
        self.thread_id = thread_id

    def run(self, arguments: dict[str, Any]) -> str:
        max_lines = int(arguments.get("max_lines", 5))
        messages = MessageService().history(self.thread_id)
        lines = [f"{m.role}: {m.content.splitlines()[0][:80]}" for m in messages if m.content]
        return "\n".join(lines[-max_lines:])
