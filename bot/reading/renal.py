"""Renal function and the patient details Cockcroft-Gault needs: CrCl, eGFR, creatinine, dialysis, age, sex, weight, height.

A renal or patient name takes the figure written with it, or the free figure after it.
A name whose figure cannot be read ("CrCl ?", "creat ???", "eGFR pending") is reported so
the engine asks for it; a value outside the protocol's plausible range is reported too.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from ..facts import Unreadable
from ..parsing import Item, Kind, Num, Parsed
from ..protocol import Protocol
from .words import (
    NOW_KW,
    PAST_AFTER,
    PAST_BEFORE,
    Claim,
    Claims,
    Role,
    is_kw,
    is_word,
    next_value,
)

_PATIENT_FIELDS = {"AGE": ("age", "age"), "WEIGHT": ("weight_kg", "weight (kg)"),
                   "HEIGHT": ("height_cm", "height (cm)"), "BMI": ("bmi", "BMI")}
_RENAL_NAMES = {"CRCL": ("CrCl", "crcl"), "EGFR": ("eGFR", "crcl"), "CREAT": ("creatinine", "crcl")}


class RenalFound(NamedTuple):
    """Renal and patient facts (as Facts fields), what was implausible or unreadable, and the figures claimed."""

    fields: dict
    implausible: tuple[str, ...]
    unreadable: tuple[Unreadable, ...]
    claims: dict[int, Claim]


def _when(items: tuple[Item, ...], i: int) -> str:
    """now, past or "" for a renal value at i, from the words around it ("CrCl was 70, now 25")."""
    near = items[max(0, i - 2) : i] + items[i + 1 : i + 3]
    if any(it.kind is Kind.KEYWORD and it.type in NOW_KW for it in near):
        return "now"
    if any(is_word(it, PAST_BEFORE) for it in items[max(0, i - 2) : i]) or any(is_word(it, PAST_AFTER) for it in items[i + 1 : i + 3]):
        return "past"
    return ""


def _pick(values: list[tuple[Num, Item, str]]) -> tuple[tuple[Num, Item] | None, bool]:
    """(the value that holds now, whether the words left that open)."""
    if len({num.value for num, _, _ in values}) <= 1:
        return ((values[-1][0], values[-1][1]) if values else None), False
    now = [(num, it) for num, it, w in values if w == "now"]
    plain = [(num, it) for num, it, w in values if w == ""]
    if len(now) == 1:
        return now[0], False
    if not now and len(plain) == 1:
        return plain[0], False
    return None, True


def read_renal(msg: Parsed, protocol: Protocol, taken: Claims) -> RenalFound:
    """CrCl (stated or as eGFR, with any bound), creatinine, dialysis and patient details."""
    if not msg.has(Kind.RENAL, Kind.PATIENT, "DIALYSIS", "NOT_DIALYSIS", "FEMALE", "MALE"):
        return RenalFound({}, (), (), {})
    items = msg.items
    plausible = protocol.plausible
    claims: dict[int, Claim] = {}
    figure: dict[int, Num] = {}
    for i, it in enumerate(items):
        if it.kind in (Kind.RENAL, Kind.PATIENT) and it.num is None and it.type not in ("AGE_SEX", "HEIGHT_M"):
            j = next_value(items, i, {**taken, **claims})
            if j is not None:
                claims[j] = Claim(Role.RENAL if it.kind is Kind.RENAL else Role.PATIENT)
                figure[i] = items[j].num
        elif it.num is not None:
            figure[i] = it.num
    out: dict = {}
    implausible: list[str] = []
    unreadable: list[Unreadable] = []
    found: dict[str, list[tuple[Num, Item, str]]] = {"CRCL": [], "EGFR": [], "CREAT": []}
    theirs = _another_persons(items)
    for i, it in enumerate(items):
        num = figure.get(i)
        if i in theirs and it.kind is Kind.PATIENT:
            claims[i] = Claim(Role.ASIDE, "another person's " + {"HEIGHT": "height", "WEIGHT": "weight"}.get(it.type, "age"))
            continue
        if it.kind is Kind.RENAL and num is not None:
            if num.readable:
                found[it.type].append((num, it, _when(items, i)))
            else:
                name, missing = _RENAL_NAMES[it.type]
                unreadable.append(Unreadable(name, msg.typed(num), missing))
        elif is_kw(it, "DIALYSIS"):
            out.setdefault("dialysis", True)
        elif is_kw(it, "NOT_DIALYSIS"):
            out["dialysis"] = False
        elif it.kind is Kind.PATIENT:
            _read_patient(it, num, out, implausible, plausible)
        elif is_kw(it, "FEMALE", "MALE"):
            sex = "female" if it.type == "FEMALE" else "male"
            if out.get("sex") not in (None, sex):
                out["sex_conflict"] = True
            out.setdefault("sex", sex)
    if out.pop("sex_conflict", False):
        out["sex"] = None
    if "age" not in out:
        claims.update(_age_beside_sex(items, out, {**taken, **claims}, plausible["age"]))

    open_question = False
    lo, hi = plausible["crcl"]
    for kind, source in (("CRCL", "stated"), ("EGFR", "egfr")):
        chosen, unsure = _pick(found[kind])
        open_question |= unsure
        if chosen is None or "crcl" in out:
            continue
        num, it = chosen
        per_min = 60 if it.unit == "ML_S" else 1  # mL/s -> mL/min
        value = num.value * per_min
        top = num.upper * per_min if num.upper is not None else None
        if not lo <= value <= hi or (top is not None and not lo <= top <= hi):
            implausible.append(f"{'CrCl' if source == 'stated' else 'eGFR'} {num.typed}")
        else:
            out.update(crcl=value, crcl_source=source, crcl_bound=num.bound.value if num.bound else None, crcl_upper=top)
    creat, unsure = _pick(found["CREAT"])
    open_question |= unsure
    if creat is not None:
        _read_creatinine(creat[0], creat[1].unit, out, implausible, plausible)
    out["renal_unsettled"] = open_question
    return RenalFound(out, tuple(implausible), tuple(unreadable), claims)


def _read_creatinine(num: Num, unit_type: str | None, out: dict, implausible: list[str], plausible: dict) -> None:
    v = num.value
    if unit_type == "UMOL_L":
        unit, assumed = "umol/L", False
    elif unit_type == "MG_DL":
        unit, assumed = "mg/dL", False
    else:
        # Below 20 only makes sense as mg/dL; above it only as micromol/L.
        unit, assumed = ("mg/dL", True) if v < 20 else ("umol/L", True)
    lo, hi = plausible["creatinine_umol_l" if unit == "umol/L" else "creatinine_mg_dl"]
    if not lo <= v <= hi:
        implausible.append(f"creatinine {num.typed} {unit}")
        return
    out["creatinine"], out["creatinine_unit"], out["creatinine_unit_assumed"] = v, unit, assumed


def _read_patient(it: Item, num: Num | None, out: dict, implausible: list[str], plausible: dict) -> None:
    if it.type == "AGE_SEX":
        m = re.match(r"(\d+)\s?([mf])", it.text)
        age = float(m.group(1))
        lo, hi = plausible["age"]
        if lo <= age <= hi:
            out.setdefault("age", age)
            out.setdefault("sex", "female" if m.group(2) == "f" else "male")
        return
    if it.type == "HEIGHT_M":
        out.setdefault("height_cm", round(float(re.match(r"[\d.]+", it.text).group()) * 100, 1))
        return
    if num is None or not num.readable:
        return
    key, label = _PATIENT_FIELDS[it.type]
    lo, hi = plausible[key]
    if lo <= num.value <= hi:
        out.setdefault(key, num.value)
    else:
        implausible.append(f"{label} {num.typed}")


def _age_beside_sex(items: tuple[Item, ...], out: dict, taken: Claims, ages: tuple[float, float]) -> dict[int, Claim]:
    """ "Male, 60, 80kg": a free figure of adult age right beside a sex word is the age."""
    for i, it in enumerate(items):
        if is_kw(it, "FEMALE", "MALE"):
            for j in (_beside(items, i, 1), _beside(items, i, -1)):
                if j is not None and items[j].kind is Kind.FIGURE and j not in taken and items[j].num.readable \
                        and not items[j].num.bound:
                    value = items[j].num.value
                    if ages[0] <= value <= ages[1] and value == int(value):
                        out["age"] = value
                        return {j: Claim(Role.PATIENT)}
    return {}


_LINKING = frozenset({"s", "is", "was", "aged", "age"})


def _beside(items: tuple[Item, ...], i: int, step: int) -> int | None:
    """The nearest item to i on one side, past a comma and a linking word ("she's 79", "male, 60")."""
    j = i + step
    while 0 <= j < len(items) and (items[j].kind is Kind.SEP or (step > 0 and is_word(items[j], _LINKING))):
        j += step
    return j if 0 <= j < len(items) else None


def _another_persons(items: tuple[Item, ...]) -> set[int]:
    """Items after a relative ("her husband (6ft 2, 110kg)") up to the patient's own pronoun or a sentence break."""
    out, on = set(), False
    for i, it in enumerate(items):
        if is_kw(it, "RELATIVE"):
            on = True
        elif is_kw(it, "FEMALE", "MALE") or is_word(it, ("pt", "patient")) or (it.kind is Kind.SEP and it.text[:1] in ".;-"):
            on = False
        elif on:
            out.add(i)
    return out
