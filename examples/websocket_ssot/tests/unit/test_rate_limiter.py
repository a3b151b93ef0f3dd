"""The token bucket behind the messages-per-minute limit."""

from __future__ import annotations

from chatapp.services._rate_limiter import TokenBucket


def test_bucket_empties_and_refills():
    bucket = TokenBucket(capacity=2, rate=1.0, updated=0.0)
    assert bucket.take(now=0.0)
    assert bucket.take(now=0.0)
    assert not bucket.take(now=0.0)
    assert bucket.take(now=1.0)
