"""The dosing protocol as data: thresholds, the dose ladder, Table 2 rows, renal bands.

Design rules:
- The file is read into frozen dataclasses by bot/schema.py, which checks every field's type;
  the checks that span fields are each class's `__post_init__`.
- Loading is the only I/O here, in `load_protocol`; the rest is pure.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from .answer import Dose, ProtocolRef, Statement
from .schema import build

DEFAULT_FILE = "review-table2.toml"
PROTOCOL_ENV = "WARDBOT_PROTOCOL"


@dataclass(frozen=True, slots=True)
class Escalation:
    mg: float
    days: Literal["1-28", "1-21"]
    after_cycles: int

    def label(self) -> str:
        """Human form of the escalated dose."""
        return Dose(mg=self.mg, days=self.days).label()


@dataclass(frozen=True, slots=True)
class LadderColumn:
    title: str
    levels: tuple[Dose, ...]


@dataclass(frozen=True)
class Ladder:
    cite: str
    steps: tuple[Dose, ...]
    start: Dose
    escalation: Escalation
    escalation_says: str
    columns: tuple[LadderColumn, ...]
    plausible_mg: tuple[float, float]

    @cached_property
    def _position(self) -> dict[tuple[float, str], int]:
        return {s.key(): i for i, s in enumerate(self.steps)}

    def __post_init__(self) -> None:
        keys = [s.key() for s in self.steps]
        if len(set(keys)) != len(keys) or not keys:
            raise ValueError("ladder steps must be distinct and non-empty")
        for dose in (self.start, *(lvl for col in self.columns for lvl in col.levels)):
            if dose.key() not in keys:
                raise ValueError(f"{dose.label()} is not a ladder step")

    def index(self, dose: Dose) -> int | None:
        """Position of a dose on the ladder (0 = highest), None when it is on no step."""
        return self._position.get(dose.key())

    def next_level(self, dose: Dose) -> Dose | None:
        """One step down the ladder; None below the last step or for an off-ladder dose."""
        i = self.index(dose)
        if i is None or i + 1 >= len(self.steps):
            return None
        return self.steps[i + 1]

    def lower(self, a: Dose, b: Dose) -> Dose:
        """The lower of two doses (ladder order, then mg x days as a fallback)."""
        ia, ib = self.index(a), self.index(b)
        if ia is not None and ib is not None:
            return a if ia >= ib else b
        return a if _exposure(a) <= _exposure(b) else b


def _exposure(d: Dose) -> float:
    return d.mg * (21 if d.days == "1-21" else 28)


@dataclass(frozen=True, slots=True)
class CountRule:
    label: str
    unit: str
    threshold: float
    plausible: tuple[float, float]
    per_microlitre: tuple[float, float]
    cite: str
    # CTCAE grade -> [lowest, highest) value in x10^9/L; "lln": up to the lower limit of normal.
    grades: dict[str, tuple[float, float | Literal["lln"]]] = field(default_factory=dict)
    grades_cite: str = ""
    whole_numbers: bool = False  # reported in whole numbers (platelets): a decimal figure is not this count


@dataclass(frozen=True, slots=True)
class Cycle:
    days: int
    cite: str


CountName = Literal["neutrophils", "platelets"]
Event = Literal["drop", "recovered", "ok"]
Timing = Literal["any", "day1", "mid_cycle"]
Episode = Literal["any", "first", "subsequent"]


@dataclass(frozen=True, slots=True)
class CytopeniaRow:
    id: str
    count: CountName
    event: Event
    timing: Timing
    episode: Episode
    action: Literal["interrupt", "delay_cycle", "resume", "continue"]
    dose: Literal["next_level", "current"]
    at_bottom: Literal["keep", "refer"]
    flags: tuple[str, ...]
    cite: tuple[str, ...]
    says: str
    when: str | None = None  # when the next dose applies, if not "once the count is back"
    setting: str | None = None  # the protocol setting this row applies, where the review's text is silent
    says_either_episode: str | None = None  # for a first-fall row: the words when the episode is not known


@dataclass(frozen=True, slots=True)
class Note:
    cite: str
    says: str


@dataclass(frozen=True, slots=True)
class Recheck:
    """When to recheck the counts, by the action answered ({neutrophils} and {platelets}: the thresholds)."""

    delay_cycle: Note
    interrupt: Note
    next_cycle: Note  # the count is back, the drug stays off until the next cycle
    routine: Note  # any other dosing answer


@dataclass(frozen=True, slots=True)
class SepsisNote:
    cite: str
    says: str
    fever_from: float  # a body temperature (degrees C) from which a fever is taken as said


@dataclass(frozen=True, slots=True)
class Setting:
    """A reading the review's text leaves open, made by this protocol: shown on the card as the protocol's choice."""

    id: str
    reads: str  # the review section read ("Table 2", "6.2")
    says: str


@dataclass(frozen=True, slots=True)
class GcsfNote:
    """Table 2's footnote (G-CSF with the dose kept), and what this protocol counts as another significant cytopenia."""

    cite: str
    says: str
    # The review leaves "significant" open: a count below this (x10^9/L) is one, and the footnote is not offered.
    significant_below: dict[CountName, float]
    not_applicable: str  # {count}, {typed} and {below} are filled in
    setting: str | None = None  # the protocol setting that defines "significant"


