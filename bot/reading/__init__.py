"""Message -> Facts: the parsed items read into counts, dose, timing, renal function and context.

The readers run in one fixed order, here, and each is handed the figures already claimed:
what-ifs first (so no reader takes a bound in "if plt drops below 30"), timing, the figures
named for each count, renal and patient values, then doses (a figure without mg only where
the words frame it as one), then count values nothing else explained; the last pass lists
every figure nobody claimed, to be asked about or set aside. Every figure in a message ends with exactly one meaning.
"""
from __future__ import annotations

from ..facts import Facts
from ..parsing import Kind, NumKind, Parsed, parse, set_aside_labels
from ..protocol import Protocol
from .aside import leftovers
from .context import read_context, vte_factors
from .counts import find_counts, read_counts
from .dose import read_dose
from .history import read_history
from .renal import read_renal
from .timing import read_timing
from .words import COUNT_NAMES, merged, what_ifs

__all__ = ["figure_meanings", "read_facts", "read_parsed"]


def read_facts(text: str, protocol: Protocol) -> Facts:
    """Read the facts from an already-redacted message."""
    return read_parsed(parse(text), protocol)


def read_parsed(msg: Parsed, protocol: Protocol) -> Facts:
    """The facts of a parsed message."""
    return _read(msg, protocol)[0]


def figure_meanings(msg: Parsed, protocol: Protocol) -> tuple[tuple[str, str], ...]:
    """Each item of the message that holds a figure, as typed, with the one meaning it was given."""
    facts, claims = _read(msg, protocol)
    asked, labels = set(facts.unnamed_values), set_aside_labels()
    aside = {a.typed: a.as_ for a in facts.set_aside}
    out = []
    for i, it in enumerate(msg.items):
        if not any(c.isdigit() for c in it.text) and not (it.num is not None and it.num.kind is NumKind.WORDS):
            continue
        typed = msg.typed(it)
        if i in claims:
            meaning = claims[i].label or claims[i].role.value
        elif it.kind is Kind.FIGURE:
            meaning = "asked about" if typed in asked else aside.get(typed) or _quiet_figure(it)
        elif it.kind is Kind.KEYWORD and it.type in labels:
            meaning = labels[it.type]
        else:
            meaning = it.kind.value  # a count, dose, renal or patient value, a timing, a unit, a schedule
        out.append((typed, meaning))
    return tuple(out)


def _quiet_figure(it) -> str:
    # What the last pass does with a figure it neither asks about nor lists.
    return "shaped like an identifier, not shown" if sum(c.isdigit() for c in it.text) >= 8 else "a number in words"


def _read(msg: Parsed, protocol: Protocol) -> tuple[Facts, dict]:
    claims = what_ifs(msg)
    timing = read_timing(msg, protocol.cycle.days)
    claims = merged(claims, timing.claims)
    found = find_counts(msg, protocol, claims, timing.cycle)
    claims = merged(claims, found.claims)
    renal = read_renal(msg, protocol, claims)
    claims = merged(claims, renal.claims)
    dose = read_dose(msg, protocol, claims)
    claims = merged(claims, dose.claims)
    history = read_history(msg, dose.taken_at)
    counts = read_counts(msg, protocol, history, found, claims, timing.cycle)
    claims = merged(claims, counts.claims)
    left = leftovers(msg, claims, protocol)

    context = read_context(msg)
    read = {r.count for r in counts.readings} | {u.name for u in counts.unreadable}
    valueless = list(counts.valueless)
    if counts.readings or dose.dose or timing.timing:
        # A count word ("neutropenic", "low platelets") with no figure of that count given.
        valueless += [COUNT_NAMES[t] for t in ("T_NEUTROPENIA", "T_THROMBOCYTOPENIA")
                      if t in msg.types and COUNT_NAMES[t] not in read and _standalone(msg, t)]
    facts = dict(
        context, **renal.fields,
        readings=counts.readings,
        count_names_without_value=tuple(dict.fromkeys(valueless)),
        unnamed_values=counts.unnamed + left.unexplained,
        other_counts=counts.other_counts,
        white_cells_only=any(c.startswith(_WHITE) for c in counts.other_counts) and not any(
            r.count == "neutrophils" for r in counts.readings),
        cycle=timing.cycle, cycle_day=timing.cycle_day, timing=timing.timing,
        days_post_transplant=timing.days_post_transplant, cycle_days_unsure=timing.days_unsure,
        dose=dose.dose, doses_seen=dose.doses_seen, other_drug_dosed=dose.other_drug_dosed,
        myeloma_drug_dosed=dose.myeloma_drug_dosed,
        episode=history.episode or ("subsequent" if counts.repeat_fall else None),
        held=history.held, restarted=history.restarted,
        implausible=counts.implausible + timing.implausible + dose.implausible + renal.implausible,
        unreadable=counts.unreadable + dose.unreadable + renal.unreadable,
        set_aside=left.set_aside,
    )
    facts["vte_factors"] = vte_factors(msg, facts.get("age"), facts.get("bmi")) if "vte" in facts["topics"] else {}
    return Facts(**facts), claims


# The total white count, which can hide a neutropenia (a lymphocyte or eosinophil count cannot).
_WHITE = ("wbc", "wcc", "white")


def _standalone(msg: Parsed, token_type: str) -> bool:
    # "neutropenic" as a word of its own; inside a grade it is the grade's count.
    return any(it.type == token_type for it in msg.items)
