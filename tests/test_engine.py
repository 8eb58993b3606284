"""The engine end to end, in process: statuses, safety behaviour and the contract's fields."""
from __future__ import annotations

import json

import pytest

from bot.engine import MAX_CHARS, answer

REQUIRED = ("status", "action", "dose", "flags", "topics", "citations", "missing", "understood", "protocol", "scores", "text")


def ask(text: str) -> dict:
    return json.loads(answer(text).to_json())


def test_json_has_exactly_the_contract_fields() -> None:
    got = ask("plt 25 day 1 on 10mg CrCl 40")
    assert tuple(got) == REQUIRED
    assert got["protocol"]["name"] and got["protocol"]["version"]
    assert got["dose"] == {"mg": 5, "days": "1-28", "cycle_days": 28}


def test_read_as_echo_is_on_the_card() -> None:
    text = answer("plt 25 day 1 on 10mg CrCl 40").text
    assert "Read as: platelets 25 x10^9/L (CTCAE v5 grade 3), day 1, 10 mg daily" in text
    assert "CrCl 40 mL/min" in text


@pytest.mark.parametrize("text,typed", [
    ("plt 45 neut 1.2 day +100 on 10mg", "+100"),
    ("neut 1.1 plt 90 on 10mg, 3 months post auto", "3 months"),
])
def test_time_since_the_transplant_is_shown_once(text: str, typed: str) -> None:
    a = answer(text)
    assert a.detail.read_as.count(typed) == 1, a.detail.read_as
    assert "time since the transplant" in a.detail.read_as


def test_days_since_the_transplant_are_understood() -> None:
    assert answer("plt 45 neut 1.2 day +100 on 10mg").understood["days_post_transplant"] == 100


def test_every_statement_names_its_source_and_the_protocol_stands_on_the_card() -> None:
    a = answer("neut 0.4 second time on 15mg CrCl 40")
    for s in a.detail.reasons + a.detail.warnings:
        assert s.cite
    assert a.protocol.version in a.text and a.protocol.name in a.text
    assert a.detail.disclaimer in a.text


@pytest.mark.parametrize("text,status", [
    ("", "rejected"), ("   \n ", "rejected"), ("x" * (MAX_CHARS + 1), "rejected"), ("\x00\x01\x02binary", "rejected"),
    ("hello", "out_of_scope"), ("what's for lunch", "out_of_scope"), ("dose of daratumumab", "out_of_scope"),
    ("what should I do about the lenalidomide", "clarify"), ("bortezomib dose reduction for neuropathy", "out_of_scope"),
    ("methotrexate level monitoring after HD-MTX", "out_of_scope"), ("paracetamol max dose in a 45kg lady", "out_of_scope"),
    ("pomalidomide dose", "out_of_scope"), ("len 25mg in relapsed myeloma", "out_of_scope"),
    ("plt 9000 on 10mg", "clarify"), ("neut 30 on 10mg", "clarify"), ("CrCl 350", "clarify"),
    ("plt 25 day 40 on 10mg", "clarify"), ("low counts what do I do", "clarify"), ("0.4 on 10mg", "clarify"),
    ("plt 26", "clarify"), ("neut 0.3", "clarify"), ("creatinine 150 on 15mg neut 1.2", "clarify"),
    ("what dose should I start", "clarify"), ("on 10mg", "clarify"), ("neutropenic on 10mg day 8", "clarify"),
])
def test_status(text: str, status: str) -> None:
    assert ask(text)["status"] == status


def test_implausible_value_is_flagged_and_named() -> None:
    got = ask("plt 4000 day 3 on 10mg")
    assert got["status"] == "clarify" and "implausible_value" in got["flags"]
    assert "4000" in got["text"]


def test_clarify_says_what_is_missing_and_holds_no_action() -> None:
    got = ask("plt 26 on 10mg")
    assert got["missing"] == ["cycle_day"] and got["action"] is None and got["dose"] is None
    assert "day 1" in got["text"]


