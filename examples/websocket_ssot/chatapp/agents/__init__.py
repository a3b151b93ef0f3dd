"""AI agents: a supervisor picks an agent for the thread, the execution engine runs it, and
every step is streamed to the browser as WebSocket events."""

from chatapp.agents.supervisor import AgentSupervisor
from chatapp.agents.tool_dispatcher import ToolDispatcher

__all__ = ["AgentSupervisor", "ToolDispatcher"]
