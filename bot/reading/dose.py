"""The current lenalidomide dose: which of the doses a message names is the one being taken now.

A dose can be current ("on 10mg", "reduced to 10mg", "now 10mg"), past ("was on 15mg",
"from 15mg", "15mg until last cycle") or proposed ("go up to 15mg", "escalate to 15").
Only a current one is used; when none or several remain, the dose is left unknown. The
others are shown as earlier or proposed doses.

Design rules:
- A dose written against another drug is that drug's, and is set aside: after a drug's name
  ("aciclovir 400mg", "pred 5mg": any word that cannot stand before a lenalidomide dose),
  before one ("400mg aciclovir"), or in another person's clause ("her sister's on 15mg").
- A figure without "mg" is a dose only where a dose change or time word frames it:
  "escalate to 15", "was on 15, now 10", "restarted at 10", "(was 15)", "10 -> 15".
"""
from __future__ import annotations

import re
from typing import NamedTuple

from ..facts import DoseRead, Unreadable
from ..parsing import Item, Kind, NumKind, Parsed
from ..protocol import Protocol
from .words import (
    Claim,
    Claims,
    Role,
    framed_as_dose,
    free,
    is_kw,
    named_count,
    relatives_in,
    someone_else,
)

_SCHED_DAYS = {"SCHED_21": "1-21", "SCHEDULE_ALONE": "1-21", "SCHED_28": "1-28", "DAILY": None}
# "was on 15mg" may be the dose before a hold (the one Table 2 steps down from); "from 15mg",
# "15mg until last cycle", "no longer on 15mg" have been replaced.
_WAS = frozenset({"was", "were", "previously", "before", "prior", "formerly", "had"})
# "originally started on 10mg": the dose at the start, which a fall since may have lowered.
_STARTING = frozenset({"originally", "initially", "started", "starting"})
_REPLACED_BEFORE = frozenset({"until", "longer", "used", "not"})
# "len was stopped d14 on 10mg": the dose it was held on, which Table 2 steps down from.
_HELD_ON = frozenset({"stopped", "held", "withheld", "interrupted", "paused", "omitted", "suspended"})
# "escalated to 15 originally": a dose the words after it put at the start of treatment, since replaced.
_REPLACED_AFTER = frozenset({"reduced", "decreased", "cut", "lowered", "stopped", "until", "changed", "originally",
                             "initially"})
_CHANGED = frozenset({"reduced", "decreased", "cut", "lowered", "down", "dropped", "increased", "escalated",
                      "raised", "went", "came", "been", "changed", "switched", "moved", "reduction", "decrease"})
_PROPOSED = frozenset({"give", "start", "restart", "try", "escalate", "increase", "raise", "consider", "use",
                       "suggest", "suggests", "suggested", "plan", "planned", "planning", "want", "wants", "wanted",
                       "prescribe", "propose", "proposed", "if", "could", "should", "would"})
# Words that look like another drug's name ("amlodipine 5mg", "ramipril 10mg", "prednisolone 30").
_DRUG_ENDINGS = ("pril", "sartan", "olol", "dipine", "statin", "olone", "isone", "sone", "azole", "cillin", "mycin",
                 "floxacin", "prazole", "xaban", "parin", "mab", "tinib", "vir", "dronate", "amide", "azine",
                 "oxetine", "idone", "ipine", "pam", "lam", "zepam", "fen", "profen", "phen", "ide", "ine", "xime",
                 "cycline", "conazole", "setron", "pramide", "thyroxine", "semide", "thiazide", "lukast", "limus")
# Words that may stand right before a lenalidomide dose written "10mg"; any other word there is
# taken as the name of the drug the dose belongs to ("pred 5mg", "cotrim 480mg").
_BEFORE_DOSE = frozenset(
    "at to from was were is are be been now of currently and still then back only just same her his the a an "
    "maintenance maint daily start starting started restart restarted give given giving increase increased reduce "
    "reduced try trying escalate escalated continue continuing continued keep keeping stay stays remain remains until "
    "with on off taking takes took pt patient she he they it dose doses dosed len plan planned prescribed script "
    "usual standard full lower higher reduction level step new old previous previously down up but or if so also "
    "rx dispensed supply ok fine s m f yo yrs years old day days cycle cycles week weeks whether instead than "
    "either both like about around approx approximately for by into onto stopped held paused prev already "
    "when since after before cap caps capsule capsules tab tabs tablet tablets".split())
