"""What one rule concludes, and how several conclusions combine (CONTRACT.md: most restrictive wins)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..answer import ACTION_ORDER, Dose, Statement
from ..protocol import Protocol


@dataclass(frozen=True, slots=True)
class Outcome:
    """One rule's conclusion: action, the next dose and why (internal to the rules, so a plain dataclass)."""

    action: str
    dose: Dose | None = None
    dose_unknown: bool = False  # the dose hangs on a fact the message did not give
    flags: frozenset[str] = frozenset()
    topics: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()
    reasons: tuple[Statement, ...] = ()
    condition: str | None = None  # what the dose waits for ("once platelets are 30 x10^9/L or more")
    when: str | None = None  # and when it starts, if not as soon as that holds ("at the next cycle")

    def but(self, **changes) -> "Outcome":
        """A copy with some fields changed."""
        return replace(self, **changes)

    def key(self) -> tuple:
        """What must agree across unknown facts for an answer to be safe."""
        return (self.action, self.dose.key() if self.dose else None, self.dose_unknown)


_WITHHOLDING = frozenset({"interrupt", "delay_cycle"})


def _rank(action: str) -> int:
    return ACTION_ORDER.index(action)


def combine(outcomes: list[Outcome], protocol: Protocol) -> Outcome:
    """The most restrictive action and the lowest dose win; flags, topics, citations and reasons add up."""
    if len(outcomes) == 1:
        return outcomes[0]
    first = min(outcomes, key=lambda o: _rank(o.action))
    dose, unknown = first.dose, first.dose_unknown
    for o in outcomes:
        unknown = unknown or o.dose_unknown
        if o.dose is not None and dose is not None:
            dose = protocol.ladder.lower(dose, o.dose)
    return Outcome(
        action=first.action,
        dose=dose,
        dose_unknown=unknown,
        flags=frozenset().union(*(o.flags for o in outcomes)),
        topics=tuple(dict.fromkeys(t for o in outcomes for t in o.topics)),
        citations=tuple(dict.fromkeys(c for o in outcomes for c in o.citations)),
        # Under a withholding action a count that calls for no change adds no reason of its own.
        reasons=tuple(dict.fromkeys(r for o in outcomes for r in o.reasons
                                    if not (first.action in _WITHHOLDING and o.action == "continue"))),
        # A restart waits for every count that stopped the drug: each one's condition is kept.
        condition=_joined(o.condition for o in outcomes if o.action in _WITHHOLDING) or first.condition,
        when=_joined(o.when for o in outcomes if o.action in _WITHHOLDING) or first.when,
    )


def _joined(parts) -> str | None:
    return " and ".join(dict.fromkeys(p for p in parts if p)) or None
