"""Application settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    """Runtime configuration of the chat backend."""

    environment: str = "development"
    log_level: str = "INFO"
    database_url: str = "sqlite:///./chatapp.db"
    websocket_heartbeat_seconds: float = 25.0
    websocket_max_connections_per_user: int = 5
    agent_timeout_seconds: float = 120.0
    messages_per_minute: int = 30

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process; `CHATAPP_*` environment variables override the defaults."""
    env = os.environ.get
    defaults = Settings()
    return Settings(
        environment=env("CHATAPP_ENV", defaults.environment),
        log_level=env("CHATAPP_LOG_LEVEL", defaults.log_level),
        database_url=env("CHATAPP_DATABASE_URL", defaults.database_url),
        websocket_heartbeat_seconds=float(
            env("CHATAPP_WS_HEARTBEAT", defaults.websocket_heartbeat_seconds)),
        websocket_max_connections_per_user=int(
            env("CHATAPP_WS_MAX_PER_USER", defaults.websocket_max_connections_per_user)),
        agent_timeout_seconds=float(env("CHATAPP_AGENT_TIMEOUT", defaults.agent_timeout_seconds)),
        messages_per_minute=int(env("CHATAPP_MESSAGES_PER_MINUTE", defaults.messages_per_minute)),
    )
