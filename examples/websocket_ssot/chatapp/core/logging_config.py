"""Logging setup: one format for every module, JSON lines in production."""

from __future__ import annotations

import json
import logging
import sys

CONTEXT_KEYS = ("request_id", "user_id", "thread_id", "run_id", "connection_id")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, with the request/user/thread ids when the caller set them."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in CONTEXT_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                payload[key] = value
        return json.dumps(payload)


def configure_logging(level: str = "INFO", json_output: bool = False) -> None:
    """Install a single stdout handler on the root logger."""
    handler = logging.StreamHandler(sys.stdout)
    if json_output:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def get_logger(name: str) -> logging.Logger:
    """The logger every chatapp module uses (`logger = get_logger(__name__)`)."""
    return logging.getLogger(name)
