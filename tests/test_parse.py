"""Grammar and fact reading: message -> facts, as people type on a ward."""
from __future__ import annotations

import pytest

from bot.facts import Facts
from bot.parsing import Kind, normalise, parse
from bot.protocol import default_protocol
from bot.reading import read_facts

P = default_protocol()


def summary(f: Facts) -> dict:
    out: dict = {}
    for r in f.readings:
        out[r.count] = r.value
        if r.recovered:
            out.setdefault("recovered", set()).add(r.count)
        if r.unit_assumed:
            out["unit_assumed"] = True
        if r.implausible:
            out["implausible"] = True
    if f.implausible:
        out["implausible"] = True
    if f.dose:
        out["dose"] = (f.dose.mg, f.dose.days)
    for key in ("timing", "cycle", "cycle_day", "episode", "crcl", "crcl_source", "dialysis", "creatinine",
                "creatinine_unit", "age", "sex", "weight_kg", "height_cm", "trial"):
        if getattr(f, key) is not None:
            out[key] = getattr(f, key)
    if f.topics:
        out["topics"] = set(f.topics)
    if f.count_names_without_value:
        out["valueless"] = True
    if f.unnamed_values:
        out["unnamed"] = True
    if f.other_drugs:
        out["other_drugs"] = True
    if f.start_question:
        out["start_question"] = True
    return out


def read(message: str) -> dict:
    return summary(read_facts(message, P))


