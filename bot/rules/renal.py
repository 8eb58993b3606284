"""Section 6.2: creatinine clearance and dialysis -> the renal dose, as a start dose or as a cap."""
from __future__ import annotations

from ..answer import Dose, Statement
from ..protocol import Protocol, RenalBand
from .outcome import Outcome


def band_for(crcl: float | None, dialysis: bool | None, protocol: Protocol) -> RenalBand | None:
    """The first renal band that applies; None when nothing renal is known."""
    if crcl is None and dialysis is not True:
        return None
    for band in protocol.renal:
        if band.matches(crcl, dialysis):
            return band
    return None


def outcome(
    crcl: float | None,
    dialysis: bool | None,
    current: Dose | None,
    protocol: Protocol,
    *,
    extra_flags: frozenset[str] = frozenset(),
) -> Outcome | None:
    """The renal rule's conclusion: action `start` at the band's dose, flags and caution."""
    band = band_for(crcl, dialysis, protocol)
    if band is None:
        return None
    key = ("renal", band.id, current.key() if current else None, extra_flags)
    memo = protocol.memo
    if key not in memo:
        memo[key] = _outcome(band, current, protocol, extra_flags)
    return memo[key]


def _outcome(band: RenalBand, current: Dose | None, protocol: Protocol, extra_flags: frozenset[str]) -> Outcome:
    flags = set(band.flags) | {"source_caution"} | set(extra_flags)
    reasons = [protocol.statement(band.id)]
    if band.setting is not None:
        reasons.append(protocol.statement(f"setting:{band.setting}"))
    if band.cap and current is not None and protocol.ladder.lower(current, band.dose) is band.dose and current.key() != band.dose.key():
        flags.add("dose_above_renal")
        reasons.append(
            Statement(text=f"The current dose ({current.label()}) is above the renal dose of {band.dose.label()}.", cite=band.cite[0])
        )
    reasons.append(protocol.statement("renal_caution"))
    # For a patient already on a dose, the renal answer is that dose where the band allows it.
    dose = band.dose
    if current is not None:
        dose = protocol.ladder.lower(current, band.dose) if band.cap else current
    return Outcome(
        action="start",
        dose=dose,
        flags=frozenset(flags),
        topics=("renal",),
        citations=tuple(dict.fromkeys(band.cite)),
        reasons=tuple(reasons),
    )


def cap(crcl: float | None, dialysis: bool | None, protocol: Protocol) -> Dose | None:
    """The highest dose the renal band allows; None when no band applies or it sets no cap."""
    band = band_for(crcl, dialysis, protocol)
    return band.dose if band is not None and band.cap else None
