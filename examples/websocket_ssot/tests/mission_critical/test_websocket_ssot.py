"""Every legacy path to the manager must hand out the canonical manager, never a copy.

These tests guard the migration at run time; the `websocket-canonical` contract guards the
import paths themselves on every commit.
"""

from __future__ import annotations

from chatapp.websocket_core.websocket_manager import WebSocketManager, get_websocket_manager


def test_the_manager_is_a_singleton():
    assert get_websocket_manager() is get_websocket_manager()


def test_the_singleton_is_the_canonical_class():
    assert type(get_websocket_manager()) is WebSocketManager