CASES = [
    # counts: names, separators, units, decimals
    ("neut 0.4", {"neutrophils": 0.4}),
    ("neuts 0.4", {"neutrophils": 0.4}),
    ("neutrophils 0.4", {"neutrophils": 0.4}),
    ("ANC 0.42", {"neutrophils": 0.42}),
    ("neut=0.3", {"neutrophils": 0.3}),
    ("neut: .4", {"neutrophils": 0.4}),
    ("neutrophil count 1.2 x10^9/L", {"neutrophils": 1.2}),
    ("Neuts 0.8 x 10^9/l", {"neutrophils": 0.8}),
    ("anc 400", {"neutrophils": 0.4, "unit_assumed": True}),
    ("anc 450/uL", {"neutrophils": 0.45}),
    ("plt 25", {"platelets": 25}),
    ("plts 25", {"platelets": 25}),
    ("platelets: 25", {"platelets": 25}),
    ("Plt=25 x10^9/L", {"platelets": 25}),
    ("platelets 25 10^9/l", {"platelets": 25}),
    ("plt 25k", {"platelets": 25, "unit_assumed": True}),
    ("plt 25,000", {"platelets": 25, "unit_assumed": True}),
    ("plt 22000", {"platelets": 22, "unit_assumed": True}),
    ("plt 25,000/uL", {"platelets": 25}),
    ("plt 25000 /mm3", {"platelets": 25}),
    ("25 platelets", {"platelets": 25}),
    ("platelts 25", {"platelets": 25}),
    ("nuetrophils 0.3", {"neutrophils": 0.3}),
    ("neutrophlis 0.3", {"neutrophils": 0.3}),
    ("thrombocytopaenia 20 on day 3", {"platelets": 20, "cycle_day": 3}),
    ("neutropenic 0.3", {"neutrophils": 0.3}),
    ("neut 0.2 plt 15", {"neutrophils": 0.2, "platelets": 15}),
    # linking a name to a distant value
    ("anc back to 0.7", {"neutrophils": 0.7, "recovered": {"neutrophils"}}),
    ("neut recovered to 0.7", {"neutrophils": 0.7, "recovered": {"neutrophils"}}),
    ("plts have come back up to 60", {"platelets": 60, "recovered": {"platelets"}}),
    ("platelets are now 45", {"platelets": 45}),
    ("plt was 20 now 45", {"platelets": 45, "recovered": {"platelets"}}),
    ("neut 0.3 last week, now 0.9", {"neutrophils": 0.9, "recovered": {"neutrophils"}}),
    ("neut 0.9 today (0.3 yesterday)", {"neutrophils": 0.9, "recovered": {"neutrophils"}}),
    ("ANC was 0.3 now 1.1", {"neutrophils": 1.1, "recovered": {"neutrophils"}}),
    ("neut 0.3 (was 1.2 last week)", {"neutrophils": 0.3}),
    ("platelets were 22; they're 58 now", {"platelets": 58, "recovered": {"platelets"}}),
    ("plt 25 -> 40", {"platelets": 40, "recovered": {"platelets"}}),
    ("neutrophils dropped below 0.5 again, now 0.38", {"neutrophils": 0.38, "episode": "subsequent"}),
    ("Platelets are not below 30 - they are 31", {"platelets": 31}),
    ("her neutrophil count came back this evening at 0.42", {"neutrophils": 0.42}),
    ("0.45 for the neutrophils", {"neutrophils": 0.45}),
    ("held for low platelets; her count has now come back up to 64", {"platelets": 64, "recovered": {"platelets"}}),
    ("nuets 0.3", {"neutrophils": 0.3}),
    ("nuet 0.2", {"neutrophils": 0.2}),
    ("plt 45, recovered", {"platelets": 45, "recovered": {"platelets"}}),
    ("plts now 45 after being held", {"platelets": 45, "recovered": {"platelets"}}),
    ("can I restart len, neut 0.9", {"neutrophils": 0.9, "recovered": {"neutrophils"}}),
    ("neut 0.9 following the last interruption", {"neutrophils": 0.9, "recovered": {"neutrophils"}}),
    ("plt count 28", {"platelets": 28}),
    # timing
    ("plt 25 day 1", {"cycle_day": 1, "timing": "day1"}),
    ("plt 25 d1", {"cycle_day": 1, "timing": "day1"}),
    ("plt 25 D15", {"cycle_day": 15, "timing": "mid_cycle"}),
    ("plt 28 d14", {"platelets": 28, "cycle_day": 14}),
    ("C3D1 plt 25", {"cycle": 3, "cycle_day": 1, "timing": "day1"}),
    ("cycle 4 day 1 plt 25", {"cycle": 4, "cycle_day": 1}),
    ("plt 25 on day 1 of cycle 5", {"cycle": 5, "cycle_day": 1}),
    ("plt 25 at the start of cycle 2", {"cycle": 2, "timing": "day1"}),
    ("plt 25 halfway through the cycle", {"timing": "mid_cycle"}),
    ("plt 25 mid-cycle", {"timing": "mid_cycle"}),
    ("plt 40 for the next cycle", {"timing": "day1"}),
    ("plt 25 due to start cycle 6 tomorrow", {"timing": "day1", "cycle": 6}),
    ("plt 25 day 35", {"implausible": True}),
    ("plt 25 on day 15.", {"cycle_day": 15}),
    ("*Day:* 11 plt 25", {"cycle_day": 11}),
    # dose and schedule
    ("on 10mg", {"dose": (10, None)}),
    ("on 10 mg", {"dose": (10, None)}),
    ("len 10", {"dose": (10, None)}),
    ("lenalidomide 15mg", {"dose": (15, None)}),
    ("on 15", {"dose": (15, None)}),
    ("5mg daily", {"dose": (5, None)}),
    ("5mg OD", {"dose": (5, None)}),
    ("5mg d1-21", {"dose": (5, "1-21")}),
    ("5mg days 1-21", {"dose": (5, "1-21")}),
    ("5 mg 21/28", {"dose": (5, "1-21")}),
    ("10mg 21 days of 28", {"dose": (10, "1-21")}),
    ("10mg d1-28", {"dose": (10, "1-28")}),
    ("5mg 28 days", {"dose": (5, "1-28")}),
    ("5mg x 28 days", {"dose": (5, "1-28")}),
    ("len10mg", {"dose": (10, None)}),
    ("on 5mg, days 1-21 every 28", {"dose": (5, "1-21")}),
    ("was on 15mg now on 10mg", {"dose": (10, None)}),
    ("on 10mg, was 15mg", {"dose": (10, None)}),
    ("plt 25 on day one", {"cycle_day": None, "timing": "day1"}),
    ("on 100mg", {"implausible": True}),
    # history
    ("neut 0.4 second time", {"episode": "subsequent"}),
    ("neut 0.4 again", {"episode": "subsequent"}),
    ("plt 20 after another drop", {"episode": "subsequent"}),
    ("neut 0.4, subsequent drop", {"episode": "subsequent"}),
    ("neut 0.4 following the last interruption", {"episode": "subsequent"}),
    ("neut 0.4 first time", {"episode": "first"}),
    # renal
    ("CrCl 40", {"crcl": 40, "crcl_source": "stated"}),
    ("creatinine clearance 35 ml/min", {"crcl": 35}),
    ("crcl of 28", {"crcl": 28}),
    ("eGFR 45", {"crcl": 45, "crcl_source": "egfr"}),
    ("on dialysis", {"dialysis": True}),
    ("on HD", {"dialysis": True}),
    ("haemodialysis three times a week", {"dialysis": True}),
    ("hemodialysis", {"dialysis": True}),
    ("not on dialysis", {"dialysis": False}),
    ("no longer on dialysis", {"dialysis": False}),
    ("was on dialysis until March", {"dialysis": False}),
    ("eGFR >90", {"crcl": 90}),
    ("Cr 110", {"creatinine": 110, "creatinine_unit": "umol/L"}),
    ("creat 1.4 mg/dL", {"creatinine": 1.4, "creatinine_unit": "mg/dL"}),
    ("creatinine 110 umol/L, 75 year old woman, 58kg", {"creatinine": 110, "age": 75, "sex": "female", "weight_kg": 58}),
    ("creatinine 150, 75-year-old man, 70kg", {"age": 75, "sex": "male", "weight_kg": 70}),
    ("82M cr 140 wt 70 kg", {"age": 82, "sex": "male", "creatinine": 140, "weight_kg": 70}),
    ("aged 70, male, 80kg, 175cm", {"age": 70, "sex": "male", "weight_kg": 80, "height_cm": 175}),
    ("creatinine 2.1 mg/dl 70yo F 60kg", {"age": 70, "sex": "female", "creatinine": 2.1}),
    ("height 1.62m", {"height_cm": 162}),
    ("CrCl 350", {"implausible": True}),
    # topics
    ("spm risk", {"topics": {"spm"}}),
    ("second primary malignancy counselling", {"topics": {"spm"}}),
    ("risk of second cancers", {"topics": {"spm"}}),
    ("vte prophylaxis", {"topics": {"vte"}}),
    ("DVT", {"topics": {"vte"}}),
    ("PE risk", {"topics": {"vte"}}),
    ("do we need aspirin", {"topics": {"vte"}}),
    ("anticoagulation", {"topics": {"vte"}}),
    ("itchy rash", {"topics": {"rash"}}),
    ("diarrhoea", {"topics": {"gi"}}),
    ("diarrhea", {"topics": {"gi"}}),
    ("bloating", {"topics": {"gi"}}),
    ("pregnancy test", {"topics": {"pregnancy"}}),
    ("contraception", {"topics": {"pregnancy"}}),
    ("breastfeeding", {"topics": {"pregnancy"}}),
    ("can she take it with breakfast", {"topics": {"pharmacokinetics"}}),
    ("does it raise the chance of another cancer", {"topics": {"spm"}}),
    ("any 2nd cancers", {"topics": {"spm"}}),
    ("preg test before each cycle", {"topics": {"pregnancy"}}),
    ("take with food?", {"topics": {"pharmacokinetics"}}),
    ("fasting", {"topics": {"pharmacokinetics"}}),
    ("liver impairment", {"topics": {"hepatic"}}),
    ("hepatic", {"topics": {"hepatic"}}),
    ("neuropathy", {"topics": {"neuropathy"}}),
    ("infection risk", {"topics": {"infection"}}),
    ("mechanism of action", {"topics": {"mechanism"}}),
    ("IFM 2005-02 results", {"topics": {"trials"}, "trial": "ifm 2005-02"}),
    ("Myeloma XI", {"topics": {"trials"}}),
    ("CALGB 100104", {"topics": {"trials"}}),
    ("maximum tolerated dose", {"topics": {"mtd"}}),
    ("dose levels", {"topics": {"dose_levels"}}),
    ("when can we increase to 15mg", {"topics": {"dose_levels"}}),
    ("gcsf", {"topics": {"neutropenia"}}),
    # noise: skipped, never an error
    ("<@U123ABC> neut 0.4 on 10mg :pray:", {"neutrophils": 0.4, "dose": (10, None)}),
    ("hi team 🙏 plt 25 d1 pls", {"platelets": 25, "timing": "day1"}),
    ("neut 0.4!!! on 10mg???", {"neutrophils": 0.4, "dose": (10, None)}),
    ("```plt 25```", {"platelets": 25}),
    # not a count
    ("count 0.4 on 10mg", {"unnamed": True}),
    ("0.4 on 10mg", {"unnamed": True}),
    ("low counts what do I do", {"valueless": True}),
    ("neutropenic on 10mg day 8", {"valueless": True}),
    ("what dose if CrCl is 40?", {"crcl": 40}),
    ("CrCl 35 what dose", {"crcl": 35, "start_question": True}),
    # capsules times strength is the dose
    ("takes 2 x 5mg caps, neut 0.35 day 7", {"dose": (10, None), "neutrophils": 0.35, "cycle_day": 7}),
    ("neut 1.2 on 2x5mg", {"dose": (10, None)}),
    ("plt 60 on 15mg tabs", {"dose": (15, None)}),  # "tabs" names no other drug
    # the episode named with its cytopenia
    ("2nd neutropenic episode, neut 0.4 on 10mg", {"episode": "subsequent"}),
    ("first thrombocytopenic episode, plt 20 day 9 on 10mg", {"episode": "first"}),
    # a day corrected, a day of a clause about an earlier period, two days left open
    ("plt 26 day 1 - sorry, meant day 11 - on 10mg", {"cycle_day": 11, "timing": "mid_cycle"}),
    ("neut 0.4 day 3 i mean day 4 on 10mg", {"cycle_day": 4}),
    ("C7D1 plt 45. last cycle plt 28 on d14, was on 10", {"cycle_day": 1, "timing": "day1"}),
    ("plt 26 day 1, day 11 on 10mg", {"platelets": 26}),  # which day is today's is left open
    ("plt 22 d15 on 10mg, next FBC due d22", {"cycle_day": 15}),
    # a correction replaces a count only with that count's figure, given at once
    ("neut 0.3 day 9 on 10mg, i mean is 0.5 the threshold?", {"neutrophils": 0.3}),
    ("neut 0.3 day 9 on 10mg. sorry, 2 questions", {"neutrophils": 0.3}),
    ("neut 0.3 d9 on 10mg, would rather give 5 than stop", {"neutrophils": 0.3}),
    # "started" after a hold restarts the drug only when the drug follows; a restart's own fall is no new one
    ("held for plt 19, started antibiotics, now plt 45 day 9, was on 10mg", {"platelets": 45, "recovered": {"platelets"}}),
    ("restarted at 5mg after 2nd neut drop, neut 0.9 d12", {"neutrophils": 0.9, "dose": (5, None)}),
    # a clearance in words, a reporter of the patient's count, a bed named R15, platelets given
    ("plt 80 neut 1.5 day 1 on 10mg, CrCl 20 ml per min", {"crcl": 20}),
    ("plt 80 d9 10mg; husband says her neut 0.3 today", {"neutrophils": 0.3}),
    ("neut 0.4x10^9 on len 5mg 1-21, wk 2", {"timing": "mid_cycle"}),
    # a pharmacist screening a script; a queried figure; platelets to two decimal places; dialysis not known
    ("screening this script: Lenalidomide 5 mg capsules, one at night days 1-21 of 28. neut 0.9, plt 110",
     {"dose": (5, "1-21")}),
    ("FBC: NEUT 0.9 PLT 1.40 on 10mg day 4", {"implausible": True}),
    ("plt 29.9 d1 10mg", {"platelets": 29.9}),
    ("2nd neutropenic dip - 0.38 today, she's on 5mg 28/28", {"neutrophils": 0.38, "episode": "subsequent"}),
    # high-dose melphalan is not haemodialysis
    ("on HD, CrCl 10", {"dialysis": True}),

    # the schedule's cycle length, a week of treatment, a conditioning dose, a reference range: set aside
    ("Len 10mg days 1-21 of 28. Plt 21 on C5D1", {"dose": (10, "1-21"), "platelets": 21, "cycle_day": 1}),
    ("neut 0.3 on 5 mg d1-21 q28, day 9", {"dose": (5, "1-21"), "neutrophils": 0.3, "cycle_day": 9}),
    ("neut 0.8 plt 52, len 10mg, day 22 of 28", {"cycle_day": 22, "neutrophils": 0.8}),
    ("week 5 on 10mg len, how often do we check FBC?", {"dose": (10, None), "topics": {"monitoring"}}),
    ("ASCT 2022 (MEL200), neut 0.45 on 10mg", {"neutrophils": 0.45, "dose": (10, None)}),
    ("Reference range 150-400. Plt today 92 on 10mg", {"platelets": 92}),
    ("neut 1.6 lymph 0.3 mono 0.1 plt 144 on 10mg", {"neutrophils": 1.6, "platelets": 144}),
    # missed and vomited doses, monitoring asked "how frequently"
    ("missed her 10mg at 08:00, give it?", {"topics": {"missed_dose"}, "dose": (10, None)}),
    ("vomited 20 min after swallowing the capsule", {"topics": {"missed_dose"}}),
    ("after the first 8 weeks, how frequently do bloods need doing?", {"topics": {"monitoring"}}),
    # a grade asked about as a rate is a statistic, not the patient's count
    ("How common is grade 3/4 neutropenia on len maintenance?", {"topics": {"neutropenia"}}),
    # a delay for a count, "back on", "carry on with", a start that was planned
    ("plt 40 C5D1 after a week's delay for plt 25, on 5mg 21/28", {"platelets": 40, "recovered": {"platelets"}}),
    ("0.41 today on day 6, she's back on 10mg after the first episode at 15mg", {"dose": (10, None)}),
    ("neut 1.6 plt 150 C6D1, restarted at 5mg last cycle, carry on with 5?", {"dose": (5, None)}),
    ("recheck today plt 27, was meant to start C4 on 10mg", {"timing": "day1", "cycle": 4}),
    ("2nd plt drop: 23 on D9, restarted on 5mg daily", {"episode": "subsequent", "cycle_day": 9}),
    # a bracketed remark is not a change of dose
    ("neut 0.4 on 7.5mg daily (dose reduced by another centre), C4D9", {"dose": (7.5, None)}),

    # "never below" is no fall; a corrected figure replaces the one before it
    ("plts never under 30 this cycle - 34 today, D1 C5, on 10mg", {"platelets": 34, "timing": "day1"}),
    ("neut 0.3 on 10mg day 8 - sorry meant 0.8", {"neutrophils": 0.8}),
    ("neut 0.8 on len 10 D11... sorry typo, it's 0.08", {"neutrophils": 0.08}),
    # Revlimid's dose by its initial; numbers that are no count (a phone, a BSA, units given, a volume, a date)
    ("Plt 27 x10^9/L on D1 of C6, R10 continuous", {"dose": (10, "1-28"), "platelets": 27}),
    ("pls ring 07700 900123 re neut 0.3, len 10mg D5", {"neutrophils": 0.3, "dose": (10, None)}),
    ("82kg 178cm BSA 2.0 - neut 0.2 D7 on len 15mg od", {"neutrophils": 0.2, "weight_kg": 82}),
    ("Hb 78 g/L (2u given), PLT 19, day 6 R10", {"platelets": 19}),
    ("500 mL NaCl running. neut 0.6 plt 31 D10, len 10mg", {"neutrophils": 0.6, "platelets": 31}),
    ("02-12-2026 plt 25 on 10mg", {"platelets": 25}),
    # the reason for a hold, with its timing between; a start after a hold is a restart
    ("held C3 for neut 0.3 on 15mg. C4D1: neut 1.0, plt 140", {"neutrophils": 1.0, "recovered": {"neutrophils"}}),
    ("held for plt 19 (D9 C3) on 5mg daily. C4D1 plt 77", {"platelets": 77, "recovered": {"platelets"}}),
    ("Plt 22 was the C3D1 value (we delayed a wk). C3 then started at 5mg; today C3D8 plt 40", {"platelets": 40}),
    # another person's count
    ("Her daughter had plt 22. Pt herself: plt 180 neut 2.3, R10, C8D1", {"platelets": 180, "neutrophils": 2.3}),
]


