"""The facts read from a message, normalised (x10^9/L, mL/min, mg), handed from reading to the rules."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, NamedTuple

CountName = Literal["neutrophils", "platelets"]
Timing = Literal["day1", "mid_cycle"]
BoundSide = Literal["below", "at_most", "above", "approx", "range"]


class Reading(NamedTuple):
    """One blood count as read: the value in x10^9/L and how it was got (a NamedTuple, as Facts is)."""

    count: CountName
    value: float
    typed: str
    unit_assumed: bool = False
    converted: bool = False  # the typed figure was cells per microlitre
    implausible: bool = False
    # Back up after a fall (a recovery word, or an earlier lower value). None: lenalidomide is
    # held but the message does not say which count fell, so this one may have.
    recovered: bool | None = False
    earlier: tuple[float, ...] = ()
    bound: BoundSide | None = None  # "below 0.5": the value is a bound, not a figure
    upper: float | None = None  # the top of a range ("20-25"), when the bound is "range"
    straddles: bool = False  # the value may lie either side of the threshold: the rules try both
    ambiguous: bool = False  # the words leave open where the count is now
    ambiguity: str | None = None  # what is open, in words, for the question asked
    normal: bool = False  # "platelets fine": reported normal, no figure
    grade: str | None = None  # the CTCAE grade as typed ("grade 4"), when one was given


@dataclass(frozen=True, slots=True)
class DoseRead:
    """The current lenalidomide dose as typed; `days` is None when no schedule was given."""

    mg: float
    days: Literal["1-28", "1-21"] | None
    typed: str
    non_daily: bool = False  # "alternate days", "mon/wed/fri": on no step of the ladder
    starting: bool = False  # said as the dose started on ("originally on 10mg"): a fall since may have lowered it


@dataclass(frozen=True, slots=True)
class SetAside:
    """A figure read as something other than a fact the rules use, shown on the card as such."""

    typed: str
    as_: str


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A named value whose figure cannot be read ("CrCl ?", "plt 1OO"): it is asked for."""

    name: str  # what was named, in words
    typed: str  # the figure as typed
    missing: str  # the contract's `missing` name for it


class Facts(NamedTuple):
    """Everything the rules may use; absent facts are None or empty, never guessed.

    A NamedTuple rather than a frozen dataclass: one is made per message, and a frozen
    dataclass sets each of its many fields through object.__setattr__.
    """

    readings: tuple[Reading, ...] = ()
    count_names_without_value: tuple[str, ...] = ()  # "neutropenic", "low counts", "plt" with no figure
    unnamed_values: tuple[str, ...] = ()  # a figure that could be a count, with nothing saying which
    other_counts: tuple[str, ...] = ()  # counts Table 2 does not use (WBC, Hb)
    counts_normal: bool = False  # "counts fine": no figures, but no count below its threshold
    cycle: int | None = None
    cycle_day: int | None = None
    timing: Timing | None = None
    days_post_transplant: int | None = None
    cycle_days_unsure: tuple[int, ...] = ()  # several days given as today's; which one is, is not said
    dose: DoseRead | None = None
    doses_seen: int = 0
    other_drug_dosed: bool = False  # a dose written against another drug ("pomalidomide 4mg")
    episode: Literal["first", "subsequent"] | None = None
    crcl: float | None = None
    crcl_source: Literal["stated", "egfr", "calculated"] | None = None
    crcl_bound: BoundSide | None = None  # "CrCl <30": crcl is a bound, not a figure
    crcl_upper: float | None = None  # "CrCl 30-40": the top of the range
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
    administration: bool = False  # how a drug is given ("infusion", "premed"): never lenalidomide, a capsule
    help: bool = False
    other_drugs: tuple[str, ...] = ()
    myeloma_drugs: tuple[str, ...] = ()  # other anti-myeloma drugs named (section 7): another regimen, or a comparison
    myeloma_drug_dosed: bool = False  # a dose written against one of them ("pomalidomide 4mg")
    not_maintenance: bool = False
    transfused: bool = False  # a platelet transfusion was mentioned
    held: bool = False  # lenalidomide is held now ("after being held", "when to restart")
    restarted: bool = False  # lenalidomide was given again after a hold: the fall is over
    fever: bool = False  # a fever or a febrile temperature was mentioned
    temperature: float | None = None  # the highest body temperature given, in degrees C
    counts_doubted: str | None = None  # as typed: words saying the figures may be wrong ("columns swapped?")
    counts_not_current: str | None = None  # as typed: words saying today's counts are not back ("no recent FBC")
    white_cells_only: bool = False  # a white cell count given, and no neutrophil count
    renal_mentioned: bool = False  # "renal impairment", "CKD": renal function matters but no figure may be given
    acute_kidney_injury: bool = False  # an AKI: a CrCl from before it may no longer hold
    vte_factors: Mapping[str, object] = MappingProxyType({})
    implausible: tuple[str, ...] = ()  # what was implausible, in words
    unreadable: tuple[Unreadable, ...] = ()  # named values with no readable figure
    set_aside: tuple[SetAside, ...] = ()  # figures read as not clinical for this decision
