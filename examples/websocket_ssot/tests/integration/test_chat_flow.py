"""Posting a message stores it and starts an agent run on the thread."""

from __future__ import annotations

import pytest

from chatapp.agents import AgentSupervisor
from chatapp.services.message_service import MessageService


@pytest.mark.asyncio
async def test_posting_a_message_starts_a_run(monkeypatch):
    started = []

    async def fake_start_run(self, user_id, thread_id):
        started.append((user_id, thread_id))
        return "run_1"

    monkeypatch.setattr(AgentSupervisor, "start_run", fake_start_run)
    service = MessageService()
    monkeypatch.setattr(service, "store", lambda *args: None)
    assert await service.handle_user_message("usr_1", "thr_1", "hello") == "run_1"
    assert started == [("usr_1", "thr_1")]
