"""Everything around the figures: topics, the trial named, intent and scope words, VTE risk factors."""
from __future__ import annotations

import re

from ..parsing import Item, Kind, Parsed
from .words import clause, is_word

TOPIC_OF = {
    "T_SPM": "spm", "T_VTE": "vte", "VTE_DRUG": "vte", "T_INFECTION": "infection", "FEVER": "infection",
    "FEVER_TEMPERATURE": "infection",
    "T_GI": "gi", "T_NEUROPATHY": "neuropathy",
    "T_RASH": "rash", "T_PREGNANCY": "pregnancy", "T_PK": "pharmacokinetics", "T_HEPATIC": "hepatic",
    "T_TRIAL": "trials", "T_TRIALS": "trials", "T_DURATION": "trials", "T_START_CRITERIA": "dose_levels", "T_NICE": "dose_levels", "T_MECHANISM": "mechanism", "T_MTD": "mtd",
    "T_OTHER_AGENT": "other_agents", "T_DOSE_LEVELS": "dose_levels", "T_RENAL": "renal", "T_GCSF": "neutropenia",
    "T_NEUTROPENIA": "neutropenia", "T_THROMBOCYTOPENIA": "thrombocytopenia",
    "T_MISSED_DOSE": "missed_dose", "T_MONITORING": "monitoring", "GENE": "mechanism",
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
_RED_CELLS = frozenset({"anaemia", "anemia", "anaemic", "anemic", "rbc", "rbcs", "red", "prbc", "blood"})
_HISTORY = frozenset({"had", "after", "post", "following", "previous", "prior", "completed", "finished"})
_FEVER = frozenset({"FEVER", "FEVER_TEMPERATURE"})
_DENIED = frozenset({"no", "not", "nil", "without", "never", "isn't", "wasn't"})
_BEFORE_NOW = frozenset({"after", "following", "previous", "earlier", "prior", "last"})
_TEMPERATURES = frozenset({"TEMPERATURE", "FEVER_TEMPERATURE"})
_DEGREES = re.compile(r"(?:3[4-9]|4[0-3])(?:\.\d{1,2})?(?![\d.])")
_DRUGS = frozenset({"OTHER_DRUG", "MYELOMA_DRUG", "CANCER_DRUG", "DEX", "ANTICOAG_DRUG"})
# Inside these items the drug or cytopenia token still names a topic ("aspirin 75", "grade 4 neutropenia").
_WITH_KEYWORDS = (Kind.OTHER_DOSE, Kind.GRADE)


def keywords(msg: Parsed) -> list[tuple[int, str, str]]:
    """(item index, token type, text) of each keyword, on its own or inside another drug's dose or a grade."""
    out = []
    for i, it in enumerate(msg.items):
        if it.kind is Kind.KEYWORD:
            out.append((i, it.type, it.text))
        elif it.kind in _WITH_KEYWORDS:
            out += [(i, t, text) for t, text in it.parts if t != "GRADE"]
    return out


def read_context(msg: Parsed) -> dict:
    """Topics, the trial named, intent and scope words (as Facts fields)."""
    items = msg.items
    kw = keywords(msg)
    types = {t for _, t, _ in kw}
    out: dict = {}
    out["topics"] = tuple(dict.fromkeys(TOPIC_OF[t] for _, t, _ in kw if t in TOPIC_OF))
    if "NON_DAILY" in types and not msg.has(Kind.DOSE, Kind.COUNT, Kind.FIGURE, Kind.RENAL) and not out["topics"]:
        # "twice daily len?" with no dose or count: a question about the schedule itself.
        out["topics"] = ("pharmacokinetics",)
    out["trial"] = next((text for _, t, text in kw if t == "T_TRIAL"), None) if "T_TRIAL" in types else None
    out["lenalidomide_named"] = msg.has("LEN")
    out["start_question"] = bool(types & {"START_Q", "START_TREATMENT"})
    out["dosing_words"] = bool(types & {"DOSING", "START_Q"})
    out["help"] = "HELP" in types
    out["administration"] = "ADMINISTRATION" in types
    # Dexamethasone is read as a VTE risk factor too, but a dose question about it is about another drug.
    out["other_drugs"] = tuple(dict.fromkeys(
        "dexamethasone" if t == "DEX" else text for _, t, text in kw if t in _DRUGS
    )) if not types.isdisjoint(_DRUGS) else ()
    out["myeloma_drugs"] = tuple(dict.fromkeys(text for _, t, text in kw if t == "MYELOMA_DRUG")) if "MYELOMA_DRUG" in types else ()
    # "relapsed", "lymphoma": another setting; "had VRD induction", "dex in induction" said in the past is history.
    out["not_maintenance"] = "NOT_MAINTENANCE" in types and any(
        t == "NOT_MAINTENANCE" and not any(is_word(x, _HISTORY) for x in items[max(0, i - 2) : i]) and not _in_the_past(items, i)
        and not _before_the_transplant(items, i)
        for i, t, _ in kw
    )
    out["counts_normal"] = "COUNTS_OK" in types
    # "repeated after a clumped sample": a doubt about an earlier sample is not one about these figures.
    # "no clumps seen", "not haemolysed": a doubt denied is none.
    out["counts_doubted"] = next((msg.typed(items[i]) for i, t, _ in kw if t == "FIGURE_DOUBT"
                                  and not any(is_word(x, _BEFORE_NOW | _DENIED) for x in items[max(0, i - 3) : i])),
                                 None) if "FIGURE_DOUBT" in types else None
    out["counts_not_current"] = next((msg.typed(items[i]) for i, t, _ in kw if t == "COUNTS_NOT_CURRENT"),
                                     None) if "COUNTS_NOT_CURRENT" in types else None
    # A platelet transfusion hides a recovery; red cells for anaemia ("Hb 74, transfuse") do not.
    red_cells = "TRANSFUSION" in types and (msg.has("HB") or any(is_word(it, _RED_CELLS) for it in items))
    out["transfused"] = "TRANSFUSION" in types and any(
        t == "TRANSFUSION" and ("platelet" in text or "pool" in text or not red_cells) for _, t, text in kw)
    out["fever"] = bool(types & _FEVER)
    temps = [float(m.group()) for _, t, text in kw if t in _TEMPERATURES for m in [_DEGREES.search(text)] if m] \
        if not types.isdisjoint(_TEMPERATURES) else []
    out["temperature"] = max(temps) if temps else None
    renal_words = [(i, text) for i, t, text in kw if t == "T_RENAL"] if "T_RENAL" in types else []
    out["renal_mentioned"] = bool(renal_words)
    # An AKI now leaves an older CrCl unsafe to use; one in the past ("during an AKI last year") does not.
    out["acute_kidney_injury"] = any(w.startswith(("aki", "acute")) and not _in_the_past(items, i) for i, w in renal_words)
    return out


_TRANSPLANT = frozenset({"asct", "transplant", "auto", "autograft", "sct", "bmt"})
_PAST_WORDS = frozenset({"was", "were", "had", "ago", "last", "previous", "previously", "prior", "old",
                         "resolved", "recovered", "earlier", "former", "formerly", "not", "history", "hx"})


def _in_the_past(items: tuple[Item, ...], i: int) -> bool:
    """Whether the clause item i stands in puts it in the past, or denies it ("not the 25mg from her old protocol")."""
    return any(is_word(items[k], _PAST_WORDS) for k in clause(items, i) if k != i)


def _before_the_transplant(items: tuple[Item, ...], i: int) -> bool:
    """ "VRd induction then ASCT in March": a treatment the transplant followed is history."""
    return any(is_word(x, ("then",)) for x in items[i + 1 : i + 3]) and any(
        x.text in _TRANSPLANT for x in items[i + 1 : i + 5])


def vte_factors(msg: Parsed, age: float | None, bmi: float | None) -> dict[str, object]:
    """IMPEDE VTE and SAVED factors the message states (absent ones stay unstated)."""
    stated: dict[str, object] = {}
    for _, t, text in keywords(msg):
        if t in _VTE_FLAGS:
            key, value = _VTE_FLAGS[t]
            stated.setdefault(key, value)
        elif t == "DEX":
            # Plain "dex" says nothing of the dose, so it stays unstated.
            if "high" in text or "low" in text:
                stated["dexamethasone"] = "high" if "high" in text else "low"
    if bmi is not None:
        stated["bmi_25"] = bmi >= 25
    if age is not None:
        stated["age_80"] = age >= 80
    return stated


