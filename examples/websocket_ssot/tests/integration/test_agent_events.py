"""An agent run emits the five critical events, in order, on the thread's socket."""

from __future__ import annotations

import pytest

from chatapp.agents.websocket_notifier import AgentWebSocketNotifier
from chatapp.websocket_core.websocket_manager import CRITICAL_AGENT_EVENTS


@pytest.mark.asyncio
async def test_notifier_sends_the_critical_events_in_order(ws_manager, fake_socket):
    connection = await ws_manager.connect(fake_socket, "usr_test")
    ws_manager.subscribe(connection.connection_id, "thr_1")
    notifier = AgentWebSocketNotifier("thr_1", "run_1", ws_manager)
    await notifier.agent_started("assistant")
    await notifier.agent_thinking("planning")
    await notifier.tool_executing("search", {"query": "invoices"})
    await notifier.tool_completed("search", [])
    await notifier.agent_completed("done")
    assert ws_manager.sent_types("thr_1") == [
        "agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"]
    assert {e.type for e in ws_manager.events} == CRITICAL_AGENT_EVENTS
