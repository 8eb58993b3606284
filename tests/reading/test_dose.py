"""Which named dose is the current one: current, was, replaced, proposed, another drug's."""
from __future__ import annotations

import pytest

from bot.protocol import default_protocol
from bot.reading import read_facts

P = default_protocol()


@pytest.mark.parametrize("message,mg,days", [
    ("on 10mg", 10, None), ("len 5mg d1-21", 5, "1-21"), ("was on 15mg now on 10mg", 10, None),
    ("on 10mg, was 15mg", 10, None), ("dose reduced from 15mg to 10mg last cycle", 10, None),
    ("went down to 10mg from 15mg", 10, None), ("reduce from 15mg to 10mg?", 15, None),
    ("on 10 mg, go up to 15mg?", 10, None), ("neut recovered to 0.7, she was on 15mg", 15, None),
    ("len 10mg 21/7", 10, "1-21"), ("5mg d1-d21", 5, "1-21"), ("5mg with a week off each cycle", 5, "1-21"),
])
def test_current_dose(message: str, mg: float, days: str | None) -> None:
    dose = read_facts(message, P).dose
    assert (dose.mg, dose.days) == (mg, days)


@pytest.mark.parametrize("message", ["len 15mg reduced last cycle", "was on 15mg until last cycle", "no longer on 15mg",
                                     "can we give 15mg", "want to escalate to 15mg", "15mg or 10mg?"])
def test_no_current_dose(message: str) -> None:
    assert read_facts(message, P).dose is None


def test_another_drugs_dose_is_not_lenalidomides() -> None:
    f = read_facts("on pomalidomide 4mg", P)
    assert f.dose is None and f.other_drug_dosed


def test_a_non_daily_schedule_is_marked() -> None:
    assert read_facts("15mg alternate days", P).dose.non_daily


@pytest.mark.parametrize("message,mg", [
    ("len was stopped d14 on 10mg", 10), ("held on 15mg last week", 15),   # the dose it was held on
    ("dose was 15, neut 0.4", 15), ("dose 10, plt 80", 10),               # framed by the word "dose"
    ("neuts now 0.5 (from 0.36 last wk), len was 15 and has been held", 15),  # or by the drug's name
    ("stopped 15mg, now on 10mg", 10),
])
def test_the_dose_named_with_a_hold_or_the_word_dose_is_read(message: str, mg: float) -> None:
    assert read_facts(message, P).dose.mg == mg


def test_the_dose_started_on_is_marked_as_such() -> None:
    dose = read_facts("originally started on 15mg, neut 0.4", P).dose
    assert (dose.mg, dose.starting) == (15, True)
    assert not read_facts("on 15mg, neut 0.4", P).dose.starting


@pytest.mark.parametrize("message,mg,days", [
    ("was on 10mg 21/28 elsewhere, switched to 10 continuous here, neut 0.35", 10, "1-28"),  # its own schedule
    ("len 5mg 3 wks on 1 off, counts fine", 5, "1-21"),
    ("five mg days one to twenty one, counts fine", 5, "1-21"),
    ("used to have dex 20mg but now len alone 10mg, plt 24 d8", 10, None),
    ("first drop was 3 cycles ago at 10mg, now on 5mg", 5, None),                       # "now on" is today's
])
def test_todays_dose_and_its_schedule(message: str, mg: float, days: str | None) -> None:
    dose = read_facts(message, P).dose
    assert (dose.mg, dose.days) == (mg, days)


def test_a_week_off_after_a_fall_is_a_hold_not_a_schedule() -> None:
    f = read_facts("neut 0.4 -> 0.8 after a week off, was on 15", P)
    assert (f.dose.mg, f.dose.days, f.held) == (15, None, True)


def test_now_and_a_change_that_disagree_name_no_dose() -> None:
    assert read_facts("now on 10mg, reduced to 5mg yesterday, neut 1.2", P).dose is None
