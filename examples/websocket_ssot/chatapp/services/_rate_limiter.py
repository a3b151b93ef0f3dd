"""Per-user token buckets for incoming chat messages. Private to services."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """`capacity` tokens, refilled at `rate` tokens per second."""

    capacity: float
    rate: float
    tokens: float = field(init=False)
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, TokenBucket] = {}

    def allow(self, user_id: str) -> bool:
        bucket = self._buckets.setdefault(
            user_id, TokenBucket(capacity=self.per_minute, rate=self.per_minute / 60))
        return bucket.take()
