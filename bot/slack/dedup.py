"""A bounded, expiring memory of deliveries already answered, so retries and overlaps get one reply."""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

# Slack retries a delivery three times over about five minutes; an hour covers that with margin.
DEFAULT_TTL_SECONDS = 3600.0
DEFAULT_MAX_ENTRIES = 10_000


class SeenCache:
    """Remembers keys for `ttl` seconds, at most `max_entries` of them (oldest forgotten first)."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first(self, *keys: str) -> bool:
        """True, and remember all keys, when none of them was seen; False when any was."""
        # No await between the check and the insert: on one event loop this is atomic.
        now = self._clock()
        self._expire(now)
        if any(k in self._seen for k in keys):
            return False
        for key in keys:
            self._seen[key] = now
        while len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self, now: float) -> None:
        # Insertion order is expiry order because the TTL is the same for every key.
        while self._seen:
            key, seen_at = next(iter(self._seen.items()))
            if now - seen_at < self._ttl:
                break
            del self._seen[key]