_TO = frozenset({"to", "into"})
_PROPOSE_KW = frozenset({"T_DOSE_LEVELS", "START_Q"})
# "is 15mg ok?": a dose asked about.
_ASKED_AFTER = frozenset({"ok", "okay", "fine", "safe", "suitable"})
_OTHER_DRUG = frozenset({"OTHER_DRUG", "MYELOMA_DRUG", "CANCER_DRUG", "ANTICOAG_DRUG", "ANTICOAG_THERAPEUTIC", "ANTICOAG_PROPHYLACTIC",
                         "VTE_DRUG", "DEX", "T_GCSF"})
# A dose change written without mg: "escalate to 15", "reduced to 10", "back up to 10", "drop to 5".
_CHANGE_VERBS = frozenset({"reduced", "reduce", "decreased", "decrease", "lowered", "lower", "cut", "escalate",
                           "escalated", "increase", "increased", "dropped", "drop", "went", "go", "going", "come",
                           "came", "moved", "move", "switched", "changed"})
_ANOTHER_REGIMEN = frozenset({"MYELOMA_DRUG", "CANCER_DRUG"})
_CARRY_ON = frozenset({"continue", "continuing", "carry", "carrying", "keep", "stay", "stick", "remain"})
_ARROWS = frozenset({"->", "=>", "→", "⇒"})
_LABELS = {"was": "an earlier lenalidomide dose", "from": "an earlier lenalidomide dose",
           "replaced": "an earlier lenalidomide dose", "proposed": "a proposed lenalidomide dose",
           "changed": "an earlier lenalidomide dose", "current": "another lenalidomide dose named",
           "now": "another lenalidomide dose named",
           "started": "the starting lenalidomide dose"}


class _Dose(NamedTuple):
    """A dose the message names: where, its figure, schedule, and what it is."""

    index: int
    mg: float
    typed: str
    schedule: str | None
    status: str  # now, changed, current, was, from, replaced, proposed or started


class DoseFound(NamedTuple):
    """The current dose, how many doses were named, other drugs' doses, and the figures claimed."""

    dose: DoseRead | None
    doses_seen: int
    other_drug_dosed: bool
    myeloma_drug_dosed: bool
    implausible: tuple[str, ...]
    unreadable: tuple[Unreadable, ...]
    claims: dict[int, Claim]
    # "was on 15mg ..., now on 10mg", "she's now on 5mg": where the words say the drug is being
    # given at today's dose, which ends a fall or hold said before it.
    taken_at: int | None = None


def _word_integer(it: Item) -> bool:
    # "at one point": a whole number in words is a figure only where a rule names it.
    return it.num.kind is NumKind.WORDS and "point" not in it.num.typed


def _drug_like(it: Item) -> bool:
    return it.kind is Kind.WORD and len(it.text) >= 5 and it.text.endswith(_DRUG_ENDINGS)


def _drug_word(it: Item) -> bool:
    """A word standing where a drug's name would, before a dose: not one a lenalidomide dose follows."""
    return it.kind is Kind.WORD and it.type == "WORD" and it.text not in _BEFORE_DOSE and len(it.text) >= 2


def _other_drug(items: tuple[Item, ...], i: int) -> str | None:
    """The other drug a dose at i is written against, if any: the word before it, else the one after."""
    before = items[i - 1] if i else None
    nxt = items[i + 1] if i + 1 < len(items) else None
    it = items[i]
    bare = it.kind is Kind.DOSE and it.parts[0][0] not in ("LEN", "ON", "DOSING")
    if before is not None and ((before.kind is Kind.KEYWORD and before.type in _OTHER_DRUG)
                               or (_drug_like(before) and not it.text[:1].isalpha())
                               or (bare and _drug_word(before) and not is_kw(items[i - 2] if i > 1 else before, "LEN"))):
        return before.text
    with_mg = it.kind is Kind.DOSE and any(t == "MG" for t, _ in it.parts)
    if nxt is not None and with_mg and ((nxt.kind is Kind.KEYWORD and nxt.type in _OTHER_DRUG) or _drug_like(nxt)):
        return nxt.text  # "400mg aciclovir", "on 15mg lansoprazole"
    return None