@pytest.mark.parametrize("message,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_message_facts(message: str, expected: dict) -> None:
    got = read(message)
    for key, value in expected.items():
        assert got.get(key) == value, f"{key}: got {got.get(key)!r} in {got}"


NEGATIVE = [
    # a count name with no figure is not a count
    ("neutropenia", "neutrophils"),
    ("platelets low", "platelets"),
    # numbers that belong to something else
    ("plt day 10 on 10mg", "platelets"),
    ("C3D1 on 10mg", "platelets"),
    ("75 year old, 58kg", "neutrophils"),
    ("IFM 2005-02 results", "platelets"),
    ("on 10mg 21/28", "platelets"),
    ("bloods on 14/11 ok", "platelets"),
    ("seen at 10:30", "dose"),
    ("in bed 4 plts low", "platelets"),
    ("plts transfused 1 unit", "platelets"),
    ("paltelets 150 nuets", "unnamed"),
    ("Bloods at 0300: platelets 26", "unnamed"),
    ("maintenance started 100 days later", "unnamed"),
    ("day +100 post transplant", "cycle_day"),
    ("ALT 3 x ULN", "unnamed"),
    ("on HD 3x/wk", "unnamed"),
    ("plt 25 next cycle", "neutrophils"),
    ("after 3 cycles of 10mg", "unnamed"),
    # words that merely look like key words
    ("creating a plan", "creatinine"),
    ("neutral", "neutrophils"),
    ("second primary malignancy", "episode"),
    ("the patient is well", "sex"),
    ("mantle cell", "sex"),
    ("hepatic impairment", "sex"),
    ("plt 20 while held", "recovered"),
    ("CR after ASCT", "creatinine"),
    ("post HD-MEL ASCT, neut 1.2 plt 80 on 10mg", "dialysis"),
    ("had HD mel in june, neut 1.2 on 10mg", "dialysis"),
    ("methotrexate levels after HD-MTX", "dialysis"),
    ("neut 0.4 on 7.5mg (dose reduced by another centre)", "episode"),  # "another centre" is no repeat fall
    ("How common is grade 3/4 neutropenia on len maintenance?", "neutrophils"),
    ("neut 0.8 plt 52, len 10mg, day 22 of 28", "unnamed"),
    ("crcl of 28", "unnamed"),
    ("plt 26 day 1, day 11 on 10mg", "cycle_day"),
    ("plts never under 30 this cycle - 34 today, D1 C5", "recovered"),
    ("Plt 22 was the C3D1 value (we delayed a wk). C3 then started at 5mg; today C3D8 plt 40", "recovered"),
    ("pls ring 07700 900123 re neut 0.3", "unnamed"),
    ("plt 20 day 9, bed R15", "dose"),
    ("renal function not back yet and not sure if she's on dialysis", "dialysis"),
    ("restarted at 5mg after the first drop, now neut 0.9 day 9", "recovered"),
]


@pytest.mark.parametrize("message,absent", NEGATIVE, ids=[c[0] for c in NEGATIVE])
def test_not_read(message: str, absent: str) -> None:
    got = read(message)
    assert absent not in got, got


@pytest.mark.parametrize("text", ["", " ", "\x00\x01", "a" * 3000, "🙂" * 50, "'; DROP TABLE x; --", "<script>alert(1)</script>",
                                  "{{7*7}}", "%s%s%s", "\\n\\t", "neut neut neut", "0.4 0.4 0.4", "mg mg mg", "on on on"])
def test_any_text_parses(text: str) -> None:
    read_facts(text, P)  # never raises


def test_normalise_folds_lookalikes() -> None:
    assert normalise("Plt 25 × 10⁹/L – D1") == "plt 25 x 109/l - d1"


@pytest.mark.parametrize("message", ["counts fine", "FBC normal", "bloods are ok", "normal counts", "counts all stable"])
def test_counts_reported_normal(message: str) -> None:
    f = read_facts(message, P)
    assert f.counts_normal and not f.readings and not f.count_names_without_value


def test_distinct_doses_without_a_current_one_are_not_chosen() -> None:
    f = read_facts("15mg or 10mg?", P)
    assert f.dose is None and f.doses_seen == 2


@pytest.mark.parametrize("message,mg", [("reduce from 15mg to 10mg?", 15), ("on 10 mg, go up to 15mg?", 10),
                                        ("she is on 5 mg, can we go back up to 10 mg", 5)])
def test_a_dose_asked_about_is_not_the_current_one(message: str, mg: float) -> None:
    assert read_facts(message, P).dose.mg == mg


# ---------------------------------------------------------------- what each figure is read as

def meanings(message: str) -> dict[str, str]:
    from bot.parsing import parse
    from bot.reading import figure_meanings

    return dict(figure_meanings(parse(message), P))


@pytest.mark.parametrize("message,typed,meaning", [
    # other drugs' doses: after the drug, before it, with a unit or a frequency
    ("neut 0.4 on len 10mg, also aciclovir 400mg bd", "aciclovir 400mg bd", "aciclovir dose"),
    ("plt 25 d9 on 10mg, aspirin 75", "aspirin 75", "aspirin dose"),
    ("dex 40mg weekly, len 10mg, neut 0.4", "dex 40mg weekly", "dex dose"),
    ("400mg aciclovir and len 10mg", "400mg", "aciclovir dose"),
    ("pred 5mg od, len 10 d8 neut 0.4", "pred 5mg od", "pred dose"),
    ("prednisolone 30, len 10 d8 neut 0.4", "prednisolone 30", "prednisolone dose"),
    ("methylprednisolone 30, len 10 d8 neut 0.4", "methylprednisolone 30", "methylprednisolone dose"),
    ("tacrolimus 2, len 10 d8 neut 0.4", "2", "tacrolimus dose"),
    ("ondansetron 8mg, len 10 d8 neut 0.4", "ondansetron 8mg", "ondansetron dose"),
    ("mycophenolate 500mg, len 10 d8 neut 0.4", "500mg", "mycophenolate dose"),
    ("cotrim 480 bd sat/sun, len 5mg", "cotrim 480 bd", "cotrim dose"),
    ("on 10mg len, her sister's on 15mg", "on 15mg", "another person's dose"),
    # figures set aside by what the grammar says they are
    ("neut 0.4 (ref 2.0-7.5) on 10mg", "(ref 2.0-7.5)", "a reference range"),
    ("temp 38.4 neut 0.4 on 10mg", "temp 38.4", "a temperature"),
    ("febrile 38.9, neut 0.2", "febrile 38.9", "a temperature"),
    ("in IFM 2005-02 what was the 4 year PFS", "4 year PFS", "a trial statistic"),
    ("does IL-6 matter", "IL-6", "a gene or cytokine name"),
    ("del(17p), plt 40 on 10mg", "del(17p)", "a cytogenetic or marker name"),
    ("her husband is 80, plt 40 on 10mg", "husband is 80", "another person's age"),
    ("day +100 post ASCT, plt 40 on 10mg", "day +100 post ASCT", "time since the transplant"),
    ("diagnosed 2019, plt 40 on 10mg", "2019", "a year"),
    ("bed 12 plt 24 d10 len 10", "bed 12", "a bed, room or phone number"),
    ("bloods at 14:30 plt 24 d10 len 10", "14:30", "a time of day"),
    ("CD34 4.5 x10^6/kg, neut 1.3 on 10mg", "4.5 x10^6/kg", "a value in another unit"),
    ("GCSF x2 given, neut 0.7 on 10mg", "x2", "a number of times"),
    ("plt 20 was 25 on d12 last cycle", "d12", "an earlier day"),
    ("grade 3 rash, neut 1.2 on 10mg", "grade 3", "a grade of another side effect"),
    ("in IFM 2005-02 was grade 3/4 neutropenia 51% vs 18%?", "grade 3/4 neutropenia", "a grade in a trial statistic"),
    ("temp 37.8, HR 104, neut 1.4, len 10 d12", "HR 104", "a pulse, blood pressure or breathing rate"),
    ("neut 0.45 BP 132/78 on 10mg", "BP 132/78", "a pulse, blood pressure or breathing rate"),
    ("0300 bloods: neut 0.4, on 10mg day 6", "0300", "a time of day"),
    ("dex 20mg d1,8,15,22, len 10mg, plt 24 d8", "d1,8,15,22", "the days of a schedule"),
    ("dara d1, 8 and 15, plt 24 d8 on 10mg", "d1, 8 and 15", "the days of a schedule"),
    ("Mg 0.52 low, neuts 1.7 plt 150, len 10mg d8", "Mg 0.52", "count"),  # another lab's, shown as such
    ("plt 180, neut 2.4, K 3.1, on 15mg", "K 3.1", "count"),
    ("K 3.4 Na 131 Mg 0.6 neut 0.6 on 10mg", "Mg 0.6", "count"),
    ("K 3.4 Na 131 Mg 0.6 neut 0.6 on 10mg", "Na 131", "count"),
    # earlier values and doses
    ("nadir 0.3 two weeks ago, len held since, neut now 1.2", "0.3", "neutrophils"),
    ("held for plt 19 on 15mg d10, now 44 on d1 of next cycle", "44", "platelets"),
    ("held for plt 19 on 15mg d10, now 44 on d1 of next cycle", "d10", "an earlier day"),
    ("was on 15, now 10, neut 0.3 d8", "on 15", "an earlier lenalidomide dose"),
    ("was on 15, now 10, neut 0.3 d8", "10", "dose"),
    ("escalate to 15? on 10mg, neut 1.2 plt 150", "15", "a proposed lenalidomide dose"),
    # a figure no one claims: asked about only if it could be a count, a dose or a CrCl
    ("0.4 on 10mg", "0.4", "asked about"),
    ("3000000 on 10mg, neut 1.2", "3000000", "a number not used here"),
    ("5000 on 10mg, neut 1.2", "5000", "asked about"),  # 5,000 per microlitre could be a count
])
def test_each_figure_is_read_as(message: str, typed: str, meaning: str) -> None:
    assert meanings(message).get(typed) == meaning, meanings(message)


@pytest.mark.parametrize("message,expected", [
    # CTCAE grades of a named cytopenia: the range the grade covers, from the protocol
    ("grade 4 neutropenia on 10mg", {"neutrophils": 0.5, "bound": "below", "grade": "grade 4"}),
    ("neutropenia grade 3", {"neutrophils": 0.5, "bound": "above", "grade": "grade 3"}),
    ("G4 thrombocytopenia", {"platelets": 30, "bound": "below", "grade": "g4"}),
    ("plts are G2", {"platelets": 50, "bound": "above", "grade": "g2"}),
    ("grade 3 thrombocytopenia", {"straddles": True}),
    ("neutropenia grade 3-4", {"straddles": True}),
    ("grade iv neutropenia", {"neutrophils": 0.5, "bound": "below"}),
    # bounds and ranges
    ("neut <0.5", {"neutrophils": 0.5, "bound": "below"}),
    ("neut 0.5 or less", {"straddles": True}),
    ("neut <=0.4", {"neutrophils": 0.5, "bound": "below"}),
    ("plt between 20 and 25", {"platelets": 30, "bound": "below"}),
    ("plt 20-25", {"platelets": 30, "bound": "below"}),
    ("neut >0.5", {"neutrophils": 0.5, "bound": "above"}),
    ("neut less than point 5", {"neutrophils": 0.5, "bound": "below"}),
    ("plt fifteen day one on ten", {"platelets": 15, "timing": "day1", "cycle": None}),
    ("plt 25 day one on 15mg", {"platelets": 25, "timing": "day1"}),
    ("was meant to start cycle 7 today but plts only 19", {"platelets": 19, "timing": "day1", "cycle": 7}),
    ("plt <30,000/uL", {"platelets": 30, "bound": "below"}),
    ("plt below 25k", {"platelets": 25, "bound": "below"}),
    ("neut nought point 45", {"neutrophils": 0.45}),
    ("plt over 3 wks", {}),
    # numbers in words
    ("neut nought point four", {"neutrophils": 0.4}),
    ("plt twenty five on ten mg", {"platelets": 25, "dose": (10, None)}),
    ("plts one week later", {}),
    # heights and weights in imperial units, ages in words
    ("5ft 6, 11st 4lb", {"height_cm": 167.6, "weight_kg": 71.7}),
    ("5'2\" 150 lb", {"height_cm": 157.5, "weight_kg": 68.0}),
    ("seventy eight year old woman, nine stone", {"age": 78, "weight_kg": 57.2}),
    # time since transplant is not the cycle day
    ("day 100 post auto", {"days_post_transplant": 100}),
    ("d+28, plt 40", {"days_post_transplant": 28}),
])
def test_figures_as_read(message: str, expected: dict) -> None:
    f = read_facts(message, P)
    got: dict = {}
    for r in f.readings:
        got[r.count] = r.value
        if r.bound:
            got["bound"] = r.bound
        if r.grade:
            got["grade"] = r.grade
        if r.straddles:
            got["straddles"] = True
    if f.dose:
        got["dose"] = (f.dose.mg, f.dose.days)
    for key in ("height_cm", "weight_kg", "age", "days_post_transplant", "cycle", "timing"):
        if getattr(f, key) is not None:
            got[key] = getattr(f, key)
    for key, value in expected.items():
        assert got.get(key) == value, (key, got)
    if not expected:
        assert not f.readings, f.readings


@pytest.mark.parametrize("text,present", [
    ("68 y, 72 kg", ("AGE", "WEIGHT")), ("15mg alternate days", ("NON_DAILY",)), ("plt 25 on len", ("LEN", "PLT", Kind.COUNT)),
])
def test_has_knows_every_item_type_and_token_type(text: str, present: tuple[str, ...]) -> None:
    msg = parse(text)
    assert all(msg.has(name) for name in present), sorted(map(str, msg.types))
    assert not msg.has("TEMPERATURE")
