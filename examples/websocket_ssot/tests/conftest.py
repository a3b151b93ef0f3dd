"""Shared pytest fixtures."""

from __future__ import annotations

import pytest

from chatapp.test_framework.fixtures import in_memory_session, make_user_with_thread
from chatapp.test_framework.websocket_mock import MockWebSocketManager, WebSocketConnection


@pytest.fixture
def session():
    with in_memory_session() as session:
        yield session


@pytest.fixture
def user_and_thread(session):
    return make_user_with_thread(session)


@pytest.fixture
def ws_manager():
    return MockWebSocketManager()


@pytest.fixture
def fake_socket():
    return WebSocketConnection(user_id="usr_test")