def _status(items: tuple[Item, ...], i: int, remark_after: bool = False) -> str:
    """now (said to be today's), changed (the dose after a change), current, was, from, replaced or proposed.

    With `remark_after`, the words after the dose open a bracket: a remark on it ("7.5mg (dose reduced
    elsewhere)"), not a change after it.
    """
    before = items[max(0, i - 5) : i]
    texts = [it.text for it in before]
    after = [] if remark_after else [it.text for it in items[i + 1 : i + 3]]
    # The keyword types of the last few items before the dose, nearest last ("" for a non-keyword).
    kws = [it.type if it.kind is Kind.KEYWORD else "" for it in before]
    last3 = texts[-3:]
    if "NOW" in kws[-2:]:
        return "now"  # "now on 5mg": said to be today's, over a dose named without a time
    if kws[-1:] == ["RESTARTED"] or (len(before) > 1 and texts[-1] in ("at", "on") and kws[-2] == "RESTARTED"):
        return "changed"  # "restarted at 10": the dose since the restart
    if texts[-1:] == ["back"] or (len(texts) > 1 and texts[-2] == "back" and texts[-1] in ("on", "to", "at")):
        return "changed"  # "she's back on 10mg after the first episode at 15mg": the dose since
    replaced_before = not _REPLACED_BEFORE.isdisjoint(last3)
    if not _HELD_ON.isdisjoint(last3) and not replaced_before:
        return "was"
    if replaced_before or not _REPLACED_AFTER.isdisjoint(after):
        return "replaced"
    if texts[-1:] == ["from"]:
        return "from"  # replaced by a change that happened, current if the change is only proposed
    if kws[-1:] == ["T_DOSE_LEVELS"] and re.search(r"(ed|en)\s+to$", texts[-1]):
        return "changed"  # "increased to 15mg", "escalated to 15mg" happened
    if texts and (texts[-1] in _TO or texts[-1].endswith(" to") or kws[-1] == "T_DOSE_LEVELS"):
        # "reduced to 10mg" happened; "go up to 15mg" / "increase to 15mg" is asked about.
        if not _PROPOSED.isdisjoint(texts[:-1]):
            return "proposed"
        return "changed" if any(t in _CHANGED or t.split()[0] in _CHANGED for t in texts) else "proposed"
    asked = "instead" in after or (texts[-1:] in (["is"], ["would"], ["will"]) and after[:1] and after[0] in _ASKED_AFTER)
    if not _PROPOSED.isdisjoint(texts[-2:]) or asked or not _PROPOSE_KW.isdisjoint(kws[-3:]):
        return "proposed"
    if not _STARTING.isdisjoint(last3):
        return "started"
    if not _WAS.isdisjoint(texts[-2:]):
        return "was"
    return "current"


def _framed(items: tuple[Item, ...], j: int, dose_context: bool, steps: frozenset[float]) -> bool:
    """Whether a free figure without mg is framed as a lenalidomide dose by the words around it.

    Framed only by "now" or "was" ("was on 15, now 10"), it must be a dose on the ladder: "plt 19
    on 15mg, now 44" is the count's figure.
    """
    prev = items[j - 1] if j else None
    if prev is None:
        return False
    window = items[max(0, j - 5) : j]
    if _named_just_before(items, j):
        return False  # "neuts dropped to 0.4", "CrCl now 45": a count's or a renal figure
    if is_kw(prev, "RESTARTED") or (prev.text in ("at", "on") and j >= 2 and is_kw(items[j - 2], "RESTARTED")):
        return True  # "restarted at 10"
    if framed_as_dose(items, j):
        return True
    if is_kw(prev, "T_DOSE_LEVELS") and prev.text.endswith("to"):
        return True  # "increase her to 15"
    if prev.text in _TO or (is_kw(prev, "RECOVERED", "DROP") and prev.text.endswith("to")):
        if any(is_kw(x, "T_DOSE_LEVELS") or (x.kind is Kind.WORD and x.text in _CHANGE_VERBS)
               or (is_kw(x, "RECOVERED") and "up" in x.text) for x in window) or is_kw(prev, "RECOVERED"):
            return True
        # "dropped to 5": a fall word frames a dose only on the ladder ("it dropped to 22" is the count's).
        return any(is_kw(x, "DROP") for x in window) and items[j].num.value in steps
    if prev.text == "from":
        return any(is_kw(x, "T_DOSE_LEVELS") or (x.kind is Kind.WORD and x.text in _CHANGE_VERBS) for x in window)
    if prev.text == "with":
        return any(x.kind is Kind.WORD and x.text in _CARRY_ON for x in window)  # "carry on with 5?"
    if is_kw(prev, "NOW") and prev.text in _ARROWS:
        return j >= 2 and items[j - 2].kind is Kind.FIGURE and any(
            is_kw(x, "T_DOSE_LEVELS") or (x.kind is Kind.WORD and x.text in _CHANGE_VERBS) for x in window)
    if j + 1 < len(items) and is_kw(items[j + 1], "NOW") and items[j + 1].text in _ARROWS:
        return any(is_kw(x, "T_DOSE_LEVELS") or (x.kind is Kind.WORD and x.text in _CHANGE_VERBS) for x in window)
    if dose_context and (is_kw(prev, "NOW") or (prev.text in _WAS and prev.kind is Kind.WORD)):
        return items[j].num.value in steps  # "was on 15, now 10", "(was 15)"
    return False


