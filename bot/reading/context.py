"""Everything around the figures: timing in the cycle, history, topics, scope and VTE risk factors."""
from __future__ import annotations

import re

from ..parse import Item, Parsed
from .words import COUNT_NAMES, PAST_AFTER, is_word

TOPIC_OF = {
    "T_SPM": "spm", "T_VTE": "vte", "T_INFECTION": "infection", "T_GI": "gi", "T_NEUROPATHY": "neuropathy",
    "T_RASH": "rash", "T_PREGNANCY": "pregnancy", "T_PK": "pharmacokinetics", "T_HEPATIC": "hepatic",
    "T_TRIAL": "trials", "T_TRIALS": "trials", "T_MECHANISM": "mechanism", "T_MTD": "mtd",
    "T_OTHER_AGENT": "other_agents", "T_DOSE_LEVELS": "dose_levels", "T_RENAL": "renal", "T_GCSF": "neutropenia",
    "T_NEUTROPENIA": "neutropenia", "T_THROMBOCYTOPENIA": "thrombocytopenia",
    "VTE_HISTORY": "vte", "NO_VTE_HISTORY": "vte", "ANTICOAG_THERAPEUTIC": "vte", "ANTICOAG_PROPHYLACTIC": "vte",
    "NO_ANTICOAG": "vte", "ANTICOAG_DRUG": "vte",
}
_VTE_FLAGS = {
    "VTE_HISTORY": ("vte_history", True), "NO_VTE_HISTORY": ("vte_history", False), "OBESE": ("bmi_25", True),
    "FRACTURE": ("fracture", True), "ESA": ("esa", True), "DOXORUBICIN": ("doxorubicin", True),
    "ASIAN": ("asian", True), "CVC": ("cvc", True), "SURGERY": ("surgery_90d", True),
    "ANTICOAG_THERAPEUTIC": ("anticoagulation", "therapeutic"),
    "ANTICOAG_PROPHYLACTIC": ("anticoagulation", "prophylactic"), "NO_ANTICOAG": ("anticoagulation", "none"),
}
_INT = re.compile(r"\d+")
_CLAUSE = re.compile(r"[,;.()]")
_WAS_DAY = frozenset({"was", "were", "previous", "previously", "prior"})
# "was neutropenic", "neutropenic last week", "had a thrombocytopenic episode": a fall before now.
_PAST_NEAR = frozenset({"was", "were", "had", "recent", "recently", "previous", "previously", "prior",
                        "last", "before", "earlier", "episode", "ago"})
_HISTORY = frozenset({"had", "after", "post", "following", "previous", "prior", "completed", "finished"})
# "on 5 mg after a neutropenia episode": the episode is over and the dose already changed.
_OVER = frozenset({"after", "post", "since", "following"})


def is_held(items: list[Item]) -> bool:
    """Lenalidomide has been held for the counts ("after being held", "len paused", "when to restart").

    A hold for another reason ("held for surgery") says nothing about a fall.
    """
    held = any(
        it.kind == "kw" and (it.type in ("HELD", "HELD_WORD") or (it.type == "SUBSEQUENT" and "interruption" in it.text))
        for it in items
    )
    other_reason = any(is_word(it, _OTHER_REASONS) or (it.kind == "kw" and it.type in ("T_INFECTION", "SURGERY")) for it in items)
    return held and not other_reason


_OTHER_REASONS = frozenset({"surgery", "operation", "procedure", "holiday", "biopsy", "dental", "admission", "scan"})
_EVENT_WORDS = ("drop", "fall", "dip", "episode", "interruption")


def fallen_before(items: list[Item]) -> set[str]:
    """Counts said to have fallen before now, by name ("was neutropenic last week"); a name with
    "?" when the fall is said to be over without saying whether the drug was held ("post neutropenia")."""
    out = set()
    for i, it in enumerate(items):
        if it.kind == "kw" and it.type in ("FIRST_EPISODE", "SUBSEQUENT") and any(w in it.text for w in _EVENT_WORDS):
            # "after the 2nd drop": a fall happened, so a count back above its threshold has recovered.
            out |= {"neutrophils", "platelets"}
        if it.kind == "kw" and it.type in ("T_NEUTROPENIA", "T_THROMBOCYTOPENIA"):
            before, after = items[max(0, i - 3) : i], items[i + 1 : i + 3]
            if any(is_word(x, _OVER) for x in before):
                out.add(COUNT_NAMES[it.type] + "?")  # over, but held or already restarted is not said
                continue
            if any(is_word(x, _PAST_NEAR) for x in before + after):
                out.add(COUNT_NAMES[it.type])
    return out