@pytest.mark.parametrize("text", [
    "NHS number 401 023 2137 neut 0.3 on 10mg", "Mr Smith neut 0.3 on 10mg", "MRN 12345678 neut 0.3 on 10mg",
    "DOB 12/03/1950 neut 0.3 on 10mg", "4010232137 neut 0.3 on 10mg",
])
def test_identifiers_flagged_answer_still_given_and_not_echoed(text: str) -> None:
    got = ask(text)
    assert "phi_detected" in got["flags"]
    assert (got["action"], got["dose"]["mg"]) == ("interrupt", 5)
    blob = json.dumps(got)
    for fragment in ("401 023 2137", "4010232137", "Smith", "12345678", "1950"):
        assert fragment not in blob
    assert "delete" in got["text"]


def test_a_platelet_count_under_one_is_asked_about() -> None:
    got = ask("plt 0.28 day 3 on 10mg")
    assert got["status"] == "clarify" and "implausible_value" in got["flags"] and "0.28" in got["text"]


def test_a_dose_asked_renally_without_a_crcl_asks_for_it() -> None:
    for text in ("62F 58kg, dose her renally please", "how to dose len renally, 62yo 58kg"):
        got = ask(text)
        assert (got["status"], got["missing"]) == ("clarify", ["crcl"]), text


def test_the_dose_started_on_is_not_todays_after_a_repeat_fall() -> None:
    got = ask("originally started on 15mg, second drop, neut 0.4 day 5")
    assert (got["status"], got["missing"]) == ("clarify", ["current_dose"])
    assert ask("on 15mg, second drop, neut 0.4 day 5")["dose"]["mg"] == 10


@pytest.mark.parametrize("text,shown", [
    ("plt 30 or less d3 on 10mg", "platelets at most 30 x10^9/L"), ("plt between 20 and 40 d3 on 10mg", "platelets 20-40 x10^9/L"),
    ("neut <0.5 on 10mg", "neutrophils below 0.5 x10^9/L"), ("plt fine, neut 0.3 on 10mg", "platelets reported normal (no figure)"), ("CrCl 30-40 on 15mg counts fine", "CrCl 30-40 mL/min"),
])
def test_a_bound_is_shown_as_a_bound(text: str, shown: str) -> None:
    assert shown in ask(text)["text"]


def test_a_creatinine_unit_typed_is_the_one_used() -> None:
    got = ask("creat 9.5 umol/L, 60M, 80kg, what dose")
    assert got["status"] == "clarify" and "implausible_value" in got["flags"] and "9.5 umol/L" in got["text"]
    assert ask("creat 95 umol/L, 60M, 80kg, what dose")["understood"]["creatinine_unit"] == "umol/L"


def test_a_lab_named_without_a_figure_asks_nothing() -> None:
    got = ask("ALT 3x ULN, bili normal - any len dose change for the liver?")
    assert (got["status"], got["topics"]) == ("answered", ["hepatic"])


def test_renal_answers_carry_source_caution() -> None:
    for text in ("CrCl 85", "CrCl 35", "CrCl 15 on dialysis", "plt 18 day 11 on 15mg, CrCl 38", "eGFR 40"):
        assert "source_caution" in ask(text)["flags"], text


def test_egfr_is_used_and_flagged() -> None:
    got = ask("eGFR 40 what dose")
    assert "egfr_used_as_crcl" in got["flags"] and got["dose"]["mg"] == 10


def test_cockcroft_gault_score() -> None:
    got = ask("creatinine 110 umol/L, 75 year old woman, 58kg")
    assert got["scores"]["crcl"] == {"ml_min": 35.6, "weight_used": "actual"}
    assert "crcl_calculated" in got["flags"]


def test_vte_scores_with_unstated_factors() -> None:
    got = ask("vte risk, previous DVT, BMI 31")
    impede = got["scores"]["impede_vte"]
    assert impede["points"] == 4 + 5 + 1
    assert "vte_history" not in impede["unstated"] and "bmi_25" not in impede["unstated"]
    assert impede["range"][0] <= impede["points"] <= impede["range"][1]
    assert "saved" in got["scores"]


