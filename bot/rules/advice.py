"""What a dosing card advises beside the dose: when to recheck the counts, and the neutropenic sepsis warning.

Neither decides anything: the texts and their sources come from the protocol file, and the
rules only pick which one applies.
"""
from __future__ import annotations

from ..answer import Statement
from ..facts import Reading
from ..protocol import Protocol
from .outcome import Outcome


def urgent_warnings(readings: tuple[Reading, ...], fever: bool, temperature: float | None,
                    protocol: Protocol) -> tuple[Statement, ...]:
    """The neutropenic sepsis warning, with neutrophils below their threshold, a fever, or a febrile temperature."""
    threshold = protocol.counts["neutrophils"].threshold
    fever = fever or (temperature is not None and temperature >= protocol.sepsis.fever_from)
    low = any(r.count == "neutrophils" and not r.normal and not r.ambiguous
              and (r.value < threshold or (r.bound == "below" and r.value <= threshold)) for r in readings)
    return (protocol.statement("sepsis"),) if low or fever else ()


def recheck_for(outcome: Outcome, protocol: Protocol) -> Statement:
    """When to check the counts again after this dosing answer."""
    if outcome.action == "interrupt" and outcome.when and not outcome.condition:
        key = "next_cycle"  # the count is back, but the drug stays off until the next cycle
    else:
        key = outcome.action if outcome.action in ("delay_cycle", "interrupt") else "routine"
    return protocol.statement(f"recheck:{key}")
