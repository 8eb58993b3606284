"""The facts read from a message, normalised (x10^9/L, mL/min, mg), handed from parsing to the rules."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

CountName = Literal["neutrophils", "platelets"]
Timing = Literal["day1", "mid_cycle"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Reading(_Frozen):
    """One blood count as read: the value in x10^9/L and how it was got."""

    count: CountName
    value: float
    typed: str
    unit_assumed: bool = False
    converted: bool = False  # the typed figure was cells per microlitre
    implausible: bool = False
    recovered: bool = False  # back up after a fall (a recovery word, or an earlier lower value)
    earlier: tuple[float, ...] = ()
    bound: Literal["below", "above", "approx"] | None = None  # "below 0.5": the value is a bound, not a figure
    ambiguous: bool = False  # the words leave open where the count is now
    ambiguity: str | None = None  # what is open, in words, for the question asked
    normal: bool = False  # "platelets fine": reported normal, no figure


class DoseRead(_Frozen):
    """The current lenalidomide dose as typed; `days` is None when no schedule was given."""

    mg: float
    days: Literal["1-28", "1-21"] | None
    typed: str
    non_daily: bool = False  # "alternate days", "mon/wed/fri": on no step of the ladder


class Facts(_Frozen):
    """Everything the rules may use; absent facts are None or empty, never guessed."""

    readings: tuple[Reading, ...] = ()
    count_names_without_value: tuple[str, ...] = ()  # "neutropenic", "low counts", "plt" with no figure
    unnamed_values: tuple[str, ...] = ()  # a figure with no count name ("count 0.4")
    other_counts: tuple[str, ...] = ()  # counts Table 2 does not use (WBC, Hb)
    counts_normal: bool = False  # "counts fine": no figures, but no count below its threshold
    cycle: int | None = None
    cycle_day: int | None = None
    timing: Timing | None = None
    dose: DoseRead | None = None
    doses_seen: int = 0
    other_drug_dosed: bool = False  # a dose written against another drug ("pomalidomide 4mg")
    episode: Literal["first", "subsequent"] | None = None
    crcl: float | None = None
    crcl_source: Literal["stated", "egfr", "calculated"] | None = None
    crcl_bound: Literal["below", "above", "approx"] | None = None  # "CrCl <30": crcl is a bound, not a figure
    renal_unsettled: bool = False  # several renal figures and the words leave open which holds now
    dialysis: bool | None = None
    creatinine: float | None = None
    creatinine_unit: Literal["umol/L", "mg/dL"] | None = None
    creatinine_unit_assumed: bool = False
    age: float | None = None
    sex: Literal["female", "male"] | None = None
    weight_kg: float | None = None
    height_cm: float | None = None
    bmi: float | None = None
    topics: tuple[str, ...] = ()
    trial: str | None = None
    lenalidomide_named: bool = False  # "len", "revlimid" or a dose in mg
    start_question: bool = False
    dosing_words: bool = False
    help: bool = False
    other_drugs: tuple[str, ...] = ()
    not_maintenance: bool = False
    transfused: bool = False  # a platelet transfusion was mentioned
    held: bool = False  # lenalidomide has been held ("after being held", "when to restart")
    renal_mentioned: bool = False  # "renal impairment", "CKD": renal function matters but no figure may be given
    acute_kidney_injury: bool = False  # an AKI: a CrCl from before it may no longer hold
    vte_factors: dict[str, object] = {}
    implausible: tuple[str, ...] = ()  # what was implausible, in words
