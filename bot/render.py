"""Plain-text forms of an answer: what was read, the headline, the card and the questions asked."""
from __future__ import annotations

import re
from typing import Any

from .answer import Answer
from .facts import Facts, Reading
from .protocol import Protocol

QUESTIONS = {
    "count": "Which count is low, and its value? (neutrophils and/or platelets, in x10^9/L)",
    "count_type": "Which count is that figure: neutrophils or platelets?",
    "cycle_day": "Is this on day 1 of a cycle (before it starts) or during a cycle? Table 2 treats platelets below {platelets} differently.",
    "current_dose": "What dose is the patient on now (e.g. {start}, or {lowest})?",
    "episode": "Is this the first fall, or a repeat one?",
    "crcl": "What is the creatinine clearance (mL/min)? Or give creatinine with age, sex and weight and I will calculate it.",
    "dialysis": "Is the patient on dialysis?",
    # Not contract `missing` names: sharper wording for a count that was given but is unclear.
    "count_now": "What is the count now (the latest figure)?",
    "counts_today": "What are today's neutrophils and platelets (x10^9/L), from a sample you are sure of?",
    "neutrophils": "What is today's neutrophil count (x10^9/L)?",
    "held": "Is lenalidomide still held since that fall, or already restarted at this dose?",
    "which_fell": "Which count fell before lenalidomide was held: neutrophils, platelets, or both?",
    "count_side": "What is the count itself? The grade or bound given spans Table 2's threshold, and the answer differs either side of it.",
}

def question_for(key: str, protocol: Protocol) -> str:
    """A question to ask, with the figures of the protocol in force."""
    return QUESTIONS[key].format(**_figures(protocol))


def usual_start(protocol: Protocol) -> str:
    """The lead of a starting-dose question: the protocol's start dose, and that the kidneys may lower it."""
    return f"The usual start is {_short(protocol.ladder.start)} ({protocol.ladder.cite}), lower in renal impairment (6.2)."


def _short(dose) -> str:
    return f"{_num(dose.mg)} mg daily days {dose.days}"


def _figures(protocol: Protocol) -> dict[str, str]:
    return {"platelets": _num(protocol.counts["platelets"].threshold), "neutrophils": _num(protocol.counts["neutrophils"].threshold),
            "start": _short(protocol.ladder.start), "lowest": _short(protocol.ladder.steps[-1])}


HEADLINES = {
    "interrupt": "Withhold lenalidomide now",
    "delay_cycle": "Do not start this cycle: delay it by a week and recheck",
    "resume": "Restart lenalidomide at the lower dose",
    "continue": "No change: carry on at the current dose",
    "start": "Renal dose",
    "refer": "No protocol step: senior haematology or pharmacy decision needed",
    "info": "Guidance",
}

STATUS_HEADLINES = {
    "clarify": "One more fact needed",
    "out_of_scope": "Outside what wardbot covers",
    "rejected": "Message not usable",
}


def headline_for(status: str, action: str | None) -> str:
    """The action in plain words."""
    if status != "answered":
        return STATUS_HEADLINES[status]
    return HEADLINES.get(action or "", "Answer")


def _num(v: float) -> str:
    return f"{v:g}"


_SIDE = {"below": "below ", "at_most": "at most ", "above": "at least ", "approx": "about "}


def _bounded(value: float, bound: str | None, upper: float | None, unit: str) -> str:
    """A figure as read, with its bound in words: "below 0.5", "at most 30", "30-40"."""
    if bound == "range" and upper is not None:
        return f"{_num(value)}-{_num(upper)} {unit}"
    return f"{_SIDE.get(bound or '', '')}{_num(value)} {unit}"


def grade_of(r: Reading, protocol: Protocol) -> str | None:
    """The CTCAE grade a count's figure falls in, named with its source (shown only; the rules never use it)."""
    rule = protocol.counts.get(r.count)
    if rule is None or not rule.grades or r.bound not in (None, "below"):
        return None
    for grade, (lo, hi) in rule.grades.items():
        if hi == "lln":
            continue  # grade 1 runs up to the laboratory's lower limit, which the message does not give
        inside = lo == 0 and r.value <= hi if r.bound == "below" else lo <= r.value < hi
        if inside:
            source = rule.grades_cite.removeprefix("External: ").split(" (")[0]
            return f"{source} grade {grade}"
    return None


