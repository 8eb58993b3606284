"""Table 2, row by row, and every step of the dose ladder."""
from __future__ import annotations

import pytest

from bot.answer import Dose
from bot.facts import Reading
from bot.protocol import default_protocol
from bot.rules.cytopenia import outcome

P = default_protocol()
D15, D10, D5, D5_21 = (Dose(mg=15, days="1-28"), Dose(mg=10, days="1-28"), Dose(mg=5, days="1-28"),
                       Dose(mg=5, days="1-21"))
LADDER = [(D15, D10), (D10, D5), (D5, D5_21)]


def neut(v: float, recovered: bool = False) -> Reading:
    return Reading(count="neutrophils", value=v, typed=str(v), recovered=recovered)


def plt(v: float, recovered: bool = False) -> Reading:
    return Reading(count="platelets", value=v, typed=str(v), recovered=recovered)


# (row, reading, timing, episode, action, flags that must be present, flags that must be absent)
ROWS = [
    ("neutrophils first fall", neut(0.4), "mid_cycle", "first", "interrupt", set(), {"consider_gcsf"}),
    ("neutrophils repeat fall", neut(0.4), "mid_cycle", "subsequent", "interrupt", {"consider_gcsf"}, set()),
    ("neutrophils first fall on day 1", neut(0.1), "day1", "first", "interrupt", set(), set()),
    ("neutrophils back after first fall", neut(0.6, True), "day1", "first", "resume", {"consider_gcsf"}, set()),
    ("neutrophils back on next cycle after repeat", neut(0.9, True), "day1", "subsequent", "resume", {"consider_gcsf"}, set()),
    ("neutrophils fine", neut(1.4), "mid_cycle", "first", "continue", set(), {"consider_gcsf"}),
    ("platelets below 30 on day 1", plt(25), "day1", "first", "delay_cycle", set(), set()),
    ("platelets below 30 on day 1, repeat", plt(25), "day1", "subsequent", "delay_cycle", set(), set()),
    ("platelets below 30 during a cycle", plt(24), "mid_cycle", "first", "interrupt", set(), set()),
    ("platelets repeat fall during a cycle", plt(24), "mid_cycle", "subsequent", "interrupt", set(), set()),
    ("platelets back to 30 on next cycle", plt(55, True), "day1", "first", "resume", set(), set()),
    ("platelets back after repeat fall", plt(55, True), "day1", "subsequent", "resume", set(), set()),
    ("platelets fine", plt(150), "mid_cycle", "first", "continue", set(), set()),
    # recovery part-way through a cycle
    ("neutrophils back mid-cycle after a first fall", neut(0.6, True), "mid_cycle", "first", "resume", {"consider_gcsf"}, set()),
    ("neutrophils back mid-cycle after a repeat fall", neut(0.7, True), "mid_cycle", "subsequent", "interrupt",
     {"consider_gcsf"}, set()),
    ("platelets back mid-cycle", plt(45, True), "mid_cycle", "first", "interrupt", set(), set()),
    ("platelets back mid-cycle after a repeat fall", plt(45, True), "mid_cycle", "subsequent", "interrupt", set(), set()),
]


@pytest.mark.parametrize("name,reading,timing,episode,action,has,lacks", ROWS, ids=[r[0] for r in ROWS])
def test_table2_rows(name, reading, timing, episode, action, has, lacks) -> None:
    o = outcome(reading, timing, episode, D10, P)
    assert o.action == action
    assert has <= o.flags
    assert not (lacks & o.flags)
    assert "Table 2" in o.citations
    assert o.reasons and all(r.cite for r in o.reasons)
    if action == "continue":
        assert o.dose == D10
    else:
        assert o.dose == D5  # one step below the current 10 mg


@pytest.mark.parametrize("current,lower", LADDER, ids=[f"{a.mg:g}/{a.days}" for a, _ in LADDER])
@pytest.mark.parametrize("reading,timing", [(neut(0.3), "mid_cycle"), (plt(20), "mid_cycle"), (plt(20), "day1"),
                                            (neut(0.8, True), "day1"), (plt(40, True), "day1")])
def test_each_ladder_step_goes_one_level_down(current, lower, reading, timing) -> None:
    o = outcome(reading, timing, "first", current, P)
    assert o.dose == lower
    assert "no_further_reduction" not in o.flags


@pytest.mark.parametrize("reading,timing,action", [(neut(0.3), "mid_cycle", "interrupt"), (plt(20), "day1", "delay_cycle"),
                                                   (plt(20), "mid_cycle", "interrupt")])
def test_bottom_of_ladder_withholds_with_no_dose(reading, timing, action) -> None:
    o = outcome(reading, timing, "first", D5_21, P)
    assert (o.action, o.dose) == (action, None)
    assert "no_further_reduction" in o.flags


@pytest.mark.parametrize("reading", [neut(0.7, True), plt(70, True)])
def test_recovery_at_bottom_of_ladder_is_referred(reading) -> None:
    o = outcome(reading, "day1", "subsequent", D5_21, P)
    assert o.action == "refer" and o.dose is None
    assert "no_further_reduction" in o.flags


@pytest.mark.parametrize("value,action", [(0.5, "continue"), (0.49, "interrupt"), (0.51, "continue")])
def test_neutrophil_threshold_is_exact(value, action) -> None:
    assert outcome(neut(value), "mid_cycle", "first", D10, P).action == action


@pytest.mark.parametrize("value,action", [(30, "continue"), (29.9, "interrupt"), (31, "continue")])
def test_platelet_threshold_is_exact(value, action) -> None:
    assert outcome(plt(value), "mid_cycle", "first", D10, P).action == action


def test_recovery_word_with_count_still_low_is_still_a_fall() -> None:
    assert outcome(neut(0.4, True), "mid_cycle", "first", D10, P).action == "interrupt"


@pytest.mark.parametrize("dose", [Dose(mg=10, days="1-21"), Dose(mg=7.5, days="1-28"), Dose(mg=15, days="1-21"),
                                  Dose(mg=25, days="1-21")])
def test_off_ladder_dose_is_withheld_or_referred_never_stepped(dose) -> None:
    o = outcome(neut(0.3), "mid_cycle", "first", dose, P)
    assert o.action == "interrupt" and o.dose is None and "off_ladder_dose" in o.flags
    assert outcome(neut(0.9, True), "day1", "first", dose, P).action == "refer"
    # Counts that trigger nothing: carry on at the dose the patient is on (CONTRACT), flagged.
    cont = outcome(neut(1.5), "mid_cycle", "first", dose, P)
    assert (cont.action, cont.dose) == ("continue", dose) and "off_ladder_dose" in cont.flags


def test_a_dose_not_taken_once_daily_is_referred_even_with_fine_counts() -> None:
    cont = outcome(neut(1.5), "mid_cycle", "first", Dose(mg=10, days="1-28", irregular=True), P)
    assert (cont.action, cont.dose) == ("refer", None) and "off_ladder_dose" in cont.flags


def test_unknown_dose_is_marked_not_guessed() -> None:
    o = outcome(neut(0.3), "mid_cycle", "first", None, P)
    assert o.dose is None and o.dose_unknown


def test_gcsf_footnote_is_cited_with_the_flag() -> None:
    o = outcome(neut(0.3), "mid_cycle", "subsequent", D10, P)
    assert any("G-CSF" in r.text and r.cite == "Table 2" for r in o.reasons)
