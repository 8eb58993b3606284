"""Table 2: one blood count, with the timing, episode and current dose assumed, -> an Outcome."""
from __future__ import annotations

from functools import lru_cache

from ..answer import Dose, Statement
from ..facts import Reading
from ..protocol import CytopeniaRow, Protocol
from .outcome import Outcome

TOPIC = {"neutrophils": "neutropenia", "platelets": "thrombocytopenia"}


def event_of(reading: Reading, protocol: Protocol) -> str:
    """drop (below threshold), recovered (back at or above it after a fall) or ok."""
    threshold = protocol.counts[reading.count].threshold
    if reading.value < threshold or (reading.bound == "below" and reading.value <= threshold):
        return "drop"
    return "recovered" if reading.recovered else "ok"


def matching_row(reading: Reading, timing: str, episode: str, protocol: Protocol) -> CytopeniaRow | None:
    """The first Table 2 row for this count, event, timing and episode."""
    event = event_of(reading, protocol)
    for row in protocol.cytopenia:
        if (
            row.count == reading.count
            and row.event == event
            and row.timing in ("any", timing)
            and row.episode in ("any", episode)
        ):
            return row
    return None


def outcome(reading: Reading, timing: str, episode: str, current: Dose | None, protocol: Protocol) -> Outcome:
    """What Table 2 says for one count; `current` None means the dose was not given."""
    # The answer depends only on the count, its event, the timing, the episode and the dose: a
    # small table, filled in as it is used (Outcome is immutable, so sharing is safe).
    key = ("cytopenia", reading.count, event_of(reading, protocol), timing, episode, current.key() if current else None)
    memo = protocol.memo
    if key not in memo:
        memo[key] = _outcome(reading, timing, episode, current, protocol)
    return memo[key]


def _outcome(reading: Reading, timing: str, episode: str, current: Dose | None, protocol: Protocol) -> Outcome:
    rule = protocol.counts[reading.count]
    topics = (TOPIC[reading.count], "dose_levels")
    row = matching_row(reading, timing, episode, protocol)
    if row is None:
        return Outcome(
            action="refer",
            topics=topics,
            citations=(rule.cite,),
            reasons=(Statement(text=f"The protocol has no step for {rule.label} in this situation.", cite=rule.cite),),
        )
    flags = set(row.flags)
    reasons = [protocol.statement(row.id)]
    if row.setting is not None:
        reasons.append(protocol.statement(f"setting:{row.setting}"))
    action, dose, unknown = row.action, None, False
    if row.dose == "current":
        dose = current
    elif current is None:
        unknown = True
    else:
        on_ladder = protocol.ladder.index(current) is not None
        dose = protocol.ladder.next_level(current)
        if dose is None:
            flags.add("no_further_reduction" if on_ladder else "off_ladder_dose")
            reasons.append(_bottom_statement(current, on_ladder, protocol))
            if row.at_bottom == "refer":
                action = "refer"
    if row.dose == "current" and current is not None and protocol.ladder.index(current) is None:
        # A dose on no step (10 mg 21/28, 7.5 mg): counts that trigger nothing mean carry on with
        # it (CONTRACT); a dose not taken once daily cannot be written as a dose, so it is referred.
        flags.add("off_ladder_dose")
        reasons.append(_off_ladder_statement(current, protocol))
        if current.irregular:
            action, dose = "refer", None
    condition = when = None
    if action in ("interrupt", "delay_cycle") and dose is not None:
        when = row.when
        if row.event != "recovered":  # a count already back has nothing more to wait for
            condition = f"once {rule.label} are {rule.threshold:g} x10^9/L or more"
    return Outcome(
        action=action,
        dose=dose,
        dose_unknown=unknown,
        flags=frozenset(flags),
        topics=topics,
        citations=tuple(dict.fromkeys((*row.cite, protocol.ladder.cite))),
        reasons=tuple(reasons),
        condition=condition,
        when=when,
    )


def _off_ladder_statement(current: Dose, protocol: Protocol) -> Statement:
    text = (f"{current.label()} is on no step of the protocol's dose ladder: the counts call for no change, but any "
            "reduction from it needs a senior decision, or a local protocol with that ladder.")
    return Statement(text=text, cite=protocol.ladder.cite)


def _bottom_statement(current: Dose, on_ladder: bool, protocol: Protocol) -> Statement:
    if on_ladder:
        text = f"{current.label()} is the lowest level of the ladder; there is no further reduction: a senior decision is needed."
    else:
        text = f"{current.label()} is on no step of the dose ladder, so the protocol gives no next level: a senior decision is needed."
    return Statement(text=text, cite=protocol.ladder.cite)


def with_gcsf_footnote(result: Outcome, readings: tuple[Reading, ...], protocol: Protocol) -> Outcome:
    """Table 2's footnote beside a G-CSF row, offered only when no other count is a significant cytopenia."""
    if "consider_gcsf" not in result.flags:
        return result
    note = protocol.gcsf
    other = next((r for r in readings if r.count in note.significant_below and not r.normal and r.value is not None
                  and r.bound in (None, "below", "at_most") and r.value < note.significant_below[r.count]), None)
    return _footnoted(result, other, protocol)


# Bounded: the other count's figure as typed is part of the key, and any figure may be typed.
@lru_cache(maxsize=1024)
def _footnoted(result: Outcome, other: Reading | None, protocol: Protocol) -> Outcome:
    note = protocol.gcsf
    if other is None:
        return result.but(reasons=result.reasons + (protocol.statement("gcsf"),))
    below = note.significant_below[other.count]
    added = (Statement(text=note.not_applicable.format(count=protocol.counts[other.count].label, typed=other.typed,
                                                       below=f"{below:g}"), cite=note.cite),)
    if note.setting is not None:
        added += (protocol.statement(f"setting:{note.setting}"),)  # "significant" is the protocol's reading
    return result.but(reasons=result.reasons + added)
