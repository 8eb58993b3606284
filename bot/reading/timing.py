"""Timing in the cycle: cycle and day, or day 1 / mid-cycle in words; and time since the transplant."""
from __future__ import annotations

import re
from typing import NamedTuple

from ..parsing import Kind, Parsed, numbers_in
from .words import FALL_NOUNS, PAST_AFTER, PERIODS, Claim, Role, clause, is_kw, is_word

_WAS_DAY = frozenset({"was", "were", "previous", "previously", "prior", "last"})
# "was meant to start C4": a start planned and not said to have happened is still today's day 1.
_INTENDED = re.compile(r"(?:due|meant|supposed|planned|going|about)\s+to\s+start")
_THE_DRUG = frozenset({"it", "len", "lenalidomide", "revlimid", "them"})
# Words that put a day ahead of today ("next FBC due d22", "recheck on day 15", "until d21").
_AHEAD = frozenset({"due", "next", "until", "till", "recheck", "repeat", "planned", "booked", "by"})
_HOLD_NOUNS = frozenset({"hold", "interruption", "break", "pause", "delay"})
# "held mid-cycle", "stopped on d10", "after a mid-cycle drop": the timing of an earlier event.
_EVENT_KW = ("HELD", "HELD_WORD")
_CLAUSE = re.compile(r"[,;.()]")
_DAYS_PER = {"d": 1, "day": 1, "days": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7}
_POST_UNIT = re.compile(r"(\d+)\s*(days?|d|weeks?|wks?)\b|d(?:ay)?\s*\+?\s*(\d+)")


class TimingRead(NamedTuple):
    """Cycle, day and timing, days since the transplant, what was implausible, and days set aside."""

    cycle: int | None
    cycle_day: int | None
    timing: str | None
    days_post_transplant: int | None
    implausible: tuple[str, ...]
    claims: dict[int, Claim]
    days_unsure: tuple[int, ...] = ()  # days each given as today's: which one is, is not said


_NONE = TimingRead(None, None, None, None, (), {})


def read_timing(msg: Parsed, cycle_days: int) -> TimingRead:
    """Cycle and day, and day 1 or mid-cycle; an explicit day wins over a phrase."""
    if not msg.has(Kind.TIMING, "POST_TRANSPLANT"):
        return _NONE
    items = msg.items
    cycle = phrase = post = None
    days: list[tuple[int, int]] = []  # (item, day) of each day given as today's
    claims: dict[int, Claim] = {}
    timings = [i for i, it in enumerate(items) if it.kind is Kind.TIMING]
    today = [i for i in timings if _said_today(items, i)]
    for i, it in enumerate(items):
        if is_kw(it, "POST_TRANSPLANT") and post is None:
            post = _days_post(it.text)
        if it.kind is not Kind.TIMING:
            continue
        new_clause = i > 0 and (items[i - 1].kind is Kind.SEP or bool(_CLAUSE.search(msg.text[items[i - 1].end : it.start])))
        earlier = i not in today and (any(is_word(x, PAST_AFTER) for x in items[i + 1 : i + 3]) or (
            not new_clause and not _INTENDED.match(it.text) and any(is_word(x, _WAS_DAY) for x in items[max(0, i - 3) : i]))
            or _clause_in_the_past(items, i))
        event = _event_timing(items, i)
        if it.type == "DAY_N" and any(is_word(x, _AHEAD) for x in items[max(0, i - 3) : i]):
            claims[i] = Claim(Role.ASIDE, "a later day")  # "next FBC due d22", "recheck on d15"
            continue
        if earlier or event or (today and i not in today and it.type in ("CYCLE_DAY", "DAY_N")):
            if any(c.isdigit() for c in it.text):
                claims[i] = Claim(Role.ASIDE, "the day of an earlier event" if event else "an earlier day")
            continue  # "was 20 on d12 last cycle", "held mid-cycle": that day is not today's
        nums = numbers_in(it.text)
        if it.type == "CYCLE_DAY":
            cycle, d = nums[0], nums[1]
            days.append((i, d))
        elif it.type == "DAY_N" and nums:
            days.append((i, nums[0]))
        elif it.type == "CYCLE_N":
            cycle = nums[0] if cycle is None and nums else cycle
        elif it.type == "DAY1_PHRASE":
            phrase = phrase or "day1"
            if nums and cycle is None and not it.text.startswith("day"):
                cycle = nums[0]  # "start of cycle 4"; "day one" names no cycle
        elif it.type == "MID_CYCLE":
            phrase = "mid_cycle" if phrase is None else phrase
            if nums and cycle is None and "week" not in it.text:
                cycle = nums[0]
        elif it.type == "NEXT_CYCLE":
            phrase = phrase or "day1"
    implausible: tuple[str, ...] = ()
    # Two days given as today's leave the day open: the rules ask for it only where it matters.
    day, conflict = _todays_day(items, days)
    if day is not None and not 1 <= day <= cycle_days:
        implausible = (f"day {day} of a {cycle_days}-day cycle",)
        day = None
    timing = ("day1" if day == 1 else "mid_cycle") if day is not None else phrase
    if conflict:
        timing = phrase
    return TimingRead(cycle, day, timing, post, implausible, claims, conflict)


