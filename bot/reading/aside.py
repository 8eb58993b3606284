"""The last pass: every figure no reader claimed is either asked about or set aside, once.

Design rules:
- A figure the grammar already names as not clinical here (a temperature, a reference range,
  a time, a bed number) is set aside with the grammar's label.
- A figure nothing explains is asked about only if it could be a count, a dose or a renal
  value, and the message is about dosing; otherwise it is set aside and shown as such.
- A figure shaped like an identifier (more digits than any clinical value has) is never
  shown, not even as set aside.
"""
from __future__ import annotations

from typing import NamedTuple

from ..facts import SetAside
from ..parsing import Kind, NumKind, Parsed, set_aside_labels
from ..protocol import Protocol
from .context import TOPIC_OF
from .words import Claims, Role

# Items whose presence makes a message a dosing question, not a look-up.
_DOSING_KINDS = frozenset({Kind.COUNT, Kind.GRADE, Kind.DOSE, Kind.RENAL, Kind.PATIENT, Kind.TIMING})
_DOSING_TYPES = frozenset({"HELD", "HELD_WORD", "RESTARTED", "COUNTS_OK", "DIALYSIS", "START_Q", "DOSING", "LEN", "MG",
                           "T_NEUTROPENIA", "T_THROMBOCYTOPENIA", "RECOVERED", "DROP"})
_YEARS = (1900, 2100)
_IDENTIFIER_DIGITS = 8


class Leftovers(NamedTuple):
    """Figures nothing explained: those to ask about, and everything set aside, as typed."""

    unexplained: tuple[str, ...]
    set_aside: tuple[SetAside, ...]


def _could_be_clinical(value: float, protocol: Protocol) -> bool:
    """Whether a value lies in the plausible range of a count, a dose or a CrCl."""
    ranges = [r for rule in protocol.counts.values() for r in (rule.plausible, rule.per_microlitre)]
    ranges += [protocol.ladder.plausible_mg, protocol.plausible["crcl"]]
    return any(lo <= value <= hi for lo, hi in ranges)


def leftovers(msg: Parsed, claims: Claims, protocol: Protocol) -> Leftovers:
    """What the readers left: figures to ask about, and the figures set aside (claimed so, or by type)."""
    labels = set_aside_labels()
    if not (claims or msg.has(Kind.FIGURE, *labels)):
        return Leftovers((), ())
    items = msg.items
    dosing = any(it.kind in _DOSING_KINDS or (it.kind is Kind.KEYWORD and it.type in _DOSING_TYPES) for it in items)
    lookup = not dosing and msg.has(*TOPIC_OF)
    ask: list[str] = []
    aside: list[SetAside] = []
    for i, it in enumerate(items):
        claim = claims.get(i)
        if claim is not None:
            if claim.role is Role.ASIDE:
                aside.append(SetAside(msg.typed(it), claim.label))
            continue
        if it.kind is Kind.KEYWORD and it.type in labels:
            if sum(c.isdigit() for c in it.text) < _IDENTIFIER_DIGITS:  # a phone number is not repeated either
                aside.append(SetAside(msg.typed(it), labels[it.type]))
            continue
        if it.kind is not Kind.FIGURE:
            continue
        num = it.num
        typed = msg.typed(it)
        digits = sum(c.isdigit() for c in num.typed)
        if digits >= _IDENTIFIER_DIGITS:
            continue  # shaped like an identifier: never repeated
        if num.kind is NumKind.WORDS and "point" not in num.typed:
            continue  # "one", "two": words, unless a rule gave them a name
        if num.readable and num.value == int(num.value) and digits == 4 and _YEARS[0] <= num.value <= _YEARS[1]:
            aside.append(SetAside(typed, "a year"))
        elif lookup:
            aside.append(SetAside(typed, "a figure in a look-up question"))
        elif num.readable and not _could_be_clinical(num.value, protocol):
            aside.append(SetAside(typed, "a number not used here"))
        else:
            ask.append(typed)
    return Leftovers(tuple(ask), tuple(aside))
