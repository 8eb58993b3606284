"""The answer every surface shows: the JSON contract plus the structured parts a card needs."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["answered", "clarify", "out_of_scope", "rejected"]
Action = Literal["interrupt", "delay_cycle", "refer", "resume", "start", "continue", "info"]
Days = Literal["1-28", "1-21"]

# Topics a dosing answer covers itself; any other topic in a dosing message gets a cited note.
DOSING_TOPICS = frozenset({"neutropenia", "thrombocytopenia", "renal", "dose_levels"})
# Most restrictive first: where several rules apply the earliest action wins (CONTRACT.md).
ACTION_ORDER: tuple[str, ...] = ("interrupt", "delay_cycle", "refer", "resume", "start", "continue", "info")


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


@dataclass(frozen=True, slots=True)
class Dose:
    """A lenalidomide dose: mg once daily on the given days of a 28-day cycle."""

    mg: float
    days: Days
    cycle_days: Literal[28] = 28
    # Taken on other than every scheduled day ("alternate days"): on no ladder step. Not in the JSON.
    irregular: bool = False

    def label(self) -> str:
        """Human form, e.g. '5 mg once daily, days 1-21 of 28'."""
        mg = _number(self.mg)
        if self.irregular:
            return f"{mg} mg, not once daily"
        return f"{mg} mg once daily, days {self.days} of {self.cycle_days}"

    def key(self) -> tuple[float, str, bool]:
        """Identity on the dose ladder."""
        return (float(self.mg), self.days, self.irregular)

    def as_json(self) -> dict[str, Any]:
        """The contract's form of the dose."""
        return {"mg": _number(self.mg), "days": self.days, "cycle_days": self.cycle_days}


@dataclass(frozen=True, slots=True)
class ProtocolRef:
    """The rule set an answer comes from."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence on a card and the source it rests on (a review section or an external source)."""

    text: str
    cite: str


@dataclass(frozen=True, slots=True)
class Detail:
    """What a card shows beyond the contract fields; not in the JSON form."""

    headline: str
    read_as: str = ""
    dose_text: str | None = None
    recheck: Statement | None = None  # when to check the counts again
    reasons: tuple[Statement, ...] = ()
    warnings: tuple[Statement, ...] = ()
    question: str | None = None
    disclaimer: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """The contract's answer (CONTRACT.md) with the card's structured detail alongside."""

    status: Status
    protocol: ProtocolRef
    detail: Detail
    action: Action | None = None
    dose: Dose | None = None
    flags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    understood: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    def as_json(self) -> dict[str, Any]:
        """The contract's JSON object, fields in the contract's order."""
        return {
            "status": self.status, "action": self.action, "dose": self.dose.as_json() if self.dose else None,
            "flags": list(self.flags), "topics": list(self.topics), "citations": list(self.citations),
            "missing": list(self.missing), "understood": self.understood,
            "protocol": {"name": self.protocol.name, "version": self.protocol.version},
            "scores": self.scores, "text": self.text,
        }

    def to_json(self) -> str:
        """The one-line JSON object of the contract."""
        return json.dumps(self.as_json(), ensure_ascii=False, separators=(",", ":"))