def _clause_in_the_past(items, i: int) -> bool:
    """ "... . last cycle plt 28 on d14": a clause that opens on an earlier period dates the days in it."""
    start = clause(items, i).start
    return (start + 1 < i and is_word(items[start], _WAS_DAY) and is_word(items[start + 1], PERIODS))


def _todays_day(items, days: list[tuple[int, int]]) -> tuple[int | None, tuple[int, ...]]:
    """(today's cycle day, or the days that conflict): a later day after a correction replaces the one before it."""
    if not days:
        return None, ()
    chosen = days[0]
    for i, d in days[1:]:
        if d == chosen[1] or any(is_kw(items[k], "CORRECTION") for k in range(chosen[0] + 1, i)):
            chosen = (i, d)
        else:
            return None, tuple(dict.fromkeys(x for _, x in days))
    return chosen[1], ()


def _said_today(items, i: int) -> bool:
    """ "C2D15 today", "today C4D1", "..., now 44 on d1", "day 15 of cycle 4 today": a day said to be today's."""
    if any(_now_word(items[k]) for k in (i - 1, i + 1) if 0 <= k < len(items)):
        return True
    if i + 2 < len(items) and items[i + 1].text == "of" and items[i + 2].type == "CYCLE_N":
        return _said_today(items, i + 2)  # one phrase: the day and its cycle
    for k in range(i - 1, max(-1, i - 5), -1):  # "now" opening the day's clause
        if items[k].kind is Kind.SEP:
            return False
        if _now_word(items[k]):
            return k == 0 or items[k - 1].kind is Kind.SEP
    return False


def _now_word(it) -> bool:
    return is_kw(it, "NOW") and it.text.startswith(("today", "now"))


def _event_timing(items, i: int) -> bool:
    """Whether the timing at i dates an earlier event: "held mid-cycle", "stopped on d10", "a mid-cycle drop"."""
    start = i
    while start > 0 and items[start - 1].kind is not Kind.SEP and start > i - 3:
        start -= 1
    before = items[start:i]
    # Two items back, or three over the drug's pronoun ("we stopped it on day 10").
    near = before[-3:] if len(before) == 3 and is_word(before[1], _THE_DRUG) else before[-2:]
    if any(is_kw(x, *_EVENT_KW) or (is_kw(x, "DROP") and x.text in FALL_NOUNS) for x in near) \
            and not any(is_kw(x, "NOW") for x in before):
        return True
    nxt = items[i + 1] if i + 1 < len(items) else None
    # "a mid-cycle drop", "after a mid-cycle hold": the timing names when that happened.
    return nxt is not None and ((is_kw(nxt, "DROP") and nxt.text in FALL_NOUNS) or nxt.text in _HOLD_NOUNS
                                or is_kw(nxt, "HELD_WORD"))


def _days_post(text: str) -> int | None:
    m = _POST_UNIT.search(text)
    if m is None:
        return None
    if m.group(3):
        return int(m.group(3))
    return int(m.group(1)) * _DAYS_PER.get(m.group(2), 1)
