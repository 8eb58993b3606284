"""The policy the engine routes on: what the CrCl could be, what to ask about the counts, which dose to start."""
from __future__ import annotations

import pytest

from bot.facts import Facts, Reading
from bot.protocol import default_protocol
from bot.rules.asking import count_question, first_start
from bot.rules.crcl_options import renal_read
from bot.rules.dose_questions import starting_dose, with_escalation
from bot.rules.outcome import Outcome

P = default_protocol()


@pytest.mark.parametrize("facts,options", [
    (Facts(crcl=40.0), (40.0,)),
    (Facts(crcl=50.0, crcl_bound="below"), (49.99, 0.0)),
    (Facts(crcl=30.0, crcl_bound="at_most"), (30.0, 0.0)),
    (Facts(crcl=60.0, crcl_bound="above"), (60.0, 250.0)),
    (Facts(crcl=30.0, crcl_bound="range", crcl_upper=40.0), (30.0, 40.0)),
    (Facts(), (None,)),
    (Facts(renal_mentioned=True), (None, 0.0)),  # "renal impairment", no figure: unknown, not absent
    (Facts(crcl=60.0, acute_kidney_injury=True), (60.0, 0.0)),  # an AKI now: the old CrCl may not hold
])
def test_the_crcl_is_every_value_the_facts_allow(facts, options):
    assert renal_read(facts).options == pytest.approx(options)


def test_a_crcl_from_creatinine_is_calculated_and_flagged():
    got = renal_read(Facts(creatinine=110.0, creatinine_unit="umol/L", age=75.0, sex="female", weight_kg=58.0))
    assert got.options == (35.6,) and "crcl_calculated" in got.flags and got.scores["crcl"]["weight_used"] == "actual"


@pytest.mark.parametrize("facts,missing,asks", [
    (Facts(count_names_without_value=("platelets",)), ("count",), None),
    (Facts(readings=(Reading("platelets", 40.0, "40"),), counts_doubted="clumped"), ("count",), "counts_today"),
    (Facts(readings=(Reading("platelets", 40.0, "40"),), unnamed_values=("7",)), ("count_type",), None),
    (Facts(readings=(Reading("platelets", 40.0, "40"),), transfused=True), ("count",), None),
    (Facts(timing="day1"), ("count",), None),
])
def test_the_counts_are_asked_about_before_any_row_runs(facts, missing, asks):
    q = count_question(facts)
    assert q is not None and (q.missing, q.asks) == (missing, asks)


def test_clear_counts_need_no_question():
    assert count_question(Facts(readings=(Reading("neutrophils", 1.2, "1.2"),))) is None
    assert first_start(Facts(start_question=True, crcl=40.0)) and count_question(Facts(start_question=True, crcl=40.0)) is None


def test_the_starting_dose_waits_for_the_kidneys():
    base = Outcome(action="continue", dose=None)
    assert starting_dose(base, ("current_dose",), None, renal_read(Facts()), P) is None
    o, missing = starting_dose(base, ("current_dose",), None, renal_read(Facts(crcl=25.0)), P)
    assert (o.action, o.dose.mg, missing) == ("start", 5, ())


def test_going_up_a_level_adds_the_escalation_line_only_to_continue():
    cont = Outcome(action="continue", dose=None)
    assert with_escalation(cont, ("dose_levels",), P).reasons[-1] == P.statement("escalation")
    assert with_escalation(cont, (), P) == cont
    held = Outcome(action="interrupt", dose=None)
    assert with_escalation(held, ("dose_levels",), P) == held