def _named_just_before(items: tuple[Item, ...], j: int) -> bool:
    """Whether a count, renal or patient name stands a few words before j, with only words between."""
    for k in range(j - 1, max(0, j - 5) - 1, -1):
        it = items[k]
        if it.kind is Kind.SEP:
            return False  # the clause starts here
        if named_count(it) or it.kind in (Kind.RENAL, Kind.PATIENT):
            return True
        if it.kind not in (Kind.WORD, Kind.KEYWORD) or is_kw(it, "LEN", "ON", "T_DOSE_LEVELS"):
            return False
    return False


def _unit_free_status(items: tuple[Item, ...], j: int) -> str:
    prev = items[j - 1]
    nxt = items[j + 1] if j + 1 < len(items) else None
    if is_kw(prev, "NOW") and prev.text in _ARROWS:
        return "changed"  # "10 -> 15": 15 is the dose now
    if nxt is not None and is_kw(nxt, "NOW") and nxt.text in _ARROWS:
        return "from"
    if prev.text in _WAS:
        return "was"
    if nxt is not None and is_kw(nxt, "NOW"):
        return "changed"  # "back up to 10 now"
    return _status(items, j)


def read_dose(msg: Parsed, protocol: Protocol, taken: Claims) -> DoseFound:
    """The current dose (as `dose`), how many distinct doses were named, and other drugs' doses."""
    if not msg.has(Kind.DOSE, Kind.OTHER_DOSE, Kind.FIGURE):
        return DoseFound(None, 0, False, False, (), (), {})
    items = msg.items
    lo, hi = protocol.ladder.plausible_mg
    steps = frozenset(s.mg for s in protocol.ladder.steps)
    claims: dict[int, Claim] = {}
    unreadable: list[Unreadable] = []
    doses: list[_Dose] = []
    dose_context = msg.has(Kind.DOSE, "LEN")
    relatives = relatives_in(msg)
    for i, it in enumerate(items):
        if it.kind is Kind.OTHER_DOSE:
            claims[i] = Claim(Role.ASIDE, f"{it.parts[0][1]} dose")
        elif it.kind is Kind.DOSE:
            drug = _other_drug(items, i)
            if drug is not None:
                claims[i] = Claim(Role.ASIDE, f"{drug} dose")
            elif relatives and someone_else(items, i, relatives):
                claims[i] = Claim(Role.ASIDE, "another person's dose")
            elif not it.num.readable:
                unreadable.append(Unreadable("lenalidomide dose", msg.typed(it.num), "current_dose"))
            else:
                remark = i + 1 < len(items) and "(" in msg.text[it.end : items[i + 1].start]
                doses.append(_Dose(i, it.num.value, it.text, it.extra, _status(items, i, remark)))
        elif free(items, i, taken) and it.num.readable and not it.num.bound and not _word_integer(it):
            value = it.num.value
            if lo <= value <= hi and value * 2 == int(value * 2) and _framed(items, i, dose_context, steps):
                doses.append(_Dose(i, value, it.text, None, _unit_free_status(items, i)))
            elif i and _drug_like(items[i - 1]):
                claims[i] = Claim(Role.ASIDE, f"{items[i - 1].text} dose")
    current = _current(doses)
    for d in doses:
        claims[d.index] = Claim(Role.DOSE) if d is current else Claim(Role.ASIDE, _LABELS[d.status])
    found = dict(doses_seen=len({d.mg for d in doses}), other_drug_dosed=any(c.label.endswith(" dose") for c in claims.values()
                                                                            if c.label not in _LABELS.values()),
                 myeloma_drug_dosed=msg.has(Kind.OTHER_DOSE) and any(it.kind is Kind.OTHER_DOSE and it.type in _ANOTHER_REGIMEN
                                                                     for it in items),
                 unreadable=tuple(unreadable), claims=claims)
    if current is None:
        return DoseFound(None, implausible=(), **found)
    if not lo <= current.mg <= hi:
        return DoseFound(None, implausible=(f"dose {current.typed}",), **found)
    sched = _schedule(items, current, doses) if msg.has(*_SCHED_DAYS) else None
    non_daily = msg.has("NON_DAILY") and _non_daily(items, {i for i, c in claims.items() if c.role is Role.ASIDE})
    dose = DoseRead(mg=current.mg, days=_SCHED_DAYS.get(sched) if sched else None, typed=current.typed, non_daily=non_daily,
                    starting=current.status == "started")
    return DoseFound(dose, implausible=(), taken_at=current.index if _taken_now(items, current, doses) else None, **found)


