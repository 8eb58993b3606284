"""Which-dose questions: the starting dose (renal limit applied) and a question about going up a level.

Design rules:
- A starting dose is given only when the kidneys are known: with the CrCl open (unknown,
  bounded, or two values that differ) the bot asks for it rather than start at full dose.
"""
from __future__ import annotations

from ..protocol import Protocol
from .crcl_options import RenalRead
from .outcome import Outcome
from .renal import outcome as renal_outcome


def starting_dose(o: Outcome, missing: tuple[str, ...], dialysis: bool | None, renal: RenalRead,
                  protocol: Protocol) -> tuple[Outcome, tuple[str, ...]] | None:
    """ "starting len maintenance, counts fine": the start outcome and what is still missing; None: the CrCl is needed."""
    if len(renal.options) > 1 or (renal.options == (None,) and not dialysis):
        return None
    ren = renal_outcome(renal.options[0], dialysis, None, protocol, extra_flags=renal.flags)
    started = o.but(action="start", dose=ren.dose, flags=o.flags | ren.flags, reasons=o.reasons + ren.reasons,
                    citations=tuple(dict.fromkeys(o.citations + ren.citations)))
    return started, tuple(m for m in missing if m != "current_dose")


def with_escalation(o: Outcome, topics: tuple[str, ...], protocol: Protocol) -> Outcome:
    """ "can we go up to 15 mg?" with counts that trigger nothing: the protocol's escalation line added."""
    if "dose_levels" in topics and o.action == "continue":
        return o.but(reasons=o.reasons + (protocol.statement("escalation"),))
    return o
