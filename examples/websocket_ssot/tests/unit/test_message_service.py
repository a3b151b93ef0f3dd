"""Storing messages and the rate limit in front of agent runs."""

from __future__ import annotations

import pytest

from chatapp.services.message_service import MessageService, RateLimited


@pytest.mark.asyncio
async def test_rate_limited_user_starts_no_run(monkeypatch):
    service = MessageService()
    monkeypatch.setattr(service.limiter, "allow", lambda user_id: False)
    with pytest.raises(RateLimited):
        await service.handle_user_message("usr_1", "thr_1", "hello")


def test_history_is_in_order(monkeypatch):
    service = MessageService()
    monkeypatch.setattr(service, "history", lambda thread_id: ["first", "second"])
    assert service.history("thr_1") == ["first", "second"]