@pytest.mark.parametrize("text,topic,section", [
    ("spm risk", "spm", "5.2"), ("vte prophylaxis", "vte", "5.7"), ("rash", "rash", "5.8"),
    ("diarrhoea", "gi", "5.5"), ("pregnancy", "pregnancy", "6.1"), ("with food?", "pharmacokinetics", "3"),
    ("liver impairment", "hepatic", "6.3"), ("neuropathy", "neuropathy", "5.6"), ("infection", "infection", "5.4"),
    ("IFM 2005-02", "trials", "Table 1"), ("mechanism", "mechanism", "2"), ("MTD", "mtd", "5.1"),
    ("bortezomib maintenance", "other_agents", "7.2"), ("dose levels", "dose_levels", "Table 2"),
])
def test_info_topics_cite_their_section(text: str, topic: str, section: str) -> None:
    got = ask(text)
    assert (got["status"], got["action"]) == ("answered", "info")
    assert topic in got["topics"] and section in got["citations"]


def test_spm_card_carries_the_review_figures() -> None:
    text = answer("spm").text
    for figure in ("5.8%", "2.0%", "1%", "melphalan"):
        assert figure in text


def test_answer_never_raises_on_hostile_input() -> None:
    for text in ["<script>alert(1)</script>", "'; DROP TABLE answers; --", "{{7*7}}", "\u202e" * 10, "😀" * 500,
                 "neut " * 300, "a\u0000b", "plt 25 " + "day 1 " * 200]:
        a = answer(text)
        assert a.status in ("answered", "clarify", "out_of_scope", "rejected")
        assert a.text


@pytest.mark.parametrize("text,status,topic", [
    ("how much dex should she get", "out_of_scope", None),
    ("what dose of dexamethasone", "out_of_scope", None),
    ("previous DVT - should we give LMWH with len maintenance?", "answered", "vte"),
    ("can we give GCSF", "answered", "neutropenia"),
    ("how much aspirin", "answered", "vte"),
    ("vte risk on high dose dex", "answered", "vte"),
])
def test_dose_words_with_a_topic_or_another_drug(text: str, status: str, topic: str | None) -> None:
    got = ask(text)
    assert got["status"] == status
    if topic:
        assert topic in got["topics"]



PROBES = [
    "vte risk previous DVT BMI 31 on aspirin", "creatinine 110 umol/L, 75 year old woman, 58kg 165cm",
    "neut 1.5 plt 150 after 3 cycles of 10mg, can we increase to 15?", "plts now 45 after being held, was on 10mg",
    "Hb 85 on 10mg", "IFM 2005-02 SPM", "thalidomide neuropathy", "neut 0.4 plt 20 d1 on 5mg d1-21 CrCl 20 on HD",
]


def test_no_message_hits_the_internal_error_path() -> None:
    from pathlib import Path

    from bot.engine import INTERNAL_ERROR_HEADLINE

    rows = (Path(__file__).parent / "data" / "ward_messages.jsonl").read_text().splitlines()
    for text in [json.loads(r)["text"] for r in rows if r.strip()] + PROBES:
        assert answer(text).detail.headline != INTERNAL_ERROR_HEADLINE, text


def test_counts_fine_continue_at_the_dose_allowed() -> None:
    assert (ask("counts fine on 10mg")["action"], ask("counts fine on 10mg")["dose"]["mg"]) == ("continue", 10)
    got = ask("counts ok on 15mg CrCl 40")
    assert (got["action"], got["dose"]["mg"]) == ("start", 10) and "dose_above_renal" in got["flags"]