def read_as(f: Facts, protocol: Protocol | None = None) -> str:
    """The normalised facts in one line, so a misreading is visible (with the protocol, each count's CTCAE grade)."""
    parts: list[str] = []
    for r in f.readings:
        if r.ambiguous and "/" in r.typed:
            parts.append(f"{r.count} {r.typed} (which is current is unclear)")
            continue
        if r.grade and r.ambiguous:
            parts.append(f"{r.count} as {r.grade} (no figure)")
            continue
        if r.normal:
            parts.append(f"{r.count} reported normal (no figure)")
            continue
        text = f"{r.count} {_bounded(r.value, r.bound, r.upper, 'x10^9/L')}"
        if r.grade:
            text += f" (from \"{r.grade}\", CTCAE)"
        elif protocol is not None and (named := grade_of(r, protocol)):
            text += f" ({named})"
        if r.earlier:
            text += f" (earlier {', '.join(_num(v) for v in r.earlier)})"
        if r.converted or r.unit_assumed:
            text += f" (from \"{r.typed}\", unit assumed)" if r.unit_assumed else f" (from \"{r.typed}\" per microlitre)"
        if r.recovered:
            text += ", recovered after a fall"
        elif r.recovered is None:
            text += ", may be the count that fell (not said)"
        parts.append(text)
    parts += [f"{u.name} \"{u.typed}\" (could not be read)" for u in f.unreadable]
    if f.counts_normal and not f.readings:
        parts.append("counts reported normal (no figures)")
    parts += [f"{n.lower()} with no value" for n in f.count_names_without_value if n != "COUNT_GENERIC"]
    parts += [f"value {v} with no count name" for v in f.unnamed_values]
    parts += [f"{c} (not used by Table 2)" for c in f.other_counts]
    if f.cycle_days_unsure:
        parts.append(" or ".join(f"day {d}" for d in f.cycle_days_unsure) + " (which is today's is not said)")
    elif f.cycle_day is not None:
        parts.append(f"day {f.cycle_day}" + (f" of cycle {f.cycle}" if f.cycle else ""))
    elif f.timing == "day1":
        parts.append("day 1 (start of a cycle)" + (f", cycle {f.cycle}" if f.cycle else ""))
    elif f.timing == "mid_cycle":
        parts.append("during a cycle" + (f" (cycle {f.cycle})" if f.cycle else ""))
    elif f.cycle:
        parts.append(f"cycle {f.cycle}, day not given")
    if f.episode:
        parts.append("first fall" if f.episode == "first" else "repeat fall")
    if f.dose:
        if f.dose.non_daily:
            parts.append(f"{_num(f.dose.mg)} mg, not once daily")
        else:
            days = f"days {f.dose.days}" if f.dose.days else "days 1-28 (schedule not stated, assumed)"
            parts.append(f"{_num(f.dose.mg)} mg daily, {days}" + (" (the dose started on)" if f.dose.starting else ""))
    elif f.doses_seen > 1:
        parts.append("several doses given, none marked as current")
    if f.crcl is not None:
        source = {"stated": "", "egfr": " (eGFR given, used as CrCl)", "calculated": " (Cockcroft-Gault)"}[f.crcl_source or "stated"]
        parts.append(f"CrCl {_bounded(f.crcl, f.crcl_bound, f.crcl_upper, 'mL/min')}{source}")
    if f.creatinine is not None:
        parts.append(f"creatinine {_num(f.creatinine)} {f.creatinine_unit}" + (" (unit assumed)" if f.creatinine_unit_assumed else ""))
    patient = [x for x in (
        f"age {_num(f.age)}" if f.age is not None else "",
        f.sex or "",
        f"{_num(f.weight_kg)} kg" if f.weight_kg is not None else "",
        f"{_num(f.height_cm)} cm" if f.height_cm is not None else "",
    ) if x]
    parts += patient
    if f.dialysis is not None:
        parts.append("on dialysis" if f.dialysis else "not on dialysis")
    if f.vte_factors and "vte" in f.topics:
        parts.append("VTE factors: " + ", ".join(_factor(k, v) for k, v in f.vte_factors.items()))
    if f.topics:
        parts.append("topics: " + ", ".join(f.topics))
    if f.set_aside:
        parts.append("set aside: " + ", ".join(f"{a.typed} ({a.as_})" for a in f.set_aside))
    return ", ".join(parts) if parts else "nothing clinical recognised"


