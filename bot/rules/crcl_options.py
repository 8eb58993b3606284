"""What the creatinine clearance could be: as stated, bounded, calculated, or unknown.

Design rules:
- The rules never take one CrCl when the facts allow several: a bound ("CrCl <50") is tried at
  its edge and at the far end of its side, an unknown one as no limit and as the most
  restrictive band, a stated and a calculated value both; decide() asks when they differ.
"""
from __future__ import annotations

from typing import NamedTuple

from ..crcl import cockcroft_gault
from ..facts import Facts


def _can_calculate(facts: Facts) -> bool:
    return None not in (facts.creatinine, facts.age, facts.sex, facts.weight_kg)


def _cockcroft_gault(facts: Facts):
    return cockcroft_gault(creatinine=facts.creatinine, unit=facts.creatinine_unit, age=facts.age,
                           sex=facts.sex, weight_kg=facts.weight_kg, height_cm=facts.height_cm)


class RenalRead(NamedTuple):
    """Renal function as the rules take it: the CrCl values it could be, scores and flags."""

    options: tuple[float | None, ...]  # one value when known; several when only bounded or unknown
    scores: dict
    flags: frozenset[str]


# An unknown CrCl is tried as "no renal limit" and as the most restrictive band; a bound
# ("CrCl <50") as its edge and the far end of its side.
_LOWEST, _HIGHEST, _EDGE = 0.0, 250.0, 0.01
_APPROX = 0.1  # "CrCl about 45" could be a tenth either side


def renal_read(facts: Facts) -> RenalRead:
    """CrCl as stated (or bounded), or calculated from creatinine; unknown when it cannot be."""
    flags = frozenset({"egfr_used_as_crcl"}) if facts.crcl_source == "egfr" else frozenset()
    if facts.renal_unsettled or facts.acute_kidney_injury:
        return RenalRead((facts.crcl, _LOWEST), {}, flags)
    if facts.crcl is not None and facts.creatinine is not None and _can_calculate(facts):
        # A stated CrCl and one calculated from creatinine: both stand, and decide() asks if they differ.
        calc = _cockcroft_gault(facts)
        return RenalRead((facts.crcl, calc.ml_min), {}, flags)
    if facts.crcl is not None:
        if facts.crcl_bound == "range" and facts.crcl_upper is not None:
            return RenalRead((facts.crcl, facts.crcl_upper), {}, flags)
        if facts.crcl_bound in ("below", "at_most"):
            return RenalRead((facts.crcl - _EDGE if facts.crcl_bound == "below" else facts.crcl, _LOWEST), {}, flags)
        if facts.crcl_bound == "above":
            return RenalRead((facts.crcl, _HIGHEST), {}, flags)
        if facts.crcl_bound == "approx":
            return RenalRead((facts.crcl * (1 - _APPROX), facts.crcl * (1 + _APPROX)), {}, flags)
        return RenalRead((facts.crcl,), {}, flags)
    if facts.creatinine is None:
        # "renal impairment" with no figure: the renal limit is unknown, not absent.
        return RenalRead((None, _LOWEST) if facts.renal_mentioned else (None,), {}, flags)
    if not _can_calculate(facts):
        return RenalRead((None, _LOWEST), {}, flags)
    result = _cockcroft_gault(facts)
    scores = {"crcl": {"ml_min": result.ml_min, "weight_used": result.weight_used}}
    return RenalRead((result.ml_min,), scores, flags | {"crcl_calculated"})