@pytest.mark.parametrize("text,status,action,mg", [
    ("What dose of zoledronic acid should I give with a creatinine clearance of 40?", "out_of_scope", None, None),
    ("apixaban dose with CrCl 40", "out_of_scope", None, None),
    ("neutrophils dropped below 0.5 again, now 0.38, on 10 mg", "answered", "interrupt", 5),
    ("platelets under 50 day 3 on 10mg", "clarify", None, None),
    ("paltelets 150 and 0.3 on 15mg day 4", "clarify", None, None),
    ("CrCl <30", "answered", "start", 5),
    ("CrCl <50 on 10mg neut 1.2", "clarify", None, None),
    ("On lenalidomide 10 mg 21/28, neutrophils 1.5, platelets 100 - continue?", "answered", "continue", 10),
    ("He is no longer on dialysis; CrCl is now 62", "answered", "start", 10),
])
def test_safety_readings(text: str, status: str, action: str | None, mg: float | None) -> None:
    got = ask(text)
    assert (got["status"], got["action"]) == (status, action)
    assert (got["dose"] or {}).get("mg") == mg


def test_other_topics_in_a_dosing_message_are_answered_too() -> None:
    got = ask("Platelets 20 on day 9 on 10 mg, and is he still ok to take aspirin?")
    assert got["action"] == "interrupt" and {"thrombocytopenia", "vte"} <= set(got["topics"]) and "5.7" in got["citations"]


def test_slack_mentions_are_not_patient_identifiers() -> None:
    assert "phi_detected" not in ask("<@U0999888777> plt 23 day 11 on len 10mg")["flags"]


# ---- dosing cards a junior doctor can act on

def test_no_no_change_reason_under_a_withhold_headline() -> None:
    a = answer("neut 0.3 plt 100 on 10mg")
    assert a.action == "interrupt"
    assert not any("no change" in r.text for r in a.detail.reasons), [r.text for r in a.detail.reasons]


def test_an_episode_not_given_is_not_called_the_first() -> None:
    a = answer("neut 0.3 on 10mg")
    assert "first time" not in a.text
    assert "after a repeat fall" in a.detail.dose_text  # the restart waits for the next cycle after a repeat fall
    assert "first time" in answer("neut 0.3 first drop on 10mg").text


@pytest.mark.parametrize("text,warned", [
    ("neut 0.3 on 10mg", True),
    ("neut <0.5 day 3 on 10mg", True),
    ("febrile neutropenia neut 0.2", True),  # a question card carries it too
    ("temp 38.6, neut 1.2 plt 90 on 10mg", True),
    ("temp 37.6, neut 1.2 plt 90 on 10mg", False),
    ("neut 1.2 plt 90 on 10mg", False),
    ("neut 0.5 on 10mg", False),
    ("febrile 38.6, on len 10mg, what to do", True),  # a look-up carries it too
    ("no fever, neut 1.2 plt 90 on 10mg", False),
])
def test_neutropenic_sepsis_warning(text: str, warned: bool) -> None:
    a = answer(text)
    shown = [w for w in a.detail.warnings if "neutropenic sepsis" in w.text]
    assert bool(shown) is warned
    assert all(w.cite.startswith("External: NICE CG151") for w in shown)


@pytest.mark.parametrize("text,shown", [
    ("neut 0.3 on 10mg", "neutrophils 0.3 x10^9/L (CTCAE v5 grade 4)"),
    ("neut 0.8 on 10mg", "neutrophils 0.8 x10^9/L (CTCAE v5 grade 3)"),
    ("neut <0.5 on 10mg", "neutrophils below 0.5 x10^9/L (CTCAE v5 grade 4)"),
    ("plt 60 on 10mg", "platelets 60 x10^9/L (CTCAE v5 grade 2)"),
    ("plt 140 on 10mg", "platelets 140 x10^9/L,"),  # grade 1 or none: the lower limit of normal is not given
])
def test_each_count_shows_its_ctcae_grade_beside_it(text: str, shown: str) -> None:
    assert shown in answer(text).detail.read_as


def test_a_grade_never_decides() -> None:
    # neutrophils 0.8 are CTCAE grade 3, yet Table 2 steps only below 0.5
    assert answer("neut 0.8 on 10mg").action == "continue"


