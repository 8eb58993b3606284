"""IMPEDE VTE and SAVED risk scores, honest about the factors a message left unstated (external-facts.md)."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

# factor -> what the message may say -> the points that could follow (two when the words leave it open).
_Table = dict[str, dict[object, tuple[int, ...]]]


def _yes(points: int) -> dict[object, tuple[int, ...]]:
    return {True: (points,), False: (0,)}


class _Score(NamedTuple):
    base: int
    table: _Table
    dex_mg: Callable[[float], tuple[int, ...]]  # a dose stated in mg per month -> points
    bands: tuple[tuple[float, str], ...]  # (lowest points, band), ascending


_IMPEDE = _Score(
    # Every patient here is on lenalidomide, so the immunomodulatory-drug +4 is always present.
    base=4,
    table={
        "bmi_25": _yes(1),
        "fracture": _yes(4),
        "esa": _yes(1),
        "dexamethasone": {"none": (0,), "low": (2,), "high": (4,)},
        "doxorubicin": _yes(3),
        "asian": _yes(-3),
        "vte_history": _yes(5),
        "cvc": _yes(2),
        # -4 for therapeutic: three of the four secondary tables in external-facts.md give it (one gives -5).
        "anticoagulation": {"none": (0,), "prophylactic": (-3,), "therapeutic": (-4,)},
    },
    dex_mg=lambda mg: (0,) if mg == 0 else (2,) if mg <= 160 else (4,),
    bands=((-math.inf, "low"), (4, "intermediate"), (8, "high")),
)
_SAVED = _Score(
    base=0,
    table={
        "surgery_90d": _yes(2),
        "asian": _yes(-3),
        "vte_history": _yes(3),
        "age_80": _yes(1),
        # "low" means up to 160 mg a month: below 120 scores 0, 120-160 scores 1, so it could be either.
        "dexamethasone": {"none": (0,), "low": (0, 1), "high": (2,)},
    },
    dex_mg=lambda mg: (0,) if mg < 120 else (1,) if mg <= 160 else (2,),
    bands=((-math.inf, "low"), (2, "high")),
)
_SCORES = {"impede_vte": _IMPEDE, "saved": _SAVED}

FACTORS: dict[str, tuple[str, ...]] = {name: tuple(score.table) for name, score in _SCORES.items()}
# Every factor either score uses, once, in IMPEDE VTE's order then SAVED's.
ALL_FACTORS: tuple[str, ...] = tuple(dict.fromkeys(f for names in FACTORS.values() for f in names))
# The graded factors' values in words, for a form that asks for them (a yes/no factor is yes or no).
# The dexamethasone bands are the ones the two scores share: up to 160 mg a month, or more.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "dexamethasone": {"none": "none", "low": "up to 160 mg a month", "high": "over 160 mg a month"},
    "anticoagulation": {"none": "none", "prophylactic": "prophylactic dose", "therapeutic": "therapeutic dose"},
}


def factor_values(factor: str) -> tuple[object, ...]:
    """The values a factor may take in either score (True and False for a yes/no factor)."""
    return tuple(dict.fromkeys(v for score in _SCORES.values() if factor in score.table for v in score.table[factor]))


@dataclass(frozen=True, slots=True)
class VteScore:
    """A score's points with unstated factors counted absent, the range they could span, and the band if certain."""

    points: int
    range: tuple[int, int]
    band: str | None
    unstated: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The contract's JSON form: {"points", "range": [lo, hi], "band", "unstated": [...]}."""
        return {"points": self.points, "range": list(self.range), "band": self.band, "unstated": list(self.unstated)}


def _possible(score: _Score, factor: str, value: object) -> tuple[int, ...]:
    if factor == "dexamethasone" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"dexamethasone must be a dose of 0 mg a month or more, got {value!r}")
        return score.dex_mg(value)
    # Compare types too: True == 1 and would otherwise pass for a count or a dose.
    for option, points in score.table[factor].items():
        if type(option) is type(value) and option == value:
            return points
    raise ValueError(f"{factor} cannot be {value!r}; expected one of {list(score.table[factor])}")


def _check(stated: Mapping[str, object]) -> None:
    # One mapping serves both scores, so a factor only the other score uses is valid, but its value is checked.
    for factor, value in stated.items():
        scores = [s for s in _SCORES.values() if factor in s.table]
        if not scores:
            raise ValueError(f"unknown VTE factor {factor!r}")
        for score in scores:
            _possible(score, factor, value)


def _band(score: _Score, points: int) -> str:
    return [name for floor, name in score.bands if points >= floor][-1]


def _evaluate(score: _Score, stated: Mapping[str, object]) -> VteScore:
    _check(stated)
    points = lo = hi = score.base
    unstated = []
    for factor, options in score.table.items():
        if factor in stated:
            possible = _possible(score, factor, stated[factor])
            points += min(possible)
        else:
            possible = tuple(p for ps in options.values() for p in ps)
            unstated.append(factor)
        lo, hi = lo + min(possible), hi + max(possible)
    band = _band(score, lo) if _band(score, lo) == _band(score, hi) else None
    return VteScore(points=points, range=(lo, hi), band=band, unstated=tuple(unstated))


def impede(stated: Mapping[str, object]) -> VteScore:
    """IMPEDE VTE score for a patient on lenalidomide (bands: low <= 3, intermediate 4-7, high >= 8)."""
    return _evaluate(_IMPEDE, stated)


def saved(stated: Mapping[str, object]) -> VteScore:
    """SAVED score (bands: low < 2, high >= 2)."""
    return _evaluate(_SAVED, stated)