FACTOR_LABELS = {
    "bmi_25": "BMI 25 or more", "fracture": "pelvic, hip or femur fracture", "esa": "ESA (erythropoietin)",
    "dexamethasone": "dexamethasone", "doxorubicin": "doxorubicin", "asian": "Asian or Pacific Islander",
    "vte_history": "previous VTE", "cvc": "central line", "anticoagulation": "anticoagulation",
    "surgery_90d": "surgery within 90 days", "age_80": "age 80 or over",
}


def factor_label(key: str) -> str:
    """A VTE score factor in words."""
    return FACTOR_LABELS.get(key, key.replace("_", " "))


def _factor(key: str, value: object) -> str:
    name = factor_label(key)
    if value is True:
        return name
    if value is False:
        return f"no {name}"
    return f"{name} {value}"


def understood(f: Facts) -> dict[str, Any]:
    """The facts as the contract's `understood` object (values in x10^9/L, mL/min, mg)."""
    out: dict[str, Any] = {}
    for r in f.readings:
        out[r.count] = r.value
        if r.normal:
            out[f"{r.count}_reported_normal"] = True  # no figure: the value is the threshold it is not below
        if r.bound:
            out[f"{r.count}_bound"] = r.bound
        if r.bound == "range" and r.upper is not None:
            out[f"{r.count}_upper"] = r.upper
        if r.grade:
            out[f"{r.count}_grade"] = r.grade
        if r.recovered:
            out.setdefault("recovered", []).append(r.count)
        if r.earlier:
            out[f"{r.count}_earlier"] = list(r.earlier)
    for key in ("cycle", "cycle_day", "timing", "days_post_transplant", "episode", "crcl", "crcl_source", "crcl_bound", "crcl_upper", "dialysis", "creatinine",
                "creatinine_unit", "age", "sex", "weight_kg", "height_cm", "bmi", "trial"):
        value = getattr(f, key)
        if value is not None:
            out[key] = value
    if f.dose:
        out["current_dose"] = {"mg": int(f.dose.mg) if f.dose.mg.is_integer() else f.dose.mg,
                               "days": f.dose.days or "1-28", "schedule_stated": f.dose.days is not None}
    if f.topics:
        out["topics"] = list(f.topics)
    if f.count_names_without_value:
        out["counts_without_value"] = list(f.count_names_without_value)
    if f.unnamed_values:
        out["values_without_count"] = list(f.unnamed_values)
    if f.other_drugs:
        out["other_drugs"] = list(f.other_drugs)
    if f.unreadable:
        out["unreadable"] = [{"name": u.name, "typed": u.typed} for u in f.unreadable]
    if f.set_aside:
        out["set_aside"] = [{"typed": a.typed, "as": a.as_} for a in f.set_aside]
    return out


def card_text(a: Answer) -> str:
    """The card as plain text: read-as, action, dose, why, warnings, citations, protocol, disclaimer.

    `a` may also be anything with an Answer's fields: the engine renders before it builds the Answer.
    """
    d = a.detail
    lines = [d.headline.upper()]
    if d.read_as:
        lines.append(f"Read as: {d.read_as}")
    if d.question:
        lines.append(d.question)
    if a.missing and a.status == "clarify":
        lines.append("Missing: " + ", ".join(m.replace("_", " ") for m in a.missing))
    if d.dose_text:
        lines.append(f"Next dose: {d.dose_text}")
    elif a.status == "answered" and a.action in ("interrupt", "delay_cycle", "refer") and "no_further_reduction" in a.flags:
        lines.append("Next dose: none on the ladder (no further reduction)")
    if d.recheck:
        lines.append(f"Recheck {d.recheck.text} [{cite_label(d.recheck.cite)}]")
    if d.reasons:
        lines.append("Why:")
        lines += [f"- {r.text} [{cite_label(r.cite)}]" for r in d.reasons]
    if d.warnings:
        lines.append("Caution:")
        lines += [f"! {w.text} [{cite_label(w.cite)}]" for w in d.warnings]
    if a.status == "answered" and a.missing:
        lines.append("Would sharpen the answer: " + ", ".join(m.replace("_", " ") for m in a.missing))
    if a.citations:
        lines.append("Sources: " + ", ".join(cite_label(c) for c in a.citations))
    lines.append(f"Protocol: {a.protocol.name}, version {a.protocol.version}")
    lines.append(d.disclaimer)
    return "\n".join(lines)


_SECTION_NUMBER = re.compile(r"\d+(\.\d+)*")


def cite_label(cite: str) -> str:
    """How a citation reads on a card: a bare section number is a section of the review; the rest as they are."""
    return f"review {cite}" if _SECTION_NUMBER.fullmatch(cite) else cite