@dataclass(frozen=True, slots=True)
class RenalBand:
    id: str
    dose: Dose
    flags: tuple[str, ...]
    cite: tuple[str, ...]
    says: str
    dialysis: bool = False
    below: float | None = None
    cap: bool = True
    setting: str | None = None  # the protocol setting this band applies, where the review's text is silent

    def matches(self, crcl: float | None, dialysis: bool | None) -> bool:
        """Whether this band applies to the patient's renal facts."""
        if self.dialysis:
            return dialysis is True
        if self.below is None:
            return crcl is not None
        return crcl is not None and crcl < self.below


@dataclass(frozen=True, eq=False)
class Protocol:
    name: str
    version: str
    source: str
    ladder: Ladder
    counts: dict[CountName, CountRule]
    cycle: Cycle
    cytopenia: tuple[CytopeniaRow, ...]
    recovery_timing: Literal["day1", "mid_cycle"]
    gcsf: GcsfNote
    settings: tuple[Setting, ...]
    recheck: Recheck
    sepsis: SepsisNote  # shown with neutrophils below their threshold, or a fever: a warning, never a dosing rule
    renal: tuple[RenalBand, ...]
    renal_caution: Note
    # Values read from a message outside these ranges are asked about, never answered.
    plausible: dict[Literal["crcl", "creatinine_umol_l", "creatinine_mg_dl", "age", "weight_kg", "height_cm", "bmi"],
                    tuple[float, float]]

    @cached_property
    def _statements(self) -> dict[str, Statement]:
        # Rule wording is fixed per protocol: format it once, not per message.
        out = {
            row.id: Statement(text=row.says.format(threshold=f"{self.counts[row.count].threshold:g}"), cite=row.cite[0])
            for row in self.cytopenia
        }
        out.update({band.id: Statement(text=band.says, cite=band.cite[0]) for band in self.renal})
        out["gcsf"] = Statement(text=self.gcsf.says, cite=self.gcsf.cite)
        out["escalation"] = Statement(text=self.ladder.escalation_says, cite=self.ladder.cite)
        out["renal_caution"] = Statement(text=self.renal_caution.says, cite=self.renal_caution.cite)
        out["sepsis"] = Statement(text=self.sepsis.says, cite=self.sepsis.cite)
        figures = {name: f"{rule.threshold:g}" for name, rule in self.counts.items()}
        for when in ("delay_cycle", "interrupt", "next_cycle", "routine"):
            note = getattr(self.recheck, when)
            out[f"recheck:{when}"] = Statement(text=note.says.format(**figures), cite=note.cite)
        out.update({f"setting:{s.id}": Statement(text=s.says, cite=setting_cite(s)) for s in self.settings})
        return out

    def statement(self, key: str) -> Statement:
        """The card statement of a rule: a cytopenia row or renal band id, "gcsf", "escalation", "renal_caution" or "setting:<id>"."""
        return self._statements[key]

    @cached_property
    def either_episode(self) -> dict[Statement, Statement]:
        """A first-fall row's statement -> its words for when the episode was not said (same step either way)."""
        return {self.statement(row.id): Statement(text=row.says_either_episode.format(
                    threshold=f"{self.counts[row.count].threshold:g}"), cite=row.cite[0])
                for row in self.cytopenia if row.says_either_episode}

    @cached_property
    def memo(self) -> dict:
        """Rule outcomes already worked out for this protocol (they depend on a few facts only)."""
        return {}

    @cached_property
    def lowest_renal_band(self) -> float:
        """The CrCl (mL/min) below which the lowest renal band applies; dialysis matters there (6.2)."""
        return min(b.below for b in self.renal if b.below is not None)

    def depends_on(self, count: str, event: str, field: str, timing: str | None = None) -> bool:
        """Whether the Table 2 rows for this count, event (and known timing) differ by `field`."""
        key = (count, event, field, timing)
        known = self._depends.get(key)
        if known is None:
            # A few answers per count and event, asked of every message: worked out once each.
            known = self._depends[key] = any(
                getattr(r, field) != "any"
                for r in self.cytopenia
                if r.count == count and r.event == event and (timing is None or r.timing in ("any", timing))
            )
        return known

    @cached_property
    def _depends(self) -> dict[tuple, bool]:
        return {}

    def __post_init__(self) -> None:
        # Every (count, event) pair must have a row, or some message would fall through
        # every rule silently.
        for count in ("neutrophils", "platelets"):
            if count not in self.counts:
                raise ValueError(f"counts.{count} is missing")
            for event in ("drop", "recovered", "ok"):
                if not any(r.count == count and r.event == event for r in self.cytopenia):
                    raise ValueError(f"no cytopenia row for {count} {event}")
        if not self.renal or self.renal[-1].below is not None or self.renal[-1].dialysis:
            raise ValueError("the last renal band must be the catch-all (no `below`, no `dialysis`)")
        named = {s.id for s in self.settings}
        for where, setting in [(r.id, r.setting) for r in (*self.cytopenia, *self.renal)] + [("gcsf", self.gcsf.setting)]:
            if setting is not None and setting not in named:
                raise ValueError(f"{where}: setting {setting!r} is not defined under [[settings]]")

    @cached_property
    def ref(self) -> ProtocolRef:
        """Name and version, as every answer carries them."""
        return ProtocolRef(name=self.name, version=self.version)

    def ladder_lines(self) -> tuple[str, ...]:
        """The dose ladder as display lines, with its citation."""
        lines = [f"Dose levels (review {self.ladder.cite}):"]
        for col in self.ladder.columns:
            steps = " -> ".join(d.label() for d in col.levels)
            lines.append(f"{col.title}: {steps} -> no further level")
        esc = self.ladder.escalation
        lines.append(f"After {esc.after_cycles} cycles the dose may go up to {esc.label()} if tolerated.")
        return tuple(lines)


def setting_cite(setting: Setting) -> str:
    """How a card cites a protocol setting: as the protocol's choice, and the review section it reads."""
    return f"protocol setting {setting.id}, reading review {setting.reads}"


def load_protocol(path: str | Path | None = None) -> Protocol:
    """Load and validate a protocol file (the packaged one when no path is given)."""
    if path is None:
        # Package data sits beside this module in a wheel install (and in the source tree).
        raw = (Path(__file__).parent / "protocols" / DEFAULT_FILE).read_bytes()
    else:
        raw = Path(path).read_bytes()
    return build(Protocol, tomllib.loads(raw.decode("utf-8")), "protocol")


@lru_cache(maxsize=1)
def default_protocol() -> Protocol:
    """The protocol in force: WARDBOT_PROTOCOL if set, else the packaged review protocol."""
    return load_protocol(os.environ.get(PROTOCOL_ENV) or None)