def read_timing(msg: Parsed, implausible: list[str]) -> dict:
    """Cycle and day, and day 1 or mid-cycle; an explicit day wins over a phrase."""
    items = msg.items
    day = cycle = None
    phrase = None
    for i, it in enumerate(items):
        if it.kind != "timing":
            continue
        new_clause = i > 0 and bool(_CLAUSE.search(msg.text[items[i - 1].end : it.start]))
        if any(is_word(x, PAST_AFTER) for x in items[i + 1 : i + 3]) or (
                not new_clause and any(is_word(x, _WAS_DAY) for x in items[max(0, i - 3) : i])):
            continue  # "was 20 on d12 last cycle": that day is not today's
        nums = [int(n) for n in _INT.findall(it.text)]
        if it.type == "CYCLE_DAY":
            cycle, d = nums[0], nums[1]
            day = d if day is None else day
        elif it.type == "DAY_N":
            day = nums[0] if day is None else day
        elif it.type == "CYCLE_N":
            cycle = nums[0] if cycle is None else cycle
        elif it.type == "DAY1_PHRASE":
            phrase = phrase or "day1"
            if nums and cycle is None:
                cycle = nums[0]
        elif it.type == "MID_CYCLE":
            phrase = "mid_cycle" if phrase is None else phrase
            if nums and cycle is None:
                cycle = nums[0]
        elif it.type == "NEXT_CYCLE":
            phrase = phrase or "day1"
    if day is not None and not 1 <= day <= 28:
        implausible.append(f"day {day} of a 28-day cycle")
        day = None
    timing = ("day1" if day == 1 else "mid_cycle") if day is not None else phrase
    return {"cycle": cycle, "cycle_day": day, "timing": timing}


def read_context(msg: Parsed) -> dict:
    """Episode, topics, the trial named, intent and scope words, VTE risk factors."""
    items = msg.items
    kw = [it for it in items if it.kind == "kw"]
    types = {it.type for it in kw}
    first, later = "FIRST_EPISODE" in types, "SUBSEQUENT" in types
    out: dict = {"episode": None if first and later else "first" if first else "subsequent" if later else None}
    out["topics"] = tuple(dict.fromkeys(TOPIC_OF[it.type] for it in kw if it.type in TOPIC_OF))
    out["trial"] = next((it.text for it in kw if it.type == "T_TRIAL"), None)
    out["lenalidomide_named"] = "LEN" in types
    out["start_question"] = "START_Q" in types
    out["dosing_words"] = bool(types & {"DOSING", "START_Q"})
    out["help"] = "HELP" in types
    # Dexamethasone is read as a VTE risk factor too, but a dose question about it is about another drug.
    out["other_drugs"] = tuple(dict.fromkeys(
        "dexamethasone" if it.type == "DEX" else it.text for it in kw if it.type in ("OTHER_DRUG", "DEX", "ANTICOAG_DRUG")
    ))
    # "relapsed", "lymphoma": another setting; "had VRD induction" is only history.
    out["not_maintenance"] = any(
        it.kind == "kw" and it.type == "NOT_MAINTENANCE" and not any(is_word(x, _HISTORY) for x in items[max(0, i - 2) : i])
        for i, it in enumerate(items)
    )
    out["counts_normal"] = "COUNTS_OK" in types
    out["transfused"] = "TRANSFUSION" in types
    out["held"] = is_held(items)
    renal_words = [it.text for it in kw if it.type == "T_RENAL"]
    out["renal_mentioned"] = bool(renal_words)
    out["acute_kidney_injury"] = any(w.startswith(("aki", "acute")) for w in renal_words)
    return out


def vte_factors(items: list[Item], age: float | None, bmi: float | None) -> dict[str, object]:
    """IMPEDE VTE and SAVED factors the message states (absent ones stay unstated)."""
    stated: dict[str, object] = {}
    for it in items:
        if it.kind == "kw" and it.type in _VTE_FLAGS:
            key, value = _VTE_FLAGS[it.type]
            stated.setdefault(key, value)
        elif it.kind == "kw" and it.type == "DEX":
            # Plain "dex" says nothing of the dose, so it stays unstated.
            if "high" in it.text or "low" in it.text:
                stated["dexamethasone"] = "high" if "high" in it.text else "low"
    if bmi is not None:
        stated["bmi_25"] = bmi >= 25
    if age is not None:
        stated["age_80"] = age >= 80
    return stated
