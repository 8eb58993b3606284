"""Look-ups answer the question asked: the statements a question's words ask for are shown, first."""
from __future__ import annotations

import pytest

from bot.engine import answer


def shown(text: str) -> list[str]:
    a = answer(text)
    return [s.text for s in (*a.detail.reasons, *a.detail.warnings)]


@pytest.mark.parametrize("question,statement", [
    ("does my patient with previous DVT need aspirin?", "previous VTE, prophylaxis with aspirin or LMWH"),
    ("vte prophylaxis on len maintenance", "previous VTE, prophylaxis with aspirin or LMWH"),  # always shown
    ("can I give G-CSF and keep the dose?", "G-CSF may be given alongside lenalidomide and the dose left unchanged"),
    ("her husband had a vasectomy, does he still need condoms?", "even after a vasectomy"),
    ("can he donate blood on len?", "no donation of semen or blood"),
    ("she is 32, pregnancy test how often?", "pregnancy test before treatment, at least every 4 weeks"),
    ("spm risk", "Patients should be counselled about the risk of second cancers"),
    ("spm risk", "5.8% of patients on lenalidomide after transplant vs 2.0%"),
    ("how long do we continue lenalidomide maintenance for?", "until progression"),
    ("US label start criteria", "ANC 1.0 x10^9/L or more and/or platelets 75"),
    ("calgb", "Lenalidomide 10 mg daily until progression vs placebo"),
    ("NICE 21/28 schedule", "NICE TA680 funds maintenance only as 10 mg on days 1-21"),
    ("spm risk", "21% of patients on lenalidomide died of progressive myeloma vs 27%"),
    ("spm risk", "lenalidomide given with oral melphalan"),
    ("spm risk", "CALGB 100104 SPM"),
    ("spm risk", "GIMEMA RV-MM-PI-209: SPM 4.3%"),
    ("how do I explain the skin cancer risk on len", "Non-melanoma skin cancers"),
    ("vte prophylaxis", "Most patients on maintenance therefore need no anticoagulation"),
    ("any interactions between len and clarithromycin?", "check the current SmPC (interactions section) and ask your pharmacy"),
    ("does digoxin interact with lenalidomide", "check the current SmPC"),
    ("missed a dose this morning", "under 12 hours late, take it now"),
    ("how often FBC on len maintenance?", "weekly for the first 8 weeks, then at least monthly"),
    ("len in liver impairment", "No dose change is needed for hepatic impairment"),
    ("what does myeloma XI show", "PFS: median 57 vs 30 months"),
    ("does she need antiviral prophylaxis on len", "no advice on antimicrobial prophylaxis"),
    ("can len be given bd", "twice-daily dosing was tried, but it caused more myelosuppression"),
    ("twice daily len?", "twice-daily dosing was tried"),
    ("how does lenalidomide work - cereblon?", "binds cereblon (CRBN)"),
    ("what was the MTD of len", "25 mg, was taken as the MTD"),
    ("bortezomib maintenance for high risk?", "high-risk disease"),
    ("grade 3 rash on len - stop it?", "may require lenalidomide to be stopped"),
    ("thrombocytopenia on len, when do we pause?", "paused when platelets fall under 30"),
    ("renal dosing on dialysis", "on dialysis days give it after the session"),
    ("diarrhoea on len?", "investigate"),
    ("neuropathy on len compared with thalidomide?", "far less neuropathy"),
])
def test_the_statement_that_answers_is_shown(question: str, statement: str) -> None:
    assert any(statement in s for s in shown(question)), shown(question)


def test_the_answering_statement_comes_first() -> None:
    a = answer("can I give G-CSF and keep the dose?")
    assert "dose left unchanged" in a.detail.reasons[0].text


def test_a_side_note_answers_its_question() -> None:
    a = answer("plt 20 day 9 on 10mg, is aspirin still ok?")
    assert a.action == "interrupt"
    assert any("aspirin or LMWH" in r.text for r in a.detail.reasons)


def test_nice_the_adjective_is_no_question() -> None:
    assert answer("nice to meet you").status == "out_of_scope"


def test_vte_scores_wait_for_a_stated_factor() -> None:
    bare = answer("vte prophylaxis on len maintenance")
    assert bare.scores == {} and any("give the risk factors" in w.text for w in bare.detail.warnings)
    assert set(answer("vte prophylaxis, previous DVT").scores) == {"impede_vte", "saved"}
    assert set(answer("vte score please").scores) == {"impede_vte", "saved"}
