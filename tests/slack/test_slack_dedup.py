"""The bounded, expiring memory of deliveries already answered."""
from __future__ import annotations

from bot.slack.dedup import SeenCache


class Clock:
    """A hand-driven clock (the cache takes one so expiry can be tested without sleeping)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_first_delivery_wins_and_any_shared_key_is_a_duplicate():
    seen = SeenCache(clock=Clock())
    assert seen.first("event:Ev1", "message:C1:1.1")
    assert not seen.first("event:Ev1", "message:C1:1.1")  # a retry
    assert not seen.first("event:Ev2", "message:C1:1.1")  # same message, other event (DM mention overlap)
    assert seen.first("event:Ev3", "message:C1:1.2")


def test_keys_expire_after_the_ttl():
    clock = Clock()
    seen = SeenCache(ttl=60, clock=clock)
    assert seen.first("a")
    clock.now = 59
    assert not seen.first("a")
    clock.now = 60
    assert seen.first("a")


def test_size_is_bounded_oldest_forgotten_first():
    seen = SeenCache(max_entries=3, clock=Clock())
    for key in "abcd":
        assert seen.first(key)
    assert len(seen) == 3
    assert seen.first("a")  # forgotten to make room
    assert not seen.first("d")
