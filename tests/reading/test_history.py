"""Holds, restarts and episodes: what the message says happened before today."""
from __future__ import annotations

import pytest

from bot.protocol import default_protocol
from bot.reading import read_facts

P = default_protocol()


@pytest.mark.parametrize("message", ["neut 1.2 post interruption", "plt 60 following a break", "len held for plt 20",
                                     "neut 0.9 after being held"])
def test_a_hold_is_read(message: str) -> None:
    assert read_facts(message, P).held


@pytest.mark.parametrize("message", ["stopped 15mg, now on 10mg, counts fine", "neut 1.2 on 10mg",
                                     "held for plt 20, restarted at 10mg"])
def test_no_hold_now(message: str) -> None:
    assert not read_facts(message, P).held
