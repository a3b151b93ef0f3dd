"""The `notify` tool of the first agent framework: tells the user a long task is done.

The bridge it used was deleted in the websocket_core consolidation; this tool is no longer
registered with the dispatcher, but nobody removed the file.
"""

from __future__ import annotations

from typing import Any

from chatapp.websocket_core.legacy_bridge import LegacyWebSocketBridge


class NotifyTool:
    name = "notify"
    description = "Send the user a notification when a long-running task finishes."

    def __init__(self, user_id: str) -> None:
        self.bridge = LegacyWebSocketBridge(user_id)

    def run(self, arguments: dict[str, Any]) -> bool:
        return self.bridge.push({"type": "system_notice", "text": str(arguments["text"])})
