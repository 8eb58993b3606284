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


@pytest.mark.parametrize("message", [
    "was on 15mg until neut 0.4 in may, now on 10mg, neut 1.3 today",   # a lower dose given since
    "plt 25 on day 1 last month and we delayed, she's now on 5mg, today d14 plt 88",
    "neut 0.3 in march, fine since, today 1.6 on 5mg",
])
def test_the_drug_given_since_a_fall_ends_it(message: str) -> None:
    f = read_facts(message, P)
    assert f.restarted and not f.held and not any(r.recovered for r in f.readings)


def test_a_hold_after_the_dose_named_now_still_holds() -> None:
    f = read_facts("neut 0.4 last week, now on 10mg, neut 0.9 today, ok to restart?", P)
    assert f.held and not f.restarted
