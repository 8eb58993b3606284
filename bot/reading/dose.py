"""The current lenalidomide dose: which of the doses a message names is the one being taken now.

A dose can be current ("on 10mg", "reduced to 10mg", "now 10mg"), past ("was on 15mg",
"from 15mg", "15mg until last cycle") or proposed ("go up to 15mg", "escalate to 15").
Only a current one is used; when none or several remain, the dose is left unknown. A dose
written against another drug ("aciclovir 400mg", "400mg aciclovir", "amlodipine 5mg") is
that drug's, and is set aside.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..facts import DoseRead, Unreadable
from ..parsing import Item, Kind, Parsed
from ..protocol import Protocol
from .words import Claim, Claims, Role, free, is_kw

_SCHED_DAYS = {"SCHED_21": "1-21", "SCHEDULE_ALONE": "1-21", "SCHED_28": "1-28", "DAILY": None}
# "was on 15mg" may be the dose before a hold (the one Table 2 steps down from); "from 15mg",
# "15mg until last cycle", "no longer on 15mg" have been replaced.
_WAS = frozenset({"was", "were", "previously", "before", "prior", "formerly", "originally"})
_REPLACED_BEFORE = frozenset({"until", "longer", "stopped", "used"})
_REPLACED_AFTER = frozenset({"reduced", "decreased", "cut", "lowered", "stopped", "until", "changed"})
_CHANGED = frozenset({"reduced", "decreased", "cut", "lowered", "down", "dropped", "increased", "escalated",
                      "raised", "went", "came", "been", "changed", "switched", "moved", "reduction", "decrease"})
_PROPOSED = frozenset({"give", "start", "restart", "try", "escalate", "increase", "raise", "consider", "use",
                       "suggest", "suggests", "suggested", "plan", "planned", "planning", "want", "wants", "wanted",
                       "script", "prescribe", "prescribed", "propose", "proposed"})
# Words that look like another drug's name ("amlodipine 5mg", "ramipril 10mg", "prednisolone 30").
_DRUG_ENDINGS = ("pril", "sartan", "olol", "dipine", "statin", "olone", "isone", "sone", "azole", "cillin", "mycin",
                 "floxacin", "prazole", "xaban", "parin", "mab", "tinib", "vir", "dronate", "amide", "azine",
                 "oxetine", "idone", "ipine", "pam", "lam", "zepam", "fen", "profen", "phen", "ide", "ine", "xime",
                 "cycline", "conazole", "setron", "pramide", "thyroxine", "semide", "thiazide", "lukast")
_TO = frozenset({"to", "into"})
# "is 15mg ok?": a dose asked about.
_ASKED_AFTER = frozenset({"ok", "okay", "fine", "safe", "suitable"})
_OTHER_DRUG = frozenset({"OTHER_DRUG", "ANTICOAG_DRUG", "ANTICOAG_THERAPEUTIC", "ANTICOAG_PROPHYLACTIC", "VTE_DRUG",
                         "DEX", "T_GCSF"})
# "escalate to 15", "reduced to 10 last cycle": a dose change written without mg.
_CHANGE_VERBS = frozenset({"reduced", "reduce", "decreased", "decrease", "lowered", "lower", "cut", "escalate",
                           "escalated", "increase", "increased"})


@dataclass(frozen=True, slots=True)
class _Dose:
    """A dose the message names: where, its figure, schedule, and what it is."""

    index: int
    mg: float
    typed: str
    schedule: str | None
    status: str  # changed, current, was, from, replaced, proposed or other


@dataclass(frozen=True, slots=True)
class DoseFound:
    """The current dose, how many doses were named, other drugs' doses, and the figures claimed."""

    dose: DoseRead | None
    doses_seen: int
    other_drug_dosed: bool
    myeloma_drug_dosed: bool
    implausible: tuple[str, ...]
    unreadable: tuple[Unreadable, ...]
    claims: dict[int, Claim]


def _drug_like(it: Item) -> bool:
    return it.kind is Kind.WORD and len(it.text) >= 5 and it.text.endswith(_DRUG_ENDINGS)


def _status(items: tuple[Item, ...], i: int) -> str:
    """changed (the dose after a change), current, was, from, replaced, proposed or other (another drug's)."""
    before = items[max(0, i - 5) : i]
    texts = [it.text for it in before]
    after = [it.text for it in items[i + 1 : i + 3]]
    nxt = items[i + 1] if i + 1 < len(items) else None
    if before and ((before[-1].kind is Kind.KEYWORD and before[-1].type in _OTHER_DRUG)
                   or (_drug_like(before[-1]) and not items[i].text[:1].isalpha())):
        return "other"
    if nxt is not None and items[i].kind is Kind.DOSE and items[i].type == "MG" and (
            (nxt.kind is Kind.KEYWORD and nxt.type in _OTHER_DRUG) or _drug_like(nxt)):
        return "other"  # "400mg aciclovir"
    if any(is_kw(it, "NOW") for it in before[-2:]):
        return "current"
    if any(t in _REPLACED_BEFORE for t in texts[-3:]) or any(t in _REPLACED_AFTER for t in after):
        return "replaced"
    if texts[-1:] == ["from"]:
        return "from"  # replaced by a change that happened, current if the change is only proposed
    if before and is_kw(before[-1], "T_DOSE_LEVELS") and re.search(r"(ed|en)\s+to$", texts[-1]):
        return "changed"  # "increased to 15mg", "escalated to 15mg" happened
    if texts and (texts[-1] in _TO or texts[-1].endswith(" to") or is_kw(before[-1], "T_DOSE_LEVELS")):
        # "reduced to 10mg" happened; "go up to 15mg" / "increase to 15mg" is asked about.
        return "changed" if any(t in _CHANGED or t.split()[0] in _CHANGED for t in texts[:-1] + texts[-1:]) else "proposed"
    asked = "instead" in after or (texts[-1:] in (["is"], ["would"], ["will"]) and after[:1] and after[0] in _ASKED_AFTER)
    if (any(t in _PROPOSED for t in texts[-2:]) or asked
            or any(is_kw(it, "T_DOSE_LEVELS", "START_Q") for it in before[-3:])):
        return "proposed"
    if any(t in _WAS for t in texts[-2:]):
        return "was"
    return "current"