def _taken_now(items: tuple[Item, ...], current: _Dose, doses: list[_Dose]) -> bool:
    """Whether the words say the current dose is being given now, after a higher one or as "now on"."""
    if current.status not in ("now", "changed"):
        return False
    stepped_down = any(d.mg > current.mg and d.status in ("was", "replaced", "from", "started") for d in doses)
    it = items[current.index]
    said_now = current.status == "now" and is_kw(items[current.index - 1], "NOW") and it.parts[0][0] == "ON"
    return stepped_down or said_now


def _schedule(items: tuple[Item, ...], current: _Dose, doses: list[_Dose]) -> str | None:
    """The current dose's schedule: its own, else one written just after it, else one given elsewhere.

    Given only elsewhere, a days 1-21 schedule wins ("on 5mg ... 5mg d1-21", "with a week off"):
    the ladder steps from it to the lower dose's days 1-21 or to no step, never up.
    """
    if _SCHED_DAYS.get(current.schedule or ""):
        return current.schedule
    for k in range(current.index + 1, min(len(items), current.index + 3)):
        if items[k].kind is Kind.KEYWORD and _SCHED_DAYS.get(items[k].type):
            return items[k].type  # "10 continuous", "5mg daily 21/28"
    given = [it.type for it in items if it.kind is Kind.KEYWORD and _SCHED_DAYS.get(it.type)]
    given += [d.schedule for d in doses if d.mg == current.mg and _SCHED_DAYS.get(d.schedule or "")]
    if any(s in ("SCHED_21", "SCHEDULE_ALONE") for s in given):
        return "SCHED_21"
    return given[0] if given else current.schedule


def _non_daily(items: tuple[Item, ...], others: set[int]) -> bool:
    """ "15mg alternate days": a not-once-daily schedule, unless it follows another drug's dose ("doxycycline 100mg bd")."""
    for b, it in enumerate(items):
        if is_kw(it, "NON_DAILY"):
            k = b - 1
            while k >= 0 and items[k].kind is Kind.SEP:
                k -= 1
            if k < 0 or not (items[k].kind is Kind.OTHER_DOSE or k in others):
                return True
    return False


def _current(doses: list[_Dose]) -> _Dose | None:
    # The latest change wins over what it changed ("on 15mg, switched to 10mg last cycle").
    statuses = {d.status for d in doses}
    now = [d for d in doses if d.status == "now"]
    changed = [d for d in doses if d.status == "changed"]
    if now and changed and {d.mg for d in now} != {d.mg for d in changed}:
        return None  # "now on 10mg, reduced to 5mg": which holds is for the user to say
    current = now or changed or [d for d in doses if d.status == "current"]
    if not current and "proposed" in statuses:
        current = [d for d in doses if d.status == "from"]  # "reduce from 15mg to 10mg?"
    if not current:
        current = [d for d in doses if d.status in ("was", "started")]
    if len({d.mg for d in current}) != 1:
        return None
    return current[-1]
