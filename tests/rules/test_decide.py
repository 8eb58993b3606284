"""Unknown facts are tried both ways: a question when the action or dose differs, never a guess."""
from __future__ import annotations

import pytest

from bot.facts import DoseRead, Facts, Reading
from bot.protocol import default_protocol
from bot.rules.decide import decide

P = default_protocol()


def facts(*readings: Reading, **kw) -> Facts:
    return Facts(readings=readings, **kw)


NEUT_LOW = Reading(count="neutrophils", value=0.3, typed="0.3")
PLT_LOW = Reading(count="platelets", value=25, typed="25")
NEUT_OK = Reading(count="neutrophils", value=1.2, typed="1.2")
ON_10 = DoseRead(mg=10, days=None, typed="10mg")
ON_15 = DoseRead(mg=15, days=None, typed="15mg")


def run(f: Facts, crcl=None, renal_unknown=False):
    options = (None, 0.0) if renal_unknown else (crcl,)
    return decide(f, P, crcl_options=options)


def test_platelets_low_without_day_asks_for_the_day() -> None:
    d = run(facts(PLT_LOW, dose=ON_10))
    assert d.outcome is None and d.missing == ("cycle_day",)
    assert "do not give" in d.either_way


def test_low_count_without_dose_asks_for_the_dose() -> None:
    d = run(facts(NEUT_LOW))
    assert d.outcome is None and "current_dose" in d.missing


def test_unknown_episode_only_sharpens() -> None:
    d = run(facts(NEUT_LOW, dose=ON_10))
    assert d.outcome.action == "interrupt" and "consider_gcsf" not in d.outcome.flags
    assert d.missing == ("episode",)


def test_neutrophils_need_no_day() -> None:
    assert "cycle_day" not in run(facts(NEUT_LOW, dose=ON_10)).missing


def test_counts_fine_without_dose_continue() -> None:
    d = run(facts(NEUT_OK))
    assert d.outcome.action == "continue" and d.outcome.dose is None and "current_dose" in d.missing


@pytest.mark.parametrize("timing,action", [("day1", "interrupt"), ("mid_cycle", "interrupt")])
def test_most_restrictive_action_wins(timing, action) -> None:
    d = run(facts(NEUT_LOW, PLT_LOW, dose=ON_15, timing=timing))
    assert d.outcome.action == action and d.outcome.dose.mg == 10


def test_delay_beats_continue() -> None:
    d = run(facts(NEUT_OK, PLT_LOW, dose=ON_10, timing="day1"))
    assert d.outcome.action == "delay_cycle"


def test_renal_cap_lowers_the_restart_dose() -> None:
    d = run(facts(NEUT_LOW, dose=ON_15, timing="mid_cycle"), crcl=20)
    assert d.outcome.dose.mg == 5 and {"renal_impairment", "dose_above_renal", "source_caution"} <= d.outcome.flags


def test_renal_dose_below_current_is_a_change_not_continue() -> None:
    d = run(facts(NEUT_OK, dose=ON_15), crcl=40)
    assert d.outcome.action == "start" and d.outcome.dose.mg == 10


def test_renal_in_range_keeps_continue() -> None:
    d = run(facts(NEUT_OK, dose=ON_10), crcl=40)
    assert d.outcome.action == "continue" and "renal_impairment" in d.outcome.flags


def test_unknown_renal_function_that_could_lower_the_dose_is_asked() -> None:
    d = run(facts(NEUT_OK, dose=ON_15), renal_unknown=True)
    assert d.outcome is None and "crcl" in d.missing


def test_unknown_renal_function_that_cannot_matter_is_not_asked() -> None:
    d = run(facts(NEUT_LOW, dose=DoseRead(mg=5, days=None, typed="5mg"), timing="mid_cycle", episode="first"), renal_unknown=True)
    assert d.outcome is not None and d.outcome.dose.days == "1-21"


def test_dialysis_unknown_below_30_sharpens() -> None:
    d = run(Facts(), crcl=20)
    assert d.outcome.action == "start" and d.outcome.dose.mg == 5 and d.missing == ("dialysis",)
    assert "after_dialysis" not in d.outcome.flags


