"""Bookkeeping of open connections by user and thread."""

from __future__ import annotations

from types import SimpleNamespace

from chatapp.websocket_core._registry import ConnectionRegistry


def fake_connection(connection_id: str, user_id: str) -> SimpleNamespace:
    return SimpleNamespace(connection_id=connection_id, user_id=user_id, thread_ids=set())


def test_subscribe_and_remove():
    registry = ConnectionRegistry()
    registry.add(fake_connection("conn_1", "usr_1"))
    registry.subscribe("conn_1", "thr_1")
    assert [c.connection_id for c in registry.for_thread("thr_1")] == ["conn_1"]
    registry.remove("conn_1")
    assert registry.for_thread("thr_1") == []
    assert registry.for_user("usr_1") == []
