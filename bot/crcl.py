"""Creatinine clearance by Cockcroft-Gault, with the NHS GGC weight convention (external-facts.md)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Sex = Literal["female", "male"]

CM_PER_INCH = 2.54
# Devine: base weight at 5 ft, then a fixed gain per inch of height above it.
_DEVINE_BASE_KG: dict[str, float] = {"male": 50.0, "female": 45.5}
_DEVINE_KG_PER_INCH = 2.3
_FIVE_FEET_INCHES = 60
# Share of the excess over ideal weight that counts: fat clears less creatinine than lean tissue.
_ADJUSTED_FRACTION = 0.4
# UK micromol/L form: the constants fold in 72, the mg/dL conversion (88.4) and 0.85 for women.
_UMOL_FACTOR: dict[str, float] = {"male": 1.23, "female": 1.04}


@dataclass(frozen=True, slots=True)
class CrClResult:
    """A calculated creatinine clearance and the weight that went into it."""

    ml_min: float
    weight_used: Literal["actual", "adjusted", "ideal"]
    weight_kg: float
    ideal_kg: float | None


def _positive(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def _check_sex(sex: str) -> None:
    # Checked up front so a bad value cannot fall through to the male arm of the mg/dL formula.
    if sex not in _DEVINE_BASE_KG:
        raise ValueError(f"sex must be 'female' or 'male', got {sex!r}")


def ideal_body_weight(sex: Sex, height_cm: float) -> float:
    """Devine ideal body weight in kg: 50 (men) or 45.5 (women) plus 2.3 kg per inch over 5 ft."""
    _check_sex(sex)
    _positive("height_cm", height_cm)
    # Below 5 ft the line is extended downwards, as the formula is usually applied.
    ideal = _DEVINE_BASE_KG[sex] + _DEVINE_KG_PER_INCH * (height_cm / CM_PER_INCH - _FIVE_FEET_INCHES)
    if ideal <= 0:
        raise ValueError(f"height_cm {height_cm!r} is too short for the Devine formula")
    return ideal


def cockcroft_gault(
    *,
    creatinine: float,
    unit: Literal["umol/L", "mg/dL"],
    age: float,
    sex: Sex,
    weight_kg: float,
    height_cm: float | None = None,
) -> CrClResult:
    """Cockcroft-Gault CrCl in mL/min, on actual weight, or adjusted weight when height shows it is above ideal."""
    _check_sex(sex)
    _positive("creatinine", creatinine)
    _positive("weight_kg", weight_kg)
    if not (math.isfinite(age) and 0 <= age < 140):
        raise ValueError(f"age must be from 0 to below 140, got {age!r}")
    if unit not in ("mg/dL", "umol/L"):
        raise ValueError(f"unknown creatinine unit {unit!r}")
    # No floor on creatinine (some units raise values below 60 micromol/L to 60): that is local policy.
    ideal = None if height_cm is None else ideal_body_weight(sex, height_cm)
    if ideal is None or weight_kg <= ideal:
        used, weight = "actual", weight_kg
    else:
        used, weight = "adjusted", ideal + _ADJUSTED_FRACTION * (weight_kg - ideal)
    if unit == "mg/dL":
        ml_min = (140 - age) * weight / (72 * creatinine) * (0.85 if sex == "female" else 1.0)
    else:
        ml_min = (140 - age) * weight * _UMOL_FACTOR[sex] / creatinine
    return CrClResult(
        ml_min=round(ml_min, 1),
        weight_used=used,
        weight_kg=round(weight, 1),
        ideal_kg=None if ideal is None else round(ideal, 1),
    )
