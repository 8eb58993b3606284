"""The current lenalidomide dose: which of the doses a message names is the one being taken now.

A dose can be current ("on 10mg", "reduced to 10mg", "now 10mg"), past ("was on 15mg",
"from 15mg", "15mg until last cycle") or proposed ("go up to 15mg", "can we give 15mg").
Only a current one is used; when none or several remain, the dose is left unknown.
"""
from __future__ import annotations

import re

from ..facts import DoseRead
from ..parse import Item, Parsed
from ..protocol import Protocol

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
# A word just before "5mg" that looks like another drug's name ("amlodipine 5mg", "ramipril 10mg").
_DRUG_ENDINGS = ("pril", "sartan", "olol", "dipine", "statin", "olone", "isone", "sone", "azole", "cillin", "mycin",
                 "floxacin", "prazole", "xaban", "parin", "mab", "tinib", "vir", "dronate", "amide", "azine",
                 "oxetine", "idone", "ipine", "pam", "lam", "zepam", "fen", "profen", "phen", "ide")
_TO = frozenset({"to", "into"})
# "is 15mg ok?": a dose asked about.
_ASKED_AFTER = frozenset({"ok", "okay", "fine", "safe", "suitable"})
_OTHER_DRUG = frozenset({"OTHER_DRUG", "ANTICOAG_DRUG", "ANTICOAG_THERAPEUTIC", "ANTICOAG_PROPHYLACTIC"})


def _status(items: list[Item], i: int) -> str:
    """changed (the dose after a change), current, was, from, replaced, proposed or other (another drug's)."""
    before = items[max(0, i - 5) : i]
    texts = [it.text for it in before]
    after = [it.text for it in items[i + 1 : i + 3]]
    if before and ((before[-1].kind == "kw" and before[-1].type in _OTHER_DRUG)
                   or (before[-1].kind == "skip" and before[-1].text.endswith(_DRUG_ENDINGS) and not items[i].text[:1].isalpha())):
        return "other"
    if any(it.kind == "kw" and it.type == "NOW" for it in before[-2:]):
        return "current"
    if any(t in _REPLACED_BEFORE for t in texts[-3:]) or any(t in _REPLACED_AFTER for t in after):
        return "replaced"
    if texts[-1:] == ["from"]:
        return "from"  # replaced by a change that happened, current if the change is only proposed
    if before and before[-1].kind == "kw" and before[-1].type == "T_DOSE_LEVELS" and re.search(r"(ed|en)\s+to$", texts[-1]):
        return "changed"  # "increased to 15mg", "escalated to 15mg" happened
    if texts and (texts[-1] in _TO or texts[-1].endswith(" to")
                  or (before[-1].kind == "kw" and before[-1].type == "T_DOSE_LEVELS")):
        # "reduced to 10mg" happened; "go up to 15mg" / "increase to 15mg" is asked about.
        return "changed" if any(t in _CHANGED for t in texts[:-1]) else "proposed"
    asked = "instead" in after or (texts[-1:] in (["is"], ["would"], ["will"]) and after[:1] and after[0] in _ASKED_AFTER)
    if (any(t in _PROPOSED for t in texts[-2:]) or asked
            or any(it.kind == "kw" and it.type in ("T_DOSE_LEVELS", "START_Q") for it in before[-3:])):
        return "proposed"
    if any(t in _WAS for t in texts[-2:]):
        return "was"
    return "current"


def read_dose(msg: Parsed, protocol: Protocol, implausible: list[str]) -> dict:
    """The current dose (as `dose`), how many distinct doses were named, and other drugs' doses."""
    items = msg.items
    doses = [(i, it) for i, it in enumerate(items) if it.kind == "dose"]
    statuses = {i: _status(items, i) for i, _ in doses}
    out: dict = {"doses_seen": len({it.num.value for _, it in doses}), "other_drug_dosed": "other" in statuses.values()}
    # The latest change wins over what it changed ("on 15mg, switched to 10mg last cycle").
    current = [(i, it) for i, it in doses if statuses[i] == "changed"]
    current = current or [(i, it) for i, it in doses if statuses[i] == "current"]
    if not current and "proposed" in statuses.values():
        current = [(i, it) for i, it in doses if statuses[i] == "from"]  # "reduce from 15mg to 10mg?"
    if not current:
        current = [(i, it) for i, it in doses if statuses[i] == "was"]
    if len({it.num.value for _, it in current}) != 1:
        return out
    i, chosen = current[-1]
    mg = chosen.num.value
    lo, hi = protocol.ladder.plausible_mg
    if not lo <= mg <= hi:
        implausible.append(f"dose {chosen.num.typed} mg")
        return out
    lone = [it.type for it in items if it.kind == "kw" and it.type in _SCHED_DAYS]
    sched = chosen.extra or next((s for s in lone if _SCHED_DAYS[s]), None)
    if "SCHED_21" in lone or any(it.extra in ("SCHED_21", "SCHEDULE_ALONE") for _, it in current):
        sched = "SCHED_21"
    non_daily = any(it.kind == "kw" and it.type == "NON_DAILY" for it in items)
    out["dose"] = DoseRead(mg=mg, days=_SCHED_DAYS.get(sched) if sched else None, typed=chosen.text, non_daily=non_daily)
    return out