def test_a_crcl_bound_that_straddles_a_band_is_asked() -> None:
    d = decide(facts(NEUT_OK, dose=ON_10), P, crcl_options=(49.99, 0.0))  # "CrCl <50"
    assert d.outcome is None and "crcl" in d.missing


def test_a_crcl_bound_inside_one_band_is_answered() -> None:
    d = decide(Facts(), P, crcl_options=(29.99, 0.0))  # "CrCl <30"
    assert d.outcome.dose.mg == 5


# ---- Table 2 exactly: every count that fell, the footnote's condition, a repeat fall's recovery

PLT_OK = Reading(count="platelets", value=120, typed="120")
PLT_40 = Reading(count="platelets", value=40, typed="40")
NEUT_BACK = Reading(count="neutrophils", value=0.8, typed="0.8", recovered=True)


def test_a_restart_waits_for_every_count_that_fell() -> None:
    o = run(facts(NEUT_LOW, PLT_LOW, dose=ON_15, timing="mid_cycle", episode="first")).outcome
    assert o.action == "interrupt"
    assert "platelets are 30" in o.condition and "neutrophils are 0.5" in o.condition
    assert o.when == "at the next cycle"  # the platelets' row interrupts until the next cycle


@pytest.mark.parametrize("other,offered", [((), True), ((PLT_OK,), True), ((PLT_LOW,), False), ((PLT_40,), False)])
def test_the_gcsf_footnote_only_without_another_significant_cytopenia(other, offered) -> None:
    o = run(facts(NEUT_LOW, *other, dose=ON_10, timing="mid_cycle", episode="subsequent")).outcome
    texts = [r.text for r in o.reasons]
    assert "consider_gcsf" in o.flags  # the Table 2 row itself still says consider G-CSF
    assert (P.statement("gcsf").text in texts) is offered
    assert any("does not apply" in t and "platelets" in t for t in texts) is not offered


def test_recovery_after_a_repeat_neutrophil_fall_waits_for_the_next_cycle() -> None:
    mid = run(facts(NEUT_BACK, dose=ON_10, timing="mid_cycle", episode="subsequent", held=True)).outcome
    assert mid.action == "interrupt" and mid.dose.mg == 5 and mid.when == "at the next cycle"
    day1 = run(facts(NEUT_BACK, dose=ON_10, timing="day1", episode="subsequent", held=True)).outcome
    assert day1.action == "resume" and day1.dose.mg == 5
    first = run(facts(NEUT_BACK, dose=ON_10, timing="mid_cycle", episode="first", held=True)).outcome
    assert first.action == "resume" and first.dose.mg == 5


def test_recovery_mid_cycle_without_the_episode_asks_for_it() -> None:
    d = run(facts(NEUT_BACK, dose=ON_10, timing="mid_cycle", held=True))
    assert d.outcome is None and d.missing == ("episode",)


@pytest.mark.parametrize("timing", ["day1", "mid_cycle"])
@pytest.mark.parametrize("episode", ["first", "subsequent"])
def test_both_counts_low_give_the_most_restrictive_action_and_every_condition(timing: str, episode: str) -> None:
    o = run(facts(NEUT_LOW, PLT_LOW, dose=ON_10, timing=timing, episode=episode)).outcome
    assert o.action == "interrupt"  # neutrophils below 0.5 interrupt; that outranks a day-1 delay
    assert o.dose.mg == 5 and o.dose.days == "1-28"  # one level lower, never two
    assert "neutrophils are 0.5" in o.condition and "platelets are 30" in o.condition
    texts = [r.text for r in o.reasons]
    assert any(t.startswith("Neutrophils") or "neutrophils" in t[:40] for t in texts)
    assert any(t.startswith("Platelets") or "platelets" in t[:40] for t in texts)
    assert not any("no change" in t for t in texts)


@pytest.mark.parametrize("timing,action", [("day1", "resume"), ("mid_cycle", "interrupt")])
def test_both_counts_back_after_a_fall(timing: str, action: str) -> None:
    back = (Reading(count="neutrophils", value=0.9, typed="0.9", recovered=True),
            Reading(count="platelets", value=60, typed="60", recovered=True))
    o = run(facts(*back, dose=ON_10, timing=timing, episode="first", held=True)).outcome
    assert o.action == action and o.dose.mg == 5
