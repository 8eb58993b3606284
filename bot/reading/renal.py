"""Renal function and the patient details Cockcroft-Gault needs: CrCl, eGFR, creatinine, dialysis, age, sex, weight, height."""
from __future__ import annotations

import re

from ..parse import Item, Parsed
from .words import NOW_KW, PAST_AFTER, PAST_BEFORE, is_word, next_value

_PATIENT_RANGES = {
    "AGE": ("age", 16, 110, "age"), "WEIGHT": ("weight_kg", 25, 300, "weight (kg)"),
    "HEIGHT": ("height_cm", 100, 230, "height (cm)"), "BMI": ("bmi", 10, 80, "BMI"),
}
_CRCL_RANGE = (0, 200)


def _when(items: list[Item], i: int) -> str:
    """now, past or "" for a renal value at i, from the words around it ("CrCl was 70, now 25")."""
    near = items[max(0, i - 2) : i] + items[i + 1 : i + 3]
    if any(it.kind == "kw" and it.type in NOW_KW for it in near):
        return "now"
    if any(is_word(it, PAST_BEFORE) for it in items[max(0, i - 2) : i]) or any(is_word(it, PAST_AFTER) for it in items[i + 1 : i + 3]):
        return "past"
    return ""


def _pick(values: list[tuple[Item, str]]) -> tuple[Item | None, bool]:
    """(the value that holds now, whether the words left that open)."""
    if len({it.num.value for it, _ in values}) <= 1:
        return (values[-1][0] if values else None), False
    now = [it for it, w in values if w == "now"]
    plain = [it for it, w in values if w == ""]
    if len(now) == 1:
        return now[0], False
    if not now and len(plain) == 1:
        return plain[0], False
    return None, True


def read_renal(msg: Parsed, implausible: list[str]) -> dict:
    """CrCl (stated or as eGFR, with any bound), creatinine, dialysis and patient details."""
    items = msg.items
    out: dict = {}
    for i, it in enumerate(items):
        if it.kind in ("renal", "patient") and it.num is None and it.type not in ("AGE_SEX", "HEIGHT_M"):
            j = next_value(items, i)
            if j is not None:
                items[j].used = True
                it.num = items[j].num
    found: dict[str, list[tuple[Item, str]]] = {"CRCL": [], "EGFR": [], "CREAT": []}
    for i, it in enumerate(items):
        if it.kind == "renal" and it.num is not None:
            found[it.type].append((it, _when(items, i)))
        elif it.kind == "kw" and it.type == "DIALYSIS":
            out.setdefault("dialysis", True)
        elif it.kind == "kw" and it.type == "NOT_DIALYSIS":
            out["dialysis"] = False
        elif it.kind == "patient":
            _read_patient(it, out, implausible)
        elif it.kind == "kw" and it.type in ("FEMALE", "MALE"):
            sex = "female" if it.type == "FEMALE" else "male"
            if out.get("sex") not in (None, sex):
                out["sex_conflict"] = True
            out.setdefault("sex", sex)
    if out.pop("sex_conflict", False):
        out["sex"] = None
    if "age" not in out:
        _age_beside_sex(items, out)

    open_question = False
    for kind, source in (("CRCL", "stated"), ("EGFR", "egfr")):
        chosen, unsure = _pick(found[kind])
        open_question |= unsure
        if chosen is None or "crcl" in out:
            continue
        value = chosen.num.value * (60 if chosen.unit == "ML_S" else 1)  # mL/s -> mL/min
        if not _CRCL_RANGE[0] <= value <= _CRCL_RANGE[1]:
            implausible.append(f"{'CrCl' if source == 'stated' else 'eGFR'} {chosen.num.typed}")
        else:
            out.update(crcl=value, crcl_source=source, crcl_bound=chosen.num.bound)
    creat, unsure = _pick(found["CREAT"])
    open_question |= unsure
    if creat is not None:
        _read_creatinine(creat, out, implausible)
    out["renal_unsettled"] = open_question
    return out


def _read_creatinine(it: Item, out: dict, implausible: list[str]) -> None:
    v = it.num.value
    if it.unit == "UMOL_L":
        unit, assumed = "umol/L", False
    elif it.unit == "MG_DL":
        unit, assumed = "mg/dL", False
    else:
        # Below 20 only makes sense as mg/dL; above it only as micromol/L.
        unit, assumed = ("mg/dL", True) if v < 20 else ("umol/L", True)
    plausible = (20 <= v <= 2000) if unit == "umol/L" else (0.2 <= v <= 20)
    if not plausible:
        implausible.append(f"creatinine {it.num.typed} {unit}")
        return
    out["creatinine"], out["creatinine_unit"], out["creatinine_unit_assumed"] = v, unit, assumed


def _read_patient(it: Item, out: dict, implausible: list[str]) -> None:
    if it.type == "AGE_SEX":
        m = re.match(r"(\d+)\s?([mf])", it.text)
        age = float(m.group(1))
        if 16 <= age <= 110:
            out.setdefault("age", age)
            out.setdefault("sex", "female" if m.group(2) == "f" else "male")
        return
    if it.type == "HEIGHT_M":
        out.setdefault("height_cm", round(float(re.match(r"[\d.]+", it.text).group()) * 100, 1))
        return
    if it.num is None:
        return
    key, lo, hi, label = _PATIENT_RANGES[it.type]
    if lo <= it.num.value <= hi:
        out.setdefault(key, it.num.value)
    else:
        implausible.append(f"{label} {it.num.typed}")


def _age_beside_sex(items: list[Item], out: dict) -> None:
    """ "Male, 60, 80kg": a free figure of adult age right beside a sex word is the age."""
    for i, it in enumerate(items):
        if it.kind == "kw" and it.type in ("FEMALE", "MALE"):
            for j in (i + 1, i - 1):
                if 0 <= j < len(items) and items[j].kind == "num" and not items[j].used and not items[j].num.bound:
                    if 16 <= items[j].num.value <= 110 and items[j].num.value == int(items[j].num.value):
                        items[j].used = True
                        out["age"] = items[j].num.value
                        return
