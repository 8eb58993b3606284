"""Which figure is a count now: markers of time, punctuation, bounds, and when the bot must ask."""
from __future__ import annotations

import pytest

from bot.protocol import default_protocol
from bot.reading import read_facts

P = default_protocol()


def reading(message: str, count: str):
    return next(r for r in read_facts(message, P).readings if r.count == count)


@pytest.mark.parametrize("message,count,value,recovered", [
    ("plt 20, previously 60", "platelets", 20, False),          # "previously" introduces 60
    ("neut 0.3, last week 1.1", "neutrophils", 0.3, False),
    ("ANC was 0.3 now 1.1", "neutrophils", 1.1, True),          # "now" introduces 1.1
    ("neut 0.9 today (0.3 yesterday)", "neutrophils", 0.9, True),
    ("platelets were 22; they're 58 now", "platelets", 58, True),
    ("plt 25 -> 40", "platelets", 40, True),
    ("neut 0.3 (was 1.2 last week)", "neutrophils", 0.3, False),
])
def test_the_current_figure(message: str, count: str, value: float, recovered: bool) -> None:
    r = reading(message, count)
    assert (r.value, r.recovered, r.ambiguous) == (value, recovered, False)


@pytest.mark.parametrize("message,count", [
    ("plt 20 now, 60 this morning", "platelets"),      # two figures both said to be current
    ("neut 0.3 today & 1.1 this morning", "neutrophils"),
])
def test_open_questions_are_marked_ambiguous(message: str, count: str) -> None:
    assert reading(message, count).ambiguous


@pytest.mark.parametrize("message,count", [
    ("platelets under 50", "platelets"),               # a bound on the far side of 30
    ("plt ~30", "platelets"),                          # approximately the threshold
    ("neut 0.5 or less", "neutrophils"),               # 0.5 itself is included, and does not trigger
    ("plt <=30", "platelets"),
    ("neut between 0.3 and 0.8", "neutrophils"),
    ("grade 3 thrombocytopenia", "platelets"),         # 25-50: either side of 30
    ("neutropenia grade 3-4", "neutrophils"),
])
def test_values_either_side_of_the_threshold_straddle_it(message: str, count: str) -> None:
    r = reading(message, count)
    assert r.straddles and not r.ambiguous


@pytest.mark.parametrize("message,count", [("neut below 0.5", "neutrophils"), ("plt 29 or below", "platelets"),
                                           ("plt sub 30", "platelets"), ("plt <30", "platelets"),
                                           ("grade 4 neutropenia", "neutrophils"), ("G4 thrombocytopenia", "platelets"),
                                           ("plt 20-25", "platelets"), ("neut ≤0.4", "neutrophils")])
def test_bounds_at_or_below_the_threshold_are_falls(message: str, count: str) -> None:
    from bot.rules.cytopenia import event_of

    assert event_of(reading(message, count), P) == "drop"


@pytest.mark.parametrize("message", ["neutropenic last week, neut now 0.9", "neut was low, now 0.9",
                                     "len paused last week, neut 0.9 now", "neut 0.9, when to restart?"])
def test_an_earlier_fall_or_hold_makes_a_recovery(message: str) -> None:
    assert reading(message, "neutrophils").recovered


def test_after_an_episode_the_dose_has_already_changed() -> None:
    assert not reading("on 5 mg after a neutropenia episode; neutrophils 2.0", "neutrophils").recovered


def test_a_what_if_bound_is_not_a_reading() -> None:
    assert reading("if neut drops below 0.5 do we stop? currently 0.8", "neutrophils").value == 0.8


@pytest.mark.parametrize("message", ["plt 150, neut low", "counts ok apart from platelets", "neutropenic, plt 80"])
def test_a_count_named_without_a_figure_is_reported(message: str) -> None:
    assert read_facts(message, P).count_names_without_value


def test_a_count_reported_fine_is_normal() -> None:
    r = reading("neut 0.3, platelets fine", "platelets")
    assert r.normal and r.value == P.counts["platelets"].threshold


def test_every_figure_in_every_case_has_one_meaning() -> None:
    import json
    from pathlib import Path

    from bot.parsing import parse
    from bot.reading import figure_meanings

    data = Path(__file__).parents[1] / "data"
    for f in sorted(data.glob("*.jsonl")):
        for line in f.read_text().splitlines():
            if line.strip():
                msg = parse(json.loads(line)["text"])
                for typed, meaning in figure_meanings(msg, P):
                    assert meaning not in ("", "a number in words") or not any(c.isdigit() for c in typed), (msg.source, typed)


@pytest.mark.parametrize("message,value", [
    ("neut recovered to 0.8 today after being held for 0.3", 0.8),
    ("held for neut 0.3, now 0.9", 0.9),
])
def test_the_figure_a_hold_was_for_is_the_earlier_one(message: str, value: float) -> None:
    r = reading(message, "neutrophils")
    assert (r.value, r.recovered) == (value, True)


@pytest.mark.parametrize("message,count,value,earlier", [
    ("plt trend 45, 38, 33, today 28, day 15 on 10mg", "platelets", 28, (45, 38, 33)),
    ("neut trending up 0.2, 0.3, 0.6 today, len held", "neutrophils", 0.6, (0.2, 0.3)),
    ("plt 160 pre-transplant, 80 at day +100, today 27 d1", "platelets", 27, (160, 80)),
])
def test_a_series_ending_in_todays_figure(message: str, count: str, value: float, earlier: tuple) -> None:
    r = reading(message, count)
    assert (r.value, r.earlier, r.ambiguous) == (value, earlier, False)


def test_two_figures_with_no_time_word_stay_open() -> None:
    assert reading("neut 0.8 today, 0.3 on 10mg", "neutrophils").ambiguous
