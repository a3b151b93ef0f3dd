"""The events the server pushes to browsers, and their wire format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any


class EventType(str, Enum):
    AGENT_STARTED = "agent_started"
    AGENT_THINKING = "agent_thinking"
    TOOL_EXECUTING = "tool_executing"
    TOOL_COMPLETED = "tool_completed"
    AGENT_COMPLETED = "agent_completed"
    MESSAGE_CREATED = "message_created"
    SYSTEM_NOTICE = "system_notice"
    ERROR = "error"


# The five events the chat UI needs to show an agent's progress; losing one leaves the user
# looking at a spinner.
CRITICAL_AGENT_EVENTS = frozenset({
    EventType.AGENT_STARTED, EventType.AGENT_THINKING, EventType.TOOL_EXECUTING,
    EventType.TOOL_COMPLETED, EventType.AGENT_COMPLETED,
})


@dataclass(frozen=True)
class WebSocketEvent:
    """One message to the browser: what happened, in which thread, for which agent run."""

    type: EventType
    thread_id: str
    payload: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    sent_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def is_critical(self) -> bool:
        return self.type in CRITICAL_AGENT_EVENTS

    def to_message(self) -> dict[str, Any]:
        """The JSON object sent over the socket."""
        message = {"type": self.type.value, "thread_id": self.thread_id,
                   "sent_at": self.sent_at.isoformat(), **self.payload}
        if self.run_id is not None:
            message["run_id"] = self.run_id
        return message