@pytest.mark.parametrize("text,recheck", [
    ("plt 25 day 1 on 10mg", "platelets in a week"),
    ("neut 0.3 on 10mg", "weekly while lenalidomide is held"),
    ("neut 1.2 plt 90 on 10mg", "weekly for the first 8 weeks"),
    ("plt back to 45 day 14, held since d9, on 10mg", "at the start of the next cycle"),  # back, but off till then
])
def test_every_dosing_card_says_when_to_recheck(text: str, recheck: str) -> None:
    a = answer(text)
    assert recheck in a.detail.recheck.text and a.detail.recheck.cite
    lines = a.text.splitlines()
    assert lines[0] == a.detail.headline.upper()  # the action first
    assert [n for n, line in enumerate(lines) if line.startswith("Recheck")] < [lines.index("Why:")]


@pytest.mark.parametrize("text", [
    "WCC 0.9, plt 120, D14 len 10 - ok?",  # a white count is not the neutrophils, and they could change the answer
    "neut 140 plt 2.1 (columns swapped?) D8 len 10",
    "plt 2? (smudged on the sheet) day 8, 10mg",
    "Plt 26 - lab think the sample may be another pt's (label mismatch). C2D1 on 10mg",
    "neut 0.3 plt 18 on 10mg - hang on, those are from 2019, pre-transplant. no recent FBC",
    "neut 0.4 on 10mg - actually ignore, that's last week's. today's FBC not back yet",
    "held for plt 19, plt 45 today day 1, 1u platelets given this am, on 10mg",  # a transfusion hides recovery
    "plt 27 on day 1 - or was it 72? lab phoned it through, on 10mg",
    "Neut 0,5? PLT 200, 10mg OD day 11",  # a figure queried, with more to come
])
def test_counts_that_cannot_be_used_are_asked_for(text: str) -> None:
    a = answer(text)
    assert a.status == "clarify" and "count" in a.missing, a.text


@pytest.mark.parametrize("text", [
    "follow up: repeat NEUT 0.62 today",  # a recount after something untold: recovery or not?
    "TTO for len, renal function not back yet and not sure if she's on dialysis - 10mg or 5mg?",
])
def test_what_the_message_leaves_open_is_asked(text: str) -> None:
    assert answer(text).status == "clarify"


def test_a_repeat_planned_is_no_recount() -> None:
    assert answer("neut 1.2 plt 90 on 10mg, repeat FBC next week").action == "continue"


@pytest.mark.parametrize("text,action", [
    ("plt 25 day 9 on 10mg, film checked, no clumps", "interrupt"),  # a doubt denied is none
    ("plt 25 day 9 on 10mg, sample not haemolysed", "interrupt"),
    ("plt 25 day 1 on 10mg, what is the cut off for delaying?", "delay_cycle"),
    ("Bed 14: plt 26 on D12, revlimid 15mg, Hb 84, WBC 2.3", "interrupt"),  # the neutrophils cannot change it
    ("His platelet count, repeated after a clumped sample, came back at 24; day 9 of cycle 2 on 15 mg", "interrupt"),
    ("She had neut 0.3 on 10mg back in C2, restarted 5mg, second drop C4 neut 0.4 on 5mg, now C5D1 neut 1.3", "resume"),
])
def test_usable_counts_are_answered(text: str, action: str) -> None:
    assert answer(text).action == action


@pytest.mark.parametrize("text,status", [
    ("carfilzomib infusion time?", "out_of_scope"),  # how another drug is given is that drug's question
    ("premed for dara?", "out_of_scope"),
    ("how do we administer bortezomib", "out_of_scope"),
    ("carfilzomib maintenance instead of len?", "answered"),  # the review's other agents (7.x)
    ("daratumumab with len?", "answered"),
])
def test_how_another_drug_is_given_is_out_of_scope(text: str, status: str) -> None:
    got = ask(text)
    assert got["status"] == status, got
    if status == "answered":
        assert "other_agents" in got["topics"]


def test_a_restart_question_after_a_hold_asks_for_the_counts_and_the_dose_held() -> None:
    got = ask("restarting after a neutropenic hold, what dose")
    assert got["status"] == "clarify" and set(got["missing"]) == {"count", "current_dose"}
    assert ask("restarting after a neutropenic hold on 10mg, what dose")["missing"] == ["count"]
