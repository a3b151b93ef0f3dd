"""Identifiers: a short prefix, a millisecond timestamp, random hex — sortable and safe to log."""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    """`thr_01718200000000a1b2c3d4e5`-style id."""
    return f"{prefix}_{int(time.time() * 1000):014d}{secrets.token_hex(5)}"


def new_user_id() -> str:
    return new_id("usr")


def new_thread_id() -> str:
    return new_id("thr")


def new_message_id() -> str:
    return new_id("msg")


def new_run_id() -> str:
    """One agent run: every event it sends carries this id."""
    return new_id("run")


def new_connection_id() -> str:
    return new_id("conn")
