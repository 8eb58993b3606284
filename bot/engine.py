"""Message in, cited Answer out: the one entry point every surface uses (pure, no I/O)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from types import SimpleNamespace

from .answer import DOSING_TOPICS, Answer, Detail, Statement
from .asked import content_words
from .facts import Facts
from .parsing.characters import plain
from .phi import find_identifiers, redact
from .protocol import Protocol, default_protocol
from .reading import read_facts
from .render import (
    QUESTIONS,
    card_text,
    headline_for,
    question_for,
    read_as,
    understood,
    usual_start,
)
from .rules.advice import recheck_for, urgent_warnings
from .rules.asking import count_question
from .rules.crcl_options import RenalRead, renal_read
from .rules.decide import decide, neutrophils_cannot_matter
from .rules.dose_questions import starting_dose, with_escalation
from .scores.vte import ALL_FACTORS, factor_values

MAX_CHARS = 2000
# Facts the rules vary that the contract names otherwise: which count fell is part of the episode.
CONTRACT_MISSING = {"which_fell": "episode", "count_side": "count"}
# Control characters other than tab and newlines, and the replacement character left by bad UTF-8.
_SLACK_MARKUP = re.compile(r"<[@#!][^>]*>")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")
DISCLAIMER = "Decision support only, not a prescription: check the patient, the current SmPC and your local protocol."
PHI_WARNING = Statement(
    text="Your message seems to hold a patient identifier. wardbot does not store it, but please delete it from your message.",
    cite="wardbot",
)


def answer(text: str, protocol: Protocol | None = None) -> Answer:
    """Answer one free-text ward message. Never raises: a failure becomes an apology answer."""
    protocol = protocol or default_protocol()
    try:
        return _answer(text, protocol)
    except Exception:  # noqa: BLE001 - no input may crash a surface; the CLI and Slack log the class
        return internal_error(protocol)


def vte_scores(stated: Mapping[str, object], protocol: Protocol | None = None) -> Answer:
    """The VTE card for factors given one by one (the Slack score form), not read from a message.

    Raises ValueError for a factor or value neither score knows.
    """
    from .lookup import SCORE_WORDS, info_answer

    protocol = protocol or default_protocol()
    for factor, value in stated.items():
        if factor not in ALL_FACTORS or value not in factor_values(factor) or type(value) not in (bool, str):
            raise ValueError(f"unknown VTE factor value {factor}={value!r}")
    facts = Facts(topics=("vte",), vte_factors={f: stated[f] for f in ALL_FACTORS if f in stated})  # the form's order
    common = dict(understood_=understood(facts), read=read_as(facts, protocol), warnings=[], scores={})
    return info_answer(facts, protocol, flags=set(), common=common, build=_build, asked=SCORE_WORDS)


INTERNAL_ERROR_HEADLINE = "Sorry: wardbot could not read that message"


def internal_error(protocol: Protocol | None = None) -> Answer:
    """A short apology, for when something inside went wrong."""
    protocol = protocol or default_protocol()
    return _build(
        protocol, status="rejected", headline=INTERNAL_ERROR_HEADLINE,
        question="Something went wrong on our side. Please rephrase, or ask a pharmacist.",
    )


def _answer(text: str, protocol: Protocol) -> Answer:
    problem = _unusable(text)
    if problem:
        return _build(protocol, status="rejected", headline="Message not usable", question=problem)

    # Invisible and other scripts' characters are folded first, so that they can hide neither a
    # figure nor an identifier. Slack's own markup (<@U0123ABCD>, <#C01|ward>) carries ids, not
    # patient identifiers.
    text = plain(text)
    identifiers = find_identifiers(_SLACK_MARKUP.sub(_blank, text))
    flags: set[str] = {"phi_detected"} if identifiers else set()
    warnings = [PHI_WARNING] if identifiers else []
    text = redact(text) if identifiers else text
    facts = read_facts(text, protocol)

    renal = renal_read(facts)
    scores = renal.scores
    if "crcl" in scores:
        facts = facts._replace(crcl=scores["crcl"]["ml_min"], crcl_source="calculated")
        warnings.append(Statement(
            text=f"CrCl {scores['crcl']['ml_min']:g} mL/min by Cockcroft-Gault, using {scores['crcl']['weight_used']} body weight"
                 + ("" if facts.height_cm else " (no height given)") + ".",
            cite="External: Cockcroft-Gault (NHS GGC weight convention)"))
    # Neutropenic sepsis is warned of on every answer, a look-up or a question as much as a dosing card.
    warnings[:0] = urgent_warnings(facts.readings, facts.fever, facts.temperature, protocol)
    seen = understood(facts)
    common = dict(understood_=seen, read=read_as(facts, protocol), warnings=warnings, scores=scores)

    if facts.implausible or any(r.implausible for r in facts.readings):
        what = "; ".join(facts.implausible)
        return _build(protocol, status="clarify", flags=flags | {"implausible_value"}, **common,
                      headline="Please check this value",
                      question=f"This value looks implausible: {what}. Please check it and send it again with its unit.")
    if facts.unreadable:
        # A named value with no figure the bot can read ("CrCl ?", "plt 1OO"): ask for it, as typed.
        what = "; ".join(f'{u.name} "{u.typed}"' for u in facts.unreadable)
        return _clarify(protocol, tuple(dict.fromkeys(u.missing for u in facts.unreadable)), flags, common,
                        lead=f"I could not read the figure given for {what}.")
    scope = _scope_problem(facts)
    if scope:
        return _build(protocol, status="out_of_scope", flags=flags, **common,
                      headline="Outside what wardbot covers", question=scope)
    if facts.myeloma_drugs:
        facts = facts._replace(topics=tuple(dict.fromkeys((*facts.topics, "other_agents"))))
    if (facts.readings or facts.counts_normal or facts.count_names_without_value or facts.unnamed_values
            or facts.other_counts or facts.crcl is not None or facts.creatinine is not None or facts.dialysis is True):
        return _dosing(facts, protocol, flags, renal, common, text)
    about_a_patient = facts.age is not None or facts.weight_kg is not None or facts.sex is not None
    if (facts.start_question or (facts.dosing_words and about_a_patient) or facts.doses_seen > 1) \
            and set(facts.topics) <= {"renal"}:
        # "she's 62, 58kg, what dose renally?": this patient's dose turns on a CrCl not given.
        return _clarify(protocol, ("crcl",), flags, common,
                        lead=usual_start(protocol))
    if facts.held and facts.dosing_words and set(facts.topics) <= {"neutropenia", "thrombocytopenia"}:
        # "restarting after a neutropenic hold, what dose": the restart dose turns on the counts and the dose held.
        return _clarify(protocol, ("count",) + (("current_dose",) if facts.dose is None else ()), flags, common)
    if facts.topics:
        from .lookup import (
            info_answer,  # the guidance file loads only when a look-up needs it
        )

        return info_answer(facts, protocol, flags=flags, common=common, build=_build, asked=content_words(text))
    if facts.dose is not None or facts.dialysis is False or facts.timing or facts.held:
        # "ok to start C4?", "can we restart len?": a dosing question without the counts.
        return _clarify(protocol, ("count",), flags, common)
    if facts.help or facts.lenalidomide_named:  # "what should I do about the lenalidomide?"
        return _build(protocol, status="clarify", flags=flags, **common, headline="What would you like to check?",
                      question='Send the counts, cycle day and dose, e.g. "plt 25 day 1 on 10mg CrCl 40", or a topic such as "spm" or "vte".')
    return _build(protocol, status="out_of_scope", flags=flags, **common, headline="Outside what wardbot covers",
                  question='wardbot answers lenalidomide maintenance questions: counts and doses ("neut 0.4 on 10mg"), renal dosing ("CrCl 35"), or topics such as SPM, VTE, rash or pregnancy.')


def _scope_problem(facts: Facts) -> str | None:
    """Why the message is not about lenalidomide maintenance, if it is not."""
    if facts.not_maintenance:
        return ("wardbot covers single-agent lenalidomide maintenance after autologous transplant only, "
                "not induction, relapse or other diseases.")
    if not facts.other_drugs:
        return None
    # "What dose of zoledronic acid with a CrCl of 40?" asks about the other drug; "on pomalidomide 4mg,
    # neut 0.4" is another regimen. A supportive drug's dose beside counts is only background.
    about_lenalidomide = facts.lenalidomide_named or facts.dose is not None
    dosed_other = facts.dosing_words or facts.other_drug_dosed
    other_dose = dosed_other and not about_lenalidomide and (facts.myeloma_drug_dosed or not facts.readings)
    # "carfilzomib infusion time?": how another drug is given is that drug's question.
    about_other = not facts.readings and not _lenalidomide_context(facts) and (facts.administration or
        facts.dosing_words or (not facts.lenalidomide_named and not {"dose_levels", "mtd"}.isdisjoint(facts.topics))
        or not (facts.topics or set(facts.other_drugs) <= set(facts.myeloma_drugs)))
    if other_dose or about_other:
        return f"wardbot answers about lenalidomide maintenance only; for {', '.join(facts.other_drugs)} ask your pharmacy or check its SmPC."
    return None


def _blank(m: re.Match[str]) -> str:
    # Same length, so identifier positions still index the original text.
    return " " * len(m.group())


def _unusable(text: object) -> str | None:
    if not isinstance(text, str):
        return "The message was not text."
    if not (text.strip() and (text.isascii() or plain(text).strip())):  # invisible characters alone are empty too
        return "The message was empty. Send the counts, cycle day and dose, or a topic such as \"spm\"."
    if len(text) > MAX_CHARS:
        return f"The message is longer than {MAX_CHARS} characters. Please send just the counts, cycle day and dose."
    controls = len(_CONTROL.findall(text)) if _CONTROL.search(text) else 0
    if "\x00" in text or controls > max(2, len(text) // 20):
        return "The message looks like binary data, not text."
    return None


def _lenalidomide_context(facts: Facts) -> bool:
    return facts.dose is not None or facts.crcl is not None or facts.count_names_without_value != ()


def _dosing(facts: Facts, protocol: Protocol, flags: set[str], renal: RenalRead, common: dict, text: str = "") -> Answer:
    asked = count_question(facts)
    if asked is not None:
        return _clarify(protocol, asked.missing, flags, common, lead=asked.lead, asks=QUESTIONS.get(asked.asks))
    decision = decide(facts, protocol, crcl_options=renal.options, renal_flags=renal.flags)
    if facts.white_cells_only and decision.outcome is not None and not neutrophils_cannot_matter(facts, protocol, renal):
        # A white count is not Table 2's count, and a low one may hide neutropenia.
        return _clarify(protocol, ("count",), flags, common, lead="A white cell count is not the neutrophil count Table 2 uses.",
                        asks=QUESTIONS["neutrophils"])
    if decision.outcome is None:
        return _clarify(protocol, decision.missing, flags, common, lead=decision.either_way)
    o, missing = decision.outcome, decision.missing
    if o.action == "continue" and o.dose is None and facts.start_question:
        started = starting_dose(o, missing, facts.dialysis, renal, protocol)
        if started is None:
            return _clarify(protocol, ("crcl",), flags, common, lead=usual_start(protocol))
        o, missing = started
    o = with_escalation(o, facts.topics, protocol)
    if set(facts.topics) - DOSING_TOPICS:  # "plt 20 d9 on 10mg, and is aspirin still ok?"
        from .lookup import with_side_topics

        o = with_side_topics(o, facts.topics, content_words(text))
    unit_flags = {"unit_assumed"} if any(r.unit_assumed for r in facts.readings) or facts.creatinine_unit_assumed else set()
    return _build(
        protocol, status="answered", action=o.action, dose=o.dose, flags=flags | set(o.flags) | unit_flags,
        recheck=recheck_for(o, protocol),
        topics=o.topics, citations=o.citations, missing=missing, reasons=o.reasons,
        condition=", ".join(x for x in (o.when, o.condition) if x) or None, **common,
    )


def _clarify(protocol, missing, flags, common, lead: str | None = None, asks: str | None = None) -> Answer:
    asks = asks or " ".join(question_for(m, protocol) for m in missing)
    question = f"{lead} {asks}" if lead else asks
    return _build(protocol, status="clarify", flags=flags, missing=tuple(missing), **common,
                  headline="One more fact needed", question=question)


def _build(protocol: Protocol, *, status: str, headline: str | None = None, question: str | None = None,
           action: str | None = None, dose=None, flags=(), topics=(), citations=(), missing=(), reasons=(),
           warnings=(), understood_: dict | None = None, read: str = "", scores: dict | None = None,
           condition: str | None = None, recheck: Statement | None = None) -> Answer:
    all_warnings = tuple(warnings) + tuple(r for r in reasons if r.cite.startswith("External"))
    detail = Detail(
        headline=headline or headline_for(status, action),
        read_as=read,
        dose_text=(f"{dose.label()}" + (f", {condition}" if condition else "")) if dose else None,
        recheck=recheck,
        reasons=tuple(r for r in reasons if not r.cite.startswith("External")),
        warnings=all_warnings,
        question=question,
        disclaimer=DISCLAIMER,
    )
    fields = dict(
        status=status, action=action, dose=dose, flags=tuple(sorted(set(flags))), topics=tuple(topics),
        citations=tuple(citations), missing=tuple(dict.fromkeys(CONTRACT_MISSING.get(m, m) for m in missing)),
        understood=understood_ or {},
        protocol=protocol.ref, scores=scores or {}, detail=detail,
    )
    return Answer(**fields, text=card_text(SimpleNamespace(**fields)))