def _unit_free_change(items: tuple[Item, ...], j: int) -> bool:
    """ "escalate to 15", "reduced to 10": a free figure right after a dose change and "to"."""
    if j < 1:
        return False
    prev = items[j - 1]
    if is_kw(prev, "T_DOSE_LEVELS") and prev.text.endswith("to"):
        return True  # "increase her to 15"
    return prev.text in _TO and j >= 2 and (
        is_kw(items[j - 2], "T_DOSE_LEVELS") or (items[j - 2].kind is Kind.WORD and items[j - 2].text in _CHANGE_VERBS))


def _drug_name(items: tuple[Item, ...], i: int) -> str:
    """The other drug a dose at i is written against: the word before it, else the one after."""
    before = items[i - 1] if i else None
    if before is not None and (_drug_like(before) or before.kind is Kind.KEYWORD):
        return before.text
    return items[i + 1].text


def read_dose(msg: Parsed, protocol: Protocol, taken: Claims) -> DoseFound:
    """The current dose (as `dose`), how many distinct doses were named, and other drugs' doses."""
    items = msg.items
    lo, hi = protocol.ladder.plausible_mg
    claims: dict[int, Claim] = {}
    unreadable: list[Unreadable] = []
    doses: list[_Dose] = []
    for i, it in enumerate(items):
        if it.kind is Kind.OTHER_DOSE:
            claims[i] = Claim(Role.ASIDE, f"{it.parts[0][1]} dose")
        elif it.kind is Kind.DOSE:
            status = _status(items, i)
            if status == "other":
                claims[i] = Claim(Role.ASIDE, f"{_drug_name(items, i)} dose")
            elif not it.num.readable:
                unreadable.append(Unreadable("lenalidomide dose", msg.typed(it.num), "current_dose"))
            else:
                doses.append(_Dose(i, it.num.value, it.text, it.extra, status))
        elif free(items, i, taken) and it.num.readable and not it.num.bound and _unit_free_change(items, i):
            if lo <= it.num.value <= hi:
                claims[i] = Claim(Role.DOSE)
                doses.append(_Dose(i, it.num.value, it.text, None, _status(items, i)))
        elif free(items, i, taken) and i and _drug_like(items[i - 1]):
            claims[i] = Claim(Role.ASIDE, f"{items[i - 1].text} dose")
    current = _current(doses)
    found = dict(doses_seen=len({d.mg for d in doses}), other_drug_dosed=any(c.label.endswith(" dose") for c in claims.values()),
                 myeloma_drug_dosed=any(it.kind is Kind.OTHER_DOSE and it.type == "MYELOMA_DRUG" for it in items),
                 unreadable=tuple(unreadable), claims=claims)
    if current is None:
        return DoseFound(None, implausible=(), **found)
    if not lo <= current.mg <= hi:
        return DoseFound(None, implausible=(f"dose {current.typed}",), **found)
    lone = [it.type for it in items if it.kind is Kind.KEYWORD and it.type in _SCHED_DAYS]
    sched = current.schedule or next((s for s in lone if _SCHED_DAYS[s]), None)
    if "SCHED_21" in lone or any(d.schedule in ("SCHED_21", "SCHEDULE_ALONE") for d in doses if d.mg == current.mg):
        sched = "SCHED_21"
    non_daily = any(is_kw(it, "NON_DAILY") for it in items)
    dose = DoseRead(mg=current.mg, days=_SCHED_DAYS.get(sched) if sched else None, typed=current.typed, non_daily=non_daily)
    return DoseFound(dose, implausible=(), **found)


def _current(doses: list[_Dose]) -> _Dose | None:
    # The latest change wins over what it changed ("on 15mg, switched to 10mg last cycle").
    statuses = {d.status for d in doses}
    current = [d for d in doses if d.status == "changed"] or [d for d in doses if d.status == "current"]
    if not current and "proposed" in statuses:
        current = [d for d in doses if d.status == "from"]  # "reduce from 15mg to 10mg?"
    if not current:
        current = [d for d in doses if d.status == "was"]
    if len({d.mg for d in current}) != 1:
        return None
    return current[-1]
