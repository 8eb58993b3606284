"""The answer every surface shows: the JSON contract plus the structured parts a card needs."""
from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

Status = Literal["answered", "clarify", "out_of_scope", "rejected"]
Action = Literal["interrupt", "delay_cycle", "refer", "resume", "start", "continue", "info"]
Days = Literal["1-28", "1-21"]

# Topics a dosing answer covers itself; any other topic in a dosing message gets a cited note.
DOSING_TOPICS = frozenset({"neutropenia", "thrombocytopenia", "renal", "dose_levels"})
# Most restrictive first: where several rules apply the earliest action wins (CONTRACT.md).
ACTION_ORDER: tuple[str, ...] = ("interrupt", "delay_cycle", "refer", "resume", "start", "continue", "info")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Dose(Frozen):
    """A lenalidomide dose: mg once daily on the given days of a 28-day cycle."""

    mg: float
    days: Days
    cycle_days: Literal[28] = 28
    # Taken on other than every scheduled day ("alternate days"): on no ladder step. Not in the JSON.
    irregular: bool = Field(default=False, exclude=True)

    @field_serializer("mg")
    def _mg(self, mg: float) -> float | int:
        return int(mg) if float(mg).is_integer() else mg

    def label(self) -> str:
        """Human form, e.g. '5 mg once daily, days 1-21 of 28'."""
        mg = self._mg(self.mg)
        if self.irregular:
            return f"{mg} mg, not once daily"
        return f"{mg} mg once daily, days {self.days} of {self.cycle_days}"

    def key(self) -> tuple[float, str, bool]:
        """Identity on the dose ladder."""
        return (float(self.mg), self.days, self.irregular)


class ProtocolRef(Frozen):
    name: str
    version: str


class Statement(Frozen):
    """One sentence on a card and the source it rests on (a review section or an external source)."""

    text: str
    cite: str


class Detail(Frozen):
    """What a card shows beyond the contract fields; excluded from the JSON form."""

    headline: str
    read_as: str = ""
    dose_text: str | None = None
    reasons: tuple[Statement, ...] = ()
    warnings: tuple[Statement, ...] = ()
    question: str | None = None
    disclaimer: str = ""


class Answer(Frozen):
    """The contract's answer (CONTRACT.md) with the card's structured detail alongside."""

    status: Status
    action: Action | None = None
    dose: Dose | None = None
    flags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    understood: dict[str, Any] = Field(default_factory=dict)
    protocol: ProtocolRef
    scores: dict[str, Any] = Field(default_factory=dict)
    text: str = ""
    detail: Detail = Field(exclude=True)

    def to_json(self) -> str:
        """The one-line JSON object of the contract."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
